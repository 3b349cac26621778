package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.constellation.agent.record.Recording;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Request;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS in the socket engine itself, against a loopback TLS server with a self-signed certificate:
 * ALPN, SNI, session resumption, TLS 1.2, keep-alive reuse and the handshake's time limit. The
 * HTTP behaviours over https run in {@link TransportFaultsIT}, {@link ClientFeaturesIT} and
 * {@link TlsSettingsIT} ("socket https").
 */
@Timeout(60)
class SocketHttpsIT {

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private RawServer server(SSLContext serverContext) throws Exception {
    RawServer s = new RawServer((head, out, c, n) -> {
      ok(out, "");
      return !head.contains("\r\nConnection: close\r\n");
    }).tls(serverContext);
    closing.add(s);
    return s;
  }

  private InstrumentedHttp client(SocketHttpEngine engine, String baseUrl) {
    closing.add(0, engine);
    return new InstrumentedHttp(engine, new Recording("run", "local", "local-0", 10), "tls", baseUrl, Duration.ofSeconds(10));
  }

  private static SocketHttpEngine engine(SSLContext ssl) {
    return new SocketHttpEngine(Duration.ofSeconds(2), host -> InetAddress.getLoopbackAddress(), true, ssl);
  }

  @Test
  void offersHttp11ByAlpnAndKeepsOneConnectionForRequestsInSequence() throws Exception {
    RawServer server = server(TestTls.serverContext());
    InstrumentedHttp http = client(engine(TestTls.trusting().sslContext()), server.url());
    for (int i = 0; i < 10; i++) {
      assertThat(http.get("/x").text()).isEqualTo("ok");
    }
    assertThat(server.requests()).isEqualTo(10);
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.alpn()).containsExactly("http/1.1");
    assertThat(server.protocols()).containsExactly("TLSv1.3");
  }

  /**
   * Bodies of many TLS records, with head and body in one server write and as chunks: the engine
   * reads the network a record at a time under the TLS socket and must still hand over what the
   * TLS layer decrypted but the engine has not read (a 16 KB record into an 8 KB read) without
   * waiting for the network, which sends nothing more.
   */
  @Test
  void readsBodiesOfManyTlsRecordsWhole() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; big.length() < 100_000; i++) {
      big.append(i).append(',');
    }
    String body = big.toString();
    RawServer server = new RawServer((head, out, c, n) -> {
      if (head.startsWith("GET /chunked ")) {
        StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int from = 0; from < body.length(); from += 30_000) {
          String part = body.substring(from, Math.min(body.length(), from + 30_000));
          chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
        }
        out.write(RawServer.ascii(chunked.append("0\r\n\r\n").toString()));
      } else {
        out.write(RawServer.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
      }
      return true;
    }).tls(TestTls.serverContext());
    closing.add(server);
    InstrumentedHttp http = client(engine(TestTls.trusting().sslContext()), server.url());
    for (int i = 0; i < 3; i++) {
      assertThat(http.get("/fixed").text()).isEqualTo(body);
      assertThat(http.get("/chunked").text()).isEqualTo(body);
    }
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void sendsTheHostNameBySniButNoneForAnIpAddress() throws Exception {
    RawServer server = server(TestTls.serverContext());
    SocketHttpEngine engine = engine(TestTls.trusting().sslContext());
    client(engine, "https://api.example.test:" + server.port()).get("/named");
    client(engine, server.url()).get("/ip");
    assertThat(server.sni()).containsExactly("api.example.test", "");
    assertThat(server.heads().get(0)).contains("\r\nHost: api.example.test:" + server.port() + "\r\n");
  }

  @Test
  void aNewConnectionToTheSameOriginResumesTheTlsSession() throws Exception {
    RawServer server = server(TestTls.serverContext());
    AtomicInteger certificateChecks = new AtomicInteger();
    InstrumentedHttp http = client(engine(counting(certificateChecks)), server.url());
    for (int i = 0; i < 3; i++) {
      http.send(Request.get("/x").header("Connection", "close"));
    }
    assertThat(server.connections()).isEqualTo(3);
    // a resumed handshake carries no certificate, so only the first connection's was checked
    assertThat(certificateChecks).hasValue(1);
  }

  @Test
  void speaksTls12ToAServerThatOffersNothingNewer() throws Exception {
    RawServer server = server(TestTls.serverContext()).tls(TestTls.serverContext(), "TLSv1.2");
    InstrumentedHttp http = client(engine(TestTls.trusting().sslContext()), server.url());
    assertThat(http.get("/x").status()).isEqualTo(200);
    assertThat(http.get("/x").status()).isEqualTo(200);
    assertThat(server.connections()).isEqualTo(1);
    assertThat(server.protocols()).containsExactly("TLSv1.2");
    assertThat(server.alpn()).containsExactly("http/1.1");
  }

  @Test
  void aServerThatNeverCompletesTheHandshakeFailsWithConnectTimeoutWithinTheConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          accepted.add(silent.accept()); // accepts and says nothing: no ServerHello ever comes
        } catch (Exception ignored) {
          // closed by the test
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      InstrumentedHttp http = client(engine(TestTls.trusting().sslContext()), "https://127.0.0.1:" + silent.getLocalPort());
      long start = System.nanoTime();
      HttpFailure f = catchThrowableOfType(() -> http.get("/"), HttpFailure.class);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(f.errorType()).isEqualTo("connect_timeout");
      assertThat(f).hasMessageContaining("TLS handshake");
      assertThat(ms).isBetween(1900L, 4000L);
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  /** A client context trusting the test certificate that counts the server certificate checks of full handshakes. */
  private static SSLContext counting(AtomicInteger checks) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(TestTls.dir().resolve("server.pem"))) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    X509ExtendedTrustManager real = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
    X509ExtendedTrustManager counted = new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws java.security.cert.CertificateException {
        real.checkClientTrusted(chain, authType, socket);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws java.security.cert.CertificateException {
        checks.incrementAndGet();
        real.checkServerTrusted(chain, authType, socket);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
        real.checkClientTrusted(chain, authType, engine);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
        checks.incrementAndGet();
        real.checkServerTrusted(chain, authType, engine);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
        real.checkClientTrusted(chain, authType);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
        checks.incrementAndGet();
        real.checkServerTrusted(chain, authType);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return real.getAcceptedIssuers();
      }
    };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {counted}, null);
    return ctx;
  }
}
