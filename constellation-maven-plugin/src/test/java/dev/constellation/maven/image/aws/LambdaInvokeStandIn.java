package dev.constellation.maven.image.aws;

import com.sun.net.httpserver.HttpServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the Lambda {@code Invoke} API (restJson1:
 * {@code POST /2015-03-31/functions/{name}/invocations[?Qualifier=...]}, raw payload in and out,
 * {@code X-Amz-Function-Error: Unhandled} when the handler throws) that runs the real uploaded
 * jar's handler in one warm child JVM with only that jar (and {@link LambdaJarLauncher}) on its
 * class path. Invocations are served one at a time, like one execution environment. Only the named
 * function answers; any other name gets Lambda's {@code ResourceNotFoundException}.
 */
public final class LambdaInvokeStandIn implements AutoCloseable {

  private static final Pattern INVOKE = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newSingleThreadExecutor();
  private final Process runtime;
  private final DataOutputStream toRuntime;
  private final DataInputStream fromRuntime;
  private final AtomicInteger invocations = new AtomicInteger();

  private LambdaInvokeStandIn(String functionName, Process runtime) throws IOException {
    this.runtime = runtime;
    this.toRuntime = new DataOutputStream(runtime.getOutputStream());
    this.fromRuntime = new DataInputStream(runtime.getInputStream());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", exchange -> {
      try {
        Matcher m = INVOKE.matcher(exchange.getRequestURI().getPath());
        byte[] payload;
        try (InputStream in = exchange.getRequestBody()) {
          payload = in.readAllBytes();
        }
        if (!exchange.getRequestMethod().equals("POST") || !m.matches() || !m.group(1).equals(functionName)) {
          byte[] body = ("{\"Type\":\"User\",\"message\":\"Function not found: " + exchange.getRequestURI().getPath() + "\"}")
              .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("X-Amzn-ErrorType", "ResourceNotFoundException");
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(404, body.length);
          exchange.getResponseBody().write(body);
          return;
        }
        invocations.incrementAndGet();
        int status;
        byte[] reply;
        synchronized (this) {
          toRuntime.writeInt(payload.length);
          toRuntime.write(payload);
          toRuntime.flush();
          status = fromRuntime.readInt();
          reply = new byte[fromRuntime.readInt()];
          fromRuntime.readFully(reply);
        }
        if (status != 0) {
          exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
        }
        exchange.getResponseHeaders().add("X-Amz-Executed-Version", "1");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply);
        }
      } finally {
        exchange.close();
      }
    });
    server.setExecutor(threads);
    server.start();
  }

  /**
   * Starts the runtime JVM and the endpoint.
   *
   * @param functionName the only function that answers
   * @param jar the deployment package (the shaded {@code -lambda.jar})
   * @param handler {@code pkg.Class::method}
   * @param environment the function's environment (besides nothing else: the child's is cleared)
   * @param work a folder for the launcher class and the runtime's log
   * @return the stand-in
   */
  public static LambdaInvokeStandIn start(String functionName, Path jar, String handler, Map<String, String> environment, Path work)
      throws IOException {
    String launcherFile = LambdaJarLauncher.class.getName().replace('.', '/') + ".class";
    Path launcherDir = work.resolve("launcher");
    Path target = launcherDir.resolve(launcherFile);
    Files.createDirectories(target.getParent());
    try {
      Path compiled = Path.of(LambdaJarLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Files.copy(compiled.resolve(launcherFile), target);
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", jar.toAbsolutePath() + ":" + launcherDir,
        LambdaJarLauncher.class.getName(), handler);
    pb.environment().clear();
    pb.environment().putAll(environment);
    pb.redirectError(work.resolve("lambda-runtime.log").toFile());
    return new LambdaInvokeStandIn(functionName, pb.start());
  }

  /** {@code http://127.0.0.1:<port>}, for {@code CONSTELLATION_LAMBDA_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Invocations of the function so far. */
  public int invocations() {
    return invocations.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(0);
    threads.shutdownNow();
    try {
      toRuntime.close();
    } catch (IOException ignored) {
      // the runtime is gone already
    }
    if (!runtime.waitFor(5, TimeUnit.SECONDS)) {
      runtime.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** The real orchestrator deployment package the reactor built: {@code constellation-orchestrator/target/*-lambda.jar}. */
  public static Path orchestratorLambdaJar() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path target = dir.resolve("constellation-orchestrator").resolve("target");
      if (Files.isDirectory(target)) {
        try (var files = Files.list(target)) {
          List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).toList();
          if (!jars.isEmpty()) {
            return jars.get(0);
          }
        }
      }
    }
    throw new IllegalStateException("no constellation-orchestrator/target/*-lambda.jar; build it in the same reactor: "
        + "mvn -B -pl constellation-maven-plugin -am verify");
  }
}
