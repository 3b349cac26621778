package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Response headers as scripts and the client see them: names in lower case, values trimmed,
 * repeated headers in order, obsolete folded lines joined with a space (RFC 9112 section 5.2);
 * the client's own look-ups ({@code Set-Cookie}, {@code Location}, {@code Content-Encoding}) give
 * the same answers before and after a script built the map.
 */
class ResponseHeadersTest {

  private static ResponseHeaders of(String lines) {
    return new ResponseHeaders(lines.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static final String LINES = "Set-Cookie: a=1\nSET-COOKIE:b=2 \nLocation :  /next\nX-Folded: one\n\t two\n  three\n"
      + "Content-Type: text/html\nX-Empty:\nNoColon\nSet-Cookies: not-it\nX-Set-Cookie: not-it-either\nSet-Cookie\t: c=3\n";

  @Test
  void theMapHasLowerCaseNamesTrimmedValuesAndFoldedLinesJoined() {
    Map<String, List<String>> h = of(LINES);
    assertThat(h.get("set-cookie")).containsExactly("a=1", "b=2", "c=3");
    assertThat(h.get("location")).containsExactly("/next");
    assertThat(h.get("x-folded")).containsExactly("one two three");
    assertThat(h.get("x-empty")).containsExactly("");
    assertThat(h.get("nocolon")).containsExactly("");
    assertThat(h.get("Set-Cookie")).isNull();
    assertThat(h.containsKey("content-type")).isTrue();
    assertThat(h.containsKey("Content-Type")).isFalse();
    assertThat(h).hasSize(8);
    assertThat(h.entrySet()).hasSize(8);
  }

  @Test
  void lookUpsBeforeTheMapIsBuiltGiveWhatTheMapGives() {
    for (String name : List.of("set-cookie", "location", "content-type", "x-empty", "content-encoding", "set-cookies", "x-folded")) {
      List<String> scanned = ResponseHeaders.values(of(LINES), name);
      ResponseHeaders built = of(LINES);
      built.size();
      List<String> fromMap = ResponseHeaders.values(built, name);
      assertThat(scanned).as(name).isEqualTo(fromMap);
    }
    assertThat(ResponseHeaders.values(of(LINES), "set-cookie")).containsExactly("a=1", "b=2", "c=3");
    assertThat(ResponseHeaders.values(of(LINES), "x-folded")).containsExactly("one two three");
    assertThat(ResponseHeaders.values(of(LINES), "content-encoding")).isEmpty();
    assertThat(ResponseHeaders.values(of("Location: /a\n"), "location")).containsExactly("/a");
    assertThat(ResponseHeaders.values(of("Locatio: /a\nLocationX: /b\n"), "location")).isEmpty();
    assertThat(ResponseHeaders.values(of(""), "location")).isEmpty();
    // a folded header whose name is looked up: its continuation is joined as in the map
    assertThat(ResponseHeaders.values(of("Content-Encoding: gzip,\n deflate\n"), "content-encoding")).containsExactly("gzip, deflate");
    // headers that are not ResponseHeaders (the jdk engine's) are looked up by their lower-case name
    assertThat(ResponseHeaders.values(Map.of("location", List.of("/x")), "location")).containsExactly("/x");
    assertThat(ResponseHeaders.values(Map.of(), "location")).isEmpty();
  }

  @Test
  void foldedLinesBeforeTheFirstFieldAreIgnoredAsRfc9112Section22Asks() {
    // whitespace-led lines right after the status line are not fields (nor part of one): a server
    // or proxy that reads them as fields and one that does not would disagree about the message
    String lines = "\tX-Smuggled: 1\n Content-Length: 99\nX-Real: 2\n\tcontinued\n";
    Map<String, List<String>> h = of(lines);
    assertThat(h).containsOnlyKeys("x-real");
    assertThat(h.get("x-real")).containsExactly("2 continued");
    for (String name : List.of("x-smuggled", "content-length")) {
      assertThat(ResponseHeaders.values(of(lines), name)).as(name).isEmpty();
      assertThat(h.get(name)).as(name).isNull();
    }
    assertThat(ResponseHeaders.values(of(lines), "x-real")).containsExactly("2 continued");
  }

  @Test
  void namesAreMatchedIgnoringAsciiCaseOnly() {
    // 'A' and 'Z' are the ends of the range lowered; '@' and '[' beside them are not letters
    String lines = "A-Z: 1\n@-[: 2\nAZ-az: 3\n";
    assertThat(ResponseHeaders.values(of(lines), "a-z")).containsExactly("1");
    assertThat(ResponseHeaders.values(of(lines), "az-az")).containsExactly("3");
    assertThat(ResponseHeaders.values(of(lines), "@-[")).containsExactly("2");
    assertThat(ResponseHeaders.values(of(lines), "`-{")).isEmpty();
    assertThat(of(lines)).containsOnlyKeys("a-z", "@-[", "az-az");
  }

  /** The reason the class exists: the client's own look-ups on every response do not build the map. */
  @Test
  void lookUpsBeforeAScriptLooksLeaveTheMapUnbuilt() throws Exception {
    java.lang.reflect.Field map = ResponseHeaders.class.getDeclaredField("map");
    map.setAccessible(true);
    ResponseHeaders h = of("Location: /a\nSet-Cookie: a=1\nContent-Encoding: gzip\n");
    for (String name : List.of("set-cookie", "location", "content-encoding", "x-absent")) {
      ResponseHeaders.values(h, name);
    }
    assertThat(map.get(h)).isNull();
    assertThat(ResponseHeaders.values(h, "location")).containsExactly("/a");
    h.size();
    assertThat(map.get(h)).isNotNull();
    // a folded line under the name looked up is the one case handed to the map
    ResponseHeaders folded = of("Location: /a\nContent-Encoding: gzip,\n deflate\n");
    assertThat(ResponseHeaders.values(folded, "location")).containsExactly("/a");
    assertThat(map.get(folded)).isNull();
    assertThat(ResponseHeaders.values(folded, "content-encoding")).containsExactly("gzip, deflate");
    assertThat(map.get(folded)).isNotNull();
  }

  @Test
  void aNameMatchesOnlyWhenAColonFollowsItAfterOptionalSpacesOrTabs() {
    String lines = "Loc: 1\nLocation: /x\nLocations: 2\nLocation \t: /y\nLocation:\nLocation-X: 3\nL\tocation: 4\n";
    assertThat(ResponseHeaders.values(of(lines), "location")).containsExactly("/x", "/y", "");
    assertThat(of(lines).get("location")).containsExactly("/x", "/y", "");
    assertThat(ResponseHeaders.values(of(lines), "loc")).containsExactly("1");
    assertThat(ResponseHeaders.values(of(lines), "locations")).containsExactly("2");
  }

  @Test
  void theHeadersCannotBeChangedByAScript() {
    Map<String, List<String>> h = of(LINES);
    assertThat(catchThrowable(() -> h.get("set-cookie").add("d=4"))).isInstanceOf(UnsupportedOperationException.class);
    assertThat(catchThrowable(() -> h.put("x", List.of("y")))).isInstanceOf(UnsupportedOperationException.class);
    assertThat(catchThrowable(() -> h.entrySet().clear())).isInstanceOf(UnsupportedOperationException.class);
    assertThat(h.get("set-cookie")).containsExactly("a=1", "b=2", "c=3");
  }
}
