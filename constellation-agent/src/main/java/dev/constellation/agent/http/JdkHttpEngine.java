package dev.constellation.agent.http;

import dev.constellation.agent.Threads;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * {@link HttpEngine} on {@code java.net.http}: HTTP/1.1 only (the default tries an h2c upgrade on
 * every cleartext request), redirects not followed (see {@link InstrumentedHttp}), and on Java 21+ a virtual-thread executor (the
 * default executor measured about 7k req/s here, a virtual-thread one about 21k).
 */
public final class JdkHttpEngine implements HttpEngine {

  private final HttpClient client;
  private final ExecutorService executor;

  /**
   * Creates the engine.
   *
   * @param connectTimeout the TCP connect time limit
   */
  public JdkHttpEngine(Duration connectTimeout) {
    this(connectTimeout, null);
  }

  /**
   * Creates the engine.
   *
   * @param connectTimeout the TCP connect time limit
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   */
  public JdkHttpEngine(Duration connectTimeout, javax.net.ssl.SSLContext ssl) {
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
  public RawResponse send(String method, RequestTarget target, List<String> headers, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(target.uri())
        .timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      rb.header(headers.get(i), headers.get(i + 1));
    }
    HttpResponse<byte[]> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
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
