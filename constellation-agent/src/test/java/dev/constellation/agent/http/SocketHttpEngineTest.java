package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The socket engine's own work around {@link HttpConnection} over plain http: the connect's time
 * limit (the connect timeout or the request's deadline, whichever ends first) with its exact
 * message, the connect time it reports, a connection opened while the engine closed, an interrupted
 * request, the time a retried attempt took, and which idle connections the idle check probes.
 */
@Timeout(30)
class SocketHttpEngineTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final SocketHttpEngineTlsTest.Recorded attempts = new SocketHttpEngineTlsTest.Recorded();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closing.add(0, c);
    return c;
  }

  private HttpEngine.RawResponse get(SocketHttpEngine engine, String url, Duration timeout) throws Exception {
    return engine.send("GET", RequestTarget.of(url), List.of(), null, timeout, attempts);
  }

  /**
   * A listening socket whose accept queue is full and never drained: the kernel drops further SYNs,
   * so a connect to it waits until its time limit.
   */
  private ServerSocket full() throws IOException {
    ServerSocket s = closing(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
    for (int i = 0; i < 16; i++) {
      Socket filler = closing(new Socket());
      try {
        filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()), 200);
      } catch (SocketTimeoutException queueFull) {
        return s;
      }
    }
    throw new IllegalStateException("the accept queue never filled");
  }

  @Test
  void aConnectThatHangsEndsAtTheConnectTimeoutWithItsExactLimit() throws Exception {
    ServerSocket s = full();
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofMillis(300)));
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> get(engine, "http://127.0.0.1:" + s.getLocalPort() + "/", TIMEOUT));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(t).isInstanceOf(HttpConnectTimeoutException.class).hasCauseInstanceOf(SocketTimeoutException.class)
        .hasMessage("connect to 127.0.0.1:" + s.getLocalPort() + " timed out after 300 ms");
    assertThat(ErrorTypes.classify(t)).isEqualTo("connect_timeout");
    assertThat(ms).isBetween(290L, 1_500L);
    assertThat(attempts.connected).isEmpty();
  }

  @Test
  void theRequestsDeadlineLimitsTheConnectWhenItComesFirst() throws Exception {
    ServerSocket s = full();
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(10)));
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> get(engine, "http://127.0.0.1:" + s.getLocalPort() + "/", Duration.ofMillis(300)));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(t).isInstanceOf(HttpConnectTimeoutException.class);
    String prefix = "connect to 127.0.0.1:" + s.getLocalPort() + " timed out after ";
    assertThat(t.getMessage()).startsWith(prefix).endsWith(" ms");
    int limit = Integer.parseInt(t.getMessage().substring(prefix.length(), t.getMessage().length() - 3));
    // what was left of the 300 ms when the connect began
    assertThat(limit).isBetween(200, 299);
    assertThat(ms).isBetween(200L, 1_500L);
  }

  @Test
  void aPlainConnectionReportsItsConnectTimeAndNoHandshake() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      ok(out, "");
      return true;
    }));
    List<String> resolved = new ArrayList<>();
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2), host -> {
      resolved.add(host);
      return InetAddress.getLoopbackAddress();
    }));
    long start = System.nanoTime();
    get(engine, "http://[::1]:" + s.port() + "/", TIMEOUT);
    long elapsed = System.nanoTime() - start;
    get(engine, "http://[::1]:" + s.port() + "/", TIMEOUT);
    assertThat(resolved).containsExactly("::1");
    assertThat(s.heads().get(0)).contains("\r\nHost: [::1]:" + s.port() + "\r\n");
    assertThat(attempts.connected).hasSize(1);
    assertThat(attempts.connected.get(0)[0]).isPositive().isLessThan(elapsed);
    assertThat(attempts.connected.get(0)[1]).isEqualTo(-1);
    assertThat(attempts.connected.get(0)[2]).isZero();
    assertThat(engine.measuresConnections()).isTrue();
  }

  /** The engine closes while a request is connecting (here: during its DNS lookup): the new connection is closed, not leaked. */
  @Test
  void aConnectionOpenedWhileTheEngineClosesIsClosedAndTheRequestFails() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicReference<SocketHttpEngine> engine = new AtomicReference<>();
      engine.set(closing(new SocketHttpEngine(Duration.ofSeconds(2), host -> {
        engine.get().close();
        return InetAddress.getLoopbackAddress();
      })));
      Throwable t = catchThrowable(() -> get(engine.get(), "http://127.0.0.1:" + server.getLocalPort() + "/", TIMEOUT));
      assertThat(t).isInstanceOf(IOException.class).hasMessage("the HTTP engine is closed");
      server.setSoTimeout(1_000);
      try (Socket accepted = server.accept()) {
        accepted.setSoTimeout(1_000);
        InputStream in = accepted.getInputStream();
        assertThat(in.read()).as("the client closed its end without sending").isEqualTo(-1);
      }
    }
  }

  @Test
  void anInterruptedRequestFailsAsInterrupted() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        return false;
      }
      return false;
    }));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread vu = new Thread(() -> failure.set(catchThrowable(() -> get(engine, s.url() + "/", Duration.ofMillis(300)))));
    vu.start();
    Thread.sleep(100);
    vu.interrupt();
    vu.join(5_000);
    assertThat(failure.get()).isInstanceOf(InterruptedException.class)
        .hasMessage("interrupted during GET " + s.url() + "/");
    assertThat(ErrorTypes.classify(failure.get())).isEqualTo("interrupted");
  }

  @Test
  void aRetryIsToldWithTheTimeItsFailedAttemptTook() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      if (n == 2) {
        return false;
      }
      ok(out, "");
      return true;
    }));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    get(engine, s.url() + "/", TIMEOUT);
    long start = System.nanoTime();
    assertThat(new String(get(engine, s.url() + "/", TIMEOUT).body(), StandardCharsets.UTF_8)).isEqualTo("ok");
    long elapsed = System.nanoTime() - start;
    assertThat(attempts.retried).containsExactly("connection_closed");
    assertThat(attempts.retriedNanos.get(0)).isPositive().isLessThan(elapsed);
    assertThat(s.connections()).isEqualTo(2);
    assertThat(s.requests()).isEqualTo(3);
  }

  /**
   * The idle check probes a connection only once it was idle for 250 ms: one the server closed
   * after 30 ms of idleness and that is reused after about 120 ms was not probed yet, so the request
   * finds it closed and is sent again (and told).
   */
  @Test
  void aConnectionIdleLessThan250MsIsNotProbed() throws Exception {
    RawServer s = closing(new RawServer(30, true, (head, out, c, n) -> {
      ok(out, "");
      return true;
    }));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    get(engine, s.url() + "/", TIMEOUT);
    Thread.sleep(120);
    get(engine, s.url() + "/", TIMEOUT);
    assertThat(attempts.retried).containsExactly("connection_closed");
    assertThat(s.connections()).isEqualTo(2);
  }

  /** Connections the probe finds open stay in the pool: after 700 ms of idleness (two probes or more) both are reused. */
  @Test
  void idleConnectionsTheProbeFindsOpenAreKept() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      try {
        Thread.sleep(n == 1 ? 100 : 0); // the first two requests overlap, so they take two connections
      } catch (InterruptedException e) {
        return false;
      }
      ok(out, "");
      return true;
    }));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    Thread other = new Thread(() -> catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/"), List.of(), null, TIMEOUT)));
    other.start();
    get(engine, s.url() + "/", TIMEOUT);
    other.join(5_000);
    assertThat(s.connections()).isEqualTo(2);
    Thread.sleep(700);
    Thread again = new Thread(() -> catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/"), List.of(), null, TIMEOUT)));
    again.start();
    get(engine, s.url() + "/", TIMEOUT);
    again.join(5_000);
    get(engine, s.url() + "/", TIMEOUT);
    assertThat(s.connections()).isEqualTo(2);
    assertThat(s.requests()).isEqualTo(5);
    assertThat(attempts.retried).isEmpty();
  }

  /**
   * The idle check's pacing, one round at a time (the engine's own idle-check thread is off): a
   * round probes connections idle for 250 ms or more, at most 20, and skips those it probed in the
   * last 250 ms; the open ones stay in the pool.
   */
  @Test
  void aRoundProbesAtMost20ConnectionsIdleFor250MsAndNoneProbedInTheLast250Ms() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      try {
        Thread.sleep(n == 1 ? 300 : 0); // the first requests overlap: one connection each
      } catch (InterruptedException e) {
        return false;
      }
      ok(out, "");
      return true;
    }));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2), host -> InetAddress.getLoopbackAddress(), true, null,
        false));
    List<Thread> vus = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      Thread vu = new Thread(() -> catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/"), List.of(), null, TIMEOUT)));
      vu.start();
      vus.add(vu);
    }
    for (Thread vu : vus) {
      vu.join(10_000);
    }
    assertThat(s.connections()).isEqualTo(25);
    assertThat(engine.probeRound()).as("idle for less than 250 ms").isZero();
    Thread.sleep(260);
    assertThat(engine.probeRound()).isEqualTo(20);
    assertThat(engine.probeRound()).as("the 5 the first round left").isEqualTo(5);
    assertThat(engine.probeRound()).as("each probed in the last 250 ms").isZero();
    Thread.sleep(260);
    assertThat(engine.probeRound()).isEqualTo(20);
    // all were open and stay pooled
    get(engine, s.url() + "/", TIMEOUT);
    assertThat(s.connections()).isEqualTo(25);
    assertThat(attempts.retried).isEmpty();
  }

  /**
   * A server that answers the first request of each connection with the given bytes (then, 30 ms
   * later, with the extra bytes for that connection, if any) and then only reads, to see the
   * client close its end. Connection {@code i} (from 0) gets {@code answers[i]}.
   */
  static final class EofServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.concurrent.CountDownLatch> ends = new ArrayList<>();
    final List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();

    EofServer(int port, String[] answers, String... later) throws IOException {
      socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
      for (int i = 0; i < answers.length; i++) {
        ends.add(new java.util.concurrent.CountDownLatch(1));
      }
      Thread t = new Thread(() -> {
        for (int i = 0; i < answers.length; i++) {
          int n = i;
          try {
            Socket c = socket.accept();
            accepted.add(c);
            Thread serve = new Thread(() -> serve(c, answers[n], n < later.length ? later[n] : "", ends.get(n)), "eof-server-" + n);
            serve.setDaemon(true);
            serve.start();
          } catch (IOException closed) {
            return;
          }
        }
      }, "eof-server");
      t.setDaemon(true);
      t.start();
    }

    private void serve(Socket c, String answer, String later, java.util.concurrent.CountDownLatch end) {
      try {
        c.setSoTimeout(3_000);
        InputStream in = c.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          head.append((char) b);
        }
        heads.add(head.toString());
        c.getOutputStream().write(RawServer.ascii(answer));
        c.getOutputStream().flush();
        if (!later.isEmpty()) {
          Thread.sleep(30);
          c.getOutputStream().write(RawServer.ascii(later));
          c.getOutputStream().flush();
        }
        while (in.read() >= 0) {
          // whatever the client sends after is not answered
        }
        end.countDown();
      } catch (IOException | InterruptedException e) {
        // timed out after 3 s: the client kept its end open
      }
    }

    int port() {
      return socket.getLocalPort();
    }

    /** Whether the client closed connection {@code i} (from 0) within a second. */
    boolean closedByClient(int i) throws InterruptedException {
      return ends.get(i).await(1, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket c : accepted) {
        c.close();
      }
    }
  }

  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  private static final String LATE_408 = "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n";

  /** Bytes a server sends on a connection nobody asked anything (a 408 as it gives up on it): the probe closes the connection. */
  @Test
  void theProbeClosesAnIdleConnectionThatReceivedBytes() throws Exception {
    EofServer s = closing(new EofServer(0, new String[] {OK}, LATE_408));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    get(engine, "http://127.0.0.1:" + s.port() + "/", TIMEOUT);
    // idle for 250 ms, then the next round (every 100 ms) probes it
    assertThat(s.closedByClient(0)).isTrue();
  }

  /** The same connection taken from the pool before the probe saw it: it is closed and the request goes on a new one. */
  @Test
  void aStaleConnectionIsClosedWhenTakenFromThePool() throws Exception {
    EofServer s = closing(new EofServer(0, new String[] {OK, OK}, LATE_408));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    get(engine, "http://127.0.0.1:" + s.port() + "/", TIMEOUT);
    Thread.sleep(100);
    assertThat(get(engine, "http://127.0.0.1:" + s.port() + "/", TIMEOUT).status()).isEqualTo(200);
    assertThat(s.closedByClient(0)).isTrue();
    assertThat(attempts.connected).hasSize(2);
    assertThat(attempts.retried).isEmpty();
  }

  @Test
  void theClientClosesAConnectionTheServerSaidToClose() throws Exception {
    EofServer s = closing(new EofServer(0, new String[] {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"}));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    get(engine, "http://127.0.0.1:" + s.port() + "/", TIMEOUT);
    assertThat(s.closedByClient(0)).isTrue();
  }

  @Test
  void theClientClosesAConnectionWhoseResponseItCouldNotParse() throws Exception {
    EofServer s = closing(new EofServer(0, new String[] {"HTTP/1.1 abc\r\n\r\n"}));
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    assertThat(catchThrowable(() -> get(engine, "http://127.0.0.1:" + s.port() + "/", TIMEOUT))).isInstanceOf(IOException.class);
    assertThat(s.closedByClient(0)).isTrue();
  }

  @Test
  void closingTheEngineClosesItsPooledConnections() throws Exception {
    EofServer s = closing(new EofServer(0, new String[] {OK}));
    SocketHttpEngine engine = new SocketHttpEngine(Duration.ofSeconds(2));
    get(engine, "http://127.0.0.1:" + s.port() + "/", TIMEOUT);
    engine.close();
    assertThat(s.closedByClient(0)).isTrue();
  }

  /** A URL without a port goes to port 80 with a Host header without one (skipped where port 80 cannot be bound). */
  @Test
  void aUrlWithoutAPortGoesToPort80() throws Exception {
    EofServer s;
    try {
      s = closing(new EofServer(80, new String[] {OK, OK}));
    } catch (IOException cannotBind) {
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "port 80 cannot be bound here: " + cannotBind);
      return;
    }
    SocketHttpEngine engine = closing(new SocketHttpEngine(Duration.ofSeconds(2)));
    assertThat(get(engine, "http://127.0.0.1/", TIMEOUT).status()).isEqualTo(200);
    assertThat(s.heads).singleElement().asString().contains("\r\nHost: 127.0.0.1\r\n");
    // port 0 is a port, not the default: nothing listens there
    assertThat(catchThrowable(() -> get(engine, "http://127.0.0.1:0/", TIMEOUT))).isInstanceOf(IOException.class);
  }
}
