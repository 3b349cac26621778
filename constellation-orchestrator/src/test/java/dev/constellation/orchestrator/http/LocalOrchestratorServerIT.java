package dev.constellation.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.orchestrator.OrchestratorClient;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.RunState;
import dev.constellation.orchestrator.RunStatus;
import dev.constellation.orchestrator.StartBarrier;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalOrchestratorServerIT {

  private LocalOrchestratorServer server;
  private OrchestratorClient client;

  @BeforeEach
  void start() throws Exception {
    server = new LocalOrchestratorServer(0).start();
    client = new HttpOrchestratorClient(server.url(), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void bindsToLoopbackOnAFreePort() throws Exception {
    InetSocketAddress bound = server.address();
    assertThat(bound.getAddress().isLoopbackAddress()).as("bound to " + bound).isTrue();
    assertThat(bound.getPort()).isPositive().isEqualTo(server.port());
    assertThat(server.url()).isEqualTo(URI.create("http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort() + "/"));
    // The socket itself: reachable on loopback, refused on every other address of this machine.
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      assertThat(s.isConnected()).isTrue();
    }
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
              s.connect(new InetSocketAddress(a, server.port()), 2_000);
            }
          }).as("a connection to " + a.getHostAddress() + ":" + server.port()).isInstanceOf(ConnectException.class);
        }
      }
    }
  }

  @Test
  void runsAWholeRunOverHttp() throws Exception {
    client.reset(new RunSetup("http-1", Map.of("local-a", 1, "local-b", 1), 1_000, 30_000));
    assertThat(client.register("http-1", "local-a", "agent-0").state()).isEqualTo(RunState.WAITING);
    assertThat(client.poll("http-1").state()).isEqualTo(RunState.WAITING);

    RunStatus started = client.register("http-1", "local-b", "agent-0");
    assertThat(started.state()).isEqualTo(RunState.STARTED);
    assertThat(client.poll("http-1").startAt()).isEqualTo(started.startAt());

    client.end("http-1", "local-a", "agent-0", Map.of("requests", 12L, "failures", 1L));
    RunStatus done = client.end("http-1", "local-b", "agent-0", Map.of("requests", 8L));
    assertThat(done.complete()).isTrue();
    RunStatus status = client.status("http-1");
    assertThat(status.complete()).isTrue();
    assertThat(status.regions().get("local-a").ended()).isEqualTo(1);
    assertThat(status.regions().get("local-a").totals()).containsEntry("failures", 1L);
  }

  @Test
  void bringsTheOrchestratorsRefusalToTheCallerWithItsCode() throws Exception {
    client.reset(RunSetup.of("http-2", Map.of("local-a", 1)));

    assertThatThrownBy(() -> client.register("http-2", "local-z", "agent-0"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNKNOWN_REGION))
        .hasMessageContaining("'local-z'");
  }

  @Test
  void startsAgentsTogetherThroughTheBarrier() throws Exception {
    client.reset(new RunSetup("http-3", Map.of("local-a", 2, "local-b", 1), 500, 30_000));
    ExecutorService agents = Executors.newFixedThreadPool(3);
    try {
      List<Future<StartBarrier.Start>> starts = new ArrayList<>();
      String[][] who = {{"local-a", "0"}, {"local-a", "1"}, {"local-b", "0"}};
      for (String[] agent : who) {
        OrchestratorClient own = new HttpOrchestratorClient(server.url(), Duration.ofSeconds(5));
        starts.add(agents.submit(() -> new StartBarrier(own, StartBarrier.DEFAULT_POLL_INTERVAL,
            Duration.ofSeconds(20)).await("http-3", agent[0], agent[1])));
      }
      for (Future<StartBarrier.Start> f : starts) {
        StartBarrier.Start start = f.get(20, TimeUnit.SECONDS);
        System.out.printf("StartBarrier over HTTP: woke %d us after startAt%n",
            start.lateness().toNanos() / 1_000);
        assertThat(start.lateness()).isBetween(Duration.ZERO, Duration.ofMillis(30));
      }
    } finally {
      agents.shutdownNow();
    }
  }

  @Test
  void abortsOverHttpAndAWaitingBarrierStopsNamingTheReason() throws Exception {
    client.reset(new RunSetup("http-4", Map.of("local-a", 2), 500, 30_000));
    ExecutorService agent = Executors.newSingleThreadExecutor();
    try {
      Future<StartBarrier.Start> start = agent.submit(() -> new StartBarrier(client, Duration.ofMillis(50),
          Duration.ofSeconds(30)).await("http-4", "local-a", "agent-0"));
      Thread.sleep(200);
      assertThat(start).isNotDone();

      RunStatus aborted = client.abort("http-4", "the runner could not start local-a/agent-1");
      assertThat(aborted.state()).isEqualTo(RunState.ABORTED);
      assertThat(aborted.abortReason()).isEqualTo("the runner could not start local-a/agent-1");

      assertThatThrownBy(() -> start.get(5, TimeUnit.SECONDS)).cause()
          .isInstanceOfSatisfying(OrchestratorException.class, e ->
              assertThat(e.code()).isEqualTo(OrchestratorException.ABORTED))
          .hasMessageContaining("the runner could not start local-a/agent-1");
      assertThat(client.status("http-4").abortReason()).isEqualTo("the runner could not start local-a/agent-1");
    } finally {
      agent.shutdownNow();
    }
  }

  @Test
  void failsClosedNamingTheAddressWhenNothingListensThere() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    URI wrong = URI.create("http://127.0.0.1:" + closedPort + "/");
    StartBarrier barrier = new StartBarrier(new HttpOrchestratorClient(wrong, Duration.ofSeconds(1)),
        Duration.ofMillis(50), Duration.ofSeconds(1));

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> barrier.await("run-x", "local-a", "agent-0"))
        .isInstanceOfSatisfying(OrchestratorException.class, e -> {
          System.out.println("closed port message: " + e.getMessage());
          assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE);
        })
        .hasMessageContaining("orchestrator at " + wrong)
        .hasMessageContaining("cannot reach the orchestrator at " + wrong)
        .hasMessageContaining("did not start the test")
        .hasMessageContaining("Check that the orchestrator is running");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void answersOtherPathsAndMethodsWithTheWayToCallIt() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.url()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.body()).contains("use POST /");
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(server.url().resolve("/x"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).contains("POST actions to /");
  }
}
