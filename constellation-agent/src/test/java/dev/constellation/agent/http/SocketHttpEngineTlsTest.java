package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The socket engine's https path against a loopback TLS server ({@link RawServer#tls}) with the
 * self-signed certificate of {@link TestTls}: the connect and handshake times it reports, session
 * resumption, SNI (none for an IP address), ALPN, the host-name check, TLS 1.3/1.2 only, the
 * handshake's time limit (the connect timeout or the request's deadline, whichever ends first) and
 * no read time limit after it. Unlike {@link SocketHttpsIT}, in PIT's set: each exchange takes a few
 * milliseconds, the slowest test under a second.
 */
@Timeout(30)
class SocketHttpEngineTlsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final Recorded attempts = new Recorded();
  private final List<String> resolved = new CopyOnWriteArrayList<>();

  /** What the engine told the caller: each new connection and each retry, in order. */
  static final class Recorded implements HttpEngine.Attempts {
    final List<long[]> connected = new CopyOnWriteArrayList<>();
    final List<String> retried = new CopyOnWriteArrayList<>();
    final List<Long> retriedNanos = new CopyOnWriteArrayList<>();

    @Override
    public void retried(String errorType, long nanos) {
      retried.add(errorType);
      retriedNanos.add(nanos);
    }

    @Override
    public void connected(long connectNanos, long handshakeNanos, boolean resumed) {
      connected.add(new long[] {connectNanos, handshakeNanos, resumed ? 1 : 0});
    }
  }

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

  /** An engine whose DNS sends every host name to 127.0.0.1 and records the names it was asked. */
  private SocketHttpEngine engine(Duration connectTimeout, SSLContext ssl) {
    return closing(new SocketHttpEngine(connectTimeout, host -> {
      resolved.add(host);
      return InetAddress.getLoopbackAddress();
    }, true, ssl));
  }

  private RawServer server() throws IOException {
    return closing(new RawServer((head, out, c, n) -> {
      ok(out, "");
      return !head.contains("\r\nConnection: close\r\n");
    }).tls(TestTls.serverContext()));
  }

  private HttpEngine.RawResponse get(SocketHttpEngine engine, String url, Duration timeout, String... headers) throws Exception {
    return engine.send("GET", RequestTarget.of(url), List.of(headers), null, timeout, attempts);
  }

  private static String text(HttpEngine.RawResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static SSLContext insecure() {
    return new TlsSettings("", "", "", "", "", true).sslContext();
  }

  @Test
  void aNewConnectionReportsItsConnectAndHandshakeTimesOnceAndIsReused() throws Exception {
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      ok(out, "");
      return true;
    }).tls(TestTls.serverContext()).handshakeDelay(150));
    SocketHttpEngine engine = engine(Duration.ofSeconds(2), TestTls.trusting().sslContext());
    long start = System.nanoTime();
    assertThat(text(get(engine, s.url() + "/a", TIMEOUT))).isEqualTo("ok");
    long elapsed = System.nanoTime() - start;
    assertThat(text(get(engine, s.url() + "/b", TIMEOUT))).isEqualTo("ok");
    assertThat(s.connections()).isEqualTo(1);
    assertThat(s.requests()).isEqualTo(2);
    assertThat(s.protocols()).containsExactly("TLSv1.3");
    assertThat(s.alpn()).containsExactly("http/1.1");
    assertThat(s.sni()).containsExactly("");
    assertThat(resolved).containsExactly("127.0.0.1");
    assertThat(attempts.connected).hasSize(1);
    long[] c = attempts.connected.get(0);
    // the server waits 150 ms before its side of the handshake; the TCP connect is not delayed
    assertThat(c[0]).isPositive().isLessThan(c[1]);
    assertThat(c[1]).isGreaterThanOrEqualTo(150_000_000L).isLessThan(elapsed - c[0]);
    assertThat(c[2]).as("resumed").isZero();
    assertThat(attempts.retried).isEmpty();
  }

  @Test
  void aSecondConnectionToTheOriginResumesTheSessionAndSaysSo() throws Exception {
    RawServer s = server();
    SocketHttpEngine engine = engine(Duration.ofSeconds(2), TestTls.trusting().sslContext());
    get(engine, s.url() + "/", TIMEOUT, "Connection", "close");
    get(engine, s.url() + "/", TIMEOUT, "Connection", "close");
    assertThat(s.connections()).isEqualTo(2);
    assertThat(attempts.connected).extracting(c -> c[2]).containsExactly(0L, 1L);
    assertThat(attempts.connected).allSatisfy(c -> assertThat(c[1]).isPositive());
  }

  /**
   * A full handshake's session is created after the handshake began, so it is never reported as
   * resumed, even when both fall in the same millisecond of the wall clock (a local handshake takes
   * about one): each engine here has a context of its own, so nothing can be resumed.
   */
  @Test
  void aFullHandshakeIsNeverReportedAsResumed() throws Exception {
    RawServer s = server();
    for (int i = 0; i < 12; i++) {
      SocketHttpEngine engine = engine(Duration.ofSeconds(2), TestTls.trusting().sslContext());
      get(engine, s.url() + "/", TIMEOUT);
    }
    assertThat(s.connections()).isEqualTo(12);
    assertThat(attempts.connected).hasSize(12).allSatisfy(c -> assertThat(c[2]).as("resumed").isZero());
  }

  @Test
  void sendsTheHostNameBySniButNoneForAnIpAddress() throws Exception {
    RawServer s = server();
    SocketHttpEngine engine = engine(Duration.ofSeconds(2), TestTls.trusting().sslContext());
    // localhost has no dot: the JDK would send no SNI for it by itself
    for (String host : List.of("localhost", "api.example.test", "127.0.0.1")) {
      assertThat(get(engine, "https://" + host + ":" + s.port() + "/", TIMEOUT).status()).isEqualTo(200);
    }
    // IP addresses the certificate does not name: an insecure context skips the host-name check
    SocketHttpEngine any = engine(Duration.ofSeconds(2), insecure());
    for (String host : List.of("[::1]", "198.51.100.9")) {
      assertThat(get(any, "https://" + host + ":" + s.port() + "/", TIMEOUT).status()).isEqualTo(200);
    }
    assertThat(s.sni()).containsExactly("localhost", "api.example.test", "", "", "");
    assertThat(resolved).containsExactly("localhost", "api.example.test", "127.0.0.1", "::1", "198.51.100.9");
    assertThat(s.heads().get(1)).contains("\r\nHost: api.example.test:" + s.port() + "\r\n");
    assertThat(s.heads().get(3)).contains("\r\nHost: [::1]:" + s.port() + "\r\n");
    assertThat(s.alpn()).containsOnly("http/1.1");
  }

  @Test
  void theCertificateMustNameTheHostUnlessInsecure() throws Exception {
    RawServer s = server();
    SocketHttpEngine engine = engine(Duration.ofSeconds(2), TestTls.trusting().sslContext());
    Throwable t = catchThrowable(() -> get(engine, "https://other.example.test:" + s.port() + "/", TIMEOUT));
    assertThat(t).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("other.example.test");
    assertThat(ErrorTypes.classify(t)).isEqualTo("tls_error");
    assertThat(s.requests()).isZero();
    // the failed handshake still reports its TCP connect, with no handshake time
    assertThat(attempts.connected).hasSize(1);
    assertThat(attempts.connected.get(0)[0]).isPositive();
    assertThat(attempts.connected.get(0)[1]).isEqualTo(-1);
    assertThat(attempts.connected.get(0)[2]).isZero();

    SocketHttpEngine trustAll = engine(Duration.ofSeconds(2), insecure());
    assertThat(text(get(trustAll, "https://other.example.test:" + s.port() + "/", TIMEOUT))).isEqualTo("ok");
    assertThat(s.sni()).containsExactly("other.example.test");
  }

  @Test
  void withoutAContextTheJvmsDefaultTrustRefusesTheSelfSignedCertificate() throws Exception {
    RawServer s = server();
    SocketHttpEngine engine = engine(Duration.ofSeconds(2), null);
    Throwable t = catchThrowable(() -> get(engine, s.url() + "/", TIMEOUT));
    assertThat(t).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path building failed");
    assertThat(s.requests()).isZero();
  }

  /**
   * A context that allows TLS 1.1 (as a JVM whose java.security re-enables it would): the engine
   * still offers TLS 1.3 and 1.2 only (RFC 8996). The sockets the context makes are kept to look at.
   */
  @Test
  void onlyTls13And12AreOfferedWhateverTheContextAllows() throws Exception {
    RawServer s = server();
    List<SSLSocket> made = new CopyOnWriteArrayList<>();
    List<Socket> tcp = new CopyOnWriteArrayList<>();
    SSLContext ctx = offering(TestTls.trusting().sslContext(), new String[] {"TLSv1.1", "TLSv1.2", "TLSv1.3"}, made, tcp);
    SocketHttpEngine engine = engine(Duration.ofSeconds(2), ctx);
    assertThat(text(get(engine, s.url() + "/", TIMEOUT))).isEqualTo("ok");
    assertThat(made).hasSize(1);
    assertThat(made.get(0).getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(made.get(0).getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(made.get(0).getSSLParameters().getApplicationProtocols()).containsExactly("http/1.1");
    // under it, the TCP socket that reads a whole TLS record per system call, without Nagle's delay
    assertThat(tcp).singleElement().isInstanceOf(TlsTcpSocket.class);
    assertThat(tcp.get(0).getTcpNoDelay()).isTrue();
    // a context with neither keeps its own list (and fails against a server that wants one of them)
    List<SSLSocket> old = new CopyOnWriteArrayList<>();
    SocketHttpEngine oldOnly = engine(Duration.ofSeconds(2), offering(TestTls.trusting().sslContext(), new String[] {"TLSv1.1"}, old));
    Throwable t = catchThrowable(() -> get(oldOnly, s.url() + "/", TIMEOUT));
    assertThat(t).isInstanceOf(SSLHandshakeException.class);
    assertThat(old).hasSize(1);
    assertThat(old.get(0).getEnabledProtocols()).containsExactly("TLSv1.1");
  }

  @Test
  void tls12IsSpokenToAServerThatOffersNothingNewer() throws Exception {
    RawServer s = server().tls(TestTls.serverContext(), "TLSv1.2");
    SocketHttpEngine engine = engine(Duration.ofSeconds(2), TestTls.trusting().sslContext());
    get(engine, s.url() + "/", TIMEOUT, "Connection", "close");
    get(engine, s.url() + "/", TIMEOUT);
    assertThat(s.protocols()).containsExactly("TLSv1.2", "TLSv1.2");
    assertThat(s.alpn()).containsExactly("http/1.1", "http/1.1");
    assertThat(attempts.connected).extracting(c -> c[2]).containsExactly(0L, 1L);
  }

  private static final Pattern AFTER = Pattern.compile("TLS handshake with 127\\.0\\.0\\.1:(\\d+) timed out after (\\d+) ms");

  @Test
  void aHandshakeTheServerNeverAnswersEndsAtTheConnectTimeoutAndClosesTheConnection() throws Exception {
    Silent silent = closing(new Silent());
    SocketHttpEngine engine = engine(Duration.ofMillis(300), TestTls.trusting().sslContext());
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> get(engine, "https://127.0.0.1:" + silent.port() + "/", TIMEOUT));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(t).isInstanceOf(HttpConnectTimeoutException.class).hasCauseInstanceOf(SocketTimeoutException.class);
    Matcher m = AFTER.matcher(t.getMessage());
    assertThat(m.matches()).as(t.getMessage()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isEqualTo(silent.port());
    // the connect timeout less the time since the TCP connect began, which is more than nothing
    assertThat(Integer.parseInt(m.group(2))).isBetween(250, 299);
    assertThat(ms).isBetween(250L, 1_500L);
    assertThat(ErrorTypes.classify(t)).isEqualTo("connect_timeout");
    assertThat(attempts.connected).hasSize(1);
    assertThat(attempts.connected.get(0)[1]).isEqualTo(-1);
    // the engine closed the TCP connection: the server reads its end within a second
    assertThat(silent.endOfStreamWithin(1_000)).isTrue();
  }

  @Test
  void theRequestsDeadlineEndsTheHandshakeWhenItComesFirst() throws Exception {
    Silent silent = closing(new Silent());
    SocketHttpEngine engine = engine(Duration.ofSeconds(10), TestTls.trusting().sslContext());
    long start = System.nanoTime();
    Throwable t = catchThrowable(() -> get(engine, "https://127.0.0.1:" + silent.port() + "/", Duration.ofMillis(300)));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(t).isInstanceOf(HttpConnectTimeoutException.class);
    Matcher m = AFTER.matcher(t.getMessage());
    assertThat(m.matches()).as(t.getMessage()).isTrue();
    assertThat(Integer.parseInt(m.group(2))).isBetween(200, 299);
    assertThat(ms).isBetween(200L, 1_500L);
  }

  @Test
  void afterTheHandshakeReadsHaveNoTimeLimitButTheRequests() throws Exception {
    // the handshake ran with a 200 ms limit; the answer takes 600 ms and must still arrive
    RawServer s = closing(new RawServer((head, out, c, n) -> {
      try {
        Thread.sleep(600);
      } catch (InterruptedException e) {
        return false;
      }
      ok(out, "");
      return true;
    }).tls(TestTls.serverContext()));
    SocketHttpEngine engine = engine(Duration.ofMillis(200), TestTls.trusting().sslContext());
    assertThat(text(get(engine, s.url() + "/", TIMEOUT))).isEqualTo("ok");
    assertThat(attempts.retried).isEmpty();
  }

  /**
   * A TCP server that accepts connections and never says a word (no ServerHello): records whether
   * each connection's client end closed. Closes what it accepted after 3 s, so a client that would
   * wait forever ends.
   */
  static final class Silent implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    Silent() throws IOException {
      Thread t = new Thread(() -> {
        try {
          Socket s = socket.accept();
          accepted.add(s);
          s.setSoTimeout(3_000);
          InputStream in = s.getInputStream();
          while (in.read() >= 0) {
            // the ClientHello; nothing is answered
          }
          ended.countDown();
        } catch (IOException e) {
          // timed out after 3 s, or closed by the test
        }
        for (Socket s : accepted) {
          try {
            s.close();
          } catch (IOException ignored) {
            // closing
          }
        }
      }, "silent-server");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    boolean endOfStreamWithin(long millis) throws InterruptedException {
      return ended.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  /**
   * The given context, except that each TLS socket it layers over a TCP one starts with the given
   * protocols enabled; the sockets are added to {@code made}.
   */
  static SSLContext offering(SSLContext real, String[] protocols, List<SSLSocket> made) {
    return offering(real, protocols, made, new ArrayList<>());
  }

  /** The same, and each TCP socket a TLS socket was layered over goes to {@code under}. */
  static SSLContext offering(SSLContext real, String[] protocols, List<SSLSocket> made, List<Socket> under) {
    SSLSocketFactory f = real.getSocketFactory();
    SSLSocketFactory wrapped = new SSLSocketFactory() {
      @Override
      public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        under.add(s);
        SSLSocket t = (SSLSocket) f.createSocket(s, host, port, autoClose);
        t.setEnabledProtocols(protocols);
        made.add(t);
        return t;
      }

      @Override
      public String[] getDefaultCipherSuites() {
        return f.getDefaultCipherSuites();
      }

      @Override
      public String[] getSupportedCipherSuites() {
        return f.getSupportedCipherSuites();
      }

      @Override
      public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress local, int localPort) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) {
        throw new UnsupportedOperationException();
      }
    };
    SSLContextSpi spi = new SSLContextSpi() {
      @Override
      protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm, java.security.SecureRandom sr) {
        throw new UnsupportedOperationException();
      }

      @Override
      protected SSLSocketFactory engineGetSocketFactory() {
        return wrapped;
      }

      @Override
      protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return real.getServerSocketFactory();
      }

      @Override
      protected SSLEngine engineCreateSSLEngine() {
        return real.createSSLEngine();
      }

      @Override
      protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return real.createSSLEngine(host, port);
      }

      @Override
      protected SSLSessionContext engineGetServerSessionContext() {
        return real.getServerSessionContext();
      }

      @Override
      protected SSLSessionContext engineGetClientSessionContext() {
        return real.getClientSessionContext();
      }
    };
    return new SSLContext(spi, real.getProvider(), real.getProtocol()) {};
  }
}
