package dev.constellation.maven.image;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs Debian's {@code docker-registry} (CNCF distribution 2.8) on 127.0.0.1 for one test class:
 * storage in a temporary folder, access log captured to count blob uploads. Either open over
 * plain HTTP (the default), or, with {@link #withBasicAuth}, the registry's own {@code htpasswd}
 * authentication (bcrypt entries, as {@code htpasswd -B} writes them) over HTTPS with a
 * self-signed certificate for 127.0.0.1 made by {@code openssl}.
 */
final class DockerRegistryExtension implements BeforeAllCallback, AfterAllCallback {

  private final String user;
  private final String password;

  DockerRegistryExtension() {
    this(null, null);
  }

  private DockerRegistryExtension(String user, String password) {
    this.user = user;
    this.password = password;
  }

  /** A registry that answers only requests with this user's basic credentials, over HTTPS. */
  static DockerRegistryExtension withBasicAuth(String user, String password) {
    return new DockerRegistryExtension(user, password);
  }

  static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private Path workDir;
  private Path logFile;
  private Process process;
  private int port;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (!Files.isExecutable(BINARY)) {
      // On a developer's machine without the tool the test is skipped and says how to get it;
      // CI (CI=true, where .ci/run installs it) fails instead, so it cannot pass by skipping.
      String missing = BINARY + " is missing; run: apt-get install -y docker-registry";
      if (!"true".equals(System.getenv("CI"))) {
        org.junit.jupiter.api.Assumptions.abort(missing);
      }
      fail(missing);
    }
    workDir = Files.createTempDirectory("constellation-registry");
    port = freePort();
    Path config = workDir.resolve("config.yml");
    Files.writeString(config, String.join("\n",
        "version: 0.1",
        "log:",
        "  level: info",
        "  accesslog:",
        "    disabled: false",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + workDir.resolve("storage"),
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + port,
        ""));
    if (user != null) {
      // htpasswd -B's line: user:$2y$<cost>$<salt+hash>; the registry checks it with Go's bcrypt.
      byte[] salt = new byte[16];
      new java.security.SecureRandom().nextBytes(salt);
      Files.writeString(workDir.resolve("htpasswd"),
          user + ":" + org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5) + "\n");
      Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
          "-keyout", workDir.resolve("key.pem").toString(), "-out", workDir.resolve("cert.pem").toString(),
          "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
          .redirectErrorStream(true).redirectOutput(workDir.resolve("openssl.log").toFile()).start();
      if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
        openssl.destroyForcibly();
        fail("openssl could not make the registry's certificate: " + Files.readString(workDir.resolve("openssl.log")));
      }
      Files.writeString(config, String.join("\n",
          "  tls:",
          "    certificate: " + workDir.resolve("cert.pem"),
          "    key: " + workDir.resolve("key.pem"),
          "auth:",
          "  htpasswd:",
          "    realm: constellation-test",
          "    path: " + workDir.resolve("htpasswd"),
          ""), java.nio.file.StandardOpenOption.APPEND);
    }
    logFile = workDir.resolve("registry.log");
    process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile())
        .start();
    awaitReady();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    if (workDir != null) {
      try (Stream<Path> files = Files.walk(workDir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** {@code 127.0.0.1:<port>}, the registry part of image references. */
  String host() {
    return "127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** Every line the registry logged so far. */
  List<String> logLines() throws IOException {
    return Files.readAllLines(logFile, StandardCharsets.UTF_8);
  }

  /**
   * Completed blob uploads in the access log from line {@code fromLine} on: the final {@code PUT
   * /v2/<name>/blobs/uploads/<id>?digest=...} of each upload that the registry answered 201.
   */
  long completedBlobUploads(int fromLine) throws IOException {
    List<String> lines = logLines();
    return lines.subList(Math.min(fromLine, lines.size()), lines.size()).stream()
        .filter(l -> l.contains("\"PUT /v2/") && l.contains("/blobs/uploads/")
            && l.contains("digest=") && l.contains("\" 201 "))
        .count();
  }

  /** Whether the registry asks for credentials (and speaks HTTPS). */
  boolean authenticated() {
    return user != null;
  }

  /** An HTTP client for this registry: it trusts the registry's self-signed certificate. */
  HttpClient client() throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    if (user != null) {
      java.security.cert.Certificate cert;
      try (var in = Files.newInputStream(workDir.resolve("cert.pem"))) {
        cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("registry", cert);
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      b.sslContext(tls);
    }
    return b.build();
  }

  /** The registry's base URL, {@code http://} or {@code https://} host. */
  String baseUrl() {
    return (user != null ? "https://" : "http://") + host();
  }

  private void awaitReady() throws Exception {
    HttpClient http = client();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("docker-registry exited with " + process.exitValue() + ": " + Files.readString(logFile));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        HttpResponse<Void> r = http.send(
            HttpRequest.newBuilder(URI.create(baseUrl() + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == (user != null ? 401 : 200)) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    fail("docker-registry did not answer on " + host() + " within 15 s: " + Files.readString(logFile));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
