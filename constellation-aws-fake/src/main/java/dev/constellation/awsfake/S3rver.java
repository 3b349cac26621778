package dev.constellation.awsfake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** An s3rver (npm) process on 127.0.0.1 that a test starts, stops and restarts on the same port and directory. */
public final class S3rver implements AutoCloseable {

  private final Path script;
  private final Path directory;
  private final Path log;
  private final int port;
  private Process process;

  private S3rver(Path script, Path directory, int port) {
    this.script = script;
    this.directory = directory;
    this.log = directory.resolveSibling(directory.getFileName() + ".log");
    this.port = port;
  }

  /** Starts s3rver on a free loopback port, storing objects under {@code directory}. */
  public static S3rver start(Path directory) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    S3rver server = new S3rver(script(), directory, port);
    server.start();
    return server;
  }

  public int port() {
    return port;
  }

  /** Starts (again) on the same port and directory; waits until it accepts connections. */
  public void start() throws IOException {
    Files.createDirectories(directory);
    // s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 17+ only offers with
    // the legacy OpenSSL provider; without it every truncated listing answers HTTP 500.
    ProcessBuilder pb = new ProcessBuilder(List.of("node", "--openssl-legacy-provider", script.toString(), "--address", "127.0.0.1",
        "--port", Integer.toString(port), "--directory", directory.toString(), "--silent"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3rver exited with " + process.exitValue() + "; see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    stop();
    throw new IllegalStateException("s3rver did not listen on 127.0.0.1:" + port + " within 20 s; see " + log);
  }

  /** Stops the process and its descendants, and waits until the port refuses connections. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  /** A client as AWS-NOTES §4.2/§4.5 prescribe for s3rver: path style, no aws-chunked bodies, no SDK retries. */
  public S3Client client() {
    return S3Client.builder()
        .region(Region.US_EAST_1)
        // s3rver only accepts its built-in account's key pair
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")))
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .forcePathStyle(true)
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(10)).build())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static Path script() {
    Path nodeModules = nodeModules();
    npmInstallIfMissing(nodeModules, "s3rver");
    Path script = nodeModules.resolve("s3rver").resolve("bin").resolve("s3rver.js");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("s3rver is not installed in " + nodeModules + "; run: npm install --prefix .ci/node");
    }
    return script;
  }

  /**
   * Installs the pinned test services ({@code npm ci} in .ci/node) the first time a test needs
   * them, so {@code mvn verify} works on a fresh machine that has Node.js and npm.
   */
  private static synchronized void npmInstallIfMissing(Path nodeModules, String pkg) {
    if (Files.isDirectory(nodeModules.resolve(pkg)) || !Files.isRegularFile(nodeModules.resolveSibling("package.json"))) {
      return;
    }
    try {
      Path log = Files.createTempFile("npm-ci", ".log");
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
          .directory(nodeModules.getParent().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!npm.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
        npm.destroyForcibly();
      }
    } catch (IOException e) {
      // no npm here: the check that follows names what is missing and how to install it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path nodeModules() {
    String p = System.getProperty("constellation.nodeModules");
    if (p == null || p.isBlank()) {
      p = System.getenv("CONSTELLATION_NODE_MODULES");
    }
    if (p != null && !p.isBlank()) {
      return Paths.get(p);
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(".ci"))) {
        return dir.resolve(".ci").resolve("node").resolve("node_modules");
      }
    }
    throw new IllegalStateException("cannot find the repository's .ci folder above " + Paths.get("").toAbsolutePath()
        + "; set -Dconstellation.nodeModules or run: npm install --prefix .ci/node");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while waiting for s3rver", e));
    }
  }
}
