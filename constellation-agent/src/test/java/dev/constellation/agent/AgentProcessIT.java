package dev.constellation.agent;

import dev.constellation.agent.runtime.Console;
import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.RunStatus;
import dev.constellation.orchestrator.http.HttpOrchestratorClient;
import dev.constellation.orchestrator.http.LocalOrchestratorServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as the plugin and the container run it: a separate JVM, through its main class. */
class AgentProcessIT {

  @TempDir Path dir;

  @VirtualUser
  public static class Ping {
    private Http http;

    @Iteration
    void run() {
      http.get("/ping");
    }
  }

  private Process start(String java, String url, String duration, Path log, String... extra) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp, AgentMain.class.getName(), "--runId", "it-run", "--vus", "20",
        "--duration", duration, "--baseUrl", url, "--scripts", Ping.class.getName(), "--resultsDir", dir.resolve("records").toString()));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static String modernJava() {
    return dev.constellation.agent.vt.ModernJdk.java().toString();
  }

  private long recordedRequests() throws Exception {
    return new LocalDirectoryStore(dir.resolve("records")).readRun("it-run").stream()
        .filter(r -> r.kind().equals(IntervalRecord.KIND_HTTP)).mapToLong(IntervalRecord::count).sum();
  }

  @Test
  void runsOnVirtualThreadsOnJava21PlusAndRecordsEveryRequest() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 2)) {
      Path log = dir.resolve("agent.log");
      Process p = start(modernJava(), target.url(), "2s", log);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).containsPattern("Java (2[1-9]|[3-9]\\d), virtual threads");
      // the target is on this machine: the agent's main takes half the CPUs for its carriers
      int cpus = Runtime.getRuntime().availableProcessors();
      int carriers = Math.max(1, cpus / 2);
      assertThat(out).contains("virtual threads on " + carriers + (carriers == 1 ? " carrier thread" : " carrier threads")
          + " (half of " + cpus + " CPUs: the target is on this machine");
      assertThat(recordedRequests()).isEqualTo(target.requests()).isGreaterThan(100);
    }
  }

  @Test
  void flushesEverythingItRecordedAndReportsItsEndWhenStoppedWithSigterm() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 2);
        LocalOrchestratorServer orchestrator = new LocalOrchestratorServer(0).start()) {
      HttpOrchestratorClient client = new HttpOrchestratorClient(orchestrator.url(), Duration.ofSeconds(5));
      client.reset(new RunSetup("it-run", Map.of("local", 1), 200, 30_000));
      Path log = dir.resolve("agent.log");
      Process p = start(modernJava(), target.url(), "60s", log, "--orchestrator", orchestrator.url().toString());
      long deadline = System.currentTimeMillis() + 30_000;
      while (target.requests() < 500 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      long sigtermAt = System.nanoTime();
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermAt);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(target.requests()).isGreaterThanOrEqualTo(500);
      assertThat(recordedRequests()).as(out).isEqualTo(target.requests());
      assertThat(stopMillis).as("stopped within the short SIGTERM grace").isLessThan(10_000);
      RunStatus status = client.status("it-run");
      assertThat(status.complete()).as(out).isTrue();
      assertThat(status.regions().get("local").totals()).containsEntry("requests", target.requests());
    }
  }

  @Test
  void refusesToStartWhenTheOrchestratorCannotBeReached() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 0)) {
      String nowhere = TestTargets.refusingUrl() + "/";
      Path log = dir.resolve("agent.log");
      Process p = start("java", target.url(), "5s", log, "--orchestrator", nowhere, "--startTimeout", "2s");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isEqualTo(AgentMain.EXIT_ABORTED);
      assertThat(out).contains("no load was sent").contains(nowhere).contains("did not start the test");
      assertThat(target.requests()).isZero();
    }
  }

  @Test
  void aSigtermWhileWaitingForTheStartEndsTheAgentAtOnceWithOneLineAndNoLoad() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 0);
        LocalOrchestratorServer orchestrator = new LocalOrchestratorServer(0).start()) {
      HttpOrchestratorClient client = new HttpOrchestratorClient(orchestrator.url(), Duration.ofSeconds(5));
      client.reset(new RunSetup("it-run", Map.of("local", 2), 200, 120_000)); // the second agent never comes
      Path log = dir.resolve("agent.log");
      Process p = start("java", target.url(), "5s", log, "--orchestrator", orchestrator.url().toString());
      long deadline = System.currentTimeMillis() + 60_000;
      while (client.status("it-run").registered() < 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(client.status("it-run").registered()).as(Files.readString(log, StandardCharsets.UTF_8)).isEqualTo(1);
      long sigtermAt = System.nanoTime();
      p.destroy(); // SIGTERM at the barrier (--startTimeout is 5 minutes)
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermAt);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      System.out.printf("SIGTERM at the start barrier: exit %d after %d ms%n", p.exitValue(), stopMillis);
      assertThat(stopMillis).as(out).isLessThan(10_000);
      assertThat(out.lines().filter(l -> l.startsWith(Console.ERROR_MARKER)).toList())
          .containsExactly(Console.ERROR_MARKER + "agent local-0 was stopped (SIGTERM) before the start; no load was sent");
      assertThat(target.requests()).isZero();
    }
  }

  @Test
  void aTestAbortWhileWaitingForTheStartEndsTheAgentAtOnceNamingTheReason() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 0);
        LocalOrchestratorServer orchestrator = new LocalOrchestratorServer(0).start()) {
      HttpOrchestratorClient client = new HttpOrchestratorClient(orchestrator.url(), Duration.ofSeconds(5));
      client.reset(new RunSetup("it-run", Map.of("local", 2), 200, 120_000)); // the second agent never comes
      Path log = dir.resolve("agent.log");
      Process p = start("java", target.url(), "5s", log, "--orchestrator", orchestrator.url().toString());
      long deadline = System.currentTimeMillis() + 60_000;
      while (client.status("it-run").registered() < 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(client.status("it-run").registered()).as(Files.readString(log, StandardCharsets.UTF_8)).isEqualTo(1);
      long abortAt = System.nanoTime();
      client.abort("it-run", "agent local-1 exited with code 2 (bad input)");
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - abortAt);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      System.out.printf("test-abort at the start barrier: exit %d after %d ms%n", p.exitValue(), stopMillis);
      assertThat(p.exitValue()).as(out).isEqualTo(AgentMain.EXIT_ABORTED);
      assertThat(stopMillis).as(out).isLessThan(10_000);
      List<String> errors = out.lines().filter(l -> l.startsWith(Console.ERROR_MARKER)).toList();
      assertThat(errors).as(out).hasSize(1);
      assertThat(errors.get(0)).startsWith(Console.ERROR_MARKER + "no load was sent: the run was aborted")
          .endsWith("run 'it-run' was aborted (test-abort at " + orchestrator.url()
              + "): agent local-1 exited with code 2 (bad input); this agent sends no load");
      assertThat(target.requests()).isZero();
    }
  }
}
