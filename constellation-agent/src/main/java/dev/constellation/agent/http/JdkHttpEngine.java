package dev.constellation.agent.http;

import dev.constellation.agent.runtime.Threads;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;

/**
 * {@link HttpEngine} on {@code java.net.http}: HTTP/1.1 only (the default tries an h2c upgrade on
 * every cleartext request), redirects not followed (see {@link InstrumentedHttp}), and on Java 21+ a virtual-thread executor (the
 * default executor measured about 7k req/s here, a virtual-thread one about 21k).
 *
 * <p>The request timeout covers the whole exchange, body included: {@code HttpRequest.timeout}
 * stops at the response headers, so a sweeper thread fails bodies still being read at the
 * deadline (a body subscriber per request, no timer per request). A request without a body is sent with no body framing headers
 * ({@code GET()}, {@code HEAD()}, {@code DELETE()}), except on Java 17 and 18, whose client adds {@code Content-Length: 0}
 * to every request itself (JDK-8283544, fixed in Java 19). Retries behave as on {@link SocketHttpEngine}:
 * the JDK client would send a GET or HEAD that got no byte of response on a reused connection
 * again, silently; this engine turns that off and makes the same decision itself, for every
 * method, so each retry is counted. That takes JVM-wide {@code java.net.http} properties, set when
 * this class loads unless already set (an agent runs in its own JVM):
 * {@code jdk.httpclient.redirects.retrylimit=1} (no attempt after the first; redirects are
 * not followed by the JDK but by {@link InstrumentedHttp}, the same for every engine),
 * {@code jdk.httpclient.enableAllMethodRetry=true} (a stale connection shows as "Too many
 * retries" for any method), {@code jdk.httpclient.disableRetryConnect=true}, and
 * {@code jdk.httpclient.allowRestrictedHeaders=host,connection} so scripts can set {@code Host}
 * and {@code Connection} as on the socket engine. The rule that a stale connection makes the JDK
 * want another attempt is jdk.internal.net.http.MultiExchange's (a reused connection that
 * received no byte of response).
 */
public final class JdkHttpEngine implements HttpEngine {

  /** The JDK's message when it wanted to send an attempt again: the connection had expired (jdk.internal.net.http.MultiExchange). */
  private static final String JDK_RETRY = "Too many retries";
  /** Retries of one request at most, as on the socket engine. */
  private static final int MAX_RETRIES = 1;
  private static final MethodHandle HEAD;

  static {
    configureJdkClient();
    MethodHandle head;
    try {
      head = MethodHandles.publicLookup().findVirtual(HttpRequest.Builder.class, "HEAD", MethodType.methodType(HttpRequest.Builder.class));
    } catch (ReflectiveOperationException e) {
      head = null; // Java 17: HEAD() came in 18; method("HEAD", noBody()) adds Content-Length: 0 there
    }
    HEAD = head;
  }

  /**
   * Sets the {@code jdk.httpclient.*} properties this engine needs (see the class comment), unless
   * already set. {@code java.net.http} reads them once per JVM, when it is first used, so a JVM
   * that may use this engine calls this before anything else sends with {@code java.net.http}
   * (the agent's HTTP orchestrator client does): {@code AgentMain} does it first thing.
   */
  public static synchronized void configureJdkClient() {
    setIfAbsent("jdk.httpclient.redirects.retrylimit", "1");
    setIfAbsent("jdk.httpclient.enableAllMethodRetry", "true");
    setIfAbsent("jdk.httpclient.disableRetryConnect", "true");
    setIfAbsent("jdk.httpclient.allowRestrictedHeaders", "host,connection");
  }

  private static void setIfAbsent(String property, String value) {
    setIfAbsent(property, value, dev.constellation.agent.runtime.Console::warn);
  }

  /**
   * Sets a system property the jdk engine needs unless it is set; a different value the user set
   * is kept and told to {@code warn} (a value equal but for case is the same).
   */
  static void setIfAbsent(String property, String value, java.util.function.Consumer<String> warn) {
    String was = System.getProperty(property);
    if (was == null) {
      System.setProperty(property, value);
    } else if (!was.equalsIgnoreCase(value)) {
      warn.accept("-D" + property + "=" + was + " is set; the jdk engine needs " + value
          + " to count every retry and redirect itself (docs/user-guide.md, \"Retries\")");
    }
  }

  private final HttpClient client;
  private final ExecutorService executor;
  private final boolean retries;
  /** Response bodies being read, each with its request's deadline; the sweeper fails the late ones. */
  private final java.util.Set<DeadlineBody> reading = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Thread sweeper;
  private volatile boolean closed;

  /**
   * Creates the engine, with retries on and the JVM's default TLS context.
   *
   * @param connectTimeout the TCP connect time limit
   */
  public JdkHttpEngine(Duration connectTimeout) {
    this(connectTimeout, true, null);
  }

  /**
   * Creates the engine with the JVM's default TLS context.
   *
   * @param connectTimeout the TCP connect time limit
   * @param retries whether a request that got no byte of response on a reused connection is sent again once
   */
  public JdkHttpEngine(Duration connectTimeout, boolean retries) {
    this(connectTimeout, retries, null);
  }

  /**
   * Creates the engine, with retries on.
   *
   * @param connectTimeout the TCP connect time limit
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   */
  public JdkHttpEngine(Duration connectTimeout, javax.net.ssl.SSLContext ssl) {
    this(connectTimeout, true, ssl);
  }

  /**
   * Creates the engine.
   *
   * @param connectTimeout the TCP connect time limit
   * @param retries whether a request that got no byte of response on a reused connection is sent again once
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   */
  public JdkHttpEngine(Duration connectTimeout, boolean retries, javax.net.ssl.SSLContext ssl) {
    this.retries = retries;
    this.executor = Threads.virtualExecutorIfAvailable("http-");
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout);
    if (executor != null) {
      b.executor(executor);
    }
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.client = b.build();
    this.sweeper = new Thread(this::sweep, "constellation-jdk-http-timeouts");
    sweeper.setDaemon(true);
    sweeper.start();
  }

  /**
   * Fails response bodies still being read past their deadline, every 10 ms: {@code
   * HttpRequest.timeout} ends when the headers arrive, so a slow body needs this (one thread, no
   * timer per request, as in {@link SocketHttpEngine}).
   */
  private void sweep() {
    while (!closed) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (DeadlineBody b : reading) {
        if (now - b.deadline >= 0) {
          b.expire();
        }
      }
    }
  }

  @Override
  public RawResponse send(String method, RequestTarget target, List<String> headers, byte[] body, Duration timeout,
      Attempts attempts) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    return exchange(method, target, headers, body, deadline, attempts);
  }

  private RawResponse exchange(String method, RequestTarget target, List<String> headers, byte[] body, long deadline,
      Attempts attempts) throws IOException, InterruptedException {
    for (int retried = 0; ; retried++) {
      long start = System.nanoTime();
      HttpRequest request = request(method, target, headers, body, deadline);
      try {
        HttpResponse<byte[]> r = client.send(request, info -> new DeadlineBody(deadline));
        Map<String, List<String>> h = new TreeMap<>();
        r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        return new RawResponse(r.statusCode(), h, r.body());
      } catch (IOException e) {
        IOException stale = staleConnection(e);
        if (stale == null) {
          throw e;
        }
        if (!retries || retried >= MAX_RETRIES || System.nanoTime() - deadline >= 0) {
          throw stale;
        }
        attempts.retried(ErrorTypes.classify(stale), System.nanoTime() - start);
      }
    }
  }

  /**
   * Why the attempt failed when the JDK wanted to send it again (a connection that closed before
   * any byte of the response, which it reports as "Too many retries" once its retry limit is 1;
   * the JDK flags new connections too, so only the first such failure is retried), or null for
   * any other failure. {@code HttpClient.send} may wrap that exception in
   * another with the same message.
   */
  private static IOException staleConnection(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Throwable cause = t.getCause();
      if (JDK_RETRY.equals(t.getMessage()) && cause != null && !JDK_RETRY.equals(cause.getMessage())) {
        if (cause instanceof java.net.ConnectException) {
          return null;
        }
        return cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
      }
    }
    return null;
  }

  private static HttpRequest request(String method, RequestTarget target, List<String> headers, byte[] body, long deadline) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(target.uri())
        .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    if (body != null) {
      rb.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else if (method.equals("GET")) {
      rb.GET();
    } else if (method.equals("DELETE")) {
      rb.DELETE();
    } else if (method.equals("HEAD") && HEAD != null) {
      try {
        rb = (HttpRequest.Builder) HEAD.invoke(rb);
      } catch (Throwable t) {
        throw new IllegalStateException("HttpRequest.Builder.HEAD() failed", t);
      }
    } else {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    }
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      RequestHeaders.checkSettable(headers.get(i));
      rb.header(headers.get(i), headers.get(i + 1));
    }
    return rb.build();
  }

  /**
   * A response body read into a byte array that fails with {@link HttpTimeoutException} when the
   * request's deadline passes before its last byte (the sweeper calls {@link #expire}), cancelling
   * the exchange.
   */
  private final class DeadlineBody implements HttpResponse.BodySubscriber<byte[]> {
    final long deadline;
    private final HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    DeadlineBody(long deadline) {
      this.deadline = deadline;
      bytes.getBody().whenComplete((b, t) -> {
        reading.remove(this);
        if (t != null) {
          result.completeExceptionally(t);
        } else {
          result.complete(b);
        }
      });
    }

    void expire() {
      reading.remove(this);
      if (result.completeExceptionally(new HttpTimeoutException("request timed out while reading the response body"))) {
        Flow.Subscription s = subscription;
        if (s != null) {
          s.cancel();
        }
      }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      reading.add(this);
      if (System.nanoTime() - deadline >= 0) {
        expire();
      }
      bytes.onSubscribe(s);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> item) {
      bytes.onNext(item);
    }

    @Override
    public void onError(Throwable t) {
      bytes.onError(t);
    }

    @Override
    public void onComplete() {
      bytes.onComplete();
    }
  }

  @Override
  public void close() {
    closed = true;
    sweeper.interrupt();
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
