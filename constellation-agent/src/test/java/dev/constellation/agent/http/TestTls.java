package dev.constellation.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for {@code 127.0.0.1}, {@code localhost} and {@code api.example.test},
 * made once per test JVM with the JDK's keytool, and the TLS contexts of a loopback https server
 * using it and of a client trusting it (through {@link TlsSettings}, as a run's truststore would).
 */
final class TestTls {

  static final String PASSWORD = "changeit";
  private static Path dir;

  private TestTls() {}

  /** The directory holding {@code server.p12} (key pair) and {@code server.pem} (certificate). */
  static synchronized Path dir() {
    if (dir == null) {
      try {
        Path d = Files.createTempDirectory("constellation-tls");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
            "-ext", "SAN=ip:127.0.0.1,dns:localhost,dns:api.example.test", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", d.resolve("server.p12").toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", d.resolve("server.p12").toString(), "-storepass", PASSWORD,
            "-file", d.resolve("server.pem").toString());
        d.resolve("server.p12").toFile().deleteOnExit();
        d.resolve("server.pem").toFile().deleteOnExit();
        d.toFile().deleteOnExit();
        dir = d;
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException("cannot make the test certificate: " + e, e);
      }
    }
    return dir;
  }

  /** A server-side context with the self-signed key pair. */
  static SSLContext serverContext() {
    try (InputStream in = Files.newInputStream(dir().resolve("server.p12"))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Client settings trusting exactly the self-signed certificate, as a PEM truststore. */
  static TlsSettings trusting() {
    return new TlsSettings(dir().resolve("server.pem").toString(), "", "", "", "", false);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool did not finish: " + cmd);
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool " + cmd + " failed: " + out);
    }
  }
}
