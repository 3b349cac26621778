package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.constellation.agent.record.Recording;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.api.HttpFailure;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The socket engine's connect and TLS handshake times, per request name, against loopback servers
 * (plain and TLS with the self-signed test certificate): a new connection is measured once, a
 * reused one not at all, a resumed TLS session is counted, the handshake time covers a server's
 * wait before its handshake, and the jdk engine's records carry nothing (not measured).
 */
@Timeout(60)
class ConnectionTimesIT {

  private static final String KEEP = "";
  private static final String CLOSE = "Connection: close\r\n";

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** A server answering 200 to everything, closing the connection after each answer when told to. */
  private RawServer server(String headers) throws Exception {
    boolean keep = headers.isEmpty();
    RawServer s = new RawServer((head, out, c, n) -> {
      ok(out, headers);
      return keep;
    });
    closing.add(s);
    return s;
  }

  private HttpEngine socketEngine(SSLContext ssl) {
    HttpEngine e = new SocketHttpEngine(Duration.ofSeconds(5), host -> InetAddress.getLoopbackAddress(), true, ssl);
    closing.add(0, e);
    return e;
  }

  /** One VU's client over the engine, recording as an agent with this engine records. */
  private static InstrumentedHttp client(HttpEngine engine, Recording recording, String url) {
    return new InstrumentedHttp(engine, recording, "s", url, Duration.ofSeconds(10));
  }

  private static Recording recording(HttpEngine engine) {
    return new Recording("run", "local", "local-0", 10, false, engine.measuresConnections());
  }

  /** The one http record of everything recorded so far. */
  private static IntervalRecord httpRecord(Recording recording) {
    List<IntervalRecord> http = recording.drain(0, 1000).stream().filter(r -> r.kind().equals(IntervalRecord.KIND_HTTP)).toList();
    assertThat(http).hasSize(1);
    return http.get(0);
  }

  private static Histogram decode(String encoded) throws Exception {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
  }

  @Test
  void requestsOnOneKeptAliveTlsConnectionMeasureOneConnectAndOneHandshake() throws Exception {
    RawServer server = server(KEEP).tls(TestTls.serverContext());
    HttpEngine engine = socketEngine(TestTls.trusting().sslContext());
    Recording recording = recording(engine);
    InstrumentedHttp http = client(engine, recording, server.url());
    for (int i = 0; i < 7; i++) {
      assertThat(http.get("/a").status()).isEqualTo(200);
    }
    IntervalRecord r = httpRecord(recording);
    assertThat(server.connections()).isEqualTo(1);
    assertThat(r.count()).isEqualTo(7);
    assertThat(r.decodeHistogram().getTotalCount()).isEqualTo(7);
    IntervalRecord.Connections c = r.connections();
    assertThat(c.opened()).isEqualTo(1);
    assertThat(decode(c.connectHistogram()).getTotalCount()).isEqualTo(1);
    assertThat(decode(c.tlsHistogram()).getTotalCount()).isEqualTo(1);
    assertThat(c.tlsResumed()).isZero();
    // the connect and the handshake are inside the first request's latency, not taken out of it
    assertThat(r.decodeHistogram().getMaxValue()).isGreaterThanOrEqualTo(decode(c.tlsHistogram()).getMinValue());
  }

  @Test
  void aServerThatClosesEveryConnectionCostsOneConnectAndOneHandshakePerRequestAndLaterOnesResume() throws Exception {
    RawServer server = server(CLOSE).tls(TestTls.serverContext());
    HttpEngine engine = socketEngine(TestTls.trusting().sslContext());
    Recording recording = recording(engine);
    InstrumentedHttp http = client(engine, recording, server.url());
    for (int i = 0; i < 5; i++) {
      assertThat(http.get("/a").status()).isEqualTo(200);
    }
    IntervalRecord r = httpRecord(recording);
    assertThat(server.connections()).isEqualTo(5);
    assertThat(r.count()).isEqualTo(5);
    IntervalRecord.Connections c = r.connections();
    assertThat(c.opened()).isEqualTo(5);
    assertThat(decode(c.connectHistogram()).getTotalCount()).isEqualTo(5);
    assertThat(decode(c.tlsHistogram()).getTotalCount()).isEqualTo(5);
    // the first handshake is a full one; the others resume its session (the JDK's client cache per host and port)
    assertThat(c.tlsResumed()).isEqualTo(4);
    assertThat(recording.drain(1000, 1000)).isEmpty();
  }

  @Test
  void plainHttpHasConnectTimesButNoHandshake() throws Exception {
    RawServer kept = server(KEEP);
    RawServer closing = server(CLOSE);
    HttpEngine engine = socketEngine(null);
    Recording recording = recording(engine);
    InstrumentedHttp keptAlive = client(engine, recording, kept.url());
    for (int i = 0; i < 6; i++) {
      keptAlive.get("/a");
    }
    IntervalRecord r = httpRecord(recording);
    assertThat(r.count()).isEqualTo(6);
    assertThat(r.connections().opened()).isEqualTo(1);
    assertThat(decode(r.connections().connectHistogram()).getTotalCount()).isEqualTo(1);
    assertThat(r.connections().tlsHistogram()).isNull();

    InstrumentedHttp closed = client(engine, recording, closing.url());
    for (int i = 0; i < 3; i++) {
      closed.get("/a");
    }
    r = httpRecord(recording);
    assertThat(r.count()).isEqualTo(3);
    assertThat(r.connections().opened()).isEqualTo(3);
    assertThat(decode(r.connections().connectHistogram()).getTotalCount()).isEqualTo(3);
    assertThat(r.connections().tlsHistogram()).isNull();
    assertThat(r.connections().tlsResumed()).isZero();
  }

  @Test
  void aServerThatWaitsBeforeItsHandshakeShowsTheWaitInEveryHandshakeAndInTheLatency() throws Exception {
    int delayMs = 300;
    RawServer server = server(CLOSE).tls(TestTls.serverContext()).handshakeDelay(delayMs);
    HttpEngine engine = socketEngine(TestTls.trusting().sslContext());
    Recording recording = recording(engine);
    InstrumentedHttp http = client(engine, recording, server.url());
    http.get("/a");
    http.get("/a");
    IntervalRecord r = httpRecord(recording);
    Histogram tls = decode(r.connections().tlsHistogram());
    assertThat(tls.getTotalCount()).isEqualTo(2);
    assertThat(tls.getMinValue()).isGreaterThanOrEqualTo(delayMs * 1000L);
    assertThat(r.decodeHistogram().getMinValue()).isGreaterThanOrEqualTo(delayMs * 1000L);
    // the TCP connect itself is not delayed: the kernel completes it before the server accepts
    assertThat(decode(r.connections().connectHistogram()).getMaxValue()).isLessThan(delayMs * 1000L);
  }

  @Test
  void aFailedHandshakeHasItsConnectTimeButNoHandshakeTime() throws Exception {
    RawServer server = server(KEEP).tls(TestTls.serverContext());
    HttpEngine engine = socketEngine(TlsSettings.DEFAULT.sslContext()); // the JVM's trust: the self-signed certificate fails
    Recording recording = recording(engine);
    HttpFailure f = catchThrowableOfType(() -> client(engine, recording, server.url()).get("/a"), HttpFailure.class);
    assertThat(f.errorType()).isEqualTo("tls_error");
    IntervalRecord r = httpRecord(recording);
    assertThat(r.failures()).isEqualTo(1);
    assertThat(r.connections().opened()).isEqualTo(1);
    assertThat(decode(r.connections().connectHistogram()).getTotalCount()).isEqualTo(1);
    assertThat(r.connections().tlsHistogram()).isNull();
  }

  @Test
  void aRequestNameThatOnlyReusesConnectionsSaysZeroNotUnmeasured() throws Exception {
    RawServer server = server(KEEP);
    HttpEngine engine = socketEngine(null);
    Recording recording = recording(engine);
    InstrumentedHttp http = client(engine, recording, server.url());
    http.get("/first");
    recording.drain(0, 1000);
    http.get("/second");
    IntervalRecord r = httpRecord(recording);
    assertThat(r.name()).isEqualTo("GET /second");
    assertThat(r.connections()).isEqualTo(IntervalRecord.Connections.NONE);
  }

  @Test
  void theJdkEngineMeasuresNoConnectionsAndItsRecordsSaySo() throws Exception {
    RawServer server = server(KEEP).tls(TestTls.serverContext());
    HttpEngine engine = new JdkHttpEngine(Duration.ofSeconds(5), TestTls.trusting().sslContext());
    closing.add(0, engine);
    assertThat(engine.measuresConnections()).isFalse();
    Recording recording = recording(engine);
    InstrumentedHttp http = client(engine, recording, server.url());
    http.get("/a");
    http.get("/a");
    IntervalRecord r = httpRecord(recording);
    assertThat(r.count()).isEqualTo(2);
    assertThat(r.connections()).isNull();
  }
}
