package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CookieJarTest {

  private static final long NOW = Instant.parse("2026-01-10T12:00:00Z").toEpochMilli();
  private final CookieJar jar = new CookieJar();

  private static RequestTarget at(String url) {
    return RequestTarget.of(url);
  }

  private String header(String url) {
    return jar.header(at(url), NOW);
  }

  @Test
  void aCookieWithoutDomainIsHostOnly() {
    jar.store(at("http://example.com/login"), "sid=1", NOW);
    assertThat(header("http://example.com/")).isEqualTo("sid=1");
    assertThat(header("http://www.example.com/")).isNull();
    assertThat(header("http://other.com/")).isNull();
  }

  @Test
  void aDomainCookieReachesEverySubdomainAtAnyDepth() {
    jar.store(at("http://www.example.com/"), "sid=1; Domain=.Example.COM", NOW);
    assertThat(header("http://example.com/")).isEqualTo("sid=1");
    assertThat(header("http://a.b.example.com/")).isEqualTo("sid=1");
    assertThat(header("http://badexample.com/")).isNull();
  }

  @Test
  void aDomainTheHostDoesNotMatchOrATopLevelDomainIsRejected() {
    assertThat(jar.store(at("http://www.example.com/"), "a=1; Domain=other.com", NOW)).isFalse();
    assertThat(jar.store(at("http://www.example.com/"), "b=1; Domain=com", NOW)).isFalse();
    assertThat(jar.store(at("http://127.0.0.1:8080/"), "c=1; Domain=0.0.1", NOW)).isFalse();
    assertThat(jar.store(at("http://127.0.0.1:8080/"), "d=1; Domain=127.0.0.1", NOW)).isTrue();
    assertThat(jar.store(at("http://localhost/"), "e=1; Domain=localhost", NOW)).isTrue();
    assertThat(jar.size()).isEqualTo(2);
  }

  @Test
  void pathsMatchOnSegmentBoundariesAndDefaultToTheDirectory() {
    jar.store(at("http://h/"), "p=1; Path=/foo", NOW);
    assertThat(header("http://h/foo")).isEqualTo("p=1");
    assertThat(header("http://h/foo/bar")).isEqualTo("p=1");
    assertThat(header("http://h/foobar")).isNull();
    assertThat(header("http://h/")).isNull();
    jar.clear();
    jar.store(at("http://h/app/login?x=1"), "d=1", NOW);
    assertThat(header("http://h/app")).isEqualTo("d=1");
    assertThat(header("http://h/app/home")).isEqualTo("d=1");
    assertThat(header("http://h/apple")).isNull();
  }

  @Test
  void longerPathsComeFirstThenOlderCookies() {
    jar.store(at("http://h/"), "a=1; Path=/", NOW);
    jar.store(at("http://h/"), "b=2; Path=/x/y", NOW);
    jar.store(at("http://h/"), "c=3; Path=/x", NOW);
    jar.store(at("http://h/"), "d=4; Path=/", NOW);
    assertThat(header("http://h/x/y/z")).isEqualTo("b=2; c=3; a=1; d=4");
  }

  @Test
  void aCookieWithTheSameNameDomainAndPathIsReplacedAndAnExpiredOneRemovesIt() {
    jar.store(at("http://h/"), "a=1; Path=/", NOW);
    jar.store(at("http://h/"), "a=2; Path=/", NOW);
    assertThat(header("http://h/")).isEqualTo("a=2");
    jar.store(at("http://h/"), "a=gone; Path=/; Max-Age=0", NOW);
    assertThat(header("http://h/")).isNull();
    assertThat(jar.size()).isZero();
  }

  @Test
  void expiresAndMaxAgeSetTheLifetimeAndMaxAgeWins() {
    jar.store(at("http://h/"), "e=1; Expires=Sat, 10 Jan 2026 12:00:30 GMT", NOW);
    jar.store(at("http://h/"), "m=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT", NOW);
    jar.store(at("http://h/"), "old=1; Expires=Wed, 09 Oct 2002 13:22:08 GMT", NOW);
    assertThat(jar.header(at("http://h/"), NOW + 10_000)).isEqualTo("e=1; m=1");
    assertThat(jar.header(at("http://h/"), NOW + 40_000)).isEqualTo("m=1");
    assertThat(jar.header(at("http://h/"), NOW + 61_000)).isNull();
  }

  @Test
  void parsesTheDateFormsServersSend() {
    long expected = Instant.parse("2026-03-01T08:49:37Z").toEpochMilli();
    assertThat(CookieJar.parseDate("Sun, 01 Mar 2026 08:49:37 GMT")).isEqualTo(expected);
    assertThat(CookieJar.parseDate("Sunday, 01-Mar-26 08:49:37 GMT")).isEqualTo(expected);
    assertThat(CookieJar.parseDate("Sun Mar  1 08:49:37 2026")).isEqualTo(expected);
    assertThat(CookieJar.parseDate("not a date")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("Mon, 30 Feb 2026 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void secureCookiesGoOnlyOverHttpsAndHttpOnlyChangesNothing() {
    jar.store(at("https://h/"), "s=1; Secure; HttpOnly", NOW);
    jar.store(at("http://h/"), "p=2; HttpOnly", NOW);
    assertThat(header("http://h/")).isEqualTo("p=2");
    assertThat(header("https://h/")).isEqualTo("s=1; p=2");
  }

  @Test
  void ignoresLinesWithoutANameValuePair() {
    assertThat(jar.store(at("http://h/"), "novalue", NOW)).isFalse();
    assertThat(jar.store(at("http://h/"), "=v", NOW)).isFalse();
    assertThat(jar.store(at("http://h/"), "empty=", NOW)).isTrue();
    assertThat(header("http://h/")).isEqualTo("empty=");
  }

  @Test
  void staysBounded() {
    for (int i = 0; i < CookieJar.MAX_COOKIES + 50; i++) {
      jar.store(at("http://h/"), "c" + i + "=" + i, NOW);
    }
    assertThat(jar.size()).isEqualTo(CookieJar.MAX_COOKIES);
    assertThat(jar.values(at("http://h/"), NOW)).doesNotContainKey("c0").containsEntry("c349", "349");
  }

  /**
   * Why the jar is not {@link CookieManager}: {@link HttpCookie} keeps RFC 2965 rules that RFC 6265
   * replaced. Each assertion below is a case where the JDK disagrees with RFC 6265 (and with
   * browsers, curl, Gatling and k6), and the jar follows 6265.
   */
  @Test
  void theJdkCookieClassesFollowRfc2965WhereRfc6265Differs() throws Exception {
    // RFC 6265 5.1.3: Domain=example.com matches a host at any depth below it.
    assertThat(HttpCookie.domainMatches("example.com", "a.b.example.com")).isFalse();
    assertThat(CookieJar.domainMatches("a.b.example.com", "example.com")).isTrue();

    // RFC 6265 5.1.4: Path=/foo does not match /foobar.
    CookieManager manager = new CookieManager(null, (uri, cookie) -> true);
    manager.put(URI.create("http://h/"), Map.of("Set-Cookie", List.of("p=1; Path=/foo")));
    assertThat(manager.get(URI.create("http://h/foobar"), Map.of()).get("Cookie")).containsExactly("p=1");
    jar.store(at("http://h/"), "p=1; Path=/foo", NOW);
    assertThat(header("http://h/foobar")).isNull();

    // RFC 6265 5.1.4: the default path of /app/login is /app, which /app itself matches.
    CookieManager defaults = new CookieManager(null, (uri, cookie) -> true);
    defaults.put(URI.create("http://h/app/login"), Map.of("Set-Cookie", List.of("d=1")));
    assertThat(defaults.get(URI.create("http://h/app"), Map.of()).get("Cookie")).isNullOrEmpty();
    jar.store(at("http://h/app/login"), "d=1", NOW);
    assertThat(header("http://h/app")).isEqualTo("d=1");
  }
  private static long instant(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  /** RFC 6265 section 5.1.1: each delimiter separates tokens; the field limits are inclusive. */
  @Test
  void theDateAlgorithmsDelimitersAndLimits() {
    long expected = instant("2026-03-01T08:49:37Z");
    for (char d : new char[] {' ', '\t', '!', '/', ';', '@', '[', '`', '{', '~', ','}) {
      assertThat(CookieJar.parseDate("01" + d + "Mar" + d + "2026" + d + "08:49:37")).as("delimiter %s", (int) d).isEqualTo(expected);
    }
    // not delimiters: the token "01\u001fMar" is a day of 1 followed by junk, so no month is found
    for (char d : new char[] {'\u001f', 'A', 'Z', 'a', 'z', '\u007f'}) {
      assertThat(CookieJar.parseDate("01" + d + "Mar 2026 08:49:37")).as("not a delimiter %s", (int) d).isEqualTo(Long.MIN_VALUE);
    }
    assertThat(CookieJar.parseDate("Sun, 01 Mar 2026 08:49:37 GMT ;")).isEqualTo(expected);
    assertThat(CookieJar.parseDate("1 Mar 2026 8:9:7")).isEqualTo(instant("2026-03-01T08:09:07Z"));
    assertThat(CookieJar.parseDate("1 Mar 2026 0:0:0")).isEqualTo(instant("2026-03-01T00:00:00Z"));
    assertThat(CookieJar.parseDate("31 Dec 1601 23:59:59")).isEqualTo(instant("1601-12-31T23:59:59Z"));
    assertThat(CookieJar.parseDate("01 Jan 1601 00:00:00")).isEqualTo(instant("1601-01-01T00:00:00Z"));
    assertThat(CookieJar.parseDate("31 Dec 1600 23:59:59")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("32 Jan 2026 08:49:37")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("00 Jan 2026 08:49:37")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 2026 24:00:00")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 2026 23:60:00")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 2026 23:59:60")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 2026 123:00:00")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 2026 0a:00:00")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 2026 08:49")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 02026 08:49:37")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 5 08:49:37")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Jan 2026 08:49:37xyz")).isEqualTo(instant("2026-01-01T08:49:37Z"));
    // two-digit years: 70-99 are 19xx, 00-69 are 20xx
    assertThat(CookieJar.parseDate("01 Jan 70 00:00:00")).isEqualTo(instant("1970-01-01T00:00:00Z"));
    assertThat(CookieJar.parseDate("01 Jan 99 00:00:00")).isEqualTo(instant("1999-01-01T00:00:00Z"));
    assertThat(CookieJar.parseDate("01 Jan 69 00:00:00")).isEqualTo(instant("2069-01-01T00:00:00Z"));
    assertThat(CookieJar.parseDate("01 Jan 00 00:00:00")).isEqualTo(instant("2000-01-01T00:00:00Z"));
    assertThat(CookieJar.parseDate("01 Jan 100 00:00:00")).isEqualTo(Long.MIN_VALUE);
  }

  /** RFC 6265 section 5.1.1: the first time, day, month and year found win, even when the value is zero or January. */
  @Test
  void theFirstOfEachDateFieldWins() {
    assertThat(CookieJar.parseDate("01 Mar 2026 00:00:00 12:00:00")).isEqualTo(instant("2026-03-01T00:00:00Z"));
    assertThat(CookieJar.parseDate("01 Jan 2026 08:49:37 Dec")).isEqualTo(instant("2026-01-01T08:49:37Z"));
    assertThat(CookieJar.parseDate("01 Mar 00 08:49:37 2026")).isEqualTo(instant("2000-03-01T08:49:37Z"));
    // a day of 0 is the day found (and invalid), not a reason to take the next number
    assertThat(CookieJar.parseDate("00 01 Mar 2026 08:49:37")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 Ma 2026 08:49:37")).isEqualTo(Long.MIN_VALUE);
    assertThat(CookieJar.parseDate("01 March 2026 08:49:37")).isEqualTo(instant("2026-03-01T08:49:37Z"));
  }

  @Test
  void lifetimesEndExactlyAtTheirExpiry() {
    assertThat(jar.store(at("http://h/"), "gone=1; Max-Age=0", NOW)).isFalse();
    assertThat(jar.store(at("http://h/"), "gone=1; Max-Age=-5", NOW)).isFalse();
    assertThat(jar.store(at("http://h/"), "gone=1; Max-Age=-99999999999999999999", NOW)).isFalse();
    assertThat(jar.store(at("http://h/"), "now=1; Expires=Sat, 10 Jan 2026 12:00:00 GMT", NOW)).isFalse();
    assertThat(jar.store(at("http://h/"), "later=1; Expires=Sat, 10 Jan 2026 12:00:01 GMT", NOW)).isTrue();
    assertThat(jar.store(at("http://h/"), "m=1; Max-Age=60", NOW)).isTrue();
    assertThat(jar.store(at("http://h/"), "forever=1; Max-Age=99999999999999999999", NOW)).isTrue();
    assertThat(jar.store(at("http://h/"), "big=1; Max-Age=9223372036854775", NOW)).isTrue();
    assertThat(jar.store(at("http://h/"), "junk=1; Max-Age=soon; Expires=Sat, 10 Jan 2026 12:00:02 GMT", NOW)).isTrue();
    assertThat(jar.header(at("http://h/"), NOW + 999)).isEqualTo("later=1; m=1; forever=1; big=1; junk=1");
    assertThat(jar.header(at("http://h/"), NOW + 1000)).isEqualTo("m=1; forever=1; big=1; junk=1");
    assertThat(jar.header(at("http://h/"), NOW + 59_999)).isEqualTo("m=1; forever=1; big=1");
    assertThat(jar.header(at("http://h/"), NOW + 60_000)).isEqualTo("forever=1; big=1");
    assertThat(jar.header(at("http://h/"), instant("9999-12-31T23:59:59Z"))).isEqualTo("forever=1; big=1");
  }

  @Test
  void aFullJarDropsExpiredCookiesFirstThenTheOldest() {
    for (int i = 0; i < CookieJar.MAX_COOKIES; i++) {
      jar.store(at("http://h/"), "c" + i + "=" + i + "; Max-Age=10", NOW);
    }
    assertThat(jar.size()).isEqualTo(CookieJar.MAX_COOKIES);
    // at the expiry of all of them: every expired one goes, none of the others
    assertThat(jar.store(at("http://h/"), "new=1", NOW + 10_000)).isTrue();
    assertThat(jar.size()).isEqualTo(1);
    jar.clear();
    for (int i = 0; i < CookieJar.MAX_COOKIES; i++) {
      jar.store(at("http://h/"), "c" + i + "=" + i, NOW);
    }
    // replacing a cookie keeps its age: c0 stays the oldest and is the one dropped
    jar.store(at("http://h/"), "c0=again", NOW);
    jar.store(at("http://h/"), "c1=again", NOW);
    jar.store(at("http://h/"), "new=1", NOW);
    assertThat(jar.size()).isEqualTo(CookieJar.MAX_COOKIES);
    assertThat(jar.values(at("http://h/"), NOW)).doesNotContainKey("c0").containsEntry("c1", "again").containsEntry("new", "1");
    assertThat(jar.isEmpty()).isFalse();
    jar.clear();
    assertThat(jar.isEmpty()).isTrue();
    assertThat(jar.header(at("http://h/"), NOW)).isNull();
  }

  @Test
  void attributesAreCaseInsensitiveAndOnlyAnAbsolutePathCounts() {
    assertThat(jar.store(at("http://h/"), ";a=1", NOW)).isFalse();
    assertThat(jar.store(at("http://h/a/b"), "rel=1; PATH=x/y", NOW)).isTrue();
    assertThat(jar.store(at("http://h/"), "p=1; pAtH=/q; SECURE", NOW)).isTrue();
    assertThat(jar.store(at("http://www.h.test/"), "d=1; DOMAIN=H.test", NOW)).isTrue();
    assertThat(jar.store(at("http://h/"), "e=1; Domain=", NOW)).isTrue();
    assertThat(jar.store(at("http://h/"), " spaced = v v ; Path = /s ", NOW)).isTrue();
    // a relative Path is ignored: the default path of /a/b is /a
    assertThat(header("http://h/a")).isEqualTo("rel=1; e=1");
    assertThat(header("http://h/q")).isEqualTo("e=1");
    assertThat(header("https://h/q")).isEqualTo("p=1; e=1");
    assertThat(header("http://a.h.test/")).isEqualTo("d=1");
    assertThat(header("http://h/s")).isEqualTo("spaced=v v; e=1");
    assertThat(jar.values(at("http://h/s"), NOW)).containsExactly(Map.entry("spaced", "v v"), Map.entry("e", "1"));
  }

  @Test
  void theDefaultPathIsTheDirectoryOfTheRequestPath() {
    assertThat(CookieJar.defaultPath("")).isEqualTo("/");
    assertThat(CookieJar.defaultPath("x")).isEqualTo("/");
    assertThat(CookieJar.defaultPath("/")).isEqualTo("/");
    assertThat(CookieJar.defaultPath("/login")).isEqualTo("/");
    assertThat(CookieJar.defaultPath("/app/")).isEqualTo("/app");
    assertThat(CookieJar.defaultPath("/app/v1/login")).isEqualTo("/app/v1");
    assertThat(CookieJar.pathMatches("/app/x", "/app/")).isTrue();
    assertThat(CookieJar.pathMatches("/app", "/app/")).isFalse();
    assertThat(CookieJar.domainMatches("192.168.0.1", "168.0.1")).isFalse();
    assertThat(CookieJar.domainMatches("[::1]", "1]")).isFalse();
    assertThat(CookieJar.domainMatches("a.example.com", "example.com")).isTrue();
    assertThat(CookieJar.domainMatches("example.com", "a.example.com")).isFalse();
    assertThat(CookieJar.domainMatches("xexample.com", "example.com")).isFalse();
  }
}

