package dev.constellation.awsfake;

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
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (CNCF distribution) on 127.0.0.1 and a free port, plain HTTP, no
 * auth, storage in a temporary folder: the registry that stands in for ECR
 * ({@code FakeAws.Options.ecrProxyEndpoint(registry.endpoint())}). Tests start it, push with Jib to
 * {@link #host()}{@code /<repository>:<tag>}, and close it (the process is stopped by its handle and
 * the folder deleted).
 */
public final class DockerRegistry implements AutoCloseable {

  /** Where Debian installs it ({@code apt-get install -y docker-registry}). */
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private final Path workDir;
  private final Path log;
  private final int port;
  private final Process process;

  private DockerRegistry(Path workDir, Path log, int port, Process process) {
    this.workDir = workDir;
    this.log = log;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts the registry and waits until {@code GET /v2/} answers 200 (at most 15 s).
   *
   * @throws IllegalStateException when {@link #BINARY} is missing (the message says how to install
   *     it), or when the registry exits or does not answer in time (with its log)
   */
  public static DockerRegistry start() throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " is missing; run: apt-get install -y docker-registry");
    }
    Path workDir = Files.createTempDirectory("fake-aws-registry-");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path config = workDir.resolve("config.yml");
    Files.writeString(config, String.join("\n",
        "version: 0.1",
        "log:",
        "  level: warn",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + workDir.resolve("storage"),
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + port,
        ""));
    Path log = workDir.resolve("registry.log");
    Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    DockerRegistry registry = new DockerRegistry(workDir, log, port, p);
    try {
      registry.awaitReady();
    } catch (IOException | RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** {@code 127.0.0.1:<port>}, the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** {@code http://127.0.0.1:<port>}, for {@code FakeAws.Options.ecrProxyEndpoint}. */
  public String endpoint() {
    return "http://" + host();
  }

  private void awaitReady() throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ": "
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        sleep();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for docker-registry", e);
      }
    }
    throw new IllegalStateException("docker-registry did not answer on " + host() + " within 15 s: "
        + Files.readString(log, StandardCharsets.UTF_8));
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the registry (SIGTERM, SIGKILL after 5 s) and deletes its storage. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      TaskImages.deleteTree(workDir);
    } catch (IOException ignored) {
      // best effort: a temporary folder
    }
  }
}
