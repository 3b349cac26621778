package dev.constellation.testservices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 forwarder on 127.0.0.1 in front of a loopback service that answers a chosen status to
 * the first {@code n} requests matching a method and a path pattern, and forwards every other request
 * byte for byte (the {@code Host} header stays the proxy's, so a registry's {@code Location} headers
 * point back at the proxy). Each forwarded request gets its own upstream connection with {@code
 * Connection: close}, so the client opens a new connection for its next request and every request is
 * seen and counted. Plain HTTP only; for tests, which {@link #close()} it (every socket it opened is
 * closed).
 *
 * <pre>{@code
 * try (FaultInjectingProxy proxy = FaultInjectingProxy.start(registry.port())) {
 *   proxy.failFirst(2, "PUT", "/v2/.+/manifests/.+", 500, "");
 *   ... push to proxy.host() ...
 *   assertThat(proxy.matched()).isEqualTo(3);
 * }
 * }</pre>
 */
public final class FaultInjectingProxy implements AutoCloseable {

  /** Request heads longer than this are refused (431): a test talks to a registry, not a browser. */
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private final ServerSocket server;
  private final int upstreamPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new ArrayList<>();
  private final Thread acceptor;
  private Rule rule;
  private int matched;
  private int faulted;

  private record Rule(int times, String method, Pattern path, int status, String body) {}

  private FaultInjectingProxy(ServerSocket server, int upstreamPort) {
    this.server = server;
    this.upstreamPort = upstreamPort;
    this.acceptor = new Thread(this::accept, "fault-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
  }

  /** Starts a proxy on a free port of 127.0.0.1 that forwards to 127.0.0.1:{@code upstreamPort}. */
  public static FaultInjectingProxy start(int upstreamPort) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    FaultInjectingProxy proxy = new FaultInjectingProxy(server, upstreamPort);
    proxy.acceptor.start();
    return proxy;
  }

  /**
   * From now on, answers {@code status} (with {@code body} as JSON, none for {@code HEAD}) to the
   * first {@code times} requests whose method is {@code method} and whose path (with the query)
   * matches {@code pathRegex} in full, and forwards the later ones. Resets {@link #matched()} and
   * {@link #faulted()} to 0.
   *
   * @param times how many to fail; {@link Integer#MAX_VALUE} for all
   */
  public synchronized void failFirst(int times, String method, String pathRegex, int status, String body) {
    if (times < 0 || status < 100 || status > 599) {
      throw new IllegalArgumentException("times " + times + " must be 0 or more and status " + status
          + " an HTTP status (100-599)");
    }
    rule = new Rule(times, Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT),
        Pattern.compile(pathRegex), status, body == null ? "" : body);
    matched = 0;
    faulted = 0;
  }

  /** Forwards every request from now on. */
  public synchronized void clearFaults() {
    rule = null;
  }

  /** Requests that matched the rule since {@link #failFirst}: the failed ones and the forwarded ones. */
  public synchronized int matched() {
    return matched;
  }

  /** Requests answered with the rule's status since {@link #failFirst}. */
  public synchronized int faulted() {
    return faulted;
  }

  /** Every request seen, as {@code "METHOD /path?query -> status"} ({@code fwd} when forwarded). */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** {@code 127.0.0.1:<port>}, the registry part of an image reference through the proxy. */
  public String host() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Stops accepting and closes every connection it has open. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        return;
      }
      open.add(client);
      Thread t = new Thread(() -> serve(client), "fault-proxy-" + client.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket client) {
    Socket upstream = null;
    try {
      InputStream in = new java.io.BufferedInputStream(client.getInputStream());
      in.mark(1);
      int first = in.read();
      if (first < 0) {
        return;
      }
      in.reset();
      if (first < 'A' || first > 'Z') {
        // Not an HTTP/1.1 request line, e.g. a TLS ClientHello (Jib tries HTTPS before plain
        // HTTP): passed through as it is, so the client sees the upstream's own answer.
        upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        open.add(upstream);
        tunnel(in, client, upstream);
        return;
      }
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String requestLine = text.substring(0, text.indexOf("\r\n"));
      String[] parts = requestLine.split(" ");
      if (parts.length != 3) {
        answer(client.getOutputStream(), "GET", 400, "");
        return;
      }
      String method = parts[0];
      String target = parts[1];
      Rule fault = decide(method, target);
      if (fault != null) {
        drainBody(in, text);
        answer(client.getOutputStream(), method, fault.status(), fault.body());
        return;
      }
      upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
      open.add(upstream);
      OutputStream up = upstream.getOutputStream();
      up.write(withConnectionClose(text).getBytes(StandardCharsets.ISO_8859_1));
      up.flush();
      tunnel(in, client, upstream);
    } catch (IOException ignored) {
      // the client or the upstream went away: nothing to answer to
    } finally {
      closeQuietly(client);
      open.remove(client);
      if (upstream != null) {
        closeQuietly(upstream);
        open.remove(upstream);
      }
    }
  }

  /** Copies the rest of the client's bytes up and the upstream's down until the upstream is done. */
  private static void tunnel(InputStream fromClient, Socket client, Socket upstream) throws IOException {
    Thread up = new Thread(() -> pump(fromClient, upstream), "fault-proxy-up-" + client.getPort());
    up.setDaemon(true);
    up.start();
    pump(upstream.getInputStream(), client);
  }

  private synchronized Rule decide(String method, String target) {
    Rule r = rule;
    boolean matches = r != null && r.method().equals(method) && r.path().matcher(target).matches();
    if (matches) {
      matched++;
      if (faulted < r.times()) {
        faulted++;
        requests.add(method + " " + target + " -> " + r.status());
        return r;
      }
    }
    requests.add(method + " " + target + " -> fwd");
    return null;
  }

  /** The request head up to and with the blank line, or null when the client closed first. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0; // how much of \r\n\r\n was seen
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      if (head.size() > MAX_HEAD_BYTES) {
        throw new IOException("request head longer than " + MAX_HEAD_BYTES + " bytes");
      }
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
          ? state + 1
          : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  /** Reads a Content-Length body of a refused request, so the client is not reset mid-upload. */
  private static void drainBody(InputStream in, String head) throws IOException {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
        long left = Long.parseLong(line.substring(colon + 1).trim());
        while (left > 0) {
          long skipped = in.skip(left);
          if (skipped <= 0) {
            if (in.read() < 0) {
              return;
            }
            skipped = 1;
          }
          left -= skipped;
        }
      }
    }
  }

  private static String withConnectionClose(String head) {
    StringBuilder out = new StringBuilder();
    for (String line : head.split("\r\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("connection:") || lower.startsWith("keep-alive:")) {
        continue;
      }
      out.append(line).append("\r\n");
    }
    return out.append("Connection: close\r\n\r\n").toString();
  }

  private static void answer(OutputStream out, String method, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
        + (bytes.length > 0 ? "Content-Type: application/json; charset=utf-8\r\n" : "")
        + "Content-Length: " + bytes.length + "\r\n"
        + "Docker-Distribution-Api-Version: registry/2.0\r\n"
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (!method.equals("HEAD")) {
      out.write(bytes);
    }
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status " + status;
    };
  }

  private static void pump(InputStream from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = from.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (SocketException closed) {
      // the other side closed the connection
    } catch (IOException ignored) {
      // as above
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
