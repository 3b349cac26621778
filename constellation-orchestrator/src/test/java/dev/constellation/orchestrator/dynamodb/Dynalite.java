package dev.constellation.orchestrator.dynamodb;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A dynalite (DynamoDB stand-in) process on 127.0.0.1, started and stopped by a test. */
public final class Dynalite implements AutoCloseable {

  private final Process process;
  private final int port;

  private Dynalite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts dynalite on a free port and waits until it accepts connections. */
  public static Dynalite start() throws IOException, InterruptedException {
    npmInstallIfMissing(nodeModules(), "dynalite");
    Path cli = nodeModules().resolve("dynalite").resolve("cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new IllegalStateException("dynalite is not installed at " + cli
          + "; run: npm install --prefix .ci/node");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("dynalite-", ".log");
    Process p = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--createTableMs", "0")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    Dynalite d = new Dynalite(p, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("dynalite exited with " + p.exitValue() + ": "
            + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return d;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    d.close();
    throw new IllegalStateException("dynalite did not listen on 127.0.0.1:" + port + " within 20 s: "
        + Files.readString(log));
  }

  /** A DynamoDB client for this dynalite: fake credentials, no retries, JDK HTTP client. */
  public DynamoDbClient client() {
    return client(new ExecutionInterceptor() {});
  }

  /**
   * A client like {@link #client()} that also runs an interceptor on every call (e.g. to count
   * the operations it sends).
   *
   * @param interceptor sees every request
   * @return the client
   */
  public DynamoDbClient client(ExecutionInterceptor interceptor) {
    return DynamoDbClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDTEST", "secret")))
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(interceptor))
        .build();
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** The node_modules folder holding the test services (see the helper rules). */
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

  static Path nodeModules() {
    String prop = System.getProperty("constellation.nodeModules");
    if (prop != null && !prop.isBlank()) {
      return Paths.get(prop);
    }
    String env = System.getenv("CONSTELLATION_NODE_MODULES");
    if (env != null && !env.isBlank()) {
      return Paths.get(env);
    }
    File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
    while (dir != null && !new File(dir, ".ci").isDirectory()) {
      dir = dir.getParentFile();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (a folder with .ci) above "
          + System.getProperty("user.dir") + "; set -Dconstellation.nodeModules or"
          + " CONSTELLATION_NODE_MODULES, and run: npm install --prefix .ci/node");
    }
    return dir.toPath().resolve(".ci").resolve("node").resolve("node_modules");
  }
}
