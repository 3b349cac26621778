package dev.constellation.agent.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both engines against the same WireMock stubs: same statuses, bodies, headers and error types. */
@Timeout(60)
class HttpEnginesWireMockIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String BIG = "0123456789abcdef".repeat(64 * 1024);
  private static WireMockServer wireMock;

  @BeforeAll
  static void start() {
    wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    wireMock.start();
    wireMock.stubFor(get(urlEqualTo("/items/1")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withHeader("X-Multi", "a", "b").withBody("{\"id\":1}")));
    wireMock.stubFor(get(urlEqualTo("/big")).willReturn(aResponse().withStatus(200).withBody(BIG)));
    wireMock.stubFor(get(urlEqualTo("/dribble")).willReturn(aResponse().withStatus(200).withBody(BIG).withChunkedDribbleDelay(20, 200)));
    wireMock.stubFor(post(urlEqualTo("/cart")).withRequestBody(equalTo("{\"item\":7}"))
        .willReturn(aResponse().withStatus(201).withBody("added")));
    wireMock.stubFor(get(urlEqualTo("/missing")).willReturn(aResponse().withStatus(404)));
    wireMock.stubFor(get(urlEqualTo("/moved")).willReturn(aResponse().withStatus(302).withHeader("Location", "/items/1")));
    wireMock.stubFor(get(urlEqualTo("/reset")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    wireMock.stubFor(get(urlEqualTo("/empty")).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
    wireMock.stubFor(get(urlEqualTo("/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(2_000)));
  }

  @AfterAll
  static void stop() {
    wireMock.stop();
  }

  @ParameterizedTest
  @ValueSource(strings = {HttpEngines.SOCKET, HttpEngines.JDK})
  void returnStatusHeadersAndBodiesOfStubs(String name) throws Exception {
    try (HttpEngine engine = HttpEngines.create(name, Duration.ofSeconds(2))) {
      HttpEngine.RawResponse item = engine.send("GET", uri("/items/1"), List.of(), null, TIMEOUT);
      assertThat(item.status()).isEqualTo(200);
      assertThat(new String(item.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
      assertThat(item.headers().get("content-type")).containsExactly("application/json");
      assertThat(item.headers().get("x-multi")).containsExactly("a", "b");
      assertThat(new String(engine.send("GET", uri("/big"), List.of(), null, TIMEOUT).body(), StandardCharsets.UTF_8)).isEqualTo(BIG);
      assertThat(new String(engine.send("GET", uri("/dribble"), List.of(), null, TIMEOUT).body(), StandardCharsets.UTF_8))
          .isEqualTo(BIG);
      HttpEngine.RawResponse added = engine.send("POST", uri("/cart"), List.of("Content-Type", "application/json"),
          "{\"item\":7}".getBytes(StandardCharsets.UTF_8), TIMEOUT);
      assertThat(added.status()).isEqualTo(201);
      assertThat(engine.send("GET", uri("/missing"), List.of(), null, TIMEOUT).status()).isEqualTo(404);
      HttpEngine.RawResponse moved = engine.send("GET", uri("/moved"), List.of(), null, TIMEOUT);
      assertThat(moved.status()).as("engines return redirects; InstrumentedHttp follows them").isEqualTo(302);
      assertThat(moved.headers().get("location")).containsExactly("/items/1");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {HttpEngines.SOCKET, HttpEngines.JDK})
  void mapFaultsToTheSameErrorTypes(String name) {
    try (HttpEngine engine = HttpEngines.create(name, Duration.ofSeconds(2))) {
      assertThat(errorType(engine, "/reset", TIMEOUT)).isEqualTo("connection_reset");
      assertThat(errorType(engine, "/empty", TIMEOUT)).isEqualTo("connection_closed");
      assertThat(errorType(engine, "/slow", Duration.ofMillis(300))).isEqualTo("timeout");
    }
  }

  private static String errorType(HttpEngine engine, String path, Duration timeout) {
    Throwable failure = catchThrowable(() -> engine.send("GET", uri(path), List.of(), null, timeout));
    assertThat(failure).as(path).isNotNull();
    return ErrorTypes.classify(failure);
  }

  private static URI uri(String path) {
    return URI.create(wireMock.baseUrl() + path);
  }
}
