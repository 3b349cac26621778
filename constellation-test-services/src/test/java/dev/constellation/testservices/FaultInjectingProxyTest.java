package dev.constellation.testservices;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy in front of a JDK HttpServer on loopback that echoes the method, path, Host and body. */
class FaultInjectingProxyTest {

  private final AtomicInteger upstreamRequests = new AtomicInteger();
  private HttpServer upstream;
  private FaultInjectingProxy proxy;

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext("/", exchange -> {
      upstreamRequests.incrementAndGet();
      byte[] body = exchange.getRequestBody().readAllBytes();
      byte[] answer = (exchange.getRequestMethod() + " " + exchange.getRequestURI() + " host="
          + exchange.getRequestHeaders().getFirst("Host") + " body=" + new String(body, StandardCharsets.UTF_8))
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    upstream.start();
    proxy = FaultInjectingProxy.start(upstream.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.stop(0);
  }

  /** One request on a client of its own: the JDK client may reuse a connection the proxy closed. */
  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://" + proxy.host() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void failsTheFirstNMatchingRequestsAndForwardsTheRestByteForByte() throws Exception {
    proxy.failFirst(2, "PUT", "/v2/[^/]+/manifests/.+", 500, "{\"errors\":[]}");

    HttpResponse<String> first = send("PUT", "/v2/repo/manifests/tag", "m1");
    HttpResponse<String> other = send("GET", "/v2/repo/manifests/tag", null);
    HttpResponse<String> second = send("PUT", "/v2/repo/manifests/tag", "m2");
    HttpResponse<String> third = send("PUT", "/v2/repo/manifests/tag?x=1", "m3");

    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(first.body()).isEqualTo("{\"errors\":[]}");
    assertThat(second.statusCode()).isEqualTo(500);
    assertThat(other.body()).isEqualTo("GET /v2/repo/manifests/tag host=" + proxy.host() + " body=");
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(third.body()).isEqualTo("PUT /v2/repo/manifests/tag?x=1 host=" + proxy.host() + " body=m3");
    assertThat(proxy.matched()).isEqualTo(3);
    assertThat(proxy.faulted()).isEqualTo(2);
    assertThat(upstreamRequests.get()).as("the failed requests never reach the upstream").isEqualTo(2);
    assertThat(proxy.requests()).containsExactly("PUT /v2/repo/manifests/tag -> 500",
        "GET /v2/repo/manifests/tag -> fwd", "PUT /v2/repo/manifests/tag -> 500",
        "PUT /v2/repo/manifests/tag?x=1 -> fwd");
  }

  @Test
  void aHeadFailureHasNoBodyAndClearingForwardsAgain() throws Exception {
    proxy.failFirst(Integer.MAX_VALUE, "HEAD", "/v2/repo/blobs/.+", 503, "{\"errors\":[]}");
    assertThat(send("HEAD", "/v2/repo/blobs/sha256:ab", null).statusCode()).isEqualTo(503);
    assertThat(send("HEAD", "/v2/repo/blobs/sha256:ab", null).statusCode()).isEqualTo(503);

    proxy.clearFaults();
    assertThat(send("HEAD", "/v2/repo/blobs/sha256:ab", null).statusCode()).isEqualTo(200);
    assertThat(proxy.faulted()).isEqualTo(2);
  }

  @Test
  void closeStopsListening() throws Exception {
    int port = proxy.port();
    proxy.close();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      throw new AssertionError("still listening on " + port);
    } catch (IOException refused) {
      // closed
    }
  }
}
