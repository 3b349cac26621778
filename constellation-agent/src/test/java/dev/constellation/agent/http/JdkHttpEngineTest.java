package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code jdk} engine against a raw loopback server: methods and bodies, response headers in
 * lower case, the request timeout over a slow body, the one counted retry of a request the server
 * dropped on a reused connection (none with retries off, none after a refused connect), and the
 * headers a script may not set.
 */
@Timeout(30)
class JdkHttpEngineTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> retried = new CopyOnWriteArrayList<>();
  private final HttpEngine.Attempts attempts = (type, nanos) -> retried.add(type + (nanos > 0 ? "" : " (no time)"));

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

  /** As the socket engine does (HttpConnectionEdgesTest): a URI's raw non-ASCII goes out as its UTF-8 sequence. */
  @Test
  void aUriThatHoldsACharacterOutsideTheBmpSendsItsOneUtf8Sequence() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
      return true;
    }));
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    HttpEngine.RawResponse r = engine.send("GET", java.net.URI.create(s.url() + "/a\uD83D\uDE00b?q=\uD83D\uDE00"), List.of(), null,
        TIMEOUT);
    assertThat(r.status()).isEqualTo(200);
    assertThat(s.requestLines()).containsExactly("GET /a%F0%9F%98%80b?q=%F0%9F%98%80 HTTP/1.1");
  }

  @Test
  void sendsEachMethodWithItsBodyAndReturnsStatusHeadersAndBody() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 201 Created\r\nX-Answer: 42\r\nContent-Length: 2\r\n\r\nok"));
      return true;
    }));
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    HttpEngine.RawResponse r = engine.send("POST", RequestTarget.of(s.url() + "/p?q=1"), List.of("X-Test", "yes"),
        "body".getBytes(StandardCharsets.UTF_8), TIMEOUT, attempts);
    assertThat(r.status()).isEqualTo(201);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("ok");
    assertThat(r.headers().get("x-answer")).containsExactly("42");
    assertThat(r.headers()).doesNotContainKey("X-Answer");
    for (String m : List.of("GET", "DELETE", "PUT", "OPTIONS")) {
      engine.send(m, RequestTarget.of(s.url() + "/m"), List.of(), null, TIMEOUT, attempts);
    }
    HttpEngine.RawResponse head = engine.send("HEAD", RequestTarget.of(s.url() + "/h"), List.of(), null, TIMEOUT, attempts);
    assertThat(head.body()).isEmpty();
    assertThat(s.requestLines()).containsExactly("POST /p?q=1 HTTP/1.1", "GET /m HTTP/1.1", "DELETE /m HTTP/1.1", "PUT /m HTTP/1.1",
        "OPTIONS /m HTTP/1.1", "HEAD /h HTTP/1.1");
    assertThat(s.heads().get(0)).contains("X-Test: yes\r\n").contains("Content-Length: 4\r\n");
    // no body, no body framing: GET and DELETE carry neither Content-Length nor Transfer-Encoding, except that the JDK's
    // client on Java 17 and 18 adds Content-Length: 0 to every request (JDK-8283544, fixed in 19; docs/user-guide.md)
    for (String bodyless : List.of(s.heads().get(1), s.heads().get(2))) {
      assertThat(bodyless).doesNotContainIgnoringCase("transfer-encoding");
      if (Runtime.version().feature() >= 19) {
        assertThat(bodyless).doesNotContainIgnoringCase("content-length");
      } else {
        assertThat(bodyless).contains("\r\nContent-Length: 0\r\n");
      }
    }
    assertThat(new String(s.bodies().get(0), StandardCharsets.UTF_8)).isEqualTo("body");
    assertThat(retried).isEmpty();
  }

  @Test
  void theRequestTimeoutCoversASlowBody() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab"));
      out.flush();
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        return false;
      }
      return false;
    }));
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/slow"), List.of(), null,
        Duration.ofMillis(400), attempts));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(t).isInstanceOf(HttpTimeoutException.class).hasMessage("request timed out while reading the response body");
    assertThat(ErrorTypes.classify(t)).isEqualTo("timeout");
    assertThat(ms).isBetween(390L, 3_000L);
    assertThat(retried).isEmpty();
  }

  @Test
  void aRequestTheServerDroppedOnAReusedConnectionIsSentOnceMoreAndTold() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      if (n == 2) {
        return false;
      }
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + c));
      return true;
    }));
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    engine.send("POST", RequestTarget.of(s.url() + "/o"), List.of(), new byte[] {1}, TIMEOUT, attempts);
    HttpEngine.RawResponse r = engine.send("POST", RequestTarget.of(s.url() + "/o"), List.of(), new byte[] {1}, TIMEOUT, attempts);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("2");
    assertThat(retried).containsExactly("connection_closed");
    assertThat(s.requests()).isEqualTo(3);

    JdkHttpEngine off = closing(new JdkHttpEngine(Duration.ofSeconds(2), false));
    RawServer s2 = closing(new RawServer((head, out, c, n) -> {
      if (n == 2) {
        return false;
      }
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + c));
      return true;
    }));
    off.send("GET", RequestTarget.of(s2.url() + "/o"), List.of(), null, TIMEOUT, attempts);
    Throwable t = catchThrowable(() -> off.send("GET", RequestTarget.of(s2.url() + "/o"), List.of(), null, TIMEOUT, attempts));
    assertThat(t).isInstanceOf(IOException.class);
    assertThat(ErrorTypes.classify(t)).isEqualTo("connection_closed");
    assertThat(s2.requests()).isEqualTo(2);
    assertThat(retried).containsExactly("connection_closed");
  }

  @Test
  void aRefusedConnectionIsNotRetried() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    Throwable t = catchThrowable(() -> engine.send("GET", RequestTarget.of("http://127.0.0.1:" + port + "/"), List.of(), null,
        TIMEOUT, attempts));
    assertThat(ErrorTypes.classify(t)).isEqualTo("connection_refused");
    assertThat(retried).isEmpty();
  }

  @Test
  void theEnginesHeadersAreRefusedBeforeAnythingIsSent() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
      return true;
    }));
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    assertThat(catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/"), List.of("Transfer-Encoding", "chunked"), null,
        TIMEOUT, attempts))).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(
            "request header Transfer-Encoding cannot be set by a script");
    assertThat(s.requests()).isZero();
  }

  @Test
  void onlyOneRetryIsMadeAndItsAttemptsTimeIsTold() throws Exception {
    // every request but the first of connection 1 is dropped unanswered
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      if (c > 1 || n > 1) {
        return false;
      }
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + c));
      return true;
    }));
    List<Long> nanos = new CopyOnWriteArrayList<>();
    HttpEngine.Attempts timed = (type, n) -> {
      retried.add(type);
      nanos.add(n);
    };
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    engine.send("GET", RequestTarget.of(s.url() + "/o"), List.of(), null, TIMEOUT, timed);
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/o"), List.of(), null, TIMEOUT, timed));
    long elapsed = System.nanoTime() - start;
    // the cause the JDK wrapped in "Too many retries" itself (here "HTTP/1.1 header parser received no bytes", from an
    // EOFException), not that wrapper, nor a copy of that cause wrapping it
    assertThat(t).isInstanceOf(IOException.class).hasMessageNotContaining("Too many retries");
    assertThat(t.getCause()).isNotNull();
    assertThat(t.getCause().getMessage()).isNotEqualTo(t.getMessage());
    assertThat(ErrorTypes.classify(t)).isEqualTo("connection_closed");
    assertThat(retried).containsExactly("connection_closed");
    assertThat(nanos.get(0)).isPositive().isLessThan(elapsed);
    assertThat(s.requests()).isEqualTo(3);
    assertThat(s.connections()).isEqualTo(2);
  }

  @Test
  void theRequestTimeoutCoversAServerThatSendsNoHeaders() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      try {
        Thread.sleep(3_000);
      } catch (InterruptedException e) {
        return false;
      }
      return false;
    }));
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/"), List.of(), null, Duration.ofMillis(300),
        attempts));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(t).isInstanceOf(HttpTimeoutException.class).hasMessage("request timed out");
    assertThat(ms).isBetween(290L, 1_500L);
    assertThat(retried).isEmpty();
  }

  /** A body past its deadline cancels the exchange: the JDK closes the connection, and the server reads its end. */
  @Test
  void aBodyPastItsDeadlineClosesTheConnection() throws Exception {
    java.util.concurrent.CountDownLatch endOfStream = new java.util.concurrent.CountDownLatch(1);
    ServerSocket server = closing(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
    Thread t = new Thread(() -> {
      try (java.net.Socket s = server.accept()) {
        s.setSoTimeout(3_000);
        java.io.InputStream in = s.getInputStream();
        int matched = 0;
        while (matched < 4) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        s.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab"));
        s.getOutputStream().flush();
        if (in.read() < 0) {
          endOfStream.countDown();
        }
      } catch (IOException e) {
        // timed out: the client kept the connection open
      }
    }, "partial-body-server");
    t.setDaemon(true);
    t.start();
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    Throwable f = catchThrowable(() -> engine.send("GET", RequestTarget.of("http://127.0.0.1:" + server.getLocalPort() + "/slow"),
        List.of(), null, Duration.ofMillis(300), attempts));
    assertThat(f).isInstanceOf(HttpTimeoutException.class).hasMessage("request timed out while reading the response body");
    assertThat(endOfStream.await(2, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  /** A connection that ends in the middle of the body fails the request at once, as a closed connection, not at the deadline. */
  @Test
  void aBodyCutShortFailsAtOnceAsAClosedConnection() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab"));
      return false;
    }));
    JdkHttpEngine engine = closing(new JdkHttpEngine(Duration.ofSeconds(2)));
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/cut"), List.of(), null, TIMEOUT, attempts));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(t).isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
    assertThat(ErrorTypes.classify(t)).isEqualTo("connection_closed");
    assertThat(ms).isLessThan(2_000L);
    assertThat(retried).isEmpty();
  }

  /**
   * The jdk.httpclient properties the engine needs are set when absent (here each is cleared for
   * the call, then put back: java.net.http read them once already, so nothing else sees the gap).
   */
  @Test
  void theClientPropertiesItNeedsAreSetWhenAbsent() {
    Map<String, String> needed = Map.of("jdk.httpclient.redirects.retrylimit", "1", "jdk.httpclient.enableAllMethodRetry", "true",
        "jdk.httpclient.disableRetryConnect", "true", "jdk.httpclient.allowRestrictedHeaders", "host,connection");
    Map<String, String> was = new java.util.HashMap<>();
    needed.keySet().forEach(k -> was.put(k, System.clearProperty(k)));
    try {
      JdkHttpEngine.configureJdkClient();
      needed.forEach((k, v) -> assertThat(System.getProperty(k)).as(k).isEqualTo(v));
      // a value already set is kept (and warned about when it differs)
      System.setProperty("jdk.httpclient.redirects.retrylimit", "3");
      JdkHttpEngine.configureJdkClient();
      assertThat(System.getProperty("jdk.httpclient.redirects.retrylimit")).isEqualTo("3");
      List<String> warned = new java.util.ArrayList<>();
      JdkHttpEngine.setIfAbsent("jdk.httpclient.redirects.retrylimit", "1", warned::add);
      assertThat(warned).containsExactly("-Djdk.httpclient.redirects.retrylimit=3 is set; the jdk engine needs 1 to count every"
          + " retry and redirect itself (docs/user-guide.md, \"Retries\")");
      // the same value but for case is no conflict; an absent one is set without a word
      System.setProperty("jdk.httpclient.enableAllMethodRetry", "TRUE");
      JdkHttpEngine.setIfAbsent("jdk.httpclient.enableAllMethodRetry", "true", warned::add);
      System.clearProperty("jdk.httpclient.disableRetryConnect");
      JdkHttpEngine.setIfAbsent("jdk.httpclient.disableRetryConnect", "true", warned::add);
      assertThat(System.getProperty("jdk.httpclient.disableRetryConnect")).isEqualTo("true");
      assertThat(warned).hasSize(1);
    } finally {
      was.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }
}
