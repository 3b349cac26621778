package dev.constellation.agent;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** Real loopback servers for tests: a counting HTTP server with a delay, and misbehaving raw sockets. */
public final class TestTargets {

  private TestTargets() {}

  /** A JDK HttpServer on 127.0.0.1 answering every path with the given status after a delay, counting requests. */
  public static final class Counting implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong requests = new AtomicLong();

    public Counting(int status, long delayMillis) throws IOException {
      // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
      // delayed ACK and every response takes ~40 ms more.
      System.setProperty("sun.net.httpserver.nodelay", "true");
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
      server.setExecutor(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "target");
        t.setDaemon(true);
        return t;
      }));
      server.createContext("/", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          requests.incrementAndGet();
          if (delayMillis > 0) {
            Thread.sleep(delayMillis);
          }
          byte[] body = ("{\"path\":\"" + exchange.getRequestURI().getPath() + "\"}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      server.start();
    }

    public String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public long requests() {
      return requests.get();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** Accepts connections and then misbehaves: resets them at once, or never answers. */
  public static final class Raw implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;

    public Raw(boolean reset) throws IOException {
      socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            if (reset) {
              InputStream in = s.getInputStream();
              in.read(new byte[1024]);
              s.setSoLinger(true, 0);
              s.close();
            }
            // otherwise keep it open and silent: the client times out
          } catch (IOException e) {
            return;
          }
        }
      }, "raw-target");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    public String url() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A loopback address where nothing listens. */
  public static String refusingUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }
}
