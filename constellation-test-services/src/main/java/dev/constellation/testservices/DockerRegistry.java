package dev.constellation.testservices;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Debian's {@code docker-registry} (CNCF distribution 2.8) on 127.0.0.1 and a free port, storage in a
 * temporary folder, access log kept (to count blob uploads). Either open over plain HTTP
 * ({@link #start()}; the registry that stands in for ECR, {@code FakeAws.Options.ecrProxyEndpoint(
 * registry.endpoint())}), or with the registry's own {@code htpasswd} authentication (bcrypt entries,
 * as {@code htpasswd -B} writes them) over HTTPS with a self-signed certificate for 127.0.0.1 made by
 * {@code openssl} ({@link #startWithBasicAuth}). Tests push to {@link #host()}{@code /<repository>:<tag>}
 * and close it: the process is stopped by its handle and the folder deleted.
 */
public final class DockerRegistry implements AutoCloseable {

  /** Where Debian installs it ({@code apt-get install -y docker-registry}). */
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  /** What a test says when {@link #BINARY} is missing. */
  public static final String MISSING = BINARY + " is missing; run: apt-get install -y docker-registry";

  private final Path workDir;
  private final Path log;
  private final int port;
  private final String user;
  private Process process;

  private DockerRegistry(Path workDir, int port, String user) {
    this.workDir = workDir;
    this.log = workDir.resolve("registry.log");
    this.port = port;
    this.user = user;
  }

  /**
   * Skips the calling test when {@link #BINARY} is missing, or fails it under {@code CI=true}
   * ({@link Required#missing}).
   */
  public static void requireInstalled() {
    Required.executable(BINARY, MISSING);
  }

  /**
   * Starts an open registry (plain HTTP, no authentication) and waits until {@code GET /v2/} answers
   * 200 (at most 15 s).
   *
   * @throws IllegalStateException when {@link #BINARY} is missing (the message says how to install
   *     it), or when the registry exits or does not answer in time (with its log)
   */
  public static DockerRegistry start() throws IOException {
    return start(null, null);
  }

  /**
   * Starts a registry that answers only requests with this user's basic credentials, over HTTPS,
   * and waits until {@code GET /v2/} answers 401 (at most 15 s).
   *
   * @throws IllegalStateException as {@link #start()}, or when openssl cannot make the certificate
   */
  public static DockerRegistry startWithBasicAuth(String user, String password) throws IOException {
    return start(user, password);
  }

  private static DockerRegistry start(String user, String password) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(MISSING);
    }
    DockerRegistry registry = new DockerRegistry(Files.createTempDirectory("constellation-registry-"), Loopback.freePort(), user);
    try {
      registry.launch(password);
    } catch (IOException | RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  private void launch(String password) throws IOException {
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
      new SecureRandom().nextBytes(salt);
      Files.writeString(workDir.resolve("htpasswd"),
          user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5) + "\n");
      selfSignedCertificate();
      Files.writeString(config, String.join("\n",
          "  tls:",
          "    certificate: " + workDir.resolve("cert.pem"),
          "    key: " + workDir.resolve("key.pem"),
          "auth:",
          "  htpasswd:",
          "    realm: constellation-test",
          "    path: " + workDir.resolve("htpasswd"),
          ""), StandardOpenOption.APPEND);
    }
    process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    awaitReady();
  }

  private void selfSignedCertificate() throws IOException {
    Path out = workDir.resolve("openssl.log");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", workDir.resolve("key.pem").toString(), "-out", workDir.resolve("cert.pem").toString(),
        "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
        openssl.destroyForcibly();
        throw new IllegalStateException("openssl could not make the registry's certificate: " + Loopback.text(out));
      }
    } catch (InterruptedException e) {
      openssl.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while openssl made the registry's certificate");
    }
  }

  private void awaitReady() throws IOException {
    HttpClient http = client();
    int ready = user != null ? 401 : 200;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ": " + Loopback.text(log));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/v2/"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == ready) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting for docker-registry");
      }
      Loopback.pause();
    }
    throw new IllegalStateException("docker-registry did not answer on " + host() + " within 15 s: " + Loopback.text(log));
  }

  /** {@code 127.0.0.1:<port>}, the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * The registry's base URL: {@code http://127.0.0.1:<port>} (for {@code
   * FakeAws.Options.ecrProxyEndpoint}), {@code https://} with basic authentication.
   */
  public String endpoint() {
    return (user != null ? "https://" : "http://") + host();
  }

  /** Whether the registry asks for credentials (and speaks HTTPS). */
  public boolean authenticated() {
    return user != null;
  }

  /** Every line the registry logged so far. */
  public List<String> logLines() throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  /**
   * Completed blob uploads in the access log from line {@code fromLine} on: the final {@code PUT
   * /v2/<name>/blobs/uploads/<id>?digest=...} of each upload that the registry answered 201.
   */
  public long completedBlobUploads(int fromLine) throws IOException {
    List<String> lines = logLines();
    return lines.subList(Math.min(fromLine, lines.size()), lines.size()).stream()
        .filter(l -> l.contains("\"PUT /v2/") && l.contains("/blobs/uploads/")
            && l.contains("digest=") && l.contains("\" 201 "))
        .count();
  }

  /** An HTTP client for this registry: with basic authentication it trusts the registry's self-signed certificate. */
  public HttpClient client() throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    if (user != null) {
      try (InputStream in = Files.newInputStream(workDir.resolve("cert.pem"))) {
        Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("registry", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        b.sslContext(tls);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot trust the registry's certificate " + workDir.resolve("cert.pem"), e);
      }
    }
    return b.build();
  }

  /** Stops the registry by its handle (SIGTERM, SIGKILL after 5 s) and deletes its storage. */
  @Override
  public void close() {
    if (process != null) {
      Loopback.stop(process, Duration.ofSeconds(5));
    }
    try (Stream<Path> files = Files.walk(workDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: a temporary folder
    }
  }
}
