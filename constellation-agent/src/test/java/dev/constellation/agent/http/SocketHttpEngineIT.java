package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SocketHttpEngineIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final SocketHttpEngine engine = new SocketHttpEngine(Duration.ofSeconds(2));
  private final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    engine.close();
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  @Test
  void reusesOneKeepAliveConnectionForRequestsInSequence() throws Exception {
    Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    String url = jdkServer(exchange -> {
      clientPorts.add(exchange.getRemoteAddress().getPort());
      respond(exchange, 200, "ok".getBytes(StandardCharsets.UTF_8));
    });
    for (int i = 0; i < 20; i++) {
      assertThat(get(url + "/x?i=" + i).status()).isEqualTo(200);
    }
    assertThat(clientPorts).hasSize(1);
  }

  @Test
  void sendsMethodPathQueryHeadersAndBody() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    String url = jdkServer(exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("X-Test")
          + " " + exchange.getRequestHeaders().getFirst("Host") + " " + new String(in, StandardCharsets.UTF_8));
      respond(exchange, 201, in);
    });
    HttpEngine.RawResponse r = engine.send("POST", URI.create(url + "/items/7?q=a%20b"), List.of("X-Test", "yes"),
        "{\"a\":1}".getBytes(StandardCharsets.UTF_8), TIMEOUT);
    assertThat(r.status()).isEqualTo(201);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    assertThat(r.headers()).containsKey("content-length");
    assertThat(seen).containsExactly("POST /items/7?q=a%20b yes " + URI.create(url).getAuthority() + " {\"a\":1}");
  }

  @Test
  void readsChunkedBodiesAndKeepsTheConnection() throws Exception {
    Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    String url = jdkServer(exchange -> {
      clientPorts.add(exchange.getRemoteAddress().getPort());
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 50; i++) {
          out.write(("piece " + i + ";").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    });
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      expected.append("piece ").append(i).append(';');
    }
    for (int i = 0; i < 3; i++) {
      HttpEngine.RawResponse r = get(url + "/chunks");
      assertThat(r.headers().get("transfer-encoding")).containsExactly("chunked");
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }
    assertThat(clientPorts).hasSize(1);
  }

  @Test
  void readsLargeBodiesWithContentLengthAndChunked() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(big);
    String url = jdkServer(exchange -> {
      boolean chunked = exchange.getRequestURI().getPath().endsWith("chunked");
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, chunked ? 0 : big.length);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int off = 0; off < big.length; off += 100_000) {
          out.write(big, off, Math.min(100_000, big.length - off));
        }
      }
    });
    assertThat(get(url + "/fixed").body()).isEqualTo(big);
    assertThat(get(url + "/chunked").body()).isEqualTo(big);
    byte[] upload = new byte[200_000];
    new Random(7).nextBytes(upload);
    assertThat(engine.send("PUT", URI.create(url + "/fixed"), List.of(), upload, TIMEOUT).body()).isEqualTo(big);
  }

  @Test
  void readsNoBodyAfterHeadAnd204And304EvenWithAContentLengthHeader() throws Exception {
    ScriptedServer server = scripted((request, out, connection) -> {
      if (request.startsWith("HEAD")) {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n"));
      } else if (request.contains("/no-content")) {
        out.write(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
      } else if (request.contains("/not-modified")) {
        out.write(ascii("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\nETag: \"x\"\r\n\r\n"));
      } else {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
      }
      return true;
    });
    HttpEngine.RawResponse head = engine.send("HEAD", URI.create(server.url() + "/"), List.of(), null, TIMEOUT);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().get("content-length")).containsExactly("1000");
    assertThat(get(server.url() + "/no-content").status()).isEqualTo(204);
    HttpEngine.RawResponse notModified = get(server.url() + "/not-modified");
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(new String(get(server.url() + "/").body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void skipsInterimResponsesAndReadsToTheEndWhenNoLengthIsGiven() throws Exception {
    ScriptedServer server = scripted((request, out, connection) -> {
      out.write(ascii("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.0 200 OK\r\nX-Folded: one\r\n two\r\n\r\nuntil the end"));
      return false;
    });
    HttpEngine.RawResponse r = get(server.url() + "/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("x-folded")).containsExactly("one two");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("until the end");
    assertThat(get(server.url() + "/").status()).isEqualTo(200);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void retriesAGetOnceOnANewConnectionWhenTheServerClosedTheIdleOne() throws Exception {
    ScriptedServer server = scripted((request, out, connection) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
      out.flush();
      return false; // closes without saying Connection: close, as an idle timeout does
    });
    for (int i = 0; i < 5; i++) {
      Thread.sleep(50); // lets the server's FIN arrive before the next request
      assertThat(get(server.url() + "/").status()).isEqualTo(200);
    }
    assertThat(server.connections()).isEqualTo(5);
    assertThat(server.requests()).isEqualTo(5);
  }

  @Test
  void retriesAPostOnceOnANewConnectionWhenTheServerClosedTheIdleOneAndSaysSo() throws Exception {
    ScriptedServer server = scripted((request, out, connection) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
      out.flush();
      return false;
    });
    assertThat(get(server.url() + "/").status()).isEqualTo(200);
    Thread.sleep(100);
    List<String> retries = new CopyOnWriteArrayList<>();
    HttpEngine.RawResponse r = engine.send("POST", RequestTarget.of(server.url() + "/"), List.of(), "x".getBytes(StandardCharsets.UTF_8),
        TIMEOUT, (type, nanos) -> retries.add(type));
    assertThat(r.status()).isEqualTo(200);
    assertThat(retries).hasSize(1).allSatisfy(type -> assertThat(type).isIn("connection_closed", "connection_reset"));
    assertThat(server.requests()).isEqualTo(2);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void doesNotRetryWhenTheResponseHadStarted() throws Exception {
    AtomicInteger answered = new AtomicInteger();
    ScriptedServer server = scripted((request, out, connection) -> {
      if (answered.incrementAndGet() == 1) {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        return true;
      }
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"));
      return false;
    });
    assertThat(get(server.url() + "/").status()).isEqualTo(200);
    Throwable failure = catchThrowable(() -> get(server.url() + "/"));
    assertThat(ErrorTypes.classify(failure)).isEqualTo("connection_closed");
    assertThat(failure).hasMessageContaining("7 of 100 body bytes");
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void mapsRefusedConnectionsToConnectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(errorType("http://127.0.0.1:" + port + "/", TIMEOUT)).isEqualTo("connection_refused");
  }

  @Test
  void mapsAConnectThatNeverCompletesToConnectTimeout() throws Exception {
    try (ServerSocket backlogFull = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket f = new Socket();
          try {
            f.connect(backlogFull.getLocalSocketAddress(), 200);
            fillers.add(f);
          } catch (IOException queueAlreadyFull) {
            f.close();
          }
        }
        try (SocketHttpEngine quick = new SocketHttpEngine(Duration.ofMillis(300))) {
          Throwable failure = catchThrowable(() ->
              quick.send("GET", URI.create("http://127.0.0.1:" + backlogFull.getLocalPort() + "/"), List.of(), null, TIMEOUT));
          assertThat(ErrorTypes.classify(failure)).isEqualTo("connect_timeout");
        }
      } finally {
        for (Socket f : fillers) {
          f.close();
        }
      }
    }
  }

  @Test
  void mapsAServerThatNeverAnswersToTimeoutWithinTheRequestTimeLimit() throws Exception {
    ScriptedServer server = scripted((request, out, connection) -> {
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    });
    long start = System.nanoTime();
    assertThat(errorType(server.url() + "/", Duration.ofMillis(300))).isEqualTo("timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void mapsAResetToConnectionResetAndAnEarlyCloseToConnectionClosed() throws Exception {
    ScriptedServer reset = scripted((request, out, connection) -> {
      throw new ResetConnection();
    });
    assertThat(errorType(reset.url() + "/", TIMEOUT)).isEqualTo("connection_reset");
    ScriptedServer close = scripted((request, out, connection) -> false);
    assertThat(errorType(close.url() + "/", TIMEOUT)).isEqualTo("connection_closed");
  }

  @Test
  void mapsAnUnresolvableHostToUnknownHost() {
    try (SocketHttpEngine noDns = new SocketHttpEngine(Duration.ofSeconds(1), host -> {
      throw new UnknownHostException(host + ": no such host (test resolver)");
    })) {
      Throwable failure = catchThrowable(() -> noDns.send("GET", URI.create("http://api.example.invalid/"), List.of(), null, TIMEOUT));
      assertThat(ErrorTypes.classify(failure)).isEqualTo("unknown_host");
    }
  }

  @Test
  void mapsAResponseThatIsNotHttpToIoError() throws Exception {
    ScriptedServer server = scripted((request, out, connection) -> {
      out.write(ascii("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
      return false;
    });
    assertThat(errorType(server.url() + "/", TIMEOUT)).isEqualTo("io_error");
  }

  @Test
  void returnsARedirectForInstrumentedHttpToFollow() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    String url = jdkServer(exchange -> {
      exchange.getRequestBody().readAllBytes();
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      if (exchange.getRequestURI().getPath().equals("/old")) {
        exchange.getResponseHeaders().set("Location", "/new");
        exchange.sendResponseHeaders(303, -1);
        exchange.close();
      } else {
        respond(exchange, 200, "new".getBytes(StandardCharsets.UTF_8));
      }
    });
    HttpEngine.RawResponse r = engine.send("POST", URI.create(url + "/old"), List.of(), "x".getBytes(StandardCharsets.UTF_8), TIMEOUT);
    assertThat(r.status()).isEqualTo(303);
    assertThat(r.headers().get("location")).containsExactly("/new");
    assertThat(seen).containsExactly("POST /old");
  }

  @Test
  void servesManyVirtualUsersAtOnceWithOneConnectionEach() throws Exception {
    int users = 8;
    int rounds = 50;
    // The server holds every request until all users' requests of the round are in: the rounds are
    // concurrent by force, so fewer connections than users (a shared one) times the barrier out.
    CyclicBarrier together = new CyclicBarrier(users);
    Map<Integer, AtomicInteger> perConnection = new ConcurrentHashMap<>();
    try (RawServer server = new RawServer((head, out, connection, nth) -> {
      try {
        together.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("the round's requests did not arrive together: " + e);
      }
      perConnection.computeIfAbsent(connection, c -> new AtomicInteger()).incrementAndGet();
      String query = head.substring(head.indexOf('?') + 1, head.indexOf(' ', head.indexOf('?')));
      out.write(RawServer.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + query.length() + "\r\n\r\n" + query));
      return true;
    })) {
      String url = server.url();
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      for (int u = 0; u < users; u++) {
        int user = u;
        Thread t = new Thread(() -> {
          try {
            for (int i = 0; i < rounds; i++) {
              String q = "u=" + user + "&i=" + i;
              assertThat(new String(get(url + "/?" + q).body(), StandardCharsets.UTF_8)).isEqualTo(q);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join(120_000);
      }
      assertThat(failures).isEmpty();
      assertThat(server.requests()).isEqualTo(users * rounds);
      assertThat(server.connections()).as("connections the server accepted").isEqualTo(users);
      assertThat(perConnection.values()).extracting(AtomicInteger::get).containsOnly(rounds);
    }
  }

  private HttpEngine.RawResponse get(String url) throws IOException, InterruptedException {
    return engine.send("GET", URI.create(url), List.of(), null, TIMEOUT);
  }

  private String errorType(String url, Duration timeout) {
    Throwable failure = catchThrowable(() -> engine.send("GET", URI.create(url), List.of(), null, timeout));
    assertThat(failure).as("request to " + url).isNotNull();
    return ErrorTypes.classify(failure);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  private String jdkServer(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jdk-target");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", handler);
    server.start();
    servers.add(() -> server.stop(0));
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private ScriptedServer scripted(Script script) throws IOException {
    ScriptedServer s = new ScriptedServer(script);
    servers.add(s);
    return s;
  }

  /** What a scripted server does with one request: writes bytes, returns whether to keep the connection. */
  @FunctionalInterface
  private interface Script {
    boolean answer(String request, OutputStream out, int connection) throws IOException;
  }

  /** Thrown by a script to close its connection with a TCP reset. */
  private static final class ResetConnection extends IOException {
    ResetConnection() {
      super("reset on purpose");
    }
  }

  /** A raw HTTP/1.1 server on 127.0.0.1 whose answers are written byte by byte by the test. */
  private static final class ScriptedServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    ScriptedServer(Script script) throws IOException {
      Thread acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            open.add(s);
            int n = connections.incrementAndGet();
            Thread t = new Thread(() -> serve(s, n, script), "scripted-" + n);
            t.setDaemon(true);
            t.start();
          } catch (IOException closed) {
            return;
          }
        }
      }, "scripted-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void serve(Socket s, int connection, Script script) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        for (;;) {
          String request = readRequest(in);
          if (request == null) {
            return;
          }
          requests.incrementAndGet();
          boolean keep;
          try {
            keep = script.answer(request, out, connection);
          } catch (ResetConnection reset) {
            s.setSoLinger(true, 0);
            return;
          }
          out.flush();
          if (!keep) {
            return;
          }
        }
      } catch (IOException ignored) {
        // the client went away; nothing to serve
      }
    }

    /** Reads one request's head and body; returns its head, or null at end of stream. */
    private static String readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        matched = (b == '\r' || b == '\n') ? (b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0)) : 0;
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      for (String line : text.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          in.readNBytes(Integer.parseInt(line.substring(15).trim()));
        }
      }
      return text;
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    int requests() {
      return requests.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
