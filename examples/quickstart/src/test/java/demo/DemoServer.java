package demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's target: a small shop API on 127.0.0.1 with realistic, variable delays. The build
 * starts it before the load test and it stops by itself after its lifetime, so it never lingers.
 *
 * <p>Arguments: port, lifetime in seconds, and optionally a file where it keeps its own request
 * count (the tests compare it with what Constellation recorded).
 */
public final class DemoServer {

  private static final AtomicLong REQUESTS = new AtomicLong();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long lifetimeSeconds = args.length > 1 ? Long.parseLong(args[1]) : 300;
    Path countFile = args.length > 2 ? Path.of(args[2]) : null;
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/items", DemoServer::items);
    server.createContext("/cart", exchange -> answer(exchange, 201, "{\"cart\":\"ok\"}", 25, 15));
    server.createContext("/", exchange -> answer(exchange, 404, "{\"error\":\"not found\"}", 1, 1));
    server.start();
    System.out.println("demo server listening on http://127.0.0.1:" + port + " for " + lifetimeSeconds + " s");
    long until = System.currentTimeMillis() + lifetimeSeconds * 1000;
    long written = -1;
    while (System.currentTimeMillis() < until) {
      Thread.sleep(50);
      long now = REQUESTS.get();
      if (countFile != null && now != written) {
        Path tmp = countFile.resolveSibling(countFile.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(now));
        Files.move(tmp, countFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written = now;
      }
    }
    server.stop(0);
    System.exit(0);
  }

  private static void items(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/items") || path.equals("/items/")) {
      answer(exchange, 200, "[{\"id\":1,\"name\":\"lamp\"},{\"id\":2,\"name\":\"desk\"},{\"id\":3,\"name\":\"chair\"}]", 20, 20);
      return;
    }
    String id = path.substring("/items/".length());
    if (!id.matches("\\d{1,6}")) {
      answer(exchange, 404, "{\"error\":\"no such item\"}", 1, 1);
      return;
    }
    answer(exchange, 200, "{\"id\":" + id + ",\"name\":\"item " + id + "\",\"price\":" + (Integer.parseInt(id) % 90 + 10) + "}", 10, 10);
  }

  /** Answers after a delay of base + exponential(mean = jitter) milliseconds. */
  private static void answer(HttpExchange exchange, int status, String json, long baseMs, long jitterMs) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      REQUESTS.incrementAndGet();
      double jitter = -Math.log(1 - ThreadLocalRandom.current().nextDouble()) * jitterMs;
      Thread.sleep(baseMs + Math.min((long) jitter, 10 * jitterMs));
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
