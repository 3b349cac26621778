package dev.constellation.agent.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 client connection on a blocking socket, plain or TLS ({@link javax.net.ssl.SSLSocket}
 * layered over the TCP socket): writes a request, parses the response; one exchange at a time.
 */
final class HttpConnection {

  private static final byte[] EMPTY = new byte[0];
  private static final long IDLE = Long.MIN_VALUE;
  private static final long EXPIRED = Long.MIN_VALUE + 1;
  private static final VarHandle DEADLINE;

  static {
    try {
      DEADLINE = MethodHandles.lookup().findVarHandle(HttpConnection.class, "deadline", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final int DIRECT_BODY_WRITE = 8 * 1024;
  /**
   * How far a body's buffer is allocated ahead of the bytes that arrived: a body (or chunk) of up
   * to this many more bytes gets its whole size at once; a longer one grows as its bytes arrive, so
   * a response that announces a large body and never sends it costs no more than what it sent.
   */
  private static final int BODY_AHEAD_BYTES = 1 << 20;

  /** The socket requests are written to and responses read from: {@link #tcp} itself, or a TLS socket layered over it. */
  private final Socket socket;
  /** The TCP socket under {@link #socket}. */
  private final Socket tcp;
  private final InputStream in;
  /** {@link #tcp}'s input: what arrived and was not read yet, before any TLS decryption. */
  private final InputStream tcpIn;
  /** {@link #tcp} when it is the buffered TCP socket under a TLS one, else null. */
  private final TlsTcpSocket tlsTcp;
  private final OutputStream out;
  private byte[] buf = new byte[8 * 1024];
  private int pos;
  private int lim;
  private byte[] req = new byte[1024];
  private byte[] hdr = new byte[512];
  private int hdrLen;
  private int reqLen;
  /** The running exchange's deadline (System.nanoTime), {@link #IDLE}, or {@link #EXPIRED} once the sweeper closed it. */
  private volatile long deadline = IDLE;
  private boolean reusable;
  private boolean started;
  private boolean writeFailed;
  /** Whether the script asked for {@code Connection: close} on the running exchange. */
  private boolean closeRequested;
  /** When the connection went idle (System.nanoTime), set after each exchange that leaves it reusable. */
  private long idleSince;
  /** How long the server keeps it idle, from its {@code Keep-Alive: timeout=N}, in nanos; -1 when it did not say. */
  private long keepAliveNanos = -1;
  /** When the engine's idle check last probed this connection (System.nanoTime), 0 for never; that thread's alone. */
  long lastProbe;

  HttpConnection(Socket socket) throws IOException {
    this(socket, socket);
  }

  /**
   * @param socket where requests and responses go: {@code tcp}, or a TLS socket layered over it
   *     whose handshake is done
   * @param tcp the TCP socket under it
   */
  HttpConnection(Socket socket, Socket tcp) throws IOException {
    this.socket = socket;
    this.tcp = tcp;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.tcpIn = tcp == socket ? in : tcp.getInputStream();
    this.tlsTcp = tcp != socket && tcp instanceof TlsTcpSocket t ? t : null;
  }

  /** Whether the last exchange left the connection fit for another. */
  boolean reusable() {
    return reusable;
  }

  /** Whether any byte of the last exchange's response arrived. */
  boolean responseStarted() {
    return started;
  }

  /** Whether the last exchange failed while sending the request. */
  boolean writeFailed() {
    return writeFailed;
  }

  /**
   * Whether this idle connection should not be reused: the server's {@code Keep-Alive: timeout=N}
   * has run out (less a margin of a quarter of it, at most one second, for the request's way
   * there), or bytes arrived while it was idle (a server that gives up on an idle connection may
   * first send a 408, which would otherwise be read as the next request's answer; checked once
   * the connection was idle for a millisecond, so back-to-back requests skip the system call).
   * An idle connection closed by the
   * server without a word cannot be told from a live one without a read; the engine sends a
   * request that got no byte back on a reused connection again (see {@link SocketHttpEngine}).
   */
  boolean stale(long now) {
    if (keepAliveNanos >= 0 && now - idleSince >= keepAliveNanos - Math.min(keepAliveNanos / 4, 1_000_000_000L)) {
      return true;
    }
    if (now - idleSince < 1_000_000L) {
      return false;
    }
    try {
      // the TCP socket's count: a TLS socket's available() counts only bytes it already decrypted
      return tcpIn.available() > 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** When the connection went idle (System.nanoTime); meaningful while it is in the pool. */
  long idleSince() {
    return idleSince;
  }

  /**
   * Whether an idle connection that no exchange uses is still open: a read of at most a
   * millisecond that times out means nothing came, so the server has not closed it; end of stream
   * (the server closed it while idle) or a byte (a 408 or garbage owed to nobody) means it must not
   * be reused. Costs the caller up to a millisecond; the engine's idle-check thread calls it, never
   * a virtual user.
   */
  boolean probeIdle() {
    try {
      socket.setSoTimeout(1);
      try {
        in.read();
        return false;
      } catch (java.net.SocketTimeoutException nothingCame) {
        return true;
      } finally {
        socket.setSoTimeout(0);
      }
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Closes the connection when its exchange is past its deadline; called by the engine's sweeper
   * thread, so reads need no socket timeout (a timed read costs a timer per blocking read).
   */
  void expireIfLate(long now) {
    long d = deadline;
    if (d != IDLE && d != EXPIRED && now - d >= 0 && DEADLINE.compareAndSet(this, d, EXPIRED)) {
      // the TCP socket: its blocked read ends at once, where closing a TLS socket would first try to send close_notify
      closeQuietly(tcp);
    }
  }

  HttpEngine.RawResponse exchange(String method, String pathAndQuery, String hostHeader, List<String> headers, byte[] body, long deadline)
      throws IOException {
    this.deadline = deadline;
    try {
      HttpEngine.RawResponse r = exchangeOnce(method, pathAndQuery, hostHeader, headers, body, deadline);
      if (!DEADLINE.compareAndSet(this, deadline, IDLE)) {
        reusable = false;
      }
      if (reusable) {
        idleSince = System.nanoTime();
      }
      return r;
    } catch (IOException e) {
      if ((long) DEADLINE.getAndSet(this, IDLE) == EXPIRED) {
        throw (HttpTimeoutException) new HttpTimeoutException("request timed out").initCause(e);
      }
      throw e;
    } catch (RuntimeException e) {
      this.deadline = IDLE;
      throw e;
    }
  }

  private HttpEngine.RawResponse exchangeOnce(String method, String pathAndQuery, String hostHeader, List<String> headers, byte[] body,
      long deadline) throws IOException {
    reusable = false;
    started = false;
    writeFailed = false;
    closeRequested = false;
    encode(method, pathAndQuery, hostHeader, headers, body);
    try {
      if (body != null && body.length > DIRECT_BODY_WRITE) {
        out.write(req, 0, reqLen);
        out.write(body);
      } else {
        if (body != null) {
          append(body, 0, body.length);
        }
        out.write(req, 0, reqLen);
      }
    } catch (IOException e) {
      writeFailed = true;
      // A server may answer before the whole body arrived (413, 401) and close; the write then
      // fails with a reset or broken pipe. Read what it answered, as curl does.
      try {
        HttpEngine.RawResponse early = read(method.equals("HEAD"), deadline);
        reusable = false;
        return early;
      } catch (IOException | RuntimeException noResponse) {
        e.addSuppressed(noResponse);
        throw e;
      }
    }
    HttpEngine.RawResponse r = read(method.equals("HEAD"), deadline);
    if (closeRequested) {
      reusable = false;
    }
    return r;
  }

  private HttpEngine.RawResponse read(boolean head, long deadline) throws IOException {
    for (;;) {
      int lineEnd = line(deadline, true);
      int status = statusOf(lineEnd);
      boolean http10 = buf[pos + 7] == '0';
      pos = lineEnd;
      hdrLen = 0;
      long contentLength = -1;
      boolean chunked = false;
      boolean close = false;
      boolean keepAlive = false;
      long keepAliveTimeout = -1;
      long keepAliveMax = -1;
      for (;;) {
        int end = line(deadline, false);
        int len = end - pos - (end - pos >= 2 && buf[end - 2] == '\r' ? 2 : 1);
        if (len == 0) {
          pos = end;
          break;
        }
        boolean folded = buf[pos] == ' ' || buf[pos] == '\t';
        int colon = folded ? -1 : indexOf(buf, pos, pos + len, (byte) ':');
        if (!folded && colon <= pos) {
          throw new IOException("malformed response header line: " + new String(buf, pos, len, StandardCharsets.ISO_8859_1));
        }
        keepHeaderLine(pos, len);
        if (colon > 0) {
          int nameEnd = colon;
          while (nameEnd > pos && (buf[nameEnd - 1] == ' ' || buf[nameEnd - 1] == '\t')) {
            nameEnd--;
          }
          if (nameIs(pos, nameEnd, "content-length")) {
            contentLength = contentLength(value(colon, pos + len), contentLength);
          } else if (nameIs(pos, nameEnd, "transfer-encoding")) {
            chunked |= value(colon, pos + len).toLowerCase(Locale.ROOT).endsWith("chunked");
          } else if (nameIs(pos, nameEnd, "connection")) {
            String v = value(colon, pos + len).toLowerCase(Locale.ROOT);
            close |= v.contains("close");
            keepAlive |= v.contains("keep-alive");
          } else if (nameIs(pos, nameEnd, "keep-alive")) {
            String v = value(colon, pos + len).toLowerCase(Locale.ROOT);
            keepAliveTimeout = keepAliveParameter(v, "timeout");
            keepAliveMax = keepAliveParameter(v, "max");
          }
        }
        pos = end;
      }
      if (status >= 100 && status < 200 && status != 101) {
        continue;
      }
      byte[] body;
      boolean complete = true;
      if (head || status == 204 || status == 304 || status == 101) {
        body = EMPTY;
      } else if (chunked) {
        body = chunked(deadline);
      } else if (contentLength >= 0) {
        body = fixed((int) contentLength, deadline);
      } else {
        body = untilClose(deadline);
        complete = false;
      }
      reusable = complete && !close && (!http10 || keepAlive) && status != 101 && pos == lim && keepAliveMax != 0;
      keepAliveNanos = keepAliveTimeout < 0 ? -1 : keepAliveTimeout * 1_000_000_000L;
      return new HttpEngine.RawResponse(status, new ResponseHeaders(Arrays.copyOf(hdr, hdrLen)), body);
    }
  }

  /**
   * A parameter of a {@code Keep-Alive} header ({@code timeout=5, max=100}: seconds the server keeps
   * an idle connection, requests it still takes on it; RFC 2068 section 19.7.1.1), or -1 when
   * absent or not a number.
   */
  static long keepAliveParameter(String value, String name) {
    for (String part : value.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
        try {
          long n = Long.parseLong(part.substring(eq + 1).trim().replace("\"", ""));
          return n < 0 ? -1 : Math.min(n, 86_400);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** Keeps one header line (without its line break) for {@link ResponseHeaders}. */
  private void keepHeaderLine(int from, int len) {
    if (hdrLen + len + 1 > hdr.length) {
      hdr = Arrays.copyOf(hdr, Math.max(hdr.length * 2, hdrLen + len + 1));
    }
    System.arraycopy(buf, from, hdr, hdrLen, len);
    hdrLen += len;
    hdr[hdrLen++] = '\n';
  }

  /** Whether buf[from, to) is the given lower-case header name, ignoring ASCII case. */
  private boolean nameIs(int from, int to, String lower) {
    if (to - from != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      int c = buf[from + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private String value(int colon, int end) {
    return new String(buf, colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1).trim();
  }

  private int statusOf(int lineEnd) throws IOException {
    int n = lineEnd - pos;
    if (n < 13 || buf[pos] != 'H' || buf[pos + 1] != 'T' || buf[pos + 2] != 'T' || buf[pos + 3] != 'P' || buf[pos + 4] != '/'
        || buf[pos + 5] != '1' || buf[pos + 6] != '.' || buf[pos + 8] != ' ') {
      throw new IOException("not an HTTP/1.x response: " + new String(buf, pos, Math.min(n, 60), StandardCharsets.ISO_8859_1).trim());
    }
    int s = 0;
    for (int i = pos + 9; i < pos + 12; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) {
        throw new IOException("bad status line: " + new String(buf, pos, Math.min(n, 60), StandardCharsets.ISO_8859_1).trim());
      }
      s = s * 10 + d;
    }
    return s;
  }

  private static long contentLength(String value, long previous) throws IOException {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IOException("bad Content-Length \"" + value + "\"");
    }
    if (n < 0 || n > Integer.MAX_VALUE - 16 || (previous >= 0 && previous != n)) {
      throw new IOException("bad Content-Length \"" + value + "\"");
    }
    return n;
  }

  /** Ensures a whole line is buffered from {@code pos}; returns the index just past its '\n'. */
  private int line(long deadline, boolean first) throws IOException {
    int from = pos;
    for (;;) {
      for (int i = from; i < lim; i++) {
        if (buf[i] == '\n') {
          return i + 1;
        }
      }
      from = lim;
      if (lim - pos >= MAX_HEADER_BYTES) {
        throw new IOException("response header line longer than " + MAX_HEADER_BYTES + " bytes");
      }
      int shift = pos;
      if (fill(deadline) < 0) {
        throw new EOFException(first && !started ? "the server closed the connection before sending a response"
            : "the server closed the connection in the middle of the response headers");
      }
      from -= shift - pos;
    }
  }

  /** Reads more bytes after {@code lim}, compacting or growing the buffer; returns -1 at end of stream. */
  private int fill(long deadline) throws IOException {
    if (pos == lim) {
      pos = 0;
      lim = 0;
    } else if (lim == buf.length) {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
      } else {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
    }
    int n = readInto(buf, lim, buf.length - lim, deadline);
    if (n > 0) {
      lim += n;
      started = true;
    }
    return n;
  }

  private int readInto(byte[] b, int off, int len, long deadline) throws IOException {
    if (System.nanoTime() - deadline >= 0) {
      throw new HttpTimeoutException("request timed out");
    }
    if (tlsTcp != null && tlsTcp.buffered() == 0 && in.available() == 0) {
      // wait for the network here, not deep inside the TLS layer: a virtual thread that parks
      // copies its stack, and here the stack is as shallow as over plain http
      tlsTcp.awaitBytes();
    }
    return in.read(b, off, len);
  }

  private byte[] fixed(int length, long deadline) throws IOException {
    int have = Math.min(length, lim - pos);
    byte[] body = new byte[have + Math.min(length - have, BODY_AHEAD_BYTES)];
    System.arraycopy(buf, pos, body, 0, have);
    pos += have;
    while (have < length) {
      if (have == body.length) {
        body = Arrays.copyOf(body, (int) Math.min(length, body.length * 2L));
      }
      int n = readInto(body, have, body.length - have, deadline);
      if (n < 0) {
        throw new EOFException("the server closed the connection after " + have + " of " + length + " body bytes");
      }
      started = true;
      have += n;
    }
    return body;
  }

  private byte[] chunked(long deadline) throws IOException {
    byte[] body = new byte[256];
    int size = 0;
    for (;;) {
      int end = line(deadline, false);
      long chunk = 0;
      int i = pos;
      for (; i < end; i++) {
        int d = Character.digit(buf[i], 16);
        if (d < 0) {
          break;
        }
        chunk = chunk * 16 + d;
        if (chunk > Integer.MAX_VALUE - 16) {
          throw new IOException("chunk size too large");
        }
      }
      if (i == pos) {
        throw new IOException("bad chunk size line: " + new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1).trim());
      }
      pos = end;
      if (chunk == 0) {
        for (;;) {
          int t = line(deadline, false);
          boolean blank = t - pos <= 2;
          pos = t;
          if (blank) {
            return size == body.length ? body : Arrays.copyOf(body, size);
          }
        }
      }
      int c = (int) chunk;
      if (size + c > Integer.MAX_VALUE - 16 || size + c < 0) {
        throw new IOException("chunked body too large");
      }
      int have = Math.min(c, lim - pos);
      body = room(body, size + have + Math.min(c - have, BODY_AHEAD_BYTES));
      System.arraycopy(buf, pos, body, size, have);
      pos += have;
      while (have < c) {
        if (size + have == body.length) {
          body = room(body, size + have + Math.min(c - have, BODY_AHEAD_BYTES));
        }
        int n = readInto(body, size + have, Math.min(c - have, body.length - size - have), deadline);
        if (n < 0) {
          throw new EOFException("the server closed the connection in the middle of a chunk");
        }
        have += n;
      }
      size += c;
      int crlf = line(deadline, false);
      if (crlf - pos > 2) {
        throw new IOException("chunk data longer than its size line says");
      }
      pos = crlf;
    }
  }

  /** {@code body}, or a copy at least twice as long (at most Integer.MAX_VALUE - 16) when it is shorter than {@code need}. */
  private static byte[] room(byte[] body, int need) {
    if (need <= body.length) {
      return body;
    }
    return Arrays.copyOf(body, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 16, body.length * 2L)));
  }

  private byte[] untilClose(long deadline) throws IOException {
    byte[] body = Arrays.copyOfRange(buf, pos, Math.max(lim, pos + 256));
    int size = lim - pos;
    pos = lim;
    for (;;) {
      if (size == body.length) {
        body = Arrays.copyOf(body, body.length * 2);
      }
      int n = readInto(body, size, body.length - size, deadline);
      if (n < 0) {
        return Arrays.copyOf(body, size);
      }
      size += n;
    }
  }

  private void encode(String method, String pathAndQuery, String hostHeader, List<String> headers, byte[] body) {
    reqLen = 0;
    ascii(method);
    append(' ');
    pathChars(pathAndQuery);
    ascii(" HTTP/1.1\r\n");
    boolean host = false;
    boolean agent = false;
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      String name = headers.get(i);
      String value = headers.get(i + 1);
      checkHeader(name, value);
      if (name.equalsIgnoreCase("connection")) {
        closeRequested |= value.toLowerCase(Locale.ROOT).contains("close");
      }
      host |= name.equalsIgnoreCase("host");
      agent |= name.equalsIgnoreCase("user-agent");
      ascii(name);
      ascii(": ");
      latin1(value);
      ascii("\r\n");
    }
    if (!host) {
      ascii("Host: ");
      ascii(hostHeader);
      ascii("\r\n");
    }
    if (!agent) {
      ascii("User-Agent: constellation\r\n");
    }
    if (body != null) {
      ascii("Content-Length: ");
      ascii(Integer.toString(body.length));
      ascii("\r\n");
    } else if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      ascii("Content-Length: 0\r\n");
    }
    ascii("\r\n");
  }

  private static void checkHeader(String name, String value) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty request header name");
    }
    RequestHeaders.checkSettable(name);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || c == ':') {
        throw new IllegalArgumentException("request header name \"" + name + "\" has a character HTTP does not allow in names");
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c > 255) {
        throw new IllegalArgumentException("request header " + name + " has a line break or a non-Latin-1 character in its value");
      }
    }
  }

  /**
   * Writes a raw path and query on the request line: visible ASCII ('!' to '~') as it is, anything
   * else (a space, a control character, DEL, non-ASCII: RFC 9112 section 3.2 and RFC 3986 allow
   * none of them in a request target) percent-encoded as UTF-8, as {@link RequestTarget#encode} does.
   */
  private void pathChars(String s) {
    int n = s.length();
    ensure(n);
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c > '~' || c <= ' ') {
        break;
      }
      req[reqLen++] = (byte) c;
    }
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c <= '~' && c > ' ') {
        append(c);
      } else {
        // by code point: a character outside the BMP is two chars, one UTF-8 sequence
        int cp = s.codePointAt(i);
        i += Character.charCount(cp) - 1;
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          append('%');
          append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)));
          append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
        }
      }
    }
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      req[reqLen++] = (byte) s.charAt(i);
    }
  }

  private void latin1(String s) {
    ascii(s);
  }

  private void append(char c) {
    ensure(1);
    req[reqLen++] = (byte) c;
  }

  private void append(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, req, reqLen, len);
    reqLen += len;
  }

  private void ensure(int n) {
    if (reqLen + n > req.length) {
      req = Arrays.copyOf(req, Math.max(req.length * 2, reqLen + n));
    }
  }

  private static int indexOf(byte[] b, int from, int to, byte v) {
    for (int i = from; i < to; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /** Closes the connection (a TLS one says close_notify first, as RFC 8446 section 6.1 asks). */
  void close() {
    closeQuietly(socket);
    if (tcp != socket) {
      closeQuietly(tcp);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing a connection we are done with; nothing to report
    }
  }
}
