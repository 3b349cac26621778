package dev.constellation.agent.http;

import dev.constellation.agent.Threads;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link HttpEngine} on {@code java.net.http}: HTTP/1.1 only (the default tries an h2c upgrade on
 * every cleartext request), redirects not followed (see {@link InstrumentedHttp}), and on Java 21+ a virtual-thread executor (the
 * default executor measured about 7k req/s here, a virtual-thread one about 21k).
 *
 * <p>The request timeout covers the whole exchange, body included ({@code HttpRequest.timeout}
 * stops at the response headers). A request without a body is sent with no body framing headers
 * ({@code GET()}, {@code HEAD()}, {@code DELETE()}). Retries behave as on {@link SocketHttpEngine}:
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
  private static final MethodHandle HEAD;

  static {
    setIfAbsent("jdk.httpclient.redirects.retrylimit", "1");
    setIfAbsent("jdk.httpclient.enableAllMethodRetry", "true");
    setIfAbsent("jdk.httpclient.disableRetryConnect", "true");
    setIfAbsent("jdk.httpclient.allowRestrictedHeaders", "host,connection");
    MethodHandle head;
    try {
      head = MethodHandles.publicLookup().findVirtual(HttpRequest.Builder.class, "HEAD", MethodType.methodType(HttpRequest.Builder.class));
    } catch (ReflectiveOperationException e) {
      head = null; // Java 17: HEAD() came in 18; method("HEAD", noBody()) adds Content-Length: 0 there
    }
    HEAD = head;
  }

  private static void setIfAbsent(String property, String value) {
    String was = System.getProperty(property);
    if (was == null) {
      System.setProperty(property, value);
    } else if (!was.equalsIgnoreCase(value)) {
      dev.constellation.agent.Console.warn("-D" + property + "=" + was + " is set; the jdk engine needs " + value
          + " to count every retry and redirect itself (docs/user-guide.md, \"Retries\")");
    }
  }

  private final HttpClient client;
  private final ExecutorService executor;
  private final boolean retries;

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
  }

  @Override
  public RawResponse send(String method, RequestTarget target, List<String> headers, byte[] body, Duration timeout,
      Attempts attempts) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    return exchange(method, target, headers, body, deadline, attempts);
  }

  private RawResponse exchange(String method, RequestTarget target, List<String> headers, byte[] body, long deadline,
      Attempts attempts) throws IOException, InterruptedException {
    HttpRequest request = request(method, target, headers, body, deadline);
    for (boolean retried = false; ; retried = true) {
      long start = System.nanoTime();
      try {
        return await(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()), deadline);
      } catch (IOException e) {
        if (!JDK_RETRY.equals(e.getMessage()) || e.getCause() == null || e.getCause() instanceof java.net.ConnectException) {
          throw e.getCause() instanceof java.net.ConnectException ? (IOException) e.getCause() : e;
        }
        // the JDK found the reused connection closed before any byte of the response
        IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        if (!retries || retried || System.nanoTime() - deadline >= 0) {
          throw cause;
        }
        attempts.retried(ErrorTypes.classify(cause), System.nanoTime() - start);
      }
    }
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

  /** Waits for the whole response, body included, until the deadline; cancels the exchange at the deadline. */
  private static RawResponse await(CompletableFuture<HttpResponse<byte[]>> f, long deadline) throws IOException, InterruptedException {
    HttpResponse<byte[]> r;
    try {
      r = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw (HttpTimeoutException) new HttpTimeoutException("request timed out").initCause(e);
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
    Map<String, List<String>> h = new TreeMap<>();
    r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
    return new RawResponse(r.statusCode(), h, r.body());
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
