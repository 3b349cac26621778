package dev.constellation.agent.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * {@link HttpEngine} on blocking sockets: lean HTTP/1.1 with keep-alive, the default engine. A
 * connection is taken from a per-origin pool (most recently used first) for one exchange and handed
 * back after it, so each concurrently active VU keeps one connection and VUs in think time hold
 * none. Reads carry no socket timeout (on virtual threads a timed read arms a timer each time it
 * blocks); one sweeper thread closes exchanges past their deadline instead. A reused connection
 * that fails before any response byte arrived is retried once on a new one (idempotent methods,
 * or any method when the write failed). Redirects are not followed here but in
 * {@link InstrumentedHttp}, the same for every engine; https goes to a {@link JdkHttpEngine}. Measurements: docs/performance.md.
 */
public final class SocketHttpEngine implements HttpEngine {

  /** How often request deadlines are checked: a request times out up to this much late. */
  private static final int SWEEP_MILLIS = 10;

  private final Resolver resolver;
  private final int connectTimeoutMs;
  private final Duration connectTimeout;
  private final Map<String, Origin> origins = new ConcurrentHashMap<>();
  private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
  private final Object tlsLock = new Object();
  private volatile JdkHttpEngine tls;
  private javax.net.ssl.SSLContext ssl;
  private volatile boolean closed;
  private final Thread sweeper;

  /**
   * Creates the engine.
   *
   * @param connectTimeout the TCP connect time limit
   */
  public SocketHttpEngine(Duration connectTimeout) {
    this(connectTimeout, InetAddress::getByName);
  }

  /**
   * Creates the engine.
   *
   * @param connectTimeout the TCP connect time limit
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   */
  public SocketHttpEngine(Duration connectTimeout, javax.net.ssl.SSLContext ssl) {
    this(connectTimeout, InetAddress::getByName);
    this.ssl = ssl;
  }

  SocketHttpEngine(Duration connectTimeout, Resolver resolver) {
    this.resolver = resolver;
    this.connectTimeout = connectTimeout;
    this.connectTimeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    this.sweeper = new Thread(this::sweep, "constellation-http-timeouts");
    sweeper.setDaemon(true);
    sweeper.start();
  }

  /** Closes connections whose exchange ran past its deadline, every {@value #SWEEP_MILLIS} ms. */
  private void sweep() {
    while (!closed) {
      try {
        Thread.sleep(SWEEP_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (HttpConnection c : open) {
        c.expireIfLate(now);
      }
    }
  }

  @Override
  public RawResponse send(String method, RequestTarget target, List<String> headers, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String scheme = target.scheme();
    if (scheme.equals("https")) {
      return tls().send(method, target, headers, body, timeout);
    }
    if (!scheme.equals("http")) {
      throw new IllegalArgumentException("URL " + target + " is not http:// or https://");
    }
    return exchange(method, target, headers, body, deadline);
  }

  private RawResponse exchange(String method, RequestTarget target, List<String> headers, byte[] body, long deadline)
      throws IOException, InterruptedException {
    if (closed) {
      throw new IOException("the HTTP engine is closed");
    }
    Origin origin = origin(target);
    boolean retried = false;
    for (;;) {
      HttpConnection c = retried ? null : origin.idle.pollFirst();
      boolean reused = c != null;
      if (c == null) {
        c = connect(origin, deadline);
      }
      try {
        RawResponse r = c.exchange(method, target.pathAndQuery(), origin.hostHeader, headers, body, deadline);
        if (c.reusable() && !closed) {
          origin.idle.offerFirst(c);
        } else {
          close(c);
        }
        return r;
      } catch (IOException | RuntimeException e) {
        close(c);
        if (Thread.currentThread().isInterrupted()) {
          throw (InterruptedException) new InterruptedException("interrupted during " + method + " " + target).initCause(e);
        }
        boolean stale = reused && !retried && !c.responseStarted() && !(e instanceof SocketTimeoutException)
            && !(e instanceof java.net.http.HttpTimeoutException)
            && e instanceof IOException && (c.writeFailed() || idempotent(method));
        if (!stale || closed || System.nanoTime() - deadline >= 0) {
          throw e;
        }
        retried = true;
      }
    }
  }

  private static boolean idempotent(String method) {
    switch (method) {
      case "GET":
      case "HEAD":
      case "PUT":
      case "DELETE":
      case "OPTIONS":
      case "TRACE":
        return true;
      default:
        return false;
    }
  }

  private Origin origin(RequestTarget target) {
    String key = target.origin();
    Origin o = origins.get(key);
    return o != null ? o : origins.computeIfAbsent(key, k -> new Origin(target.host(), target.port() < 0 ? 80 : target.port()));
  }

  private HttpConnection connect(Origin origin, long deadline) throws IOException {
    String host = origin.host.startsWith("[") ? origin.host.substring(1, origin.host.length() - 1) : origin.host;
    InetSocketAddress address = new InetSocketAddress(resolver.resolve(host), origin.port);
    long left = (deadline - System.nanoTime()) / 1_000_000;
    int limit = (int) Math.max(1, Math.min(connectTimeoutMs, left));
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, limit);
    } catch (SocketTimeoutException e) {
      closeQuietly(socket);
      throw (HttpConnectTimeoutException) new HttpConnectTimeoutException(
          "connect to " + origin.host + ":" + origin.port + " timed out after " + limit + " ms").initCause(e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
    HttpConnection c = new HttpConnection(socket);
    open.add(c);
    if (closed) {
      close(c);
      throw new IOException("the HTTP engine is closed");
    }
    return c;
  }

  private void close(HttpConnection c) {
    open.remove(c);
    c.close();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do: the socket never carried a request
    }
  }

  private JdkHttpEngine tls() {
    JdkHttpEngine e = tls;
    if (e == null) {
      synchronized (tlsLock) {
        e = tls;
        if (e == null) {
          e = new JdkHttpEngine(connectTimeout, ssl);
          tls = e;
        }
      }
    }
    return e;
  }

  @Override
  public void close() {
    closed = true;
    sweeper.interrupt();
    for (HttpConnection c : open) {
      close(c);
    }
    origins.clear();
    synchronized (tlsLock) {
      if (tls != null) {
        tls.close();
      }
    }
  }

  /** Turns a host name into an address; tests replace DNS with it. */
  @FunctionalInterface
  interface Resolver {
    InetAddress resolve(String host) throws UnknownHostException;
  }

  /** Idle connections to one host and port, most recently used first. */
  private static final class Origin {
    final String host;
    final int port;
    final String hostHeader;
    final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();

    Origin(String host, int port) {
      this.host = host;
      this.port = port;
      this.hostHeader = port == 80 ? host : host + ":" + port;
    }
  }
}
