package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.constellation.agent.record.Recording;
import dev.constellation.api.HttpFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS settings against a loopback https server whose self-signed certificates are made here with
 * the JDK's keytool: untrusted fails with {@code tls_error}, a truststore (PEM or PKCS12) makes it
 * work, {@code insecure} trusts anything, and a server that requires a client certificate gets one.
 */
@Timeout(60)
class TlsSettingsIT {

  private static final String PASSWORD = "changeit";

  @TempDir
  static Path dir;

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  @BeforeAll
  static void makeCertificates() throws Exception {
    keypair("server", "CN=127.0.0.1", "SAN=ip:127.0.0.1,dns:localhost");
    keypair("wrongname", "CN=other.example", "SAN=dns:other.example");
    keypair("client", "CN=constellation-client", null);
    for (String name : List.of("server", "wrongname", "client")) {
      keytool("-exportcert", "-rfc", "-alias", name, "-keystore", dir.resolve(name + ".p12").toString(), "-storepass", PASSWORD,
          "-file", dir.resolve(name + ".pem").toString());
    }
    KeyStore client = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
      client.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) client.getKey("client", PASSWORD.toCharArray());
    Files.writeString(dir.resolve("client-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
  }

  private static void keypair(String alias, String dname, String san) throws Exception {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
        "-validity", "2", "-storetype", "PKCS12", "-keystore", dir.resolve(alias + ".p12").toString(), "-storepass", PASSWORD,
        "-keypass", PASSWORD));
    if (san != null) {
      args.add("-ext");
      args.add(san);
    }
    keytool(args.toArray(new String[0]));
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("keytool %s: %s", cmd, out).isZero();
  }

  /** An https server with the given key pair; with {@code clientCa}, it requires a client certificate signed by (here: equal to) it. */
  private String httpsServer(String keyPair, String clientCa) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(keyPair + ".p12"))) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    TrustManagerFactory tmf = null;
    if (clientCa != null) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(dir.resolve(clientCa + ".p12"))) {
        trust.load(in, PASSWORD.toCharArray());
      }
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setNeedClientAuth(clientCa != null);
        params.setSSLParameters(p);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/", exchange -> {
      try (exchange) {
        byte[] body = "secure".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    server.start();
    closing.add(() -> server.stop(0));
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  private InstrumentedHttp client(String engineName, String baseUrl, TlsSettings tls) {
    HttpEngine engine = HttpEngines.create(engineName, Duration.ofSeconds(5), tls.sslContext());
    closing.add(engine);
    return new InstrumentedHttp(engine, new Recording("run", "local", "local-0", 10), "tls", baseUrl, Duration.ofSeconds(10));
  }

  private static TlsSettings trusting(String truststore, String password) {
    return new TlsSettings(truststore, password, "", "", "", false);
  }

  private String errorType(InstrumentedHttp http) {
    return catchThrowableOfType(() -> http.get("/"), HttpFailure.class).errorType();
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk"})
  void aSelfSignedServerFailsWithTlsErrorWithoutSettings(String engine) throws Exception {
    assertThat(errorType(client(engine, httpsServer("server", null), TlsSettings.DEFAULT))).isEqualTo("tls_error");
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk"})
  void aPemOrPkcs12TruststoreMakesItWork(String engine) throws Exception {
    String url = httpsServer("server", null);
    assertThat(client(engine, url, trusting(dir.resolve("server.pem").toString(), "")).get("/").text()).isEqualTo("secure");
    assertThat(client(engine, url, trusting(dir.resolve("server.p12").toString(), PASSWORD)).get("/").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk"})
  void aTrustedCertificateForAnotherHostNameFailsButInsecureAcceptsIt(String engine) throws Exception {
    String url = httpsServer("wrongname", null);
    assertThat(errorType(client(engine, url, trusting(dir.resolve("wrongname.pem").toString(), "")))).isEqualTo("tls_error");
    assertThat(client(engine, url, new TlsSettings("", "", "", "", "", true)).get("/").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk"})
  void aServerRequiringAClientCertificateGetsOneFromPkcs12OrPem(String engine) throws Exception {
    String url = httpsServer("server", "client");
    String trust = dir.resolve("server.pem").toString();
    // TLS 1.3: the server refuses a missing client certificate after the client has finished its
    // handshake (an alert, then it closes), while the client is already sending its request; the
    // client sees the close, a reset, or the alert, whichever its next read or write meets first.
    InstrumentedHttp without = client(engine, url, trusting(trust, ""));
    for (int i = 0; i < 3; i++) {
      assertThat(errorType(without)).isIn("connection_closed", "connection_reset", "tls_error");
    }
    TlsSettings p12 = new TlsSettings(trust, "", dir.resolve("client.p12").toString(), "", PASSWORD, false);
    assertThat(client(engine, url, p12).get("/").status()).isEqualTo(200);
    TlsSettings pem = new TlsSettings(trust, "", dir.resolve("client.pem").toString(), dir.resolve("client-key.pem").toString(), "", false);
    assertThat(client(engine, url, pem).get("/").status()).isEqualTo(200);
  }

  @Test
  void badSettingsAreNamedWithTheirFix() throws IOException {
    assertThat(trusting(dir.resolve("missing.pem").toString(), "").problems()).singleElement().asString()
        .startsWith("truststore \"" + dir.resolve("missing.pem") + "\" does not exist");
    assertThat(trusting(dir.resolve("server.p12").toString(), "wrong").problems()).singleElement().asString()
        .contains("truststore").contains("truststorePassword");
    Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThat(new TlsSettings("", "", dir.resolve("client.pem").toString(), dir.resolve("rsa.pem").toString(), "", false).problems())
        .singleElement().asString().startsWith("clientKey").contains("openssl pkcs8 -topk8");
    assertThat(new TlsSettings("", "", dir.resolve("client.pem").toString(), "", "", false).problems()).singleElement().asString()
        .startsWith("clientCert").contains("clientKey is not set");
    assertThat(new TlsSettings(dir.resolve("server.pem").toString(), "", "", "", "", true).problems()).singleElement().asString()
        .startsWith("insecure");
    assertThatThrownBy(() -> new TlsSettings("classpath:nowhere/ca.pem", "", "", "", "", false).sslContext())
        .hasMessageContaining("src/test/resources/nowhere/ca.pem");
  }
}
