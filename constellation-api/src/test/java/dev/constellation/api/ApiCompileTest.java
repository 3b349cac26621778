package dev.constellation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Calls every public API member, so a change that breaks scripts breaks this build first
 * (in the manner of Gatling's CoreJavaCompileTest). The script class below is compiled, not run
 * against a server.
 */
class ApiCompileTest {

  @VirtualUser(name = "compile check", weight = 2)
  @Feeder(name = "users", file = "users.csv", columns = {"user"}, strategy = Feeder.Strategy.UNIQUE,
      whenExhausted = Feeder.WhenExhausted.FAIL_ITERATION, seed = 7)
  @Feeder(name = "items", file = "items.jsonl")
  public static class EveryCall {
    private final Http http;
    private VuContext fieldContext;

    public EveryCall(Http http) {
      this.http = http;
    }

    @BeforeVirtualUser
    void setUp(VuContext vu) {
      http.get("/login");
    }

    @Iteration
    void run(VuContext vu) {
      Response r = http.get("/items/1");
      int status = r.status();
      Optional<String> type = r.header("content-type");
      Map<String, List<String>> headers = r.headers();
      String text = r.text();
      byte[] bytes = r.bytes();
      String name = r.name();
      r.expectStatus(200, 204);
      http.post("/items", "{}", "application/json");
      http.put("/items/1", "{}", "application/json");
      http.delete("/items/1");
      http.send(Request.of("PATCH", "/items/1").header("X-A", "b").body(new byte[] {1}, "application/octet-stream").name("patch"));
      String facts = vu.runId() + vu.region() + vu.agentIndex() + vu.agentCount() + vu.vuIndex()
          + vu.iteration() + vu.baseUrl() + vu.parameter("user").orElse("") + status + type + headers + text + bytes.length + name;
      vu.pause(Duration.ofMillis(1));
      vu.pause(Duration.ofMillis(1), Duration.ofMillis(2));
      Map<String, String> row = vu.feed("users");
      vu.group("checkout", () -> http.get("/cart"));
      String total = vu.group("pay", () -> row.get("user"));
      boolean held = vu.check("has user", row.containsKey("user")) && vu.check("soft", () -> {
        if (total == null) {
          throw new AssertionError("no total");
        }
      });
      Counter orders = vu.counter("orders");
      orders.add(2);
      orders.increment();
      Trend depth = vu.trend("queue_depth");
      depth.record(Trend.MAX_VALUE);
      facts += held + orders.name() + depth.name();
      if (facts.isEmpty()) {
        throw new HttpFailure("timeout", "x", "never", null);
      }
    }

    @AfterVirtualUser
    void tearDown() {
      http.delete("/session");
    }
  }

  @Test
  void requestsAreImmutableValues() {
    Request base = Request.get("/items/7");
    Request named = base.header("Accept", "application/json").name("item");

    assertThat(base.headers()).isEmpty();
    assertThat(base.explicitName()).isNull();
    assertThat(named.headers()).containsExactly("Accept", "application/json");
    assertThat(named.explicitName()).isEqualTo("item");
    assertThat(named.method()).isEqualTo("GET");
    assertThat(named.pathOrUrl()).isEqualTo("/items/7");
    assertThat(named.hasBody()).isFalse();
  }

  @Test
  void bodiesAreCopiedAndCarryTheirContentType() {
    byte[] payload = {1, 2, 3};
    Request r = Request.post("/upload").body(payload, "application/octet-stream");
    payload[0] = 9;

    assertThat(r.body()).containsExactly(1, 2, 3);
    assertThat(r.hasBody()).isTrue();
    assertThat(r.headers()).containsExactly("Content-Type", "application/octet-stream");
    assertThat(Request.put("/a").body("é", "text/plain").body()).hasSize(2);
    assertThat(Request.delete("/a").method()).isEqualTo("DELETE");
    assertThat(Request.of("patch", "/a").method()).isEqualTo("PATCH");
  }

  @Test
  void blankNamesAndMethodsAreRejectedWithTheFix() {
    assertThatThrownBy(() -> Request.get("/a").name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("request name is blank");
    assertThatThrownBy(() -> Request.of("", "/a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GET, POST");
  }

  @Test
  void httpFailureNamesTheRequestAndType() {
    HttpFailure f = new HttpFailure("connection_refused", "GET /items", "Connection refused", null);
    assertThat(f.errorType()).isEqualTo("connection_refused");
    assertThat(f.requestName()).isEqualTo("GET /items");
    assertThat(f).hasMessage("GET /items: connection_refused: Connection refused");
  }

  @Test
  void annotationsAreVisibleAtRunTime() throws Exception {
    VirtualUser vu = EveryCall.class.getAnnotation(VirtualUser.class);
    assertThat(vu.name()).isEqualTo("compile check");
    assertThat(vu.weight()).isEqualTo(2);
    assertThat(EveryCall.class.getDeclaredMethod("run", VuContext.class).isAnnotationPresent(Iteration.class)).isTrue();
    Feeder[] feeders = EveryCall.class.getAnnotationsByType(Feeder.class);
    assertThat(feeders).extracting(Feeder::name).containsExactly("users", "items");
    assertThat(feeders[1].strategy()).isEqualTo(Feeder.Strategy.CIRCULAR);
    assertThat(feeders[1].whenExhausted()).isEqualTo(Feeder.WhenExhausted.STOP_VU);
    FeederExhaustedException e = new FeederExhaustedException("users", Feeder.WhenExhausted.END_RUN, "used up");
    assertThat(e.feeder()).isEqualTo("users");
    assertThat(e.whenExhausted()).isEqualTo(Feeder.WhenExhausted.END_RUN);
  }
}
