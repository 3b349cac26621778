package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS settings a run cannot use stop it before any load, each problem naming the setting, the
 * file and the fix (user guide, "TLS"); the settings that need no file are checked without one.
 */
class TlsSettingsTest {

  @TempDir
  Path dir;

  private static TlsSettings tls(String truststore, String clientCert, String clientKey, boolean insecure) {
    return new TlsSettings(truststore, "", clientCert, clientKey, "", insecure);
  }

  @Test
  void theDefaultsAndNullsAreTheJvmsOwnTrust() {
    assertThat(TlsSettings.DEFAULT.customized()).isFalse();
    assertThat(TlsSettings.DEFAULT.sslContext()).isNull();
    assertThat(TlsSettings.DEFAULT.problems()).isEmpty();
    TlsSettings nulls = new TlsSettings(null, null, null, null, null, false);
    assertThat(nulls).isEqualTo(TlsSettings.DEFAULT);
    assertThat(new TlsSettings("  a.pem ", "pw ", " c.p12", " k.pem ", " pw", false))
        .isEqualTo(new TlsSettings("a.pem", "pw ", "c.p12", "k.pem", " pw", false));
    assertThat(tls("", "", "", true).customized()).isTrue();
    assertThat(tls("t.pem", "", "", false).customized()).isTrue();
    assertThat(tls("", "c.p12", "", false).customized()).isTrue();
    assertThat(tls("", "", "k.pem", false).customized()).isFalse();
    assertThat(tls("", "", "", true).sslContext()).isNotNull();
    assertThat(tls("", "", "", true).problems()).isEmpty();
  }

  @Test
  void combinationsThatCannotWorkAreNamedWithTheirFix() {
    assertThat(tls("ca.pem", "", "", true).problems()).containsExactly(
        "insecure is true and truststore is \"ca.pem\"; insecure trusts every certificate, so drop one of them");
    assertThat(tls("", "", "key.pem", false).problems()).containsExactly(
        "clientKey is \"key.pem\" but clientCert is not set; give a PEM clientCert with a PEM clientKey, or only a PKCS12 clientCert");
    assertThat(tls("", "me.P12", "key.pem", false).problems()).containsExactly(
        "clientKey is \"key.pem\" but clientCert is PKCS12 (\"me.P12\", which holds its own key); give a PEM clientCert with a PEM "
            + "clientKey, or only a PKCS12 clientCert");
    assertThat(tls("", "me.pfx", "key.pem", false).problems()).hasSize(1);
    assertThat(tls("", "me.pem", "", false).problems()).containsExactly(
        "clientCert \"me.pem\" is PEM but clientKey is not set; give its private key as PKCS #8 PEM in clientKey, or use a PKCS12 "
            + "file (.p12) holding both");
    // all at once
    assertThat(tls("ca.pem", "me.pem", "", true).problems()).hasSize(2);
  }

  @Test
  void filesThatCannotBeUsedAreNamedWithWhatIsWrong() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThat(tls(missing.toString(), "", "", false).problems()).singleElement().asString()
        .startsWith("truststore \"" + missing + "\" does not exist (relative paths start at ").endsWith("); give the file's path");
    assertThat(tls("classpath:/no/such.pem", "", "", false).problems()).containsExactly(
        "truststore \"classpath:/no/such.pem\" is not on the class path; put the file under src/test/resources/no/such.pem or give "
            + "a file path");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThat(tls(empty.toString(), "", "", false).problems()).containsExactly("truststore \"" + empty + "\" holds no certificate; "
        + "give PEM with -----BEGIN CERTIFICATE----- blocks, or a PKCS12 file named .p12");
    Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    assertThat(tls(junk.toString(), "", "", false).problems()).singleElement().asString()
        .startsWith("truststore \"" + junk + "\" is not a PEM certificate file (")
        .endsWith("); give PEM with -----BEGIN CERTIFICATE----- blocks, or a PKCS12 file named .p12");
    Path notP12 = Files.writeString(dir.resolve("store.p12"), "not pkcs12");
    assertThat(tls(notP12.toString(), "", "", false).problems()).singleElement().asString()
        .startsWith("truststore \"" + notP12 + "\" is not a PKCS12 file that opens with the given password (")
        .endsWith("); check the file and truststorePassword");
    assertThat(tls("", notP12.toString(), "", false).problems()).singleElement().asString()
        .startsWith("clientCert \"" + notP12 + "\" is not a PKCS12 file").endsWith("check the file and clientCertPassword");
    Path d = Files.createDirectory(dir.resolve("a-directory.pem"));
    assertThat(tls(d.toString(), "", "", false).problems()).singleElement().asString()
        .startsWith("truststore \"" + d + "\" cannot be read: ");
    assertThatThrownBy(() -> tls(empty.toString(), "", "", false).sslContext()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("truststore \"" + empty + "\" holds no certificate");
  }

  @Test
  void aClientKeyInAnotherFormIsNamedWithTheCommandThatConvertsIt() throws Exception {
    Path cert = TestTls.dir().resolve("server.pem");
    for (List<String> c : List.of(
        List.of("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
            "it is in the older PKCS #1/SEC 1 form; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem"),
        List.of("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
            "it is in the older PKCS #1/SEC 1 form; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem"),
        List.of("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "it is encrypted; decrypt it with: openssl pkcs8 -in key.pem -out key-pkcs8.pem"),
        List.of("hello", "expected -----BEGIN PRIVATE KEY----- (unencrypted PKCS #8)"),
        List.of("-----END PRIVATE KEY-----\n-----BEGIN PRIVATE KEY-----\n", "expected -----BEGIN PRIVATE KEY----- (unencrypted PKCS #8)"))) {
      Path key = Files.writeString(dir.resolve("key.pem"), c.get(0));
      assertThat(tls("", cert.toString(), key.toString(), false).problems()).as(c.get(1))
          .containsExactly("clientKey \"" + key + "\" is not an unencrypted PKCS #8 PEM key: " + c.get(1));
    }
    Path odd = Files.writeString(dir.resolve("odd.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThat(tls("", cert.toString(), odd.toString(), false).problems()).containsExactly("clientKey \"" + odd + "\" holds a PKCS #8 "
        + "key of an algorithm this JVM cannot read; use an RSA or EC key");
  }

  @Test
  void aPemTruststoreOrAPkcs12ClientCertificateBuildsAContext() {
    Path d = TestTls.dir();
    assertThat(TestTls.trusting().problems()).isEmpty();
    assertThat(TestTls.trusting().sslContext()).isNotNull();
    TlsSettings p12 = new TlsSettings(d.resolve("server.pem").toString(), "", d.resolve("server.p12").toString(), "",
        TestTls.PASSWORD, false);
    assertThat(p12.problems()).isEmpty();
    TlsSettings p12Trust = new TlsSettings(d.resolve("server.p12").toString(), TestTls.PASSWORD, "", "", "", false);
    assertThat(p12Trust.problems()).isEmpty();
    TlsSettings wrong = new TlsSettings(d.resolve("server.p12").toString(), "wrong", "", "", "", false);
    assertThat(wrong.problems()).singleElement().asString().contains("check the file and truststorePassword");
  }

  /**
   * The client certificate each form of settings presents in a handshake with a server that
   * requires one and trusts the test certificate, or the failure's class when it presents none.
   */
  private static String presented(TlsSettings settings) throws Exception {
    javax.net.ssl.SSLContext serverCtx = javax.net.ssl.SSLContext.getInstance("TLS");
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = Files.newInputStream(TestTls.dir().resolve("server.p12"))) {
      ks.load(in, TestTls.PASSWORD.toCharArray());
    }
    kmf.init(ks, TestTls.PASSWORD.toCharArray());
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("client", ks.getCertificate("server"));
    tmf.init(trusted);
    serverCtx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket(
        0, 5, java.net.InetAddress.getLoopbackAddress())) {
      server.setNeedClientAuth(true);
      java.util.concurrent.atomic.AtomicReference<String> peer = new java.util.concurrent.atomic.AtomicReference<>("none");
      Thread t = new Thread(() -> {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) server.accept()) {
          s.setSoTimeout(5_000);
          s.startHandshake();
          peer.set(s.getSession().getPeerPrincipal().getName());
          s.getOutputStream().write('!');
          s.getOutputStream().flush();
        } catch (java.io.IOException e) {
          peer.set(e.getClass().getSimpleName());
        }
      });
      t.start();
      try (javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) settings.sslContext().getSocketFactory().createSocket(
          java.net.InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        c.setSoTimeout(5_000);
        c.startHandshake();
        c.getInputStream().read();
      } catch (java.io.IOException e) {
        // the server refused the handshake; its side says why
      }
      t.join(10_000);
      return peer.get();
    }
  }

  /** PKCS #8 PEM of the test certificate's private key. */
  private Path pemKey() throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = Files.newInputStream(TestTls.dir().resolve("server.p12"))) {
      ks.load(in, TestTls.PASSWORD.toCharArray());
    }
    byte[] der = ks.getKey("server", TestTls.PASSWORD.toCharArray()).getEncoded();
    return Files.writeString(dir.resolve("client-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n");
  }

  @Test
  void theClientCertificateIsPresentedFromPkcs12OrFromPemWithItsKey() throws Exception {
    Path d = TestTls.dir();
    String pem = d.resolve("server.pem").toString();
    assertThat(presented(new TlsSettings(pem, "", d.resolve("server.p12").toString(), "", TestTls.PASSWORD, false)))
        .isEqualTo("CN=127.0.0.1");
    assertThat(presented(new TlsSettings(pem, "", pem, pemKey().toString(), "", false))).isEqualTo("CN=127.0.0.1");
    // without a client certificate the server refuses the handshake
    assertThat(presented(TestTls.trusting())).isNotEqualTo("CN=127.0.0.1").isNotEqualTo("none");
    // a client certificate alone: the JVM's default trust, which does not know the test certificate
    TlsSettings certOnly = new TlsSettings("", "", d.resolve("server.p12").toString(), "", TestTls.PASSWORD, false);
    assertThat(certOnly.problems()).isEmpty();
    assertThat(presented(certOnly)).isNotEqualTo("CN=127.0.0.1");
    // insecure trusts the server's certificate without a truststore, and still presents the client's
    assertThat(presented(new TlsSettings("", "", d.resolve("server.p12").toString(), "", TestTls.PASSWORD, true)))
        .isEqualTo("CN=127.0.0.1");
  }

  @Test
  void aTruststoreOfSeveralCertificatesTrustsEachOfThem() throws Exception {
    // another certificate: the first of the JDK's own CA certificates
    java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    try (java.io.InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
      ks.load(in, null);
    }
    String alias = java.util.Collections.list(ks.aliases()).stream().sorted().findFirst().orElseThrow();
    String otherPem = "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder().encodeToString(ks.getCertificate(alias).getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    // the certificate that matters second: every block is trusted, not only the first
    Path both = Files.writeString(dir.resolve("both.pem"), otherPem + Files.readString(TestTls.dir().resolve("server.pem")));
    Path d = TestTls.dir();
    assertThat(presented(new TlsSettings(both.toString(), "", d.resolve("server.p12").toString(), "", TestTls.PASSWORD, false)))
        .isEqualTo("CN=127.0.0.1");
    Path onlyOther = Files.writeString(dir.resolve("other.pem"), otherPem);
    assertThat(presented(new TlsSettings(onlyOther.toString(), "", d.resolve("server.p12").toString(), "", TestTls.PASSWORD, false)))
        .startsWith("SSL");
  }

  @Test
  void aClasspathFileIsReadFromTheThreadsContextClassLoaderOrElseThisClasssOwn() throws Exception {
    Path root = Files.createDirectory(dir.resolve("cp"));
    Files.createDirectory(root.resolve("tls"));
    Files.copy(TestTls.dir().resolve("server.pem"), root.resolve("tls").resolve("ca.pem"));
    Thread me = Thread.currentThread();
    ClassLoader was = me.getContextClassLoader();
    try (java.net.URLClassLoader scripts = new java.net.URLClassLoader(new java.net.URL[] {root.toUri().toURL()}, null)) {
      me.setContextClassLoader(scripts);
      assertThat(tls("classpath:tls/ca.pem", "", "", false).problems()).isEmpty();
      assertThat(tls("classpath:/tls/ca.pem", "", "", false).problems()).isEmpty();
      // the class path of this class does not have it
      me.setContextClassLoader(null);
      assertThat(tls("classpath:tls/ca.pem", "", "", false).problems()).containsExactly("truststore \"classpath:tls/ca.pem\" is not on "
          + "the class path; put the file under src/test/resources/tls/ca.pem or give a file path");
    } finally {
      me.setContextClassLoader(was);
    }
  }
}
