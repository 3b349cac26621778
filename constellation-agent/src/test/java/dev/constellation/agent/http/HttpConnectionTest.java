package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The socket engine's HTTP/1.1 on the wire (RFC 9112), byte for byte against a raw loopback
 * server: how a request is framed (request line, {@code Host}, {@code User-Agent},
 * {@code Content-Length}), how a response is parsed (status line, header lines, fixed,
 * chunked and read-until-close bodies, interim responses, HEAD, 204 and 304), when a
 * connection is kept (HTTP/1.0, {@code Connection}, {@code Keep-Alive}), and the errors of a
 * broken response, with their exact messages. Fast (each exchange a few ms on loopback), so it is
 * in PIT's set.
 */
@Timeout(20)
class HttpConnectionTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final SocketHttpEngine engine = new SocketHttpEngine(Duration.ofSeconds(2));
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    engine.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** A server answering every request with the same bytes and keeping the connection. */
  private RawServer answering(String response) throws IOException {
    return server((head, out, c, n) -> {
      out.write(ascii(response));
      return true;
    });
  }

  private RawServer server(RawServer.Handler handler) throws IOException {
    RawServer s = new RawServer(handler);
    closing.add(s);
    return s;
  }

  private HttpEngine.RawResponse get(RawServer s, String path) throws Exception {
    return engine.send("GET", RequestTarget.of(s.url() + path), List.of(), null, TIMEOUT);
  }

  private static String text(HttpEngine.RawResponse r) {
    return new String(r.body(), StandardCharsets.ISO_8859_1);
  }

  // ---- the request on the wire

  @Test
  void aGetIsTheRequestLineHostAndUserAgentWithNoBodyFraming() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    get(s, "/a/b?x=1&y=%20");
    assertThat(s.heads()).containsExactly("GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: 127.0.0.1:" + s.port()
        + "\r\nUser-Agent: constellation\r\n\r\n");
  }

  @Test
  void scriptHeadersComeFirstInOrderAndAScriptHostOrUserAgentReplacesTheEnginesOwn() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    engine.send("DELETE", RequestTarget.of(s.url() + "/x"), List.of("X-B", "2", "X-A", "caf\u00e9"), null, TIMEOUT);
    engine.send("GET", RequestTarget.of(s.url() + "/y"), List.of("host", "api.example", "USER-AGENT", "k6"), null, TIMEOUT);
    assertThat(s.heads()).containsExactly(
        "DELETE /x HTTP/1.1\r\nX-B: 2\r\nX-A: caf\u00e9\r\nHost: 127.0.0.1:" + s.port() + "\r\nUser-Agent: constellation\r\n\r\n",
        "GET /y HTTP/1.1\r\nhost: api.example\r\nUSER-AGENT: k6\r\n\r\n");
  }

  @Test
  void aBodyIsFramedByContentLengthAndABodylessPostPutOrPatchSaysZero() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    byte[] small = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    byte[] large = new byte[20_000];
    Arrays.fill(large, (byte) 'z');
    large[0] = 'A';
    large[large.length - 1] = 'Z';
    engine.send("POST", RequestTarget.of(s.url() + "/p"), List.of(), small, TIMEOUT);
    engine.send("PUT", RequestTarget.of(s.url() + "/p"), List.of(), large, TIMEOUT);
    for (String m : List.of("POST", "PUT", "PATCH", "DELETE", "GET", "HEAD", "OPTIONS")) {
      engine.send(m, RequestTarget.of(s.url() + "/e"), List.of(), null, TIMEOUT);
    }
    List<String> framing = s.heads().stream().map(h -> h.substring(0, h.indexOf(' ')) + " "
        + (h.contains("Content-Length: ") ? h.substring(h.indexOf("Content-Length: "), h.indexOf("\r\n", h.indexOf("Content-Length: ")))
        : "-")).toList();
    assertThat(framing).containsExactly("POST Content-Length: 7", "PUT Content-Length: 20000", "POST Content-Length: 0",
        "PUT Content-Length: 0", "PATCH Content-Length: 0", "DELETE -", "GET -", "HEAD -", "OPTIONS -");
    assertThat(s.bodies().get(0)).isEqualTo(small);
    assertThat(s.bodies().get(1)).isEqualTo(large);
    assertThat(s.bodies().subList(2, 9)).allSatisfy(b -> assertThat(b).isEmpty());
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void aPathThatAUriHoldsRawIsPercentEncodedAsUtf8OnTheRequestLine() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    // java.net.URI keeps non-ASCII characters as they are in its raw path; the request line cannot
    engine.send("GET", URI.create(s.url() + "/caf\u00e9/\u20ac?q=\u00fc"), List.of(), null, TIMEOUT);
    assertThat(s.requestLines()).containsExactly("GET /caf%C3%A9/%E2%82%AC?q=%C3%BC HTTP/1.1");
  }

  @Test
  void aHeaderThatCannotBeSentFailsBeforeAnythingIsSentNamingIt() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    Map<List<String>, String> refused = new java.util.LinkedHashMap<>();
    refused.put(List.of("", "v"), "empty request header name");
    refused.put(List.of("X Y", "v"), "request header name \"X Y\" has a character HTTP does not allow in names");
    refused.put(List.of("X:Y", "v"), "request header name \"X:Y\" has a character HTTP does not allow in names");
    refused.put(List.of("X\u007fY", "v"), "request header name \"X\u007fY\" has a character HTTP does not allow in names");
    refused.put(List.of("X-\u00e9", "v"), "request header name \"X-\u00e9\" has a character HTTP does not allow in names");
    refused.put(List.of("X-A", "a\r\nInjected: 1"), "request header X-A has a line break or a non-Latin-1 character in its value");
    refused.put(List.of("X-A", "a\nb"), "request header X-A has a line break or a non-Latin-1 character in its value");
    refused.put(List.of("X-A", "\u20ac"), "request header X-A has a line break or a non-Latin-1 character in its value");
    refused.put(List.of("content-length", "3"), "request header content-length cannot be set by a script: the engine frames the "
        + "body itself (Content-Length from the body's length); remove the header");
    refused.put(List.of("Transfer-Encoding", "chunked"), "request header Transfer-Encoding cannot be set by a script: the engine "
        + "frames the body itself (Content-Length from the body's length); remove the header");
    refused.put(List.of("Expect", "100-continue"), "request header Expect cannot be set by a script: it changes how the exchange "
        + "runs, which the engines do not support; remove the header");
    refused.put(List.of("upgrade", "h2c"), "request header upgrade cannot be set by a script: it changes how the exchange runs, "
        + "which the engines do not support; remove the header");
    for (Map.Entry<List<String>, String> e : refused.entrySet()) {
      Throwable t = catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/"), e.getKey(), null, TIMEOUT));
      assertThat(t).as(e.getKey().toString()).isInstanceOf(IllegalArgumentException.class).hasMessage(e.getValue());
    }
    // Latin-1 values (a tab, 'é', 0xFF) are sent as they are
    engine.send("GET", RequestTarget.of(s.url() + "/"), List.of("X-A", "a\tb \u00e9\u00ff"), null, TIMEOUT);
    assertThat(s.requests()).isEqualTo(1);
    assertThat(s.heads().get(0)).contains("\r\nX-A: a\tb \u00e9\u00ff\r\n");
  }

  @Test
  void aScriptsConnectionCloseClosesTheConnectionAfterItsResponse() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    get(s, "/1");
    engine.send("GET", RequestTarget.of(s.url() + "/2"), List.of("Connection", "Close"), null, TIMEOUT);
    get(s, "/3");
    engine.send("GET", RequestTarget.of(s.url() + "/4"), List.of("connection", "keep-alive"), null, TIMEOUT);
    get(s, "/5");
    assertThat(s.connections()).isEqualTo(2);
    assertThat(s.requests()).isEqualTo(5);
  }

  // ---- the response

  @Test
  void parsesStatusHeadersAndAFixedBodyAndKeepsTheConnection() throws Exception {
    RawServer s = answering("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-Many: 1\r\nx-many: 2\r\n"
        + "Content-Length : 5\r\nX-Folded: a\r\n  b\r\nX-Empty:\r\n\r\nhello");
    for (int i = 0; i < 3; i++) {
      HttpEngine.RawResponse r = get(s, "/");
      assertThat(r.status()).isEqualTo(404);
      assertThat(text(r)).isEqualTo("hello");
      assertThat(r.headers().get("content-type")).containsExactly("text/plain");
      assertThat(r.headers().get("x-many")).containsExactly("1", "2");
      assertThat(r.headers().get("x-folded")).containsExactly("a b");
      assertThat(r.headers().get("x-empty")).containsExactly("");
      assertThat(r.headers().get("content-length")).containsExactly("5");
      assertThat(r.headers()).hasSize(5);
    }
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void acceptsBareLineFeedsAndAStatusLineWithoutReason() throws Exception {
    RawServer s = answering("HTTP/1.1 200\nContent-Length: 2\n\nok");
    HttpEngine.RawResponse r = get(s, "/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(text(r)).isEqualTo("ok");
    assertThat(get(s, "/").status()).isEqualTo(200);
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void decodesAChunkedBodyWithExtensionsAndTrailersAndKeepsTheConnection() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
        + "4\r\nWiki\r\n5;name=val\r\npedia\r\nA\r\n 0123456789\r\n0\r\nX-Trailer: t\r\n\r\n".replace("A\r\n 0123456789", "a\r\n0123456789"));
    for (int i = 0; i < 2; i++) {
      HttpEngine.RawResponse r = get(s, "/");
      assertThat(text(r)).isEqualTo("Wikipedia0123456789");
    }
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void aChunkedBodyLargerThanTheBufferArrivesWhole() throws Exception {
    char[] a = new char[40_000];
    for (int i = 0; i < a.length; i++) {
      a[i] = (char) ('a' + i % 26);
    }
    String big = new String(a);
    RawServer s = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(30_000).toUpperCase()
        + "\r\n" + big.substring(0, 30_000) + "\r\n" + Integer.toHexString(10_000) + "\r\n" + big.substring(30_000) + "\r\n0\r\n\r\n");
    assertThat(text(get(s, "/"))).isEqualTo(big);
    assertThat(text(get(s, "/"))).isEqualTo(big);
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void aFixedBodyLargerThanTheBufferAndLongHeadersArriveWhole() throws Exception {
    String value = "v".repeat(10_000);
    String body = "b".repeat(100_000) + "!";
    RawServer s = answering("HTTP/1.1 200 OK\r\nX-Long: " + value + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    HttpEngine.RawResponse r = get(s, "/");
    assertThat(text(r)).isEqualTo(body);
    assertThat(r.headers().get("x-long")).containsExactly(value);
    assertThat(text(get(s, "/"))).isEqualTo(body);
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void aBodyWithoutLengthIsReadUntilCloseAndTheConnectionIsNotReused() throws Exception {
    String body = "x".repeat(3000) + "end";
    RawServer s = server((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body));
      return false;
    });
    assertThat(text(get(s, "/"))).isEqualTo(body);
    assertThat(text(get(s, "/"))).isEqualTo(body);
    assertThat(s.connections()).isEqualTo(2);
  }

  @Test
  void interimResponsesAreSkipped() throws Exception {
    RawServer s = answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
    HttpEngine.RawResponse r = get(s, "/");
    assertThat(r.status()).isEqualTo(201);
    assertThat(text(r)).isEqualTo("ok");
    assertThat(r.headers()).containsOnlyKeys("content-length");
    assertThat(get(s, "/").status()).isEqualTo(201);
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void headAndNoContentAndNotModifiedHaveNoBodyWhateverTheirHeadersSay() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      String status = head.startsWith("HEAD") ? "200 OK" : head.startsWith("GET /204") ? "204 No Content" : "304 Not Modified";
      out.write(ascii("HTTP/1.1 " + status + "\r\nContent-Length: 5\r\n\r\n"));
      return true;
    });
    HttpEngine.RawResponse head = engine.send("HEAD", RequestTarget.of(s.url() + "/"), List.of(), null, TIMEOUT);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().get("content-length")).containsExactly("5");
    HttpEngine.RawResponse noContent = get(s, "/204");
    assertThat(noContent.status()).isEqualTo(204);
    assertThat(noContent.body()).isEmpty();
    HttpEngine.RawResponse notModified = get(s, "/304");
    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void http10KeepsTheConnectionOnlyWhenTheServerSaysKeepAlive() throws Exception {
    RawServer plain = answering("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
    get(plain, "/");
    get(plain, "/");
    assertThat(plain.connections()).isEqualTo(2);
    RawServer keepAlive = answering("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok");
    get(keepAlive, "/");
    get(keepAlive, "/");
    assertThat(keepAlive.connections()).isEqualTo(1);
  }

  @Test
  void theServersConnectionCloseOrKeepAliveMaxZeroEndTheConnection() throws Exception {
    for (String header : List.of("Connection: close", "Connection: Upgrade, Close", "Keep-Alive: timeout=5, max=0")) {
      RawServer s = answering("HTTP/1.1 200 OK\r\n" + header + "\r\nContent-Length: 2\r\n\r\nok");
      get(s, "/");
      get(s, "/");
      assertThat(s.connections()).as(header).isEqualTo(2);
    }
    RawServer s = answering("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=1\r\nContent-Length: 2\r\n\r\nok");
    get(s, "/");
    get(s, "/");
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void bytesAfterTheResponseMakeTheConnectionUnfitForReuse() throws Exception {
    // a second response in the same write: nobody asked for it, so the connection cannot be trusted
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 408 Request Timeout\r\n\r\n");
    assertThat(text(get(s, "/"))).isEqualTo("ok");
    assertThat(text(get(s, "/"))).isEqualTo("ok");
    assertThat(s.connections()).isEqualTo(2);
  }

  @Test
  void aSwitchingProtocolsResponseEndsTheExchangeWithoutBody() throws Exception {
    RawServer s = answering("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nContent-Length: 4\r\n\r\n");
    HttpEngine.RawResponse r = get(s, "/");
    assertThat(r.status()).isEqualTo(101);
    assertThat(r.body()).isEmpty();
    get(s, "/");
    assertThat(s.connections()).isEqualTo(2);
  }

  // ---- broken responses: each an IOException with a message saying what was wrong

  private Throwable failureOf(String response) throws Exception {
    RawServer s = server((head, out, c, n) -> {
      out.write(ascii(response));
      return false;
    });
    return catchThrowable(() -> get(s, "/"));
  }

  @Test
  void brokenResponsesFailWithWhatWasWrong() throws Exception {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("HTTP/2.0 200 OK\r\n\r\n", "not an HTTP/1.x response: HTTP/2.0 200 OK");
    cases.put("HTTP/1.1 200 OK\r\n\r\n".replace("HTTP/", "HTTX/"), "not an HTTP/1.x response: HTTX/1.1 200 OK");
    cases.put("HTTP/1.1_200 OK\r\n\r\n", "not an HTTP/1.x response: HTTP/1.1_200 OK");
    cases.put("HTTP/1.1 20\n\n", "not an HTTP/1.x response: HTTP/1.1 20");
    cases.put("HTTP/1.1 20\r\n\r\n", "bad status line: HTTP/1.1 20");
    cases.put("SSH-2.0-OpenSSH_9\r\n\r\n", "not an HTTP/1.x response: SSH-2.0-OpenSSH_9");
    cases.put("HTTP/1.1 2x0 OK\r\n\r\n", "bad status line: HTTP/1.1 2x0 OK");
    cases.put("HTTP/1.1 20: OK\r\n\r\n", "bad status line: HTTP/1.1 20: OK");
    cases.put("HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", "malformed response header line: NoColonHere");
    cases.put("HTTP/1.1 200 OK\r\n: value\r\n\r\n", "malformed response header line: : value");
    cases.put("HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\n", "bad Content-Length \"two\"");
    cases.put("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length \"-1\"");
    cases.put("HTTP/1.1 200 OK\r\nContent-Length: 2147483632\r\n\r\n", "bad Content-Length \"2147483632\"");
    cases.put("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", "bad Content-Length \"3\"");
    cases.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size line: zz");
    cases.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", "chunk data longer than its size line says");
    cases.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n80000000\r\n", "chunk size too large");
    cases.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffef\r\n", "chunked body too large");
    cases.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "the server closed the connection in the middle of a chunk");
    cases.put("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "the server closed the connection after 3 of 10 body bytes");
    cases.put("HTTP/1.1 200 OK\r\nContent-Le", "the server closed the connection in the middle of the response headers");
    cases.put("", "the server closed the connection before sending a response");
    cases.put("HTTP/1.1 200 O", "the server closed the connection in the middle of the response headers");
    for (Map.Entry<String, String> e : cases.entrySet()) {
      assertThat(failureOf(e.getKey())).as(e.getKey()).isInstanceOf(IOException.class).hasMessage(e.getValue());
    }
    assertThat(failureOf("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")).isInstanceOf(EOFException.class);
    assertThat(failureOf("")).isInstanceOf(EOFException.class);
    // the same value twice is one length
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok");
    assertThat(text(get(s, "/"))).isEqualTo("ok");
  }

  @Test
  void aHeaderLineLongerThan64KibIsRefused() throws Exception {
    assertThat(failureOf("HTTP/1.1 200 OK\r\nX-Huge: " + "h".repeat(70_000) + "\r\n\r\n"))
        .isInstanceOf(IOException.class).hasMessage("response header line longer than 65536 bytes");
    // a line just under the limit is read
    String v = "h".repeat(65_000);
    RawServer s = answering("HTTP/1.1 200 OK\r\nX-Big: " + v + "\r\nContent-Length: 0\r\n\r\n");
    assertThat(get(s, "/").headers().get("x-big")).containsExactly(v);
  }

  // ---- Keep-Alive parameters and stale idle connections

  @Test
  void keepAliveParametersAreSecondsAndCountsOrMinusOne() {
    assertThat(HttpConnection.keepAliveParameter("timeout=5, max=100", "timeout")).isEqualTo(5);
    assertThat(HttpConnection.keepAliveParameter("timeout=5, max=100", "max")).isEqualTo(100);
    assertThat(HttpConnection.keepAliveParameter("max=3,timeout = \"7\"", "timeout")).isEqualTo(7);
    assertThat(HttpConnection.keepAliveParameter("max=3", "timeout")).isEqualTo(-1);
    assertThat(HttpConnection.keepAliveParameter("timeout=soon", "timeout")).isEqualTo(-1);
    assertThat(HttpConnection.keepAliveParameter("timeout=-4", "timeout")).isEqualTo(-1);
    assertThat(HttpConnection.keepAliveParameter("timeout=0", "timeout")).isEqualTo(0);
    assertThat(HttpConnection.keepAliveParameter("timeout=86401", "timeout")).isEqualTo(86_400);
    assertThat(HttpConnection.keepAliveParameter("timeout=86400", "timeout")).isEqualTo(86_400);
    assertThat(HttpConnection.keepAliveParameter("=5, timeout", "timeout")).isEqualTo(-1);
    assertThat(HttpConnection.keepAliveParameter("xtimeout=5", "timeout")).isEqualTo(-1);
  }

  /** One HttpConnection on a plain socket to {@code s}, for the checks the pool makes between exchanges. */
  private HttpConnection connection(RawServer s) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.port());
    HttpConnection c = new HttpConnection(socket);
    closing.add(c::close);
    return c;
  }

  private static long deadline() {
    return System.nanoTime() + TIMEOUT.toNanos();
  }

  @Test
  void aConnectionIsStaleAtTheServersKeepAliveTimeoutLessAQuarterOfItAtMostOneSecond() throws Exception {
    Map<Integer, Long> staleAfterNanos = Map.of(2, 1_500_000_000L, 4, 3_000_000_000L, 8, 7_000_000_000L);
    for (Map.Entry<Integer, Long> e : staleAfterNanos.entrySet()) {
      RawServer s = answering("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=" + e.getKey() + "\r\nContent-Length: 2\r\n\r\nok");
      HttpConnection c = connection(s);
      long before = System.nanoTime();
      c.exchange("GET", "/", "h", List.of(), null, deadline());
      assertThat(c.reusable()).isTrue();
      assertThat(c.idleSince()).isBetween(before, System.nanoTime());
      assertThat(c.stale(c.idleSince() + e.getValue() - 1)).as("timeout=" + e.getKey()).isFalse();
      assertThat(c.stale(c.idleSince() + e.getValue())).as("timeout=" + e.getKey()).isTrue();
    }
    RawServer zero = answering("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=0\r\nContent-Length: 2\r\n\r\nok");
    HttpConnection c = connection(zero);
    c.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(c.stale(c.idleSince())).isTrue();
    // without Keep-Alive: never stale by age
    RawServer none = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    HttpConnection d = connection(none);
    d.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(d.stale(d.idleSince() + 3_600_000_000_000L)).isFalse();
  }

  @Test
  void bytesArrivingOnAnIdleConnectionMakeItStaleOnceItWasIdleForAMillisecond() throws Exception {
    java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
    RawServer s = server((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
      out.flush();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return false;
      }
      out.write(ascii("HTTP/1.1 408 Request Timeout\r\n\r\n"));
      out.flush();
      sent.countDown();
      return true;
    });
    HttpConnection c = connection(s);
    c.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(c.reusable()).isTrue();
    sent.await();
    Thread.sleep(50);
    assertThat(c.stale(c.idleSince() + 999_999)).isFalse();
    assertThat(c.stale(c.idleSince() + 1_000_000)).isTrue();
    assertThat(c.probeIdle()).isFalse();
  }

  @Test
  void aProbeTellsAnOpenIdleConnectionFromOneTheServerClosed() throws Exception {
    RawServer keeps = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    HttpConnection open = connection(keeps);
    open.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(open.probeIdle()).isTrue();
    assertThat(open.stale(open.idleSince() + 2_000_000)).isFalse();
    // the probe leaves the connection as it was: blocking reads without a timeout
    HttpEngine.RawResponse again = open.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(new String(again.body(), StandardCharsets.US_ASCII)).isEqualTo("ok");

    RawServer closes = server((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
      return false;
    });
    HttpConnection closed = connection(closes);
    closed.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(closed.reusable()).isTrue(); // nothing said it would close
    Thread.sleep(100);
    assertThat(closed.probeIdle()).isFalse();
  }

  @Test
  void aDeadlineThatHasPassedFailsTheReadAsATimeout() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    HttpConnection c = connection(s);
    Throwable t = catchThrowable(() -> c.exchange("GET", "/", "h", List.of(), null, System.nanoTime() - 1));
    assertThat(t).isInstanceOf(HttpTimeoutException.class).hasMessage("request timed out");
    assertThat(c.reusable()).isFalse();
  }

  @Test
  void theSweeperClosesAnExchangePastItsDeadlineAndItFailsAsATimeout() throws Exception {
    RawServer s = server((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"));
      out.flush();
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        return false;
      }
      return false;
    });
    HttpConnection c = connection(s);
    long deadline = System.nanoTime() + 300_000_000L;
    Thread sweeper = new Thread(() -> {
      c.expireIfLate(deadline - 1); // before the deadline: nothing happens
      try {
        Thread.sleep(400);
      } catch (InterruptedException e) {
        return;
      }
      c.expireIfLate(System.nanoTime());
    });
    long start = System.nanoTime();
    sweeper.start();
    Throwable t = catchThrowable(() -> c.exchange("GET", "/", "h", List.of(), null, deadline));
    sweeper.join();
    assertThat(t).isInstanceOf(HttpTimeoutException.class).hasMessage("request timed out");
    assertThat(t.getCause()).isInstanceOf(IOException.class);
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(390L, 3_000L);
    assertThat(c.responseStarted()).isTrue();
    assertThat(c.reusable()).isFalse();
  }

  @Test
  void anExchangeThatEndedIsNotExpiredByALateSweep() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    HttpConnection c = connection(s);
    long deadline = System.nanoTime() + 1_000_000_000L;
    c.exchange("GET", "/", "h", List.of(), null, deadline);
    c.expireIfLate(deadline + 1);
    assertThat(c.probeIdle()).isTrue();
    assertThat(new String(c.exchange("GET", "/", "h", List.of(), null, deadline()).body(), StandardCharsets.US_ASCII)).isEqualTo("ok");
  }

  @Test
  void flagsSayWhetherTheResponseStartedAndWhetherTheWriteFailed() throws Exception {
    RawServer silent = server((head, out, c, n) -> false);
    HttpConnection c = connection(silent);
    assertThat(catchThrowable(() -> c.exchange("GET", "/", "h", List.of(), null, deadline()))).isInstanceOf(EOFException.class);
    assertThat(c.responseStarted()).isFalse();
    assertThat(c.writeFailed()).isFalse();
    assertThat(c.reusable()).isFalse();

    RawServer partial = server((head, out, c2, n) -> {
      out.write(ascii("HTTP/1.1 200"));
      return false;
    });
    HttpConnection p = connection(partial);
    assertThat(catchThrowable(() -> p.exchange("GET", "/", "h", List.of(), null, deadline())))
        .hasMessage("the server closed the connection in the middle of the response headers");
    assertThat(p.responseStarted()).isTrue();
  }
}
