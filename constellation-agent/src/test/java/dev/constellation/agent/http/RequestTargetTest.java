package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTargetTest {

  /** What InstrumentedHttp did before RequestTarget: join as strings and parse with URI.create (non-ASCII as UTF-8 %XX, as sent). */
  private static URI joinedByUri(String base, String path) {
    return URI.create(URI.create(base + (path.startsWith("/") ? path : "/" + path)).toASCIIString());
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
  void whatAUrlCannotHoldIsPercentEncodedAsBrowsersDo() {
    RequestTarget b = RequestTarget.of("http://h:1");
    assertThat(b.resolve("/with space").pathAndQuery()).isEqualTo("/with%20space");
    assertThat(b.resolve("/bad%zz").pathAndQuery()).isEqualTo("/bad%25zz");
    assertThat(b.resolve("/50%").pathAndQuery()).isEqualTo("/50%25");
    assertThat(b.resolve("/a|b").pathAndQuery()).isEqualTo("/a%7Cb");
    assertThat(b.resolve("/{id}").pathAndQuery()).isEqualTo("/%7Bid%7D");
    assertThat(b.resolve("/search?q=hello world&t=\"x\"").pathAndQuery()).isEqualTo("/search?q=hello%20world&t=%22x%22");
    assertThat(b.resolve("/<a>\\^`[]").pathAndQuery()).isEqualTo("/%3Ca%3E%5C%5E%60%5B%5D");
    assertThat(b.resolve("/kept%2F%20?a=1&b=%41").pathAndQuery()).isEqualTo("/kept%2F%20?a=1&b=%41");
    assertThat(b.resolve("/emoji\uD83D\uDE00").pathAndQuery()).isEqualTo("/emoji%F0%9F%98%80");
    assertThat(b.resolve("/tab\there").pathAndQuery()).isEqualTo("/tab%09here");
    assertThat(RequestTarget.of("http://h:1/a b?c=d e#frag").pathAndQuery()).isEqualTo("/a%20b?c=d%20e");
    assertThat(RequestTarget.encode("/!$&'()*+,;=:@/?-._~")).isEqualTo("/!$&'()*+,;=:@/?-._~");
    for (String path : List.of("/with space", "/50%", "/a|b", "/{id}", "/q?x=\"y\"")) {
      assertThat(b.resolve(path).uri()).as(path).isEqualTo(URI.create("http://h:1" + b.resolve(path).pathAndQuery()));
    }
  }

  @Test
  void aUrlWhoseHostIsInvalidIsRejected() {
    assertThatThrownBy(() -> RequestTarget.of("http://bad host/x")).isInstanceOf(IllegalArgumentException.class);
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
  /** The edges of the encoding rules: U+0080 is the first non-ASCII character; '%' needs exactly two hex digits after it. */
  @Test
  void theEncodingRulesAtTheirEdges() {
    RequestTarget b = RequestTarget.of("http://h:1");
    assertThat(b.resolve("/\u0080").pathAndQuery()).isEqualTo("/%C2%80");
    assertThat(b.resolve("/\u007f").pathAndQuery()).isEqualTo("/%7F");
    assertThat(RequestTarget.encode("/\u0080~")).isEqualTo("/%C2%80~");
    assertThat(b.resolve("/5%4").pathAndQuery()).isEqualTo("/5%254");
    assertThat(b.resolve("/5%").pathAndQuery()).isEqualTo("/5%25");
    assertThat(b.resolve("/%41").pathAndQuery()).isEqualTo("/%41");
    assertThat(RequestTarget.encode("/a%4")).isEqualTo("/a%254");
    assertThat(RequestTarget.encode("/a%41")).isEqualTo("/a%41");
    assertThat(RequestTarget.encode("/a%4 ")).isEqualTo("/a%254%20");
    for (String hex : new String[] {"00", "99", "af", "AF", "fA", "9f"}) {
      assertThat(RequestTarget.encode("/%" + hex)).as(hex).isEqualTo("/%" + hex);
      assertThat(b.resolve("/%" + hex).pathAndQuery()).as(hex).isEqualTo("/%" + hex);
      assertThat(b.resolve("/%" + hex + " ").pathAndQuery()).as(hex).isEqualTo("/%" + hex + "%20");
    }
    for (String notHex : new String[] {"/0", "0/", ":0", "0:", "g0", "0g", "@0", "0@", "G0", "0G"}) {
      assertThat(RequestTarget.encode("/%" + notHex)).as(notHex).isEqualTo("/%25" + notHex);
      assertThat(b.resolve("/%" + notHex).pathAndQuery()).as(notHex).isEqualTo("/%25" + notHex);
    }
    assertThat(RequestTarget.encode("/%`0")).isEqualTo("/%25%600");
    assertThat(RequestTarget.encode("/%0`")).isEqualTo("/%250%60");
  }

  /** The ends of the letter and digit ranges are sent as they are; their neighbours that RFC 3986 does not allow are encoded. */
  @Test
  void lettersAndDigitsToTheEndsOfTheirRangesAreKept() {
    RequestTarget b = RequestTarget.of("http://h:1");
    for (String path : List.of("/a", "/z", "/A", "/Z", "/0", "/9", "/azAZ09?q=zZ9")) {
      assertThat(RequestTarget.encode(path)).as(path).isEqualTo(path);
      assertThat(b.resolve(path).pathAndQuery()).as(path).isEqualTo(path);
      assertThat(RequestTarget.of("http://h:1" + path + " ").pathAndQuery()).as(path).isEqualTo(path + "%20");
    }
    assertThat(RequestTarget.encode("/`{[")).isEqualTo("/%60%7B%5B");
  }

  @Test
  void anAbsoluteUrlIsEncodedAfterItsAuthorityOnly() {
    assertThat(RequestTarget.of("http://h:1?q=a b").pathAndQuery()).isEqualTo("/?q=a%20b");
    assertThat(RequestTarget.of("http://h:1#f g").pathAndQuery()).isEqualTo("/");
    assertThat(RequestTarget.of("http://h:1/x y").origin()).isEqualTo("http://h:1");
    assertThat(RequestTarget.of("http://h:0/x").origin()).isEqualTo("http://h:0");
    assertThat(RequestTarget.of("http://h:0/x").port()).isEqualTo(0);
    assertThat(RequestTarget.of("https://h/x").port()).isEqualTo(-1);
    assertThat(RequestTarget.of("https://h/x").origin()).isEqualTo("https://h");
    assertThat(RequestTarget.of("http://h:1/p?q").pathEnd()).isEqualTo(2);
    assertThat(RequestTarget.of("http://h:1/p?q").rawPath()).isEqualTo("/p");
    assertThat(RequestTarget.of("http://h:1/p").pathEnd()).isEqualTo(2);
    assertThat(RequestTarget.of("HTTP://h:1/p").scheme()).isEqualTo("http");
  }
}

