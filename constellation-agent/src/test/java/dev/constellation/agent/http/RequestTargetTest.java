package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTargetTest {

  /** What InstrumentedHttp did before RequestTarget: join as strings and parse with URI.create. */
  private static URI joinedByUri(String base, String path) {
    return URI.create(base + (path.startsWith("/") ? path : "/" + path));
  }

  @Test
  void joiningAPathGivesWhatUriParsingGave() {
    for (String base : List.of("http://127.0.0.1:8080", "http://api.example.test/v2", "https://h:8443/a/b")) {
      RequestTarget b = RequestTarget.of(base);
      for (String path : List.of("/", "", "/items/42", "items/42", "/items?q=a%20b&x=1", "/a?b?c", "//double", "/~user/a-b_c.d",
          "/x;matrix=1/y", "/p:q@r", "/items/%7Bid%7D", "/ä", "/café?q=é")) {
        RequestTarget t = b.resolve(path);
        URI expected = joinedByUri(base, path);
        String rawPath = expected.getRawPath().isEmpty() ? "/" : expected.getRawPath();
        assertThat(t.rawPath()).as(base + " + " + path).isEqualTo(rawPath);
        assertThat(t.pathAndQuery()).as(base + " + " + path)
            .isEqualTo(rawPath + (expected.getRawQuery() == null ? "" : "?" + expected.getRawQuery()));
        assertThat(t.uri()).as(base + " + " + path).isEqualTo(expected);
        assertThat(t.scheme()).isEqualTo(expected.getScheme());
        assertThat(t.host()).isEqualTo(expected.getHost());
        assertThat(t.port()).isEqualTo(expected.getPort());
      }
    }
  }

  @Test
  void aFragmentIsNotSent() {
    RequestTarget t = RequestTarget.of("http://h:1").resolve("/page?x=1#section");
    assertThat(t.pathAndQuery()).isEqualTo("/page?x=1");
  }

  @Test
  void invalidPathsAreRejectedAsUriParsingRejectsThem() {
    RequestTarget b = RequestTarget.of("http://h:1");
    for (String bad : List.of("/with space", "/bad%zz", "/50%", "/a|b", "/{id}")) {
      assertThatThrownBy(() -> b.resolve(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> URI.create("http://h:1" + bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aBaseWithAQueryIsJoinedAsBefore() {
    RequestTarget t = RequestTarget.of("http://h:1/api?key=k").resolve("/items");
    assertThat(t.uri()).isEqualTo(URI.create("http://h:1/api?key=k/items"));
  }

  @Test
  void absoluteUrlsNeedSchemeAndHost() {
    RequestTarget t = RequestTarget.of("HTTP://Example.test");
    assertThat(t.scheme()).isEqualTo("http");
    assertThat(t.pathAndQuery()).isEqualTo("/");
    assertThat(t.origin()).isEqualTo("http://Example.test");
    assertThatThrownBy(() -> RequestTarget.of(URI.create("/relative"))).hasMessageContaining("no scheme");
    assertThatThrownBy(() -> RequestTarget.of("http:///nohost")).hasMessageContaining("no host");
  }

  @Test
  void requestNamesIgnoreTheQuery() {
    RequestTarget t = RequestTarget.of("http://h:1").resolve("/items/42?expand=true");
    assertThat(RequestNames.defaultName("GET", t.pathAndQuery(), t.pathEnd())).isEqualTo("GET /items/{id}");
    RequestTarget root = RequestTarget.of("http://h:1").resolve("?q=1");
    assertThat(RequestNames.defaultName("GET", root.pathAndQuery(), root.pathEnd())).isEqualTo("GET /");
  }

  @Test
  void aBaseUrlIsParsedOnceForAllItsUsers() {
    RequestTarget a = RequestTarget.base("http://h:1/api");
    assertThat(RequestTarget.base("http://h:1/api")).isSameAs(a);
    RequestTarget other = RequestTarget.base("http://h:2/api");
    assertThat(other).isNotSameAs(a);
    assertThat(other.port()).isEqualTo(2);
    assertThat(RequestTarget.base("http://h:1/api").resolve("/x").toString()).isEqualTo("http://h:1/api/x");
  }
}
