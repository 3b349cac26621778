package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.constellation.agent.record.Recording;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Request;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What each request leaves in the records, on real loopback servers: its latency and service time
 * on every way a request ends (a response, a redirect hop, {@code too_many_redirects},
 * {@code decode_error}, a transport failure, an interrupt), the open model's lateness added to every
 * one of them (user guide: "Closed and open models"; no coordinated omission), the connections it
 * opened with their connect and TLS handshake times (docs/results-format.md), its retries (kind
 * {@code retry}, under the script's name), and the first request's time (start skew).
 */
@Timeout(20)
class InstrumentedHttpRecordsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** Bound of a request's service time on loopback; far below what a time in ns taken for µs (1000×) gives. */
  private static final long SERVICE_BOUND_MICROS = TIMEOUT.toNanos() / 1000;
  private static final long LATENESS_NANOS = 200_000_000L;

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private RawServer server(RawServer.Handler handler) throws IOException {
    RawServer s = new RawServer(handler);
    closing.add(s);
    return s;
  }

  private <E extends HttpEngine> E engine(E engine) {
    closing.add(0, engine);
    return engine;
  }

  private static void respond(OutputStream out, String statusAndHeaders, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(ascii("HTTP/1.1 " + statusAndHeaders + "\r\nContent-Length: " + b.length + "\r\n\r\n"));
    out.write(b);
  }

  private static String path(String head) {
    return head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/1.1"));
  }

  private static Histogram decode(String encoded) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
    } catch (DataFormatException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records of one kind by name. */
  private static Map<String, IntervalRecord> byName(List<IntervalRecord> records, String kind) {
    Map<String, IntervalRecord> out = new TreeMap<>();
    for (IntervalRecord r : records) {
      if (r.kind().equals(kind)) {
        assertThat(out.put(r.name(), r)).as("one %s record of %s", kind, r.name()).isNull();
      }
    }
    return out;
  }

  /**
   * Every {@code http} record holds one request whose latency is its service time (a few ms on
   * loopback, far below the timeout) plus the lateness, to the histogram's precision (3 digits).
   */
  private static void assertLatencyIsServiceTimePlus(List<IntervalRecord> records, long latenessMicros, List<String> names) {
    Map<String, IntervalRecord> http = byName(records, IntervalRecord.KIND_HTTP);
    Map<String, IntervalRecord> service = byName(records, IntervalRecord.KIND_SERVICE);
    assertThat(http.keySet()).containsExactlyInAnyOrderElementsOf(names);
    assertThat(service.keySet()).containsExactlyInAnyOrderElementsOf(names);
    for (String name : names) {
      Histogram latency = http.get(name).decodeHistogram();
      Histogram serviceTime = service.get(name).decodeHistogram();
      assertThat(latency.getTotalCount()).as(name).isEqualTo(1);
      assertThat(serviceTime.getTotalCount()).as(name).isEqualTo(1);
      long s = serviceTime.getMaxValue();
      long l = latency.getMaxValue();
      assertThat(s).as("%s: service time, µs", name).isPositive().isLessThan(SERVICE_BOUND_MICROS);
      assertThat(l).as("%s: latency = service time %d µs + lateness %d µs", name, s, latenessMicros)
          .isCloseTo(s + latenessMicros, within(l / 1000 + s / 1000 + 2));
    }
  }

  @Test
  void everyWayARequestEndsRecordsItsServiceTimeAndALatencyOfServiceTimePlusTheIterationsLateness() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      switch (path(head)) {
        case "/hop" -> respond(out, "302 Found\r\nLocation: /landed", "");
        case "/loop" -> respond(out, "302 Found\r\nLocation: /loop", "");
        case "/bad-gzip" -> respond(out, "200 OK\r\nContent-Encoding: gzip", "not gzip");
        default -> respond(out, "200 OK", "ok");
      }
      return true;
    });
    int closed;
    try (ServerSocket free = new ServerSocket(0)) {
      closed = free.getLocalPort();
    }
    Recording recording = new Recording("run", "local", "local-0", 100, true, true);
    InstrumentedHttp http = new InstrumentedHttp(engine(new SocketHttpEngine(Duration.ofSeconds(2))), recording, "script", s.url(),
        TIMEOUT, HttpOptions.DEFAULT);
    http.iterationLateness(LATENESS_NANOS);
    assertThat(http.get("/ok").status()).isEqualTo(200);
    assertThat(http.get("/hop").name()).isEqualTo("GET /landed");
    assertThat(catchThrowableOfType(() -> http.send(Request.get("/loop").name("loop")), HttpFailure.class).errorType())
        .isEqualTo("too_many_redirects");
    assertThat(catchThrowableOfType(() -> http.get("/bad-gzip"), HttpFailure.class).errorType()).isEqualTo("decode_error");
    assertThat(catchThrowableOfType(() -> http.get("http://127.0.0.1:" + closed + "/refused"), HttpFailure.class).errorType())
        .isEqualTo("connection_refused");
    assertThat(catchThrowableOfType(() -> http.send(Request.get("ftp://files.example/x").name("invalid")), HttpFailure.class)
        .errorType()).isEqualTo("invalid_request");

    List<IntervalRecord> records = recording.drain(0, 1000);
    List<String> names = new ArrayList<>(List.of("GET /ok", "GET /hop", "GET /landed", "GET /bad-gzip", "GET /refused", "loop",
        "invalid"));
    for (int hop = 1; hop <= HttpOptions.DEFAULT_MAX_REDIRECTS; hop++) {
      names.add("loop (redirect " + hop + ")");
    }
    assertLatencyIsServiceTimePlus(records, LATENESS_NANOS / 1000, names);
    // the closed model (lateness 0, and a negative one is 0): latency = service time
    http.iterationLateness(-LATENESS_NANOS);
    http.get("/ok");
    assertLatencyIsServiceTimePlus(recording.drain(0, 1000), 0, List.of("GET /ok"));
  }

  @Test
  void aRequestInterruptedWhileWaitingIsRecordedAsInterruptedAndTheVirtualUserStaysInterrupted() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "200 OK", "ok");
      return true;
    });
    Recording recording = new Recording("run", "local", "local-0", 100, true, false);
    // java.net.http clears the interrupt when it throws InterruptedException; the client sets it again
    InstrumentedHttp http = new InstrumentedHttp(engine(new JdkHttpEngine(Duration.ofSeconds(2))), recording, "script", s.url(),
        TIMEOUT, HttpOptions.DEFAULT);
    http.iterationLateness(LATENESS_NANOS);
    Thread.currentThread().interrupt();
    HttpFailure f = catchThrowableOfType(() -> http.get("/i"), HttpFailure.class);
    boolean stillInterrupted = Thread.interrupted();
    assertThat(f.errorType()).isEqualTo("interrupted");
    assertThat(f).hasMessage("GET /i: interrupted: the virtual user was stopped while waiting for the response")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(stillInterrupted).as("the VU's thread is still interrupted").isTrue();
    assertThat(http.failedRequests()).isEqualTo(1);
    List<IntervalRecord> records = recording.drain(0, 1000);
    assertThat(byName(records, IntervalRecord.KIND_HTTP).get("GET /i").errors()).isEqualTo(Map.of("interrupted", 1L));
    assertLatencyIsServiceTimePlus(records, LATENESS_NANOS / 1000, List.of("GET /i"));
  }

  @Test
  void aRequestThatOpensAConnectionRecordsItsConnectTimeWithinItsServiceTimeAndAReusedOneNone() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "200 OK", "ok");
      return true;
    });
    Recording recording = new Recording("run", "local", "local-0", 100, true, true);
    InstrumentedHttp http = new InstrumentedHttp(engine(new SocketHttpEngine(Duration.ofSeconds(2))), recording, "script", s.url(),
        TIMEOUT, HttpOptions.DEFAULT);
    http.get("/first");
    http.get("/second");
    http.get("/second");
    assertThat(s.connections()).isEqualTo(1);
    List<IntervalRecord> records = recording.drain(0, 1000);
    Map<String, IntervalRecord> httpRecords = byName(records, IntervalRecord.KIND_HTTP);
    IntervalRecord.Connections first = httpRecords.get("GET /first").connections();
    assertThat(first.opened()).isEqualTo(1);
    assertThat(first.tlsHistogram()).as("plain http: no handshake").isNull();
    assertThat(first.tlsResumed()).isZero();
    long connect = decode(first.connectHistogram()).getMaxValue();
    long service = byName(records, IntervalRecord.KIND_SERVICE).get("GET /first").decodeHistogram().getMaxValue();
    assertThat(connect).as("connect time, µs, part of the service time %d µs", service).isPositive()
        .isLessThanOrEqualTo(service + service / 1000 + 1);
    // the two requests on the pooled connection opened none: the first one's connection is not theirs
    assertThat(httpRecords.get("GET /second").count()).isEqualTo(2);
    assertThat(httpRecords.get("GET /second").connections()).isEqualTo(IntervalRecord.Connections.NONE);
  }

  @Test
  void anHttpsRequestRecordsItsHandshakeTimeWithinItsServiceTime() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "200 OK", "ok");
      return true;
    }).tls(TestTls.serverContext());
    Recording recording = new Recording("run", "local", "local-0", 100, true, true);
    InstrumentedHttp http = new InstrumentedHttp(engine(new SocketHttpEngine(Duration.ofSeconds(2), TestTls.trusting().sslContext())),
        recording, "script", s.url(), TIMEOUT, HttpOptions.DEFAULT);
    assertThat(http.get("/tls").text()).isEqualTo("ok");
    List<IntervalRecord> records = recording.drain(0, 1000);
    IntervalRecord.Connections c = byName(records, IntervalRecord.KIND_HTTP).get("GET /tls").connections();
    long service = byName(records, IntervalRecord.KIND_SERVICE).get("GET /tls").decodeHistogram().getMaxValue();
    assertThat(c.opened()).isEqualTo(1);
    assertThat(c.tlsResumed()).isZero();
    Histogram tls = decode(c.tlsHistogram());
    assertThat(tls.getTotalCount()).isEqualTo(1);
    assertThat(tls.getMaxValue()).as("handshake time, µs, part of the service time %d µs", service).isPositive()
        .isLessThanOrEqualTo(service + service / 1000 + 1);
    assertThat(decode(c.connectHistogram()).getMaxValue()).isLessThanOrEqualTo(service + service / 1000 + 1);
  }

  @Test
  void aRetryIsRecordedUnderTheScriptAndRequestNameWithTheTimeOfItsFailedAttempt() throws Exception {
    // the server closes each connection on its 2nd request without answering: the true keep-alive race
    RawServer s = server((head, out, c, n) -> {
      if (n == 2) {
        return false;
      }
      respond(out, "200 OK", "ok");
      return true;
    });
    Recording recording = new Recording("run", "local", "local-0", 100, true, true);
    InstrumentedHttp http = new InstrumentedHttp(engine(new SocketHttpEngine(Duration.ofSeconds(2))), recording, "vu script", s.url(),
        TIMEOUT, HttpOptions.DEFAULT);
    http.get("/r");
    http.get("/r");
    assertThat(s.requests()).isEqualTo(3);
    List<IntervalRecord> records = recording.drain(0, 1000);
    IntervalRecord retry = byName(records, IntervalRecord.KIND_RETRY).get("GET /r");
    assertThat(retry.script()).isEqualTo("vu script");
    assertThat(retry.count()).isEqualTo(1);
    assertThat(retry.errors()).isEqualTo(Map.of("connection_closed", 1L));
    long attempt = retry.decodeHistogram().getMaxValue();
    assertThat(attempt).as("the failed attempt's time, µs").isPositive().isLessThan(SERVICE_BOUND_MICROS);
    // the request's latency covers all its attempts (user guide: Retries)
    Histogram latency = byName(records, IntervalRecord.KIND_HTTP).get("GET /r").decodeHistogram();
    assertThat(latency.getMaxValue()).isGreaterThanOrEqualTo(attempt - attempt / 1000 - 1);
  }

  @Test
  void theFirstRequestAfterTheStartIsNotedWhetherItIsSentOrCannotBe() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "200 OK", "ok");
      return true;
    });
    Recording sent = new Recording("run", "local", "local-0", 100);
    InstrumentedHttp http = new InstrumentedHttp(engine(new SocketHttpEngine(Duration.ofSeconds(2))), sent, "script", s.url(), TIMEOUT,
        HttpOptions.DEFAULT);
    http.get("/setup");
    assertThat(sent.firstRequestAt()).as("a request before the start is setup").isEqualTo(-1);
    sent.started();
    long before = System.currentTimeMillis();
    http.get("/load");
    assertThat(sent.firstRequestAt()).isBetween(before, System.currentTimeMillis());

    Recording invalid = new Recording("run", "local", "local-0", 100);
    InstrumentedHttp noBase = new InstrumentedHttp(engine(new SocketHttpEngine(Duration.ofSeconds(2))), invalid, "script", "", TIMEOUT,
        HttpOptions.DEFAULT);
    invalid.started();
    long before2 = System.currentTimeMillis();
    assertThat(catchThrowableOfType(() -> noBase.get("/relative"), HttpFailure.class).errorType()).isEqualTo("invalid_request");
    assertThat(invalid.firstRequestAt()).isBetween(before2, System.currentTimeMillis());
  }
}
