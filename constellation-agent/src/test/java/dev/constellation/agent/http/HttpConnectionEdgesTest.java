package dev.constellation.agent.http;

import static dev.constellation.agent.http.RawServer.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The edges of {@link HttpConnection}'s parsing and framing, each case at the byte where a rule
 * changes: responses that arrive in two TCP reads split at every byte, which characters of a raw
 * path are percent-encoded on the request line, buffers filled exactly, chunk-size lines
 * (RFC 9112 section 7.1), what an idle probe leaves behind, and https, where the connection waits
 * for network bytes itself. Raw loopback servers; each test bounded and fast (PIT runs it per
 * mutant).
 */
@Timeout(20)
class HttpConnectionEdgesTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  private static long deadline() {
    return System.nanoTime() + TIMEOUT.toNanos();
  }

  private HttpConnection connection(int port) throws IOException {
    HttpConnection c = new HttpConnection(new Socket(InetAddress.getLoopbackAddress(), port));
    closing.add(c::close);
    return c;
  }

  private RawServer answering(String response) throws IOException {
    return closeLater(new RawServer((head, out, c, n) -> {
      out.write(ascii(response));
      return true;
    }));
  }

  private static String text(HttpEngine.RawResponse r) {
    return new String(r.body(), StandardCharsets.ISO_8859_1);
  }

  /**
   * A loopback server (TCP_NODELAY) that answers each request with the next answer of its queue,
   * written piece by piece with a pause after each piece, so that each piece arrives in its own read.
   */
  private static final class PieceServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final BlockingQueue<List<byte[]>> answers = new LinkedBlockingQueue<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    PieceServer() throws IOException {
      Thread acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            open.add(s);
            connections.incrementAndGet();
            Thread t = new Thread(() -> serve(s), "piece-server");
            t.setDaemon(true);
            t.start();
          } catch (IOException closed) {
            return;
          }
        }
      }, "piece-server-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    /** Queues the answer to the next request: these pieces, in order; an empty piece closes the connection. */
    void answer(byte[]... pieces) {
      answers.add(List.of(pieces));
    }

    private void serve(Socket s) {
      try (s) {
        s.setTcpNoDelay(true);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (readHead(in)) {
          requests.incrementAndGet();
          List<byte[]> pieces = answers.poll(5, TimeUnit.SECONDS);
          if (pieces == null) {
            return;
          }
          for (byte[] p : pieces) {
            if (p.length == 0) {
              return; // an empty piece: close the connection
            }
            out.write(p);
            out.flush();
            Thread.sleep(2);
          }
        }
      } catch (IOException | InterruptedException ignored) {
        // the client went away, or the test ended
      }
    }

    private static boolean readHead(InputStream in) throws IOException {
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return false;
        }
        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return true;
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }

  // ---- responses that arrive in pieces

  /** Two responses of different lengths, so that a buffer reused on the connection holds the other one's bytes past its end. */
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
      + "3;e=1\r\nabc\r\n0A\r\n0123456789\r\n0\r\nT: x\r\n\r\n";
  private static final String FIXED = "HTTP/1.1 201 Created\nX-Bee: 22\nContent-Length: 5\n\nhello";

  @Test
  void aResponseSplitInTwoReadsAtAnyByteIsReadTheSame() throws Exception {
    PieceServer s = closeLater(new PieceServer());
    HttpConnection c = connection(s.port());
    int longest = Math.max(CHUNKED.length(), FIXED.length());
    for (int k = 1; k < longest; k++) {
      for (String response : List.of(CHUNKED, FIXED)) {
        byte[] bytes = ascii(response);
        int split = Math.min(k, bytes.length - 1);
        s.answer(Arrays.copyOfRange(bytes, 0, split), Arrays.copyOfRange(bytes, split, bytes.length));
        HttpEngine.RawResponse r = c.exchange("GET", "/" + k, "h", List.of(), null, deadline());
        String at = "split at " + split + " of " + response.substring(0, 12);
        if (response.equals(CHUNKED)) {
          assertThat(r.status()).as(at).isEqualTo(200);
          assertThat(text(r)).as(at).isEqualTo("abc0123456789");
          assertThat(r.headers().get("x-a")).as(at).containsExactly("1");
        } else {
          assertThat(r.status()).as(at).isEqualTo(201);
          assertThat(text(r)).as(at).isEqualTo("hello");
          assertThat(r.headers().get("x-bee")).as(at).containsExactly("22");
        }
        assertThat(c.reusable()).as(at).isTrue();
      }
    }
    assertThat(s.connections.get()).isEqualTo(1);
    assertThat(s.requests.get()).isEqualTo(2 * (longest - 1));
  }

  @Test
  void aHeaderLineSplitAcrossReadsAfterTheFirstLineIsJoined() throws Exception {
    PieceServer s = closeLater(new PieceServer());
    HttpConnection c = connection(s.port());
    // the buffer holds the status line and half a header line when the rest arrives: the scan resumes where it stopped
    s.answer(ascii("HTTP/1.1 200 OK\r\nX-Split: ab"), ascii("cd\r\nContent-Length: 2\r\n"), ascii("\r\nok"));
    HttpEngine.RawResponse r = c.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(r.headers().get("x-split")).containsExactly("abcd");
    assertThat(text(r)).isEqualTo("ok");
  }

  @Test
  void aBodyReadUntilCloseThatArrivesAfterTheHeadersIsReadWhole() throws Exception {
    PieceServer s = closeLater(new PieceServer());
    // 0, 255, 256 and 257 body bytes after the headers, in pieces: the body buffer starts at 256
    for (int n : new int[] {0, 255, 256, 257, 600}) {
      String body = "u".repeat(Math.max(0, n - 1)) + (n > 0 ? "!" : "");
      byte[] b = ascii(body);
      int half = b.length / 2;
      s.answer(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"), Arrays.copyOfRange(b, 0, half),
          Arrays.copyOfRange(b, half, b.length), new byte[0]);
      HttpConnection c = connection(s.port());
      HttpEngine.RawResponse r = c.exchange("GET", "/", "h", List.of(), null, deadline());
      assertThat(text(r)).as("%d bytes", n).isEqualTo(body);
      assertThat(c.reusable()).isFalse();
    }
  }

  // ---- the status line and the framing headers

  @Test
  void everyStatusDigitIsRead() throws Exception {
    for (String status : List.of("209 Custom", "299 Custom", "429 Too Many Requests", "599 Custom")) {
      RawServer s = answering("HTTP/1.1 " + status + "\r\nContent-Length: 2\r\n\r\nok");
      HttpEngine.RawResponse r = connection(s.port()).exchange("GET", "/", "h", List.of(), null, deadline());
      assertThat(r.status()).as(status).isEqualTo(Integer.parseInt(status.substring(0, 3)));
      assertThat(text(r)).as(status).isEqualTo("ok");
    }
  }

  @Test
  void aBrokenLineWithBytesBeforeAndAfterItInTheBufferIsQuotedAlone() throws Exception {
    java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 20\nX-After: 1\n\n", "not an HTTP/1.x response: HTTP/1.1 20");
    cases.put("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n", "bad chunk size line: zz");
    for (java.util.Map.Entry<String, String> e : cases.entrySet()) {
      RawServer s = closeLater(new RawServer((head, out, c, n) -> {
        out.write(ascii(e.getKey()));
        return false;
      }));
      Throwable t = catchThrowable(() -> connection(s.port()).exchange("GET", "/", "h", List.of(), null, deadline()));
      assertThat(t).as(e.getKey()).isInstanceOf(IOException.class).hasMessage(e.getValue());
    }
  }

  @Test
  void aContentLengthOfZeroFollowedByAnotherIsRefused() throws Exception {
    RawServer s = closeLater(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello"));
      return false;
    }));
    Throwable t = catchThrowable(() -> connection(s.port()).exchange("GET", "/", "h", List.of(), null, deadline()));
    assertThat(t).isInstanceOf(IOException.class).hasMessage("bad Content-Length \"5\"");
  }

  @Test
  void tabsAndSpacesAroundHeaderNamesAndFoldedLines() throws Exception {
    // a tab before the colon, a line folded with a tab, and a whitespace-led line right after the
    // status line, which is no field (RFC 9112 section 2.2): its Content-Length frames nothing
    RawServer s = answering("HTTP/1.1 200 OK\r\n\tContent-Length: 9\r\nContent-Length\t: 2\r\nX-F: a\r\n\tb\r\n"
        + "Keep-Alive \t: timeout=7\r\n\r\nok");
    HttpConnection c = connection(s.port());
    for (int i = 0; i < 2; i++) {
      HttpEngine.RawResponse r = c.exchange("GET", "/", "h", List.of(), null, deadline());
      assertThat(text(r)).isEqualTo("ok");
      assertThat(r.headers()).containsOnlyKeys("content-length", "x-f", "keep-alive");
      assertThat(r.headers().get("content-length")).containsExactly("2");
      assertThat(r.headers().get("x-f")).containsExactly("a b");
      assertThat(c.reusable()).isTrue();
      // the Keep-Alive timeout was read through the whitespace before its colon: 7 s less 1 s
      assertThat(c.stale(c.idleSince() + 5_999_999_999L)).isFalse();
      assertThat(c.stale(c.idleSince() + 6_000_000_000L)).isTrue();
    }
    assertThat(s.connections()).isEqualTo(1);
  }

  // ---- an answer before the request was sent whole

  @Test
  void anAnswerToAnUploadTheServerDidNotReadIsReturnedAndTheConnectionDropped() throws Exception {
    RawServer s = closeLater(new RawServer(0, false, (head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo big!"));
      return false; // closes with the body unread: the client's write fails
    }));
    HttpConnection c = connection(s.port());
    HttpEngine.RawResponse r = c.exchange("POST", "/upload", "h", List.of(), new byte[32 * 1024 * 1024], deadline());
    assertThat(r.status()).isEqualTo(413);
    assertThat(text(r)).isEqualTo("too big!");
    assertThat(c.writeFailed()).isTrue();
    assertThat(c.responseStarted()).isTrue();
    assertThat(c.reusable()).isFalse();
  }

  @Test
  void anUploadTheServerDroppedWithoutAWordFailsWithTheWritesErrorAndTheReadsBesideIt() throws Exception {
    RawServer s = closeLater(new RawServer(0, false, (head, out, c, n) -> false));
    HttpConnection c = connection(s.port());
    Throwable t = catchThrowable(() -> c.exchange("PUT", "/upload", "h", List.of(), new byte[32 * 1024 * 1024], deadline()));
    assertThat(t).isInstanceOf(IOException.class);
    assertThat(t.getSuppressed()).hasSize(1);
    assertThat(t.getSuppressed()[0]).isInstanceOf(IOException.class);
    assertThat(c.writeFailed()).isTrue();
    assertThat(c.responseStarted()).isFalse();
    assertThat(c.reusable()).isFalse();
  }

  // ---- the pool's checks and the sweeper, at their boundaries

  @Test
  void aClosedConnectionIsStale() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    HttpConnection c = connection(s.port());
    c.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(c.stale(c.idleSince() + 2_000_000)).isFalse();
    c.close();
    assertThat(c.stale(c.idleSince() + 2_000_000)).isTrue();
  }

  @Test
  void theSweeperExpiresAnExchangeExactlyAtItsDeadline() throws Exception {
    java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
    RawServer s = closeLater(new RawServer((head, out, c, n) -> {
      asked.countDown();
      try {
        Thread.sleep(10_000); // never answers in time
      } catch (InterruptedException e) {
        return false;
      }
      return false;
    }));
    HttpConnection c = connection(s.port());
    long deadline = System.nanoTime() + 60_000_000_000L; // far away: only the sweeper's calls below end the exchange
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    Thread vu = new Thread(() -> failure.set(catchThrowable(() -> c.exchange("GET", "/", "h", List.of(), null, deadline))));
    vu.start();
    assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
    c.expireIfLate(deadline - 1);
    vu.join(200);
    assertThat(vu.isAlive()).as("a nanosecond early: still running").isTrue();
    c.expireIfLate(deadline);
    vu.join(5_000);
    assertThat(vu.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(java.net.http.HttpTimeoutException.class).hasMessage("request timed out");
  }

  // ---- the request line

  @Test
  void everyCharacterOfARawPathOutsideVisibleAsciiIsPercentEncodedAsUtf8() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    HttpConnection c = connection(s.port());
    List<String> paths = List.of(
        "/!~azAZ09",                  // the edges of visible ASCII, sent as they are
        "/ x", "/\u0080x", "/\u007fx", "/\u001fx", "/\tx", // the first byte that is not: each kind
        "/\u00e9 !~\u007f\u0080\u00ff\u20ac\t/",           // after a first encoded one: each kind again
        "/\uD83D\uDE00");             // a character outside the BMP: its four UTF-8 bytes
    for (String p : paths) {
      c.exchange("GET", p, "h", List.of(), null, deadline());
    }
    assertThat(s.requestLines()).containsExactly(
        "GET /!~azAZ09 HTTP/1.1",
        "GET /%20x HTTP/1.1", "GET /%C2%80x HTTP/1.1", "GET /%7Fx HTTP/1.1", "GET /%1Fx HTTP/1.1", "GET /%09x HTTP/1.1",
        "GET /%C3%A9%20!~%7F%C2%80%C3%BF%E2%82%AC%09/ HTTP/1.1",
        "GET /%F0%9F%98%80 HTTP/1.1");
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void aUriThatHoldsACharacterOutsideTheBmpSendsItsOneUtf8Sequence() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    try (SocketHttpEngine engine = new SocketHttpEngine(Duration.ofSeconds(2))) {
      // java.net.URI keeps the emoji in its raw path and query as two chars (a surrogate pair)
      HttpEngine.RawResponse r = engine.send("GET", java.net.URI.create(s.url() + "/a\uD83D\uDE00b?q=\uD83D\uDE00"), List.of(), null,
          TIMEOUT);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers().get("content-length")).containsExactly("0");
    }
    assertThat(s.requestLines()).containsExactly("GET /a%F0%9F%98%80b?q=%F0%9F%98%80 HTTP/1.1");
  }

  @Test
  void aRequestLargerThanTheRequestBufferIsSentWhole() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    String ascii = "/" + "a".repeat(3000);
    String encoded = "/" + "\u00e9".repeat(1500);
    // each on a new connection: its request buffer starts small
    connection(s.port()).exchange("GET", ascii, "h", List.of(), null, deadline());
    connection(s.port()).exchange("GET", encoded, "h", List.of(), null, deadline());
    connection(s.port()).exchange("GET", "/", "h", List.of("X-Big", "v".repeat(5000)), null, deadline());
    // a body up to 8 KiB goes out in the same write as the head, copied behind it
    byte[] body = new byte[5000];
    Arrays.fill(body, (byte) 'q');
    body[4999] = '!';
    connection(s.port()).exchange("POST", "/", "h", List.of(), body, deadline());
    assertThat(s.requestLines()).containsExactly("GET " + ascii + " HTTP/1.1", "GET /" + "%C3%A9".repeat(1500) + " HTTP/1.1",
        "GET / HTTP/1.1", "POST / HTTP/1.1");
    assertThat(s.heads().get(2)).contains("\r\nX-Big: " + "v".repeat(5000) + "\r\n");
    assertThat(s.bodies().get(3)).isEqualTo(body);
  }

  // ---- buffers filled to the byte

  @Test
  void headerLinesThatFillTheHeaderBufferToTheByteAreKept() throws Exception {
    // the header buffer starts at 512 bytes and keeps each line plus '\n'
    for (int len : new int[] {510, 511, 512, 513}) {
      String line = "X-Pad: " + "p".repeat(len - 7);
      RawServer s = answering("HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 2\r\n\r\nok");
      HttpConnection c = connection(s.port());
      HttpEngine.RawResponse r = c.exchange("GET", "/", "h", List.of(), null, deadline());
      assertThat(r.headers().get("x-pad")).as("line of %d bytes", len).containsExactly("p".repeat(len - 7));
      assertThat(r.headers().get("content-length")).as("line of %d bytes", len).containsExactly("2");
      assertThat(text(r)).isEqualTo("ok");
    }
  }

  // ---- chunk-size lines (RFC 9112 section 7.1)

  @Test
  void chunkSizesAreHexWithLeadingZerosAndExtensionsAfterOptionalWhitespace() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "0002\r\nab\r\n1 ; name=\"quoted;value\"\r\nc\r\nA\r\n0123456789\r\nf\r\nABCDEFGHIJKLMNO\r\n10;x\r\n"
        + "PQRSTUVWXYZabcde\r\n000;last\r\n\r\n");
    HttpConnection c = connection(s.port());
    for (int i = 0; i < 2; i++) {
      HttpEngine.RawResponse r = c.exchange("GET", "/", "h", List.of(), null, deadline());
      assertThat(text(r)).isEqualTo("abc0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcde");
      assertThat(c.reusable()).isTrue();
    }
    // a body of exactly the first buffer's size (256 bytes), and one byte more
    for (int n : new int[] {256, 257}) {
      String body = "b".repeat(n - 1) + "!";
      RawServer t = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(n) + "\r\n" + body
          + "\r\n0\r\n\r\n");
      HttpEngine.RawResponse r = connection(t.port()).exchange("GET", "/", "h", List.of(), null, deadline());
      assertThat(r.body()).hasSize(n);
      assertThat(text(r)).isEqualTo(body);
    }
  }

  @Test
  void aChunkedBodyWhoseSizesAddUpPastTheIntRangeIsRefused() throws Exception {
    // 17 + 0x7fffffef overflows an int: refused before anything is allocated
    RawServer s = closeLater(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n" + "x".repeat(17) + "\r\n7fffffef\r\n"));
      return false;
    }));
    Throwable t = catchThrowable(() -> connection(s.port()).exchange("GET", "/", "h", List.of(), null, deadline()));
    assertThat(t).isInstanceOf(IOException.class).hasMessage("chunked body too large");
  }

  // ---- bodies larger than what is allocated ahead of their bytes (1 MiB)

  @Test
  void aBodyAnnouncedAtTheLargestLengthCostsOnlyWhatArrived() throws Exception {
    // 2147483631 (Integer.MAX_VALUE - 16) is the largest length taken; allocated whole, it would not fit in the test's heap
    for (String response : List.of(
        "HTTP/1.1 200 OK\r\nContent-Length: 2147483631\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffee\r\nabc")) {
      RawServer s = closeLater(new RawServer((head, out, c, n) -> {
        out.write(ascii(response));
        return false;
      }));
      HttpConnection c = connection(s.port());
      // the exchange runs on this thread: what it allocated is this thread's count
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      long allocated = threads.getCurrentThreadAllocatedBytes();
      Throwable t = catchThrowable(() -> c.exchange("GET", "/", "h", List.of(), null, deadline()));
      assertThat(threads.getCurrentThreadAllocatedBytes() - allocated).as(response).isLessThan(16L << 20);
      assertThat(t).as(response).isInstanceOf(EOFException.class).hasMessage(response.contains("chunked")
          ? "the server closed the connection in the middle of a chunk" : "the server closed the connection after 3 of 2147483631 body bytes");
    }
  }

  @Test
  void bodiesLongerThanWhatIsAllocatedAheadArriveWhole() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 5];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) ('a' + i % 23);
    }
    String payload = new String(big, StandardCharsets.ISO_8859_1);
    RawServer s = closeLater(new RawServer((head, out, c, n) -> {
      if (head.startsWith("GET /fixed")) {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n"));
        out.write(big);
      } else {
        // one chunk of 3 MiB, then two that together cross a doubling of the buffer
        int third = big.length / 3;
        out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + Integer.toHexString(2 * third) + "\r\n" + payload.substring(0, 2 * third) + "\r\n"
            + Integer.toHexString(big.length - 2 * third) + "\r\n" + payload.substring(2 * third) + "\r\n0\r\n\r\n"));
      }
      return true;
    }));
    HttpConnection c = connection(s.port());
    for (String path : List.of("/fixed", "/chunked", "/fixed")) {
      HttpEngine.RawResponse r = c.exchange("GET", path, "h", List.of(), null, deadline());
      assertThat(r.body().length).as(path).isEqualTo(big.length);
      assertThat(r.body()).as(path).isEqualTo(big);
      assertThat(c.reusable()).as(path).isTrue();
    }
  }

  // ---- the idle probe

  @Test
  void aProbeRestoresBlockingReadsForTheNextExchange() throws Exception {
    RawServer s = closeLater(new RawServer((head, out, c, n) -> {
      try {
        Thread.sleep(n == 1 ? 0 : 100); // the answer after the probe comes late: a read still timing out at 1 ms would fail
      } catch (InterruptedException e) {
        return false;
      }
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
      return true;
    }));
    HttpConnection c = connection(s.port());
    c.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(c.probeIdle()).isTrue();
    assertThat(text(c.exchange("GET", "/", "h", List.of(), null, deadline()))).isEqualTo("ok");
    assertThat(c.reusable()).isTrue();
  }

  @Test
  void aProbeOfAClosedConnectionSaysItCannotBeUsed() throws Exception {
    RawServer s = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    HttpConnection c = connection(s.port());
    c.exchange("GET", "/", "h", List.of(), null, deadline());
    c.close();
    assertThat(c.probeIdle()).isFalse();
  }

  // ---- https: the connection waits for network bytes itself

  @Test
  void httpsResponsesLargerThanATlsRecordAndTheBufferArriveWholeOnOneConnection() throws Exception {
    String big = "0123456789abcdef".repeat(2_500) + "!"; // 40 001 bytes: three TLS records, five reads of the 8 KiB buffer
    RawServer s = closeLater(new RawServer((head, out, c, n) -> {
      if (head.startsWith("GET /chunked")) {
        out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(big.length()) + "\r\n" + big
            + "\r\n0\r\n\r\n"));
      } else {
        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + big.length() + "\r\n\r\n" + big));
      }
      return true;
    }).tls(TestTls.serverContext()));
    try (SocketHttpEngine engine = new SocketHttpEngine(Duration.ofSeconds(2), TestTls.trusting().sslContext())) {
      for (String path : List.of("/fixed", "/chunked", "/fixed", "/chunked")) {
        HttpEngine.RawResponse r = engine.send("GET", RequestTarget.of(s.url() + path), List.of(), null, TIMEOUT);
        assertThat(r.status()).as(path).isEqualTo(200);
        assertThat(text(r)).as(path).isEqualTo(big);
      }
    }
    assertThat(s.connections()).isEqualTo(1);
    assertThat(s.requests()).isEqualTo(4);
  }

  /**
   * Over https the idle check counts the TCP socket's unread bytes: the TLS socket's own count holds
   * only bytes it already decrypted, which an idle connection never has.
   */
  @Test
  void bytesArrivingOnAnIdleHttpsConnectionMakeItStale() throws Exception {
    java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
    RawServer s = closeLater(new RawServer((head, out, c, n) -> {
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
    }).tls(TestTls.serverContext()));
    TlsTcpSocket tcp = new TlsTcpSocket();
    tcp.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()), 2_000);
    javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) TestTls.trusting().sslContext().getSocketFactory()
        .createSocket(tcp, "127.0.0.1", s.port(), true);
    tls.startHandshake();
    HttpConnection c = new HttpConnection(tls, tcp);
    closeLater(c::close);
    c.exchange("GET", "/", "h", List.of(), null, deadline());
    assertThat(c.reusable()).isTrue();
    assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50);
    assertThat(tls.getInputStream().available()).as("decrypted bytes: none").isZero();
    assertThat(c.stale(c.idleSince() + 999_999)).isFalse();
    assertThat(c.stale(c.idleSince() + 1_000_000)).isTrue();
  }

  @Test
  void anHttpsServerThatClosesMidBodyFailsTheExchange() throws Exception {
    RawServer s = closeLater(new RawServer((head, out, c, n) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
      return false;
    }).tls(TestTls.serverContext()));
    try (SocketHttpEngine engine = new SocketHttpEngine(Duration.ofSeconds(2), TestTls.trusting().sslContext())) {
      Throwable t = catchThrowable(() -> engine.send("GET", RequestTarget.of(s.url() + "/"), List.of(), null, TIMEOUT));
      assertThat(t).isInstanceOf(EOFException.class).hasMessage("the server closed the connection after 3 of 10 body bytes");
    }
  }
}
