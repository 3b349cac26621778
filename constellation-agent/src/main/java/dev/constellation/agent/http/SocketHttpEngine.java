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
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

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
 * not followed here but in {@link InstrumentedHttp}, the same for every engine. https runs on the
 * same connections with TLS layered over them by the JDK's {@link SSLSocket} (see
 * {@link #handshake}); everything above holds for it unchanged. Measurements: docs/performance.md.
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
  /** Makes TLS sockets layered over TCP ones; from the given context, or the JVM's default, made on first https use. */
  private volatile SSLSocketFactory tlsFactory;
  private final SSLContext ssl;
  private volatile boolean closed;
  private final Thread sweeper;
  private final Thread prober;
  private final boolean retries;

  /**
   * Creates the engine, with retries on and the JVM's default TLS context.
   *
   * @param connectTimeout the time limit for the TCP connect and, for https, the TLS handshake after it
   */
  public SocketHttpEngine(Duration connectTimeout) {
    this(connectTimeout, true, null);
  }

  /**
   * Creates the engine with the JVM's default TLS context.
   *
   * @param connectTimeout the time limit for the TCP connect and, for https, the TLS handshake after it
   * @param retries whether a request that got no byte of response on a reused connection is sent again once
   */
  public SocketHttpEngine(Duration connectTimeout, boolean retries) {
    this(connectTimeout, retries, null);
  }

  /**
   * Creates the engine, with retries on.
   *
   * @param connectTimeout the time limit for the TCP connect and, for https, the TLS handshake after it
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   */
  public SocketHttpEngine(Duration connectTimeout, SSLContext ssl) {
    this(connectTimeout, true, ssl);
  }

  /**
   * Creates the engine.
   *
   * @param connectTimeout the time limit for the TCP connect and, for https, the TLS handshake after it
   * @param retries whether a request that got no byte of response on a reused connection is sent again once
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   */
  public SocketHttpEngine(Duration connectTimeout, boolean retries, SSLContext ssl) {
    this(connectTimeout, InetAddress::getByName, retries, ssl);
  }

  SocketHttpEngine(Duration connectTimeout, Resolver resolver) {
    this(connectTimeout, resolver, true, null);
  }

  SocketHttpEngine(Duration connectTimeout, Resolver resolver, boolean retries) {
    this(connectTimeout, resolver, retries, null);
  }

  SocketHttpEngine(Duration connectTimeout, Resolver resolver, boolean retries, SSLContext ssl) {
    this(connectTimeout, resolver, retries, ssl, true);
  }

  /**
   * @param probing whether the idle-check thread runs; tests that run {@link #probeRound} themselves turn it off
   */
  SocketHttpEngine(Duration connectTimeout, Resolver resolver, boolean retries, SSLContext ssl, boolean probing) {
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
    if (probing) {
      prober.start();
    }
  }

  /** Runs {@link #probeRound} every {@value #PROBE_MILLIS} ms until the engine closes. */
  private void probeIdle() {
    while (!closed) {
      try {
        Thread.sleep(PROBE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      probeRound();
    }
  }

  /**
   * One round of the idle check: probes pooled connections idle for {@link #PROBE_AFTER_NANOS} or
   * more and not probed in that long, least recently used first, at most {@value #MAX_PROBES}, and
   * closes the ones the server closed (or sent bytes on): a connection is taken out of the pool
   * while it is probed, so no VU can get it meanwhile, and put back at the least recently used end.
   *
   * @return how many connections it probed
   */
  int probeRound() {
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
    return probes;
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
    if (!scheme.equals("http") && !scheme.equals("https")) {
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
        c = connect(origin, deadline, attempts);
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
    if (o != null) {
      return o;
    }
    boolean secure = target.scheme().equals("https");
    return origins.computeIfAbsent(key, k -> new Origin(target.host(), target.port() < 0 ? (secure ? 443 : 80) : target.port(), secure));
  }

  @Override
  public boolean measuresConnections() {
    return true;
  }

  /**
   * Opens a connection and tells {@code attempts} how long its TCP connect and TLS handshake took,
   * measured with {@code System.nanoTime()} around {@code Socket.connect} and
   * {@code SSLSocket.startHandshake} alone (DNS and socket set-up excluded); nothing is measured or
   * allocated for a request that reuses a pooled connection.
   */
  private HttpConnection connect(Origin origin, long deadline, Attempts attempts) throws IOException {
    String host = origin.host.startsWith("[") ? origin.host.substring(1, origin.host.length() - 1) : origin.host;
    InetSocketAddress address = new InetSocketAddress(resolver.resolve(host), origin.port);
    long left = (deadline - System.nanoTime()) / 1_000_000;
    int limit = (int) Math.max(1, Math.min(connectTimeoutMs, left));
    long connectStarted = System.nanoTime();
    // https: a TCP socket that reads a whole TLS record per system call (TlsTcpSocket)
    Socket socket = origin.secure ? new TlsTcpSocket() : new Socket();
    long connectNanos;
    try {
      socket.setTcpNoDelay(true);
      long t0 = System.nanoTime();
      socket.connect(address, limit);
      connectNanos = System.nanoTime() - t0;
    } catch (SocketTimeoutException e) {
      closeQuietly(socket);
      throw (HttpConnectTimeoutException) new HttpConnectTimeoutException(
          "connect to " + origin.host + ":" + origin.port + " timed out after " + limit + " ms").initCause(e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
    HttpConnection c;
    if (origin.secure) {
      try {
        c = handshake(origin, host, socket, connectStarted, deadline, connectNanos, attempts);
      } catch (IOException | RuntimeException e) {
        attempts.connected(connectNanos, -1, false);
        throw e;
      }
    } else {
      c = new HttpConnection(socket);
      attempts.connected(connectNanos, -1, false);
    }
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

  /**
   * Layers TLS over a connected TCP socket and runs the handshake within what is left of the
   * connect timeout and the request's deadline: TLS 1.3 or 1.2, SNI with the URL's host name (none
   * for an IP address, RFC 6066 section 3), the server's certificate checked for that host
   * ({@code HTTPS} endpoint identification, RFC 2818; skipped only by {@link TlsSettings#insecure()}'s
   * trust manager), ALPN offering {@code http/1.1} only (RFC 7301). Sessions are cached by the
   * context per host and port, so a new connection to the same origin resumes one (an abbreviated
   * handshake) when the server allows it. The handshake's time (around {@code startHandshake}) and
   * whether it resumed a session go to {@code attempts}: a resumed session keeps the creation time
   * of the session it resumes (the JDK copies it, TLS 1.2 and 1.3 alike), so a session created
   * before this handshake started is a resumed one.
   */
  private HttpConnection handshake(Origin origin, String host, Socket tcp, long connectStarted, long deadline, long connectNanos,
      Attempts attempts) throws IOException {
    SSLSocket tls = null;
    try {
      tls = (SSLSocket) tlsFactory().createSocket(tcp, host, origin.port, true);
      tls.setSSLParameters(origin.tlsParameters(tls.getSSLParameters()));
      long now = System.nanoTime();
      long left = Math.min(connectTimeout.toNanos() - (now - connectStarted), deadline - now) / 1_000_000;
      int limit = (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
      tcp.setSoTimeout(limit);
      long wallStart = System.currentTimeMillis();
      long handshakeNanos;
      try {
        long h0 = System.nanoTime();
        tls.startHandshake();
        handshakeNanos = System.nanoTime() - h0;
      } catch (SocketTimeoutException e) {
        throw (HttpConnectTimeoutException) new HttpConnectTimeoutException(
            "TLS handshake with " + origin.host + ":" + origin.port + " timed out after " + limit + " ms").initCause(e);
      }
      tcp.setSoTimeout(0);
      HttpConnection c = new HttpConnection(tls, tcp);
      attempts.connected(connectNanos, handshakeNanos, tls.getSession().getCreationTime() < wallStart);
      return c;
    } catch (IOException | RuntimeException e) {
      closeQuietly(tcp);
      throw e;
    }
  }

  private SSLSocketFactory tlsFactory() throws IOException {
    SSLSocketFactory f = tlsFactory;
    if (f == null) {
      try {
        f = (ssl != null ? ssl : SSLContext.getDefault()).getSocketFactory();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new SSLException("the JVM has no default TLS context: " + e.getMessage(), e);
      }
      tlsFactory = f;
    }
    return f;
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
  }

  /** Turns a host name into an address; tests replace DNS with it. */
  @FunctionalInterface
  interface Resolver {
    InetAddress resolve(String host) throws UnknownHostException;
  }

  /** Idle connections to one scheme, host and port, most recently used first. */
  private static final class Origin {
    /** The TLS versions offered, newest first; RFC 8996 retired the older ones. */
    private static final List<String> TLS_VERSIONS = List.of("TLSv1.3", "TLSv1.2");
    private static final String[] ALPN = {"http/1.1"};

    final String host;
    final int port;
    final boolean secure;
    final String hostHeader;
    final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();

    Origin(String host, int port, boolean secure) {
      this.host = host;
      this.port = port;
      this.secure = secure;
      this.hostHeader = port == (secure ? 443 : 80) ? host : host + ":" + port;
    }

    /** The TLS parameters for this origin, starting from a new socket's defaults (so the context's own settings stay). */
    SSLParameters tlsParameters(SSLParameters p) {
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      List<String> supported = List.of(p.getProtocols());
      String[] versions = TLS_VERSIONS.stream().filter(supported::contains).toArray(String[]::new);
      if (versions.length > 0) {
        p.setProtocols(versions);
      }
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setApplicationProtocols(ALPN);
      if (!isIpLiteral(bare)) {
        p.setServerNames(List.of(new SNIHostName(bare)));
      }
      return p;
    }

    private static boolean isIpLiteral(String host) {
      if (host.indexOf(':') >= 0) {
        return true;
      }
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if ((c < '0' || c > '9') && c != '.') {
          return false;
        }
      }
      return !host.isEmpty();
    }
  }
}
