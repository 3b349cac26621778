package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ascii;
import static dev.constellation.agent.http.RawServer.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.constellation.agent.record.Recording;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport faults of issue 13 (keep-alive races, whole-exchange timeouts, URL encoding,
 * framing headers, script-set headers, early responses) and the retry accounting of issue 14, on
 * both engines, each against a raw loopback server that counts what it receives.
 */
@Timeout(60)
class TransportFaultsIT {

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Recording recording;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void aPostOnAConnectionTheServerClosedWhileIdleIsSentAgainOnANewOne(String engineName) throws Exception {
    RawServer server = server(new RawServer(1000, true, (head, out, c, n) -> {
      ok(out, "");
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    assertThat(http.post("/orders", "{}", "application/json").status()).isEqualTo(200);
    Thread.sleep(1500);
    assertThat(http.post("/orders", "{}", "application/json").status()).isEqualTo(200);
    Totals t = totals();
    assertThat(server.requests()).isEqualTo(2);
    assertThat(t.requests).isEqualTo(2);
    assertThat(t.failures).isZero();
    // both engines watch idle pooled connections and drop the closed one before reuse
    assertThat(t.retries).isZero();
    assertThat(server.connections()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void theServersKeepAliveTimeoutRetiresTheConnectionBeforeItIsStale(String engineName) throws Exception {
    RawServer server = server(new RawServer(1000, true, (head, out, c, n) -> {
      ok(out, "Keep-Alive: timeout=1, max=100\r\n");
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    http.post("/orders", "{}", "application/json");
    Thread.sleep(1500);
    http.post("/orders", "{}", "application/json");
    Totals t = totals();
    assertThat(t.failures).isZero();
    assertThat(t.retries).isZero();
    assertThat(server.requests()).isEqualTo(2);
    assertThat(server.connections()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "socket https"})
  void keepAliveMaxZeroMeansTheConnectionIsNotReused(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      ok(out, "Keep-Alive: timeout=5, max=0\r\n");
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    for (int i = 0; i < 3; i++) {
      http.get("/x");
    }
    assertThat(server.connections()).isEqualTo(3);
    assertThat(totals().retries).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void aServerClosingAfterItsNthResponseCostsNoRequest(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      ok(out, "");
      return n < 3; // closes after its 3rd response without saying so, like a max keep-alive requests setting
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    for (int i = 0; i < 30; i++) {
      assertThat(http.post("/orders", "{}", "application/json").status()).isEqualTo(200);
    }
    Totals t = totals();
    assertThat(t.failures).isZero();
    assertThat(t.requests).isEqualTo(30);
    assertThat(server.requests()).isEqualTo(30);
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "socket https"})
  void anIdleConnectionOnWhichTheServerSentA408IsNotReused(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      ok(out, "");
      if (n == 1) {
        out.flush();
        Thread late = new Thread(() -> {
          try {
            Thread.sleep(50); // the server gives up on the idle connection, as some do, with a 408 owed to nobody
            out.write(ascii("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n"));
            out.flush();
          } catch (Exception ignored) {
            // the test is over
          }
        });
        late.setDaemon(true);
        late.start();
      }
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    assertThat(http.get("/a").status()).isEqualTo(200);
    Thread.sleep(150); // the 408 has arrived; the idle check (after 250 ms) has not run yet
    assertThat(http.get("/b").status()).isEqualTo(200);
    assertThat(server.connections()).isEqualTo(2);
    Totals t = totals();
    assertThat(t.statuses).containsExactly(Map.entry("200", 2L));
    assertThat(t.retries).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void everyAttemptOnTheWireIsCountedAsARequestOrARetry(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      if (head.startsWith("GET /reset ")) {
        return false; // reads the request, closes without answering
      }
      ok(out, "");
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    for (int i = 0; i < 5; i++) {
      http.get("/ok");
      HttpFailure f = catchThrowableOfType(() -> http.get("/reset"), HttpFailure.class);
      assertThat(f.errorType()).isIn("connection_closed", "connection_reset");
    }
    Totals t = totals();
    // each /reset went on the reused connection (no answer: sent again) and then on a new one
    assertThat(server.requests()).isEqualTo(15);
    assertThat(t.requests).isEqualTo(10);
    assertThat(t.failures).isEqualTo(5);
    assertThat(t.retries).isEqualTo(5);
    assertThat(t.retriesByName).containsOnlyKeys("GET /reset");
    assertThat(t.requests + t.retries).isEqualTo(server.requests());
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void withRetriesOffNothingIsSentAgain(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      if (head.startsWith("GET /reset ")) {
        return false;
      }
      ok(out, "");
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), false);
    for (int i = 0; i < 5; i++) {
      http.get("/ok");
      catchThrowableOfType(() -> http.get("/reset"), HttpFailure.class);
    }
    Totals t = totals();
    assertThat(server.requests()).isEqualTo(10);
    assertThat(t.requests).isEqualTo(10);
    assertThat(t.failures).isEqualTo(5);
    assertThat(t.retries).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void theRequestTimeoutCoversASlowBody(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n"));
      out.flush();
      for (int i = 0; i < 10; i++) {
        out.write(ascii("abcd"));
        out.flush();
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return false;
        }
      }
      return false;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(2), true);
    long start = System.nanoTime();
    HttpFailure f = catchThrowableOfType(() -> http.get("/slow"), HttpFailure.class);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(f).isNotNull();
    assertThat(f.errorType()).isEqualTo("timeout");
    assertThat(ms).isBetween(1900L, 3500L);
    assertThat(totals().errors).containsExactly(Map.entry("timeout", 1L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void urlsArePercentEncodedAsBrowsersDo(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      ok(out, "");
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    for (String path : List.of("/search?q=hello world", "/a{b}", "/q?x=\"y\"", "/a|b", "/discount/50%", "/kept%20as%2Fis",
        "/caf\u00e9", "/frag#ment")) {
      assertThat(http.get(path).status()).isEqualTo(200);
    }
    http.get(server.url() + "/absolute path?q=a b");
    assertThat(server.requestLines()).containsExactly(
        "GET /search?q=hello%20world HTTP/1.1",
        "GET /a%7Bb%7D HTTP/1.1",
        "GET /q?x=%22y%22 HTTP/1.1",
        "GET /a%7Cb HTTP/1.1",
        "GET /discount/50%25 HTTP/1.1",
        "GET /kept%20as%2Fis HTTP/1.1",
        "GET /caf%C3%A9 HTTP/1.1",
        "GET /frag HTTP/1.1",
        "GET /absolute%20path?q=a%20b HTTP/1.1");
    assertThat(totals().failures).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void aRequestThatCannotBeSentIsRecordedAsInvalidRequest(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      ok(out, "");
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    HttpFailure badHost = catchThrowableOfType(() -> http.get("http://bad host/items/7"), HttpFailure.class);
    assertThat(badHost.errorType()).isEqualTo("invalid_request");
    assertThat(badHost.requestName()).isEqualTo("GET /items/{id}");
    HttpFailure framing = catchThrowableOfType(() -> http.send(Request.post("/orders").header("Content-Length", "5")
        .body("{}", "application/json").name("create order")), HttpFailure.class);
    assertThat(framing.errorType()).isEqualTo("invalid_request");
    assertThat(framing).hasMessageContaining("Content-Length");
    HttpFailure notHttp = catchThrowableOfType(() -> http.get("ftp://127.0.0.1/file"), HttpFailure.class);
    assertThat(notHttp.errorType()).isEqualTo("invalid_request");
    Totals t = totals();
    assertThat(t.failuresByName).containsOnly(Map.entry("GET /items/{id}", 1L), Map.entry("create order", 1L), Map.entry("GET /file", 1L));
    assertThat(t.errors).containsExactly(Map.entry("invalid_request", 3L));
    assertThat(server.requests()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void bodylessRequestsCarryNoBodyFramingHeaders(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      out.write(ascii(head.startsWith("HEAD") ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n" : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    http.get("/a");
    http.delete("/b");
    http.send(Request.of("HEAD", "/c"));
    http.send(Request.post("/d"));
    assertThat(server.heads()).hasSize(4);
    for (String head : server.heads().subList(0, 3)) {
      String h = head.toLowerCase(Locale.ROOT);
      if (engineName.equals("jdk") && Runtime.version().feature() < 19) {
        // JDK 17's client adds it to every request (JDK-8283544, fixed in 19); documented in docs/user-guide.md
        h = h.replace("\r\ncontent-length: 0\r\n", "\r\n");
      }
      assertThat(h).as(head).doesNotContain("content-length").doesNotContain("transfer-encoding");
    }
    assertThat(server.heads().get(3).toLowerCase(Locale.ROOT)).as("a POST without a body says so").contains("content-length: 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void scriptSetHostAndConnectionCloseAreHonoured(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      boolean close = head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close");
      ok(out, close ? "Connection: close\r\n" : ""); // as RFC 9112 section 9.6 has a server do
      return !close;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    for (int i = 0; i < 3; i++) {
      http.send(Request.get("/x").header("Host", "api.example.test").header("Connection", "close"));
    }
    assertThat(server.heads()).allSatisfy(h -> assertThat(h).contains("\r\nHost: api.example.test\r\n"));
    assertThat(server.connections()).isEqualTo(3);
    Totals t = totals();
    assertThat(t.failures).isZero();
    assertThat(t.retries).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "socket https"})
  void theSocketEngineClosesAfterConnectionCloseEvenWhenTheServerWouldKeepIt(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      ok(out, "");
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    for (int i = 0; i < 3; i++) {
      http.send(Request.get("/x").header("Connection", "close"));
    }
    http.get("/y");
    http.get("/y");
    assertThat(server.heads().subList(0, 3)).allSatisfy(h -> assertThat(h).contains("\r\nConnection: close\r\n"));
    assertThat(server.connections()).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void anEarlyAnswerToAnUploadIsRecorded(String engineName) throws Exception {
    RawServer server = server(new RawServer(0, false, (head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
      return false; // closes with the body unread: the client's write fails
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    byte[] upload = new byte[4 * 1024 * 1024];
    for (int i = 0; i < 20; i++) {
      try {
        assertThat(http.send(Request.post("/upload").body(upload, "application/octet-stream")).status()).isEqualTo(413);
      } catch (HttpFailure lostByTheJdkClient) {
        assertThat(engineName).isEqualTo("jdk");
      }
    }
    Totals t = totals();
    assertThat(t.requests).isEqualTo(20);
    if (engineName.startsWith("socket")) {
      assertThat(t.statuses).containsExactly(Map.entry("413", 20L));
      assertThat(t.errors).isEmpty();
    } else {
      // the JDK client sometimes loses the early answer to the reset (docs/user-guide.md)
      long answered = t.statuses.getOrDefault("413", 0L);
      long lost = t.errors.values().stream().mapToLong(Long::longValue).sum();
      assertThat(answered + lost).isEqualTo(20);
      assertThat(answered).isGreaterThanOrEqualTo(15);
    }
    // the JDK client sometimes reuses the connection the 413 closed; the attempt is sent again, and counted
    assertThat(t.requests + t.retries).isEqualTo(server.requests());
    if (engineName.startsWith("socket")) {
      assertThat(server.requests()).isEqualTo(20);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void aPostRedirectedWith303IsFollowedAsAGet(String engineName) throws Exception {
    RawServer server = server(new RawServer((head, out, c, n) -> {
      if (head.startsWith("POST /orders ")) {
        out.write(ascii("HTTP/1.1 303 See Other\r\nLocation: /orders/7\r\nContent-Length: 0\r\n\r\n"));
      } else {
        ok(out, "");
      }
      return true;
    }));
    InstrumentedHttp http = http(engineName, server, Duration.ofSeconds(10), true);
    assertThat(http.post("/orders", "{}", "application/json").status()).isEqualTo(200);
    assertThat(server.requestLines()).containsExactly("POST /orders HTTP/1.1", "GET /orders/7 HTTP/1.1");
    if (!engineName.equals("jdk") || Runtime.version().feature() >= 19) { // JDK-8283544, see bodylessRequests...
      assertThat(server.heads().get(1).toLowerCase(Locale.ROOT)).doesNotContain("content-length");
    }
  }

  private RawServer server(RawServer s) {
    closeables.add(s);
    return s;
  }

  /**
   * A client of the given engine for the server; with "https" after the engine's name (e.g.
   * {@code "socket https"}), the server speaks TLS with a self-signed certificate the client trusts.
   */
  private InstrumentedHttp http(String engineName, RawServer server, Duration timeout, boolean retries) {
    boolean https = engineName.endsWith(" https");
    if (https) {
      server.tls(TestTls.serverContext());
    }
    String baseUrl = server.url();
    HttpEngine engine = HttpEngines.create(engineName.replace(" https", ""), Duration.ofSeconds(2), retries,
        https ? TestTls.trusting().sslContext() : null);
    closeables.add(0, engine);
    recording = new Recording("run", "local", "local-0", 100);
    return new InstrumentedHttp(engine, recording, "script", baseUrl, timeout);
  }

  private Totals totals() {
    Totals t = new Totals();
    for (IntervalRecord r : recording.drain(0, 1000)) {
      if (r.kind().equals(IntervalRecord.KIND_HTTP)) {
        t.requests += r.count();
        t.failures += r.failures();
        if (r.failures() > 0) {
          t.failuresByName.merge(r.name(), r.failures(), Long::sum);
        }
        r.errors().forEach((k, v) -> t.errors.merge(k, v, Long::sum));
        r.statusCodes().forEach((k, v) -> t.statuses.merge(k, v, Long::sum));
      } else if (r.kind().equals(IntervalRecord.KIND_RETRY)) {
        t.retries += r.count();
        t.retriesByName.merge(r.name(), r.count(), Long::sum);
      }
    }
    return t;
  }

  /** What the records of a test add up to. */
  private static final class Totals {
    long requests;
    long failures;
    long retries;
    final Map<String, Long> errors = new TreeMap<>();
    final Map<String, Long> statuses = new TreeMap<>();
    final Map<String, Long> failuresByName = new TreeMap<>();
    final Map<String, Long> retriesByName = new TreeMap<>();
  }
}
