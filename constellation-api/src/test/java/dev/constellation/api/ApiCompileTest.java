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
  }
}
