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
 * blocks); one sweeper thread closes exchanges past their deadline instead, so the request
 * timeout covers the whole exchange, body included. A pooled connection is not reused past the
 * server's {@code Keep-Alive: timeout=N} or with unread bytes on it, and a second daemon thread
 * probes connections idle for a while (a read of at most 1 ms each, up to {@value #MAX_PROBES}
 * every {@value #PROBE_MILLIS} ms) so that one the server closed while idle is dropped before a
 * VU takes it; a request that got no byte of response on a <em>reused</em> connection (the server closed it while idle, or after its N-th
 * response) is sent once more on a new connection, whatever its method, as browsers and Go's
 * net/http do: the server never processed it. Each such retry is told to the caller's
 * {@link HttpEngine.Attempts}; with retries off, the failure is the request's. Redirects are
 * not followed here but in {@link InstrumentedHttp}, the same for every engine; https goes to a
 * {@link JdkHttpEngine}. Measurements:
 * docs/performance.md.
 */
public final class SocketHttpEngine implements HttpEngine {

  /** How often request deadlines are checked: a request times out up to this much late. */
  private static final int SWEEP_MILLIS = 10;
  /** How often idle pooled connections are probed for a close. */
  private static final int PROBE_MILLIS = 100;
  /** A pooled connection is probed once it was idle this long, and again after as long. */
  private static final long PROBE_AFTER_NANOS = 250_000_000L;
  /** The most probes per round (each can take the idle-check thread a millisecond). */
  private static final int MAX_PROBES = 20;

  private final Resolver resolver;
  private final int connectTimeoutMs;
  private final Duration connectTimeout;
  private final Map<String, Origin> origins = new ConcurrentHashMap<>();
  private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
  private final Object tlsLock = new Object();
  private volatile JdkHttpEngine tls;
  private final javax.net.ssl.SSLContext ssl;
  private volatile boolean closed;
  private final Thread sweeper;
  private final Thread prober;
  private final boolean retries;

  /**
   * Creates the engine, with retries on and the JVM's default TLS context.
   *
   * @param connectTimeout the TCP connect time limit
   */
  public SocketHttpEngine(Duration connectTimeout) {
    this(connectTimeout, true, null);
  }

  /**
   * Creates the engine with the JVM's default TLS context.
   *
   * @param connectTimeout the TCP connect time limit
   * @param retries whether a request that got no byte of response on a reused connection is sent again once
   */
  public SocketHttpEngine(Duration connectTimeout, boolean retries) {
    this(connectTimeout, retries, null);
  }

  /**
   * Creates the engine, with retries on.
   *
   * @param connectTimeout the TCP connect time limit
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   */
  public SocketHttpEngine(Duration connectTimeout, javax.net.ssl.SSLContext ssl) {
    this(connectTimeout, true, ssl);
  }

  /**
   * Creates the engine.
   *
   * @param connectTimeout the TCP connect time limit
   * @param retries whether a request that got no byte of response on a reused connection is sent again once
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   */
  public SocketHttpEngine(Duration connectTimeout, boolean retries, javax.net.ssl.SSLContext ssl) {
    this(connectTimeout, InetAddress::getByName, retries, ssl);
  }

  SocketHttpEngine(Duration connectTimeout, Resolver resolver) {
    this(connectTimeout, resolver, true, null);
  }

  SocketHttpEngine(Duration connectTimeout, Resolver resolver, boolean retries) {
    this(connectTimeout, resolver, retries, null);
  }

  SocketHttpEngine(Duration connectTimeout, Resolver resolver, boolean retries, javax.net.ssl.SSLContext ssl) {
    this.retries = retries;
    this.ssl = ssl;
    this.resolver = resolver;
    this.connectTimeout = connectTimeout;
    this.connectTimeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    this.sweeper = new Thread(this::sweep, "constellation-http-timeouts");
    sweeper.setDaemon(true);
    sweeper.start();
    this.prober = new Thread(this::probeIdle, "constellation-http-idle-check");
    prober.setDaemon(true);
    prober.start();
  }

  /**
   * Probes pooled connections idle for {@link #PROBE_AFTER_NANOS} or more, least recently used
   * first, and closes the ones the server closed: a connection is taken out of the pool while it
   * is probed, so no VU can get it meanwhile, and put back at the least recently used end.
   */
  private void probeIdle() {
    while (!closed) {
      try {
        Thread.sleep(PROBE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      int probes = 0;
      for (Origin o : origins.values()) {
        long now = System.nanoTime();
        for (java.util.Iterator<HttpConnection> it = o.idle.descendingIterator(); it.hasNext() && probes < MAX_PROBES && !closed; ) {
          HttpConnection c = it.next();
          if (now - c.idleSince() < PROBE_AFTER_NANOS || (c.lastProbe != 0 && now - c.lastProbe < PROBE_AFTER_NANOS)
              || !o.idle.removeLastOccurrence(c)) {
            continue;
          }
          probes++;
          c.lastProbe = now;
          if (c.probeIdle() && !closed) {
            o.idle.offerLast(c);
          } else {
            close(c);
          }
        }
      }
    }
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
  public RawResponse send(String method, RequestTarget target, List<String> headers, byte[] body, Duration timeout,
      Attempts attempts) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String scheme = target.scheme();
    if (scheme.equals("https")) {
      return tls().send(method, target, headers, body, timeout, attempts);
    }
    if (!scheme.equals("http")) {
      throw new IllegalArgumentException("URL " + target + " is not http:// or https://");
    }
    return exchange(method, target, headers, body, deadline, attempts);
  }

  private RawResponse exchange(String method, RequestTarget target, List<String> headers, byte[] body, long deadline,
      Attempts attempts) throws IOException, InterruptedException {
    if (closed) {
      throw new IOException("the HTTP engine is closed");
    }
    Origin origin = origin(target);
    boolean retried = false;
    for (;;) {
      HttpConnection c = retried ? null : pooled(origin);
      boolean reused = c != null;
      long attemptStart = System.nanoTime();
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
        boolean stale = retries && reused && !retried && !c.responseStarted() && !(e instanceof SocketTimeoutException)
            && !(e instanceof java.net.http.HttpTimeoutException) && e instanceof IOException;
        if (!stale || closed || System.nanoTime() - deadline >= 0) {
          throw e;
        }
        attempts.retried(ErrorTypes.classify(e), System.nanoTime() - attemptStart);
        retried = true;
      }
    }
  }

  /** The most recently used idle connection of an origin that is not stale, closing stale ones on the way; null for none. */
  private HttpConnection pooled(Origin origin) {
    long now = System.nanoTime();
    for (HttpConnection c = origin.idle.pollFirst(); c != null; c = origin.idle.pollFirst()) {
      if (!c.stale(now)) {
        return c;
      }
      close(c);
    }
    return null;
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
          e = new JdkHttpEngine(connectTimeout, retries, ssl);
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
    prober.interrupt();
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
