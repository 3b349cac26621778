package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.constellation.agent.record.Recording;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Request;
import dev.constellation.api.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a virtual user's client does the same on every engine (user guide: Redirects, Cookies,
 * Compression, URLs), on the socket engine against raw loopback servers, with exact recorded
 * counts: which redirects are followed and how (method, body, headers per hop, names, the
 * {@code maxRedirects} limit), the cookie jar's round trip, {@code Accept-Encoding} and decoding,
 * the stale-connection retry and its record, and how a request that cannot be sent is recorded.
 */
@Timeout(20)
class InstrumentedHttpTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final Recording recording = new Recording("run", "local", "local-0", 100);

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private RawServer server(RawServer.Handler handler) throws IOException {
    RawServer s = new RawServer(handler);
    closing.add(s);
    return s;
  }

  private InstrumentedHttp client(String baseUrl, HttpOptions options) {
    return client(new SocketHttpEngine(Duration.ofSeconds(2)), baseUrl, options);
  }

  private InstrumentedHttp client(HttpEngine engine, String baseUrl, HttpOptions options) {
    closing.add(0, engine);
    return new InstrumentedHttp(engine, recording, "script", baseUrl, TIMEOUT, options);
  }

  /** Request name (kind if not http) to "count/failures {status} {errors}" of everything recorded so far. */
  private Map<String, String> recorded() {
    Map<String, String> out = new TreeMap<>();
    for (IntervalRecord r : recording.drain(0, 1000)) {
      String key = r.kind().equals(IntervalRecord.KIND_HTTP) ? r.name() : r.kind() + " " + r.name();
      out.put(key, r.count() + "/" + r.failures() + " " + new TreeMap<>(r.statusCodes()) + " " + new TreeMap<>(r.errors()));
    }
    return out;
  }

  private static void respond(java.io.OutputStream out, String statusAndHeaders, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(ascii("HTTP/1.1 " + statusAndHeaders + "\r\nContent-Length: " + b.length + "\r\n\r\n"));
    out.write(b);
  }

  private static String path(String head) {
    return head.substring(head.indexOf(' ') + 1, head.indexOf(" HTTP/1.1"));
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  // ---- redirects

  private static HttpEngine.RawResponse response(int status, String... headerLines) {
    StringBuilder b = new StringBuilder();
    for (String h : headerLines) {
      b.append(h).append('\n');
    }
    return new HttpEngine.RawResponse(status, new ResponseHeaders(ascii(b.toString())), new byte[0]);
  }

  @Test
  void onlyTheFiveRedirectStatusesWithAUsableLocationAreFollowed() {
    RequestTarget from = RequestTarget.of("http://h:1/a/b?q=1");
    for (int s : new int[] {301, 302, 303, 307, 308}) {
      assertThat(InstrumentedHttp.redirectTarget(from, response(s, "Location: /x"))).as("" + s).hasToString("http://h:1/x");
    }
    for (int s : new int[] {200, 300, 304, 305, 306, 309, 201, 404}) {
      assertThat(InstrumentedHttp.redirectTarget(from, response(s, "Location: /x"))).as("" + s).isNull();
    }
    assertThat(InstrumentedHttp.redirectTarget(from, response(302))).isNull();
    assertThat(InstrumentedHttp.redirectTarget(from, response(302, "Location:   "))).isNull();
    assertThat(InstrumentedHttp.redirectTarget(from, response(302, "Location: ../c"))).hasToString("http://h:1/c");
    assertThat(InstrumentedHttp.redirectTarget(from, response(302, "Location: d?e=f"))).hasToString("http://h:1/a/d?e=f");
    assertThat(InstrumentedHttp.redirectTarget(from, response(302, "location: HTTPS://Other:8443/p")))
        .hasToString("https://Other:8443/p");
    assertThat(InstrumentedHttp.redirectTarget(from, response(302, "Location: //cdn.example/z"))).hasToString("http://cdn.example/z");
    assertThat(InstrumentedHttp.redirectTarget(from, response(302, "Location: ftp://files.example/f"))).isNull();
    assertThat(InstrumentedHttp.redirectTarget(from, response(302, "Location: mailto:someone@example.com"))).isNull();
    assertThat(InstrumentedHttp.redirectTarget(from, response(302, "Location: http://bad host/"))).isNull();
    // the first Location counts
    assertThat(InstrumentedHttp.redirectTarget(from, response(301, "Location: /first", "Location: /second")))
        .hasToString("http://h:1/first");
  }

  /** A server that redirects /r/STATUS to /done with that status and answers /done with its method and body. */
  private RawServer redirecting() throws IOException {
    return server((head, out, c, n) -> {
      String p = path(head);
      if (p.startsWith("/r/")) {
        respond(out, p.substring(3) + " Redirect\r\nLocation: /done", "");
      } else if (head.startsWith("HEAD")) {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"));
      } else {
        respond(out, "200 OK", head.substring(0, head.indexOf(' ')));
      }
      return true;
    });
  }

  @Test
  void aPostBecomesAGetWithoutBodyOn301302And303AndKeepsMethodAndBodyOn307And308() throws Exception {
    RawServer s = redirecting();
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    for (String status : List.of("301", "302", "303", "307", "308")) {
      Response r = http.send(Request.post("/r/" + status).body("payload", "text/plain"));
      assertThat(r.status()).isEqualTo(200);
    }
    // PUT and DELETE keep their method on 301/302 (only POST turns into GET); 303 makes any method but HEAD a GET
    http.send(Request.put("/r/302").body("p", "text/plain"));
    http.send(Request.put("/r/303").body("p", "text/plain"));
    http.send(Request.of("HEAD", "/r/303"));
    http.send(Request.delete("/r/301"));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < s.heads().size(); i++) {
      String h = s.heads().get(i);
      seen.add(h.substring(0, h.indexOf(" HTTP")) + " " + header(h, "Content-Type") + " " + new String(s.bodies().get(i),
          StandardCharsets.UTF_8));
    }
    assertThat(seen).containsExactly(
        "POST /r/301 text/plain payload", "GET /done null ",
        "POST /r/302 text/plain payload", "GET /done null ",
        "POST /r/303 text/plain payload", "GET /done null ",
        "POST /r/307 text/plain payload", "POST /done text/plain payload",
        "POST /r/308 text/plain payload", "POST /done text/plain payload",
        "PUT /r/302 text/plain p", "PUT /done text/plain p",
        "PUT /r/303 text/plain p", "GET /done null ",
        "HEAD /r/303 null ", "HEAD /done null ",
        "DELETE /r/301 null ", "DELETE /done null ");
  }

  @Test
  void aHopToAnotherOriginDropsAuthorizationAndTheScriptsCookieAndKeepsTheRest() throws Exception {
    RawServer other = server((head, out, c, n) -> {
      respond(out, "200 OK", "other");
      return true;
    });
    RawServer s = server((head, out, c, n) -> {
      String p = path(head);
      if (p.equals("/same")) {
        respond(out, "302 Found\r\nLocation: /final", "");
      } else if (p.equals("/away")) {
        respond(out, "302 Found\r\nLocation: " + other.url() + "/there", "");
      } else {
        respond(out, "200 OK", "here");
      }
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    http.send(Request.get("/same").header("Authorization", "Bearer t").header("Cookie", "own=1").header("X-Trace", "7"));
    Response away = http.send(Request.get("/away").header("authorization", "Bearer t").header("COOKIE", "own=1")
        .header("X-Trace", "7"));
    assertThat(away.text()).isEqualTo("other");
    String finalHead = s.heads().get(1);
    assertThat(header(finalHead, "Authorization")).isEqualTo("Bearer t");
    assertThat(header(finalHead, "Cookie")).isEqualTo("own=1");
    assertThat(header(finalHead, "X-Trace")).isEqualTo("7");
    String thereHead = other.heads().get(0);
    assertThat(header(thereHead, "Authorization")).isNull();
    assertThat(header(thereHead, "Cookie")).isNull();
    assertThat(header(thereHead, "X-Trace")).isEqualTo("7");
    assertThat(header(thereHead, "Host")).isEqualTo("127.0.0.1:" + other.port());
  }

  @Test
  void theRedirectLimitCountsFollowedRedirectsAndTheOneAfterItFailsTheRequest() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "302 Found\r\nLocation: /loop", "");
      return true;
    });
    InstrumentedHttp http = client(s.url(), new HttpOptions(true, 2, HttpOptions.COOKIES_VU, true));
    HttpFailure f = catchThrowableOfType(() -> http.get("/loop"), HttpFailure.class);
    assertThat(f.errorType()).isEqualTo("too_many_redirects");
    assertThat(f.getMessage()).contains("more than 2 redirects (maxRedirects); the 302 from /loop points to /loop");
    assertThat(s.requests()).isEqualTo(3);
    assertThat(recorded()).containsExactly(Map.entry("GET /loop", "3/1 {302=2} {too_many_redirects=1}"));
    assertThat(http.failedRequests()).isEqualTo(1);

    InstrumentedHttp none = client(s.url(), new HttpOptions(true, 0, HttpOptions.COOKIES_VU, true));
    assertThat(catchThrowableOfType(() -> none.send(Request.get("/loop").name("l")), HttpFailure.class).errorType())
        .isEqualTo("too_many_redirects");
    assertThat(s.requests()).isEqualTo(4);
    assertThat(recorded()).containsExactly(Map.entry("l", "1/1 {} {too_many_redirects=1}"));
  }

  @Test
  void eachHopIsARequestOfItsOwnNamedAfterItsUrlOrTheExplicitNameAndTheResponseSaysWhichItIs() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      String p = path(head);
      if (p.equals("/a")) {
        respond(out, "301 Moved\r\nLocation: /b?x=1", "");
      } else if (p.startsWith("/b")) {
        respond(out, "307 Temporary\r\nLocation: /items/12345", "");
      } else {
        respond(out, "404 Not Found", "missing");
      }
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    Response r = http.get("/a");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.name()).isEqualTo("GET /items/{id}");
    assertThat(r.text()).isEqualTo("missing");
    Response named = http.send(Request.get("/a").name("start"));
    assertThat(named.name()).isEqualTo("start (redirect 2)");
    assertThat(http.failedRequests()).isEqualTo(2);
    assertThat(recorded()).containsExactly(
        Map.entry("GET /a", "1/0 {301=1} {}"),
        Map.entry("GET /b", "1/0 {307=1} {}"),
        Map.entry("GET /items/{id}", "1/1 {404=1} {}"),
        Map.entry("start", "1/0 {301=1} {}"),
        Map.entry("start (redirect 1)", "1/0 {307=1} {}"),
        Map.entry("start (redirect 2)", "1/1 {404=1} {}"));
  }

  @Test
  void withRedirectsOffTheRedirectIsTheResponseAndARequestCanTurnThemBackOn() throws Exception {
    RawServer s = redirecting();
    InstrumentedHttp off = client(s.url(), new HttpOptions(false, 10, HttpOptions.COOKIES_VU, true));
    Response r = off.get("/r/302");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("LOCATION")).contains("/done");
    assertThat(off.send(Request.get("/r/302").followRedirects(true)).status()).isEqualTo(200);
    InstrumentedHttp on = client(s.url(), HttpOptions.DEFAULT);
    assertThat(on.send(Request.get("/r/308").followRedirects(false)).status()).isEqualTo(308);
    assertThat(s.requestLines()).containsExactly("GET /r/302 HTTP/1.1", "GET /r/302 HTTP/1.1", "GET /done HTTP/1.1",
        "GET /r/308 HTTP/1.1");
  }

  // ---- cookies

  @Test
  void theJarsCookiesGoOutWithTheScriptsOwnCookieHeaderAndOffSendsAndStoresNothing() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      if (path(head).equals("/login")) {
        respond(out, "302 Found\r\nSet-Cookie: sid=abc; Path=/\r\nSet-Cookie: theme=dark\r\nLocation: /home", "");
      } else {
        respond(out, "200 OK", String.valueOf(header(head, "Cookie")));
      }
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    assertThat(http.get("/login").text()).isEqualTo("sid=abc; theme=dark");
    assertThat(http.send(Request.get("/home").header("cookie", "own=1")).text()).isEqualTo("own=1; sid=abc; theme=dark");
    assertThat(http.cookies().forUrl("/x")).containsExactly(Map.entry("sid", "abc"), Map.entry("theme", "dark"));
    assertThat(http.cookies()).hasToString("cookie jar (2 cookies)");

    InstrumentedHttp off = client(s.url(), new HttpOptions(true, 10, HttpOptions.COOKIES_OFF, true));
    assertThat(off.get("/login").text()).isEqualTo("null");
    assertThat(off.cookies().forUrl("/")).isEmpty();
    assertThat(off.send(Request.get("/home").header("Cookie", "own=1")).text()).isEqualTo("own=1");
    // a script may still fill the jar by hand; with cookies off it is not sent
    off.cookies().set("/", "k", "v");
    assertThat(off.cookies().get("/", "k")).contains("v");
    assertThat(off.get("/home").text()).isEqualTo("null");
  }

  @Test
  void theIterationModeEmptiesTheJarAtEachIterationAndTheVuModeKeepsIt() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "200 OK", String.valueOf(header(head, "Cookie")));
      return true;
    });
    InstrumentedHttp perIteration = client(s.url(), new HttpOptions(true, 10, HttpOptions.COOKIES_ITERATION, true));
    perIteration.cookies().set("/", "a", "1");
    perIteration.iterationStarting();
    assertThat(perIteration.get("/").text()).isEqualTo("null");
    InstrumentedHttp perVu = client(s.url(), HttpOptions.DEFAULT);
    perVu.cookies().set("/", "a", "1");
    perVu.iterationStarting();
    assertThat(perVu.get("/").text()).isEqualTo("a=1");
    perVu.cookies().add("/", "b=2; Path=/; Max-Age=60");
    assertThat(perVu.get("/").text()).isEqualTo("a=1; b=2");
    perVu.cookies().clear();
    assertThat(perVu.get("/").text()).isEqualTo("null");
  }

  @Test
  void aCookieNameOrValueThatCannotBeSentIsRefusedNamingIt() {
    InstrumentedHttp http = client("http://127.0.0.1:9", HttpOptions.DEFAULT);
    for (String name : List.of("", "a b", "a;b", "a=b", "a,b", "a\u007f", "\u00e9", "a\tb")) {
      assertThatThrownBy(() -> http.cookies().set("/", name, "v")).as(name)
          .hasMessage("cookie name \"" + name + "\" is empty or has a character cookie names cannot have (space, control "
              + "character, ';', '=' or ','); use letters, digits and -_.");
    }
    for (String value : List.of("a;b", "a\nb", "\u00e9", "\u007f", "\u001f")) {
      assertThatThrownBy(() -> http.cookies().set("/", "n", value)).as(value)
          .hasMessage("cookie n has a value with ';' or a control or non-ASCII character; encode the value (for example "
              + "URL-encode it) first");
    }
    http.cookies().set("/", "n-_.1~!", "a b,=~\"x\"");
    assertThat(http.cookies().forUrl("/")).containsExactly(Map.entry("n-_.1~!", "a b,=~\"x\""));
    assertThat(http.cookies().get("/", "other")).isEmpty();
  }

  // ---- compression

  @Test
  void acceptEncodingIsAddedUnlessTheScriptSetsItsOwnOrCompressionIsOff() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "200 OK", String.valueOf(header(head, "Accept-Encoding")));
      return true;
    });
    InstrumentedHttp on = client(s.url(), HttpOptions.DEFAULT);
    assertThat(on.get("/").text()).isEqualTo("gzip, deflate");
    assertThat(on.send(Request.get("/").header("X-A", "1")).text()).isEqualTo("gzip, deflate");
    assertThat(on.send(Request.get("/").header("accept-ENCODING", "br")).text()).isEqualTo("br");
    String own = s.heads().get(s.heads().size() - 1);
    assertThat(own.toLowerCase(java.util.Locale.ROOT).split("accept-encoding:", -1)).as(own).hasSize(2);
    InstrumentedHttp off = client(s.url(), new HttpOptions(true, 10, HttpOptions.COOKIES_VU, false));
    assertThat(off.get("/").text()).isEqualTo("null");
    assertThat(off.send(Request.get("/").header("Accept-Encoding", "gzip")).text()).isEqualTo("gzip");
    String offOwn = s.heads().get(s.heads().size() - 1);
    assertThat(offOwn.toLowerCase(java.util.Locale.ROOT).split("accept-encoding:", -1)).as(offOwn).hasSize(2);
    off.cookies().set("/", "c", "1");
    assertThat(off.get("/").text()).isEqualTo("null");
    // the header order: the script's, then the jar's Cookie, then Accept-Encoding
    on.cookies().set("/", "c", "1");
    on.send(Request.get("/").header("X-A", "1"));
    String last = s.heads().get(s.heads().size() - 1);
    assertThat(last).contains("\r\nX-A: 1\r\nCookie: c=1\r\nAccept-Encoding: gzip, deflate\r\n");
  }

  private static byte[] gzip(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(in);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] in, boolean raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, d)) {
      z.write(in);
    } finally {
      d.end();
    }
    return out.toByteArray();
  }

  private static Map<String, List<String>> encoding(String... values) {
    return Map.of("content-encoding", List.of(values));
  }

  @Test
  void decodesGzipXGzipZlibAndRawDeflateInTheReverseOrderOfTheirCodings() throws Exception {
    byte[] plain = "constellation ".repeat(50).getBytes(StandardCharsets.UTF_8);
    assertThat(InstrumentedHttp.decode(encoding("gzip"), gzip(plain))).isEqualTo(plain);
    assertThat(InstrumentedHttp.decode(encoding("X-GZIP"), gzip(plain))).isEqualTo(plain);
    assertThat(InstrumentedHttp.decode(encoding("deflate"), deflate(plain, false))).isEqualTo(plain);
    assertThat(InstrumentedHttp.decode(encoding("deflate"), deflate(plain, true))).isEqualTo(plain);
    // deflate applied first, then gzip: decoded gzip first
    assertThat(InstrumentedHttp.decode(encoding("deflate, gzip"), gzip(deflate(plain, false)))).isEqualTo(plain);
    assertThat(InstrumentedHttp.decode(encoding("deflate", "gzip"), gzip(deflate(plain, true)))).isEqualTo(plain);
    assertThat(InstrumentedHttp.decode(encoding("gzip, deflate"), deflate(gzip(plain), false))).isEqualTo(plain);
    assertThat(InstrumentedHttp.decode(encoding("identity, gzip, "), gzip(plain))).isEqualTo(plain);
    // nothing to decode: the same array
    byte[] body = gzip(plain);
    assertThat(InstrumentedHttp.decode(encoding("br"), body)).isSameAs(body);
    assertThat(InstrumentedHttp.decode(encoding("gzip, zstd"), body)).isSameAs(body);
    assertThat(InstrumentedHttp.decode(encoding("identity"), plain)).isEqualTo(plain);
    assertThat(InstrumentedHttp.decode(Map.of(), body)).isSameAs(body);
    byte[] empty = new byte[0];
    assertThat(InstrumentedHttp.decode(encoding("gzip"), empty)).isSameAs(empty);
    // the zlib header check: 0x78 0x9C is zlib; a raw stream whose first bytes are not a zlib header is raw
    byte[] zlib = deflate(plain, false);
    assertThat(zlib[0]).isEqualTo((byte) 0x78);
    assertThatThrownBy(() -> InstrumentedHttp.decode(encoding("gzip"), "not gzip".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> InstrumentedHttp.decode(encoding("deflate"), new byte[] {1, 2, 3, 4}))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aBodyThatDoesNotDecodeIsAFailedRequestNamingItsCodingAndStatus() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "503 Unavailable\r\nContent-Encoding: gzip", "not gzip at all");
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    HttpFailure f = catchThrowableOfType(() -> http.get("/z"), HttpFailure.class);
    assertThat(f.errorType()).isEqualTo("decode_error");
    assertThat(f.getMessage()).contains("the [gzip] body of a 503 response could not be decoded: Not in GZIP format");
    assertThat(http.failedRequests()).isEqualTo(1);
    assertThat(recorded()).containsExactly(Map.entry("GET /z", "1/1 {} {decode_error=1}"));
  }

  @Test
  void theScriptSeesTheDecodedBodyInItsCharsetAndTheReportCountsWireBytes() throws Exception {
    byte[] latin = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    byte[] gz = gzip(latin);
    RawServer s = server((head, out, c, n) -> {
      String p = path(head);
      String type = switch (p) {
        case "/latin" -> "text/plain; Charset=\"ISO-8859-1\"";
        case "/bad" -> "text/plain; charset=no-such-charset";
        case "/param" -> "text/plain; charset=iso-8859-1; format=flowed";
        default -> "text/plain";
      };
      byte[] body = p.equals("/plain") ? "caf\u00e9".getBytes(StandardCharsets.UTF_8) : p.equals("/bad") ? latin : gz;
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: " + type + (p.equals("/plain") || p.equals("/bad") ? ""
          : "\r\nContent-Encoding: gzip") + "\r\nContent-Length: " + body.length + "\r\n\r\n"));
      out.write(body);
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    Response r = http.get("/latin");
    assertThat(r.text()).isEqualTo("caf\u00e9");
    assertThat(r.bytes()).isEqualTo(latin);
    r.bytes()[0] = 'X';
    assertThat(r.bytes()).isEqualTo(latin);
    assertThat(r.header("Content-Encoding")).contains("gzip");
    assertThat(r.header("X-Missing")).isEmpty();
    assertThat(r.headers().get("content-encoding")).containsExactly("gzip");
    assertThat(http.get("/param").text()).isEqualTo("caf\u00e9");
    assertThat(http.get("/plain").text()).isEqualTo("caf\u00e9");
    assertThat(http.get("/bad").text()).isEqualTo("caf\uFFFD");
    assertThat(r).hasToString("GET /latin -> 200");
    List<IntervalRecord> records = recording.drain(0, 1000);
    assertThat(records).filteredOn(rec -> rec.name().equals("GET /latin")).singleElement()
        .satisfies(rec -> assertThat(rec.bytes()).isEqualTo(gz.length));
  }

  @Test
  void expectStatusReturnsTheResponseOrFailsNamingTheRequest() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "404 Not Found", "");
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    Response r = http.get("/items/42");
    assertThat(r.expectStatus(200, 404)).isSameAs(r);
    assertThatThrownBy(() -> r.expectStatus(200, 201)).isInstanceOf(AssertionError.class)
        .hasMessage("GET /items/{id}: expected status [200, 201] but was 404");
  }

  // ---- requests that cannot be sent, and transport failures

  @Test
  void aRequestThatCannotBeSentIsRecordedUnderItsNameAsInvalidRequest() throws Exception {
    // a resolver that knows no host: nothing here asks a real DNS server
    InstrumentedHttp noBase = client(new SocketHttpEngine(Duration.ofSeconds(2), host -> {
      throw new java.net.UnknownHostException(host);
    }), "", HttpOptions.DEFAULT);
    HttpFailure relative = catchThrowableOfType(() -> noBase.get("/items/7?x=1"), HttpFailure.class);
    assertThat(relative.errorType()).isEqualTo("invalid_request");
    assertThat(relative.getMessage()).contains("request path \"/items/7?x=1\" is relative but no base URL is set; set <baseUrl> "
        + "(-Dconstellation.baseUrl=http://host:port) or use an absolute URL");
    HttpFailure ftp = catchThrowableOfType(() -> noBase.get("ftp://files.example/a/b#c"), HttpFailure.class);
    assertThat(ftp.getMessage()).contains("URL ftp://files.example/a/b#c is not http:// or https://; only HTTP can be sent");
    HttpFailure host = catchThrowableOfType(() -> noBase.get("http://bad host/x"), HttpFailure.class);
    assertThat(host.errorType()).isEqualTo("invalid_request");
    catchThrowableOfType(() -> noBase.get("relative#frag"), HttpFailure.class);
    catchThrowableOfType(() -> noBase.send(Request.get("x?y").name("mine")), HttpFailure.class);
    // an absolute URL needs no base; a host that does not resolve is a failure of its own type, not an invalid request
    assertThat(catchThrowableOfType(() -> noBase.get("http://no-such-host.invalid/"), HttpFailure.class).errorType())
        .isEqualTo("unknown_host");
    assertThat(noBase.failedRequests()).isEqualTo(6);
    Map<String, String> r = recorded();
    assertThat(r).containsEntry("GET /items/{id}", "1/1 {} {invalid_request=1}")
        .containsEntry("GET /a/b", "1/1 {} {invalid_request=1}")
        .containsEntry("GET /x", "1/1 {} {invalid_request=1}")
        .containsEntry("GET /relative", "1/1 {} {invalid_request=1}")
        .containsEntry("mine", "1/1 {} {invalid_request=1}")
        .containsEntry("GET /", "1/1 {} {unknown_host=1}");
  }

  @Test
  void aRefusedConnectionIsAFailedRequestWithItsTypeAndTheRequestsName() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    InstrumentedHttp http = client("http://127.0.0.1:" + port + "/api/", HttpOptions.DEFAULT);
    HttpFailure f = catchThrowableOfType(() -> http.get("items"), HttpFailure.class);
    assertThat(f.errorType()).isEqualTo("connection_refused");
    assertThat(f.requestName()).isEqualTo("GET /api/items");
    // the transport's own message
    assertThat(f).hasMessage("GET /api/items: connection_refused: Connection refused")
        .hasCauseInstanceOf(java.net.ConnectException.class);
    assertThat(http.failedRequests()).isEqualTo(1);
    assertThat(recorded()).containsExactly(Map.entry("GET /api/items", "1/1 {} {connection_refused=1}"));
  }

  @Test
  void aRequestTheServerDroppedOnAReusedConnectionIsSentOnceMoreAndTheRetryIsRecorded() throws Exception {
    // the server closes each connection on its 2nd request without answering: the true keep-alive race
    RawServer s = server((head, out, c, n) -> {
      if (n == 2) {
        return false;
      }
      respond(out, "200 OK", "ok" + c);
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    assertThat(http.post("/o", "{}", "application/json").text()).isEqualTo("ok1");
    assertThat(http.post("/o", "{}", "application/json").text()).isEqualTo("ok2");
    assertThat(s.requests()).isEqualTo(3);
    assertThat(s.connections()).isEqualTo(2);
    assertThat(http.failedRequests()).isZero();
    assertThat(recorded()).containsExactly(
        Map.entry("POST /o", "2/0 {200=2} {}"),
        Map.entry("retry POST /o", "1/1 {} {connection_closed=1}"));
  }

  @Test
  void withRetriesOffTheDroppedRequestFailsAndANewConnectionIsNeverRetried() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      if (n == 2 || c == 2) {
        return false;
      }
      respond(out, "200 OK", "ok");
      return true;
    });
    InstrumentedHttp http = client(new SocketHttpEngine(Duration.ofSeconds(2), false), s.url(), HttpOptions.DEFAULT);
    http.get("/o");
    assertThat(catchThrowableOfType(() -> http.get("/o"), HttpFailure.class).errorType()).isEqualTo("connection_closed");
    assertThat(s.requests()).isEqualTo(2);
    // retries on: the first request of a new connection that gets nothing back is not sent again
    InstrumentedHttp on = client(s.url(), HttpOptions.DEFAULT);
    assertThat(catchThrowableOfType(() -> on.get("/o"), HttpFailure.class).errorType()).isEqualTo("connection_closed");
    assertThat(s.requests()).isEqualTo(3);
    assertThat(s.connections()).isEqualTo(2);
    assertThat(recorded()).containsExactly(Map.entry("GET /o", "3/2 {200=1} {connection_closed=2}"));
  }

  @Test
  void aResponseThatHadStartedOrATimeoutIsNotRetried() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      if (n == 1) {
        respond(out, "200 OK", "ok");
        return true;
      }
      if (c == 1) {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Len"));
        return false;
      }
      try {
        Thread.sleep(3_000); // connection 2: never answers in time
      } catch (InterruptedException e) {
        return false;
      }
      return false;
    });
    InstrumentedHttp http = new InstrumentedHttp(register(new SocketHttpEngine(Duration.ofSeconds(2))), recording, "script", s.url(),
        Duration.ofMillis(500), HttpOptions.DEFAULT);
    http.get("/o");
    assertThat(catchThrowableOfType(() -> http.get("/o"), HttpFailure.class).errorType()).isEqualTo("connection_closed");
    http.get("/o");
    assertThat(catchThrowableOfType(() -> http.get("/o"), HttpFailure.class).errorType()).isEqualTo("timeout");
    assertThat(s.requests()).isEqualTo(4);
    assertThat(recorded()).containsExactly(Map.entry("GET /o", "4/2 {200=2} {connection_closed=1, timeout=1}"));
  }

  private HttpEngine register(HttpEngine engine) {
    closing.add(0, engine);
    return engine;
  }

  @Test
  void aClosedEngineRefusesRequests() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, "200 OK", "ok");
      return true;
    });
    SocketHttpEngine engine = new SocketHttpEngine(Duration.ofSeconds(2));
    engine.send("GET", RequestTarget.of(s.url() + "/"), List.of(), null, TIMEOUT);
    engine.close();
    assertThatThrownBy(() -> engine.send("GET", RequestTarget.of(s.url() + "/"), List.of(), null, TIMEOUT))
        .isInstanceOf(IOException.class).hasMessage("the HTTP engine is closed");
    assertThatThrownBy(() -> engine.send("GET", RequestTarget.of("ftp://h/"), List.of(), null, TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("URL ftp://h/ is not http:// or https://");
    assertThat(s.requests()).isEqualTo(1);
  }
  @Test
  void aConnectionTheServerClosedWhileIdleIsDroppedBeforeReuseSoNothingIsRetried() throws Exception {
    // the server closes a connection idle for 200 ms; the engine probes connections idle for 250 ms or more
    RawServer s = new RawServer(200, true, (head, out, c, n) -> {
      respond(out, "200 OK", "ok");
      return true;
    });
    closing.add(s);
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    http.post("/o", "{}", "application/json");
    Thread.sleep(800);
    http.post("/o", "{}", "application/json");
    assertThat(s.connections()).isEqualTo(2);
    assertThat(s.requests()).isEqualTo(2);
    assertThat(recorded()).containsExactly(Map.entry("POST /o", "2/0 {200=2} {}"));
  }
  /** A body that decodes to more than the limit (256 MiB in a run) fails instead of filling the agent's memory. */
  @Test
  void aBodyThatDecodesToMoreThanTheLimitIsRefused() throws Exception {
    byte[] exactly = new byte[1000];
    byte[] over = new byte[1001];
    assertThat(InstrumentedHttp.decode(encoding("gzip"), gzip(exactly), 1000)).isEqualTo(exactly);
    assertThatThrownBy(() -> InstrumentedHttp.decode(encoding("gzip"), gzip(over), 1000)).isInstanceOf(IOException.class)
        .hasMessage("decoded body larger than 1000 bytes");
    assertThatThrownBy(() -> InstrumentedHttp.decode(encoding("deflate"), deflate(over, false), 1000)).isInstanceOf(IOException.class)
        .hasMessage("decoded body larger than 1000 bytes");
    // each coding of a stack is held to the limit
    assertThatThrownBy(() -> InstrumentedHttp.decode(encoding("gzip, gzip"), gzip(gzip(over)), 1000)).isInstanceOf(IOException.class)
        .hasMessage("decoded body larger than 1000 bytes");
    assertThat(InstrumentedHttp.MAX_DECODED_BYTES).isEqualTo(256 * 1024 * 1024);
  }

  // ---- methods, statuses, URLs and names

  /** A server that answers every request with its request line, Content-Type and body. */
  private RawServer echoing() throws IOException {
    return server((head, out, c, n) -> {
      String line = head.substring(0, head.indexOf(" HTTP/1.1"));
      respond(out, "200 OK", line + " " + header(head, "Content-Type"));
      return true;
    });
  }

  @Test
  void putDeleteAndPostSendTheirMethodBodyAndContentType() throws Exception {
    RawServer s = echoing();
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    Response put = http.put("/p", "put body", "text/plain");
    assertThat(put.name()).isEqualTo("PUT /p");
    assertThat(put.text()).isEqualTo("PUT /p text/plain");
    Response delete = http.delete("/d");
    assertThat(delete.name()).isEqualTo("DELETE /d");
    assertThat(delete.text()).isEqualTo("DELETE /d null");
    assertThat(http.post("/o", "{}", "application/json").text()).isEqualTo("POST /o application/json");
    assertThat(s.bodies()).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("put body", "", "{}");
    assertThat(recorded()).containsExactly(Map.entry("DELETE /d", "1/0 {200=1} {}"), Map.entry("POST /o", "1/0 {200=1} {}"),
        Map.entry("PUT /p", "1/0 {200=1} {}"));
  }

  @Test
  void aResponseOf400OrMoreIsAFailedRequestAnd399IsNot() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      respond(out, path(head).substring(2) + " Status", "");
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    assertThat(http.get("/s200").status()).isEqualTo(200);
    assertThat(http.get("/s399").status()).isEqualTo(399);
    assertThat(http.failedRequests()).isZero();
    assertThat(http.get("/s400").status()).isEqualTo(400);
    assertThat(http.failedRequests()).isEqualTo(1);
    assertThat(http.get("/s599").status()).isEqualTo(599);
    assertThat(http.failedRequests()).isEqualTo(2);
    assertThat(recorded()).containsExactly(Map.entry("GET /s200", "1/0 {200=1} {}"), Map.entry("GET /s399", "1/0 {399=1} {}"),
        Map.entry("GET /s400", "1/1 {400=1} {}"), Map.entry("GET /s599", "1/1 {599=1} {}"));
  }

  @Test
  void aRequestThatCannotBeSentIsNamedAfterThePathAsWrittenUpToItsQueryOrFragment() {
    InstrumentedHttp noBase = client(new SocketHttpEngine(Duration.ofSeconds(2), host -> {
      throw new java.net.UnknownHostException(host);
    }), "", HttpOptions.DEFAULT);
    Map<String, String> names = new java.util.LinkedHashMap<>();
    names.put("?x=1", "GET /");
    names.put("#f", "GET /");
    names.put("#a?b", "GET /");
    names.put("a?b#c", "GET /a");
    names.put("a#b?c", "GET /a");
    names.put("orders/12/items", "GET /orders/{id}/items");
    names.put("ftp://files.example", "GET /");
    names.put("ftp://files.example/p/7?q#f", "GET /p/{id}");
    names.put("://x/y", "GET /://x/y");
    for (Map.Entry<String, String> e : names.entrySet()) {
      HttpFailure f = catchThrowableOfType(() -> noBase.get(e.getKey()), HttpFailure.class);
      assertThat(f.errorType()).as(e.getKey()).isEqualTo("invalid_request");
      assertThat(f.requestName()).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(noBase.failedRequests()).isEqualTo(names.size());
  }

  @Test
  void theSchemeOfAnAbsoluteUrlIsCaseInsensitive() throws Exception {
    RawServer s = echoing();
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    Response r = http.get("HTTP://127.0.0.1:" + s.port() + "/upper?q=1");
    assertThat(r.name()).isEqualTo("GET /upper");
    assertThat(r.text()).isEqualTo("GET /upper?q=1 null");
    InstrumentedHttp noBase = client(new SocketHttpEngine(Duration.ofSeconds(2), host -> {
      throw new java.net.UnknownHostException(host);
    }), "", HttpOptions.DEFAULT);
    // an https URL in capitals is sent (here: its host does not resolve), not refused as another scheme
    assertThat(catchThrowableOfType(() -> noBase.get("HTTPS://no-such-host.invalid/x"), HttpFailure.class).errorType())
        .isEqualTo("unknown_host");
    assertThat(catchThrowableOfType(() -> noBase.get("Ftp://files.example/x"), HttpFailure.class))
        .hasMessage("GET /x: invalid_request: URL Ftp://files.example/x is not http:// or https://; only HTTP can be sent");
  }

  @Test
  void requestsThatShareACacheSlotKeepTheirOwnUrlMethodAndName() throws Exception {
    // the client remembers 8 resolved requests, by (path, method): /c0 and /c8 share a slot, as do
    // POST and PATCH of one path, and GET and OPTIONS
    RawServer s = echoing();
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    List<String> expected = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 10; i++) {
        Response r = http.get("/c" + i);
        assertThat(r.name()).isEqualTo("GET /c" + i);
        assertThat(r.text()).isEqualTo("GET /c" + i + " null");
        expected.add("GET /c" + i + " HTTP/1.1");
      }
      for (String method : List.of("POST", "PATCH", "GET", "OPTIONS")) {
        Response r = http.send(Request.of(method, "/m"));
        assertThat(r.name()).isEqualTo(method + " /m");
        expected.add(method + " /m HTTP/1.1");
      }
    }
    assertThat(s.requestLines()).containsExactlyElementsOf(expected);
    Map<String, String> r = recorded();
    assertThat(r).hasSize(14).containsEntry("GET /c0", "2/0 {200=2} {}").containsEntry("GET /c8", "2/0 {200=2} {}")
        .containsEntry("POST /m", "2/0 {200=2} {}").containsEntry("PATCH /m", "2/0 {200=2} {}")
        .containsEntry("OPTIONS /m", "2/0 {200=2} {}");
  }

  // ---- cookies and compression together, and across redirects

  @Test
  void theJarsCookiesGoOutWithCompressionOffAndBesideTheScriptsOwnAcceptEncoding() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      int encodings = head.toLowerCase(java.util.Locale.ROOT).split("\r\naccept-encoding:", -1).length - 1;
      respond(out, "200 OK", header(head, "Cookie") + " " + header(head, "Accept-Encoding") + " " + encodings);
      return true;
    });
    InstrumentedHttp off = client(s.url(), new HttpOptions(true, 10, HttpOptions.COOKIES_VU, false));
    assertThat(off.get("/").text()).isEqualTo("null null 0");
    off.cookies().set("/", "c", "1");
    assertThat(off.get("/").text()).isEqualTo("c=1 null 0");
    assertThat(off.send(Request.get("/").header("X-A", "1")).text()).isEqualTo("c=1 null 0");
    InstrumentedHttp on = client(s.url(), HttpOptions.DEFAULT);
    on.cookies().set("/", "c", "2");
    assertThat(on.send(Request.get("/").header("Accept-Encoding", "br")).text()).isEqualTo("c=2 br 1");
    assertThat(on.get("/").text()).isEqualTo("c=2 gzip, deflate 1");
  }

  @Test
  void aCookieSetByARedirectIsStoredForThatHopsUrlAndSentOnTheHopsItMatches() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      switch (path(head)) {
        case "/start" -> respond(out, "302 Found\r\nLocation: /app/login", "");
        // no Path: the cookie's path is the directory of /app/login, /app (RFC 6265 section 5.1.4)
        case "/app/login" -> respond(out, "302 Found\r\nSet-Cookie: s=1\r\nLocation: /app/home", "");
        default -> respond(out, "200 OK", String.valueOf(header(head, "Cookie")));
      }
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    assertThat(http.get("/start").text()).isEqualTo("s=1");
    assertThat(http.get("/other").text()).isEqualTo("null");
    assertThat(http.cookies().forUrl("/app/x")).containsExactly(Map.entry("s", "1"));
    assertThat(header(s.heads().get(1), "Cookie")).isNull();
  }

  // ---- decoding edge cases

  @Test
  void aRawDeflateStreamWhoseFirstByteLooksLikeAZlibHeaderButFailsItsCheckIsDecodedAsRaw() throws Exception {
    // a stored block (BFINAL 0, BTYPE 00) whose padding bits make the first byte 0x08, as zlib's
    // CM = 8; 0x0805 is not a multiple of 31, so it is no zlib header (RFC 1950 section 2.2), and
    // the padding is ignored (RFC 1951 section 3.2.4); then an empty final stored block
    byte[] raw = {0x08, 5, 0, (byte) 0xFA, (byte) 0xFF, 'h', 'e', 'l', 'l', 'o', 1, 0, 0, (byte) 0xFF, (byte) 0xFF};
    assertThat(InstrumentedHttp.decode(encoding("deflate"), raw)).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aCharsetParameterIsFoundWhereverItStandsInContentType() throws Exception {
    byte[] latin = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    RawServer s = server((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: charset=ISO-8859-1\r\nContent-Length: " + latin.length + "\r\n\r\n"));
      out.write(latin);
      return true;
    });
    InstrumentedHttp http = client(s.url(), HttpOptions.DEFAULT);
    assertThat(http.get("/").text()).isEqualTo("caf\u00e9");
  }
}
