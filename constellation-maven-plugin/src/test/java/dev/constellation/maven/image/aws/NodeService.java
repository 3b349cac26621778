package dev.constellation.maven.image.aws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js test service from the repository's {@code .ci/node} (dynalite or s3rver) on a free
 * 127.0.0.1 port, installed with {@code npm ci} on first use and stopped by process handle.
 */
public final class NodeService implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private NodeService(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** dynalite (DynamoDB) with tables created at once. */
  public static NodeService dynalite() throws IOException, InterruptedException {
    int port = freePort();
    return start("dynalite", "cli.js", port, List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--createTableMs", "0"));
  }

  /** s3rver (S3) storing objects under {@code directory}; credentials S3RVER/S3RVER. */
  public static NodeService s3rver(Path directory) throws IOException, InterruptedException {
    int port = freePort();
    Files.createDirectories(directory);
    // --openssl-legacy-provider: s3rver's continuation tokens use DES, which Node 17+ only has there.
    return start("s3rver", "bin/s3rver.js", port, List.of("--address", "127.0.0.1", "--port", Integer.toString(port),
        "--directory", directory.toString(), "--silent"));
  }

  private static NodeService start(String pkg, String script, int port, List<String> args) throws IOException, InterruptedException {
    Path modules = nodeModules();
    if (!Files.isDirectory(modules.resolve(pkg))) {
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
          .directory(modules.getParent().toFile()).redirectErrorStream(true)
          .redirectOutput(Files.createTempFile("npm-ci", ".log").toFile()).start();
      if (!npm.waitFor(5, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
      }
    }
    Path cli = modules.resolve(pkg).resolve(script);
    if (!Files.isRegularFile(cli)) {
      throw new IllegalStateException(pkg + " is not installed at " + cli + "; run: npm ci --prefix .ci/node");
    }
    List<String> command = new ArrayList<>(List.of("node"));
    if (pkg.equals("s3rver")) {
      command.add("--openssl-legacy-provider");
    }
    command.add(cli.toString());
    command.addAll(args);
    Path log = Files.createTempFile(pkg + "-", ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    NodeService service = new NodeService(p, port, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(pkg + " exited with " + p.exitValue() + ": " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return service;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    service.close();
    throw new IllegalStateException(pkg + " did not listen on 127.0.0.1:" + port + " within 30 s: " + Files.readString(log));
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Path nodeModules() {
    String p = System.getProperty("constellation.nodeModules", System.getenv("CONSTELLATION_NODE_MODULES"));
    if (p != null && !p.isBlank()) {
      return Paths.get(p);
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(".ci").resolve("node"))) {
        return dir.resolve(".ci").resolve("node").resolve("node_modules");
      }
    }
    throw new IllegalStateException("no .ci/node above " + Paths.get("").toAbsolutePath() + "; set -Dconstellation.nodeModules");
  }
}
