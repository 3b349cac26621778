package dev.constellation.orchestrator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.constellation.orchestrator.InMemoryRunStateStore;
import dev.constellation.orchestrator.Orchestrator;
import dev.constellation.orchestrator.OrchestratorActions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The orchestrator for local runs: an HTTP server on 127.0.0.1 over an in-memory store. Every
 * action is {@code POST /} with the action's JSON body; the reply is the JSON the Lambda would
 * return (HTTP 200, errors included as {@code {"error":…}}).
 *
 * @since 0.1.0
 */
public final class LocalOrchestratorServer implements AutoCloseable {

  private static final int MAX_BODY_BYTES = 1 << 20;

  private final int requestedPort;
  private final OrchestratorActions actions;
  private HttpServer server;
  private ExecutorService executor;

  /**
   * A server over a fresh in-memory store and the system clock; call {@link #start()}.
   *
   * @param port the port on 127.0.0.1, or 0 for a free one
   */
  public LocalOrchestratorServer(int port) {
    this(port, new OrchestratorActions(
        new Orchestrator(new InMemoryRunStateStore(), Clock.systemUTC())));
  }

  /**
   * A server over the given actions; call {@link #start()}.
   *
   * @param port the port on 127.0.0.1, or 0 for a free one
   * @param actions the orchestrator to serve
   */
  public LocalOrchestratorServer(int port, OrchestratorActions actions) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port is " + port + "; use 0 (any free port) to 65535");
    }
    this.requestedPort = port;
    this.actions = actions;
  }

  /**
   * Binds and starts serving.
   *
   * @return this server
   * @throws IOException when the port cannot be bound
   */
  public synchronized LocalOrchestratorServer start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("the orchestrator server is already started at " + url());
    }
    InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort);
    HttpServer s;
    try {
      s = HttpServer.create(bind, 128);
    } catch (IOException e) {
      throw new IOException("cannot bind the local orchestrator to 127.0.0.1:" + requestedPort
          + " (" + e.getMessage() + "); choose another port, or 0 for any free port", e);
    }
    executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "constellation-orchestrator-http");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(executor);
    s.createContext("/", this::serve);
    s.start();
    server = s;
    return this;
  }

  /** The bound port; only after {@link #start()}. */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("the orchestrator server is not started; call start() first");
    }
    return server.getAddress().getPort();
  }

  /** The address the server is bound to (the loopback address and the port); only after {@link #start()}. */
  public synchronized InetSocketAddress address() {
    if (server == null) {
      throw new IllegalStateException("the orchestrator server is not started; call start() first");
    }
    return server.getAddress();
  }

  /** The URL agents send their actions to, e.g. {@code http://127.0.0.1:41234/}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port() + "/");
  }

  /** Stops serving; idempotent. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"/".equals(exchange.getRequestURI().getPath())) {
        reply(exchange, 404, "{\"error\":\"not-found\",\"message\":\"path "
            + exchange.getRequestURI().getPath() + " is unknown; POST actions to /\"}");
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        reply(exchange, 405, "{\"error\":\"method-not-allowed\",\"message\":\"use POST / with a"
            + " JSON action body\"}");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        reply(exchange, 413, "{\"error\":\"bad-request\",\"message\":\"the request is larger than "
            + MAX_BODY_BYTES + " bytes\"}");
        return;
      }
      reply(exchange, 200, actions.handle(new String(body, StandardCharsets.UTF_8)));
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
