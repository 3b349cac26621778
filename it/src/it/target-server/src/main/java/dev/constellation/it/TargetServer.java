package dev.constellation.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loopback targets for the end-to-end tests, in one process that stops itself after its lifetime:
 * an HTTP server with a fixed delay and status that keeps its own request count in a file, and
 * optionally a port that resets every connection and one that never answers.
 *
 * <p>Options: --http-port P --delay-ms D --status S --count-file F --lifetime SECONDS
 * --reset-port P --silent-port P --stall-every-ms E --stall-ms S (the HTTP server holds every
 * request that arrives in the first S ms of each E ms until that stall ends)
 */
public final class TargetServer {

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    long lifetime = Long.parseLong(o.getOrDefault("lifetime", "120"));
    List<AutoCloseable> open = new ArrayList<>();
    AtomicLong requests = new AtomicLong();
    if (o.containsKey("http-port")) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
      long delay = Long.parseLong(o.getOrDefault("delay-ms", "0"));
      int status = Integer.parseInt(o.getOrDefault("status", "200"));
      long stallEvery = Long.parseLong(o.getOrDefault("stall-every-ms", "0"));
      long stallMs = Long.parseLong(o.getOrDefault("stall-ms", "0"));
      long t0 = System.currentTimeMillis();
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(o.get("http-port"))), 1000);
      http.setExecutor(Executors.newCachedThreadPool());
      http.createContext("/", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          requests.incrementAndGet();
          if (stallEvery > 0) {
            long phase = (System.currentTimeMillis() - t0) % stallEvery;
            if (phase < stallMs) {
              Thread.sleep(stallMs - phase);
            }
          }
          if (delay > 0) {
            Thread.sleep(delay);
          }
          byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // A login that answers 302 with a session cookie and a page that needs it; and an endless redirect loop.
      java.util.Set<String> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.concurrent.atomic.AtomicLong nextSession = new java.util.concurrent.atomic.AtomicLong();
      http.createContext("/cookie-login", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          requests.incrementAndGet();
          String sid = "s" + nextSession.incrementAndGet();
          sessions.add(sid);
          exchange.getResponseHeaders().add("Set-Cookie", "sid=" + sid + "; Path=/; HttpOnly");
          exchange.getResponseHeaders().add("Location", "/cookie-home");
          exchange.sendResponseHeaders(302, -1);
        }
      });
      http.createContext("/cookie-home", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          requests.incrementAndGet();
          String cookie = String.valueOf(exchange.getRequestHeaders().getFirst("Cookie"));
          boolean known = cookie.startsWith("sid=") && sessions.contains(cookie.substring(4));
          exchange.sendResponseHeaders(known ? 200 : 401, -1);
        }
      });
      http.createContext("/redirect-loop", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          requests.incrementAndGet();
          exchange.getResponseHeaders().add("Location", "/redirect-loop");
          exchange.sendResponseHeaders(302, -1);
        }
      });
      http.start();
      open.add(() -> http.stop(0));
    }
    if (o.containsKey("reset-port")) {
      open.add(raw(Integer.parseInt(o.get("reset-port")), true));
    }
    if (o.containsKey("silent-port")) {
      open.add(raw(Integer.parseInt(o.get("silent-port")), false));
    }
    System.out.println("target server up: " + o);
    Path countFile = o.containsKey("count-file") ? Path.of(o.get("count-file")) : null;
    long until = System.currentTimeMillis() + lifetime * 1000;
    long written = -1;
    while (System.currentTimeMillis() < until) {
      Thread.sleep(50);
      long now = requests.get();
      if (countFile != null && now != written) {
        Files.createDirectories(countFile.toAbsolutePath().getParent());
        Path tmp = countFile.resolveSibling(countFile.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(now));
        Files.move(tmp, countFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written = now;
      }
    }
    for (AutoCloseable c : open) {
      c.close();
    }
    System.exit(0);
  }

  /** A port that resets each connection after reading the request, or keeps it open and silent. */
  private static ServerSocket raw(int port, boolean reset) throws IOException {
    ServerSocket socket = new ServerSocket(port, 200, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      List<Socket> held = new ArrayList<>();
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          if (reset) {
            InputStream in = s.getInputStream();
            in.read(new byte[4096]);
            s.setSoLinger(true, 0);
            s.close();
          } else {
            held.add(s);
          }
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return socket;
  }
}
