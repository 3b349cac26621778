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
 * no auth, storage in a temporary folder, access log captured to count blob uploads.
 */
final class DockerRegistryExtension implements BeforeAllCallback, AfterAllCallback {

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

  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("docker-registry exited with " + process.exitValue() + ": " + Files.readString(logFile));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        HttpResponse<Void> r = http.send(
            HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
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
