package dev.constellation.agent.http;

import dev.constellation.agent.record.MetricRecorder;
import dev.constellation.agent.record.Recording;
import dev.constellation.api.Cookies;
import dev.constellation.api.Http;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Request;
import dev.constellation.api.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The {@link Http} a virtual user gets: resolves, names, times and records every request, and does
 * what must be the same on every engine: follows redirects (each hop is recorded as a request of
 * its own, as Gatling and k6 do; see {@link #send}), keeps the cookie jar, asks for and decodes
 * gzip and deflate bodies.
 */
public final class InstrumentedHttp implements Http {

  /** Resolved requests remembered per VU; a power of two. */
  private static final int TARGETS = 8;
  /** What {@code Accept-Encoding} asks for when compression is on. */
  static final String ACCEPT_ENCODING = "gzip, deflate";
  private static final List<String> ONLY_ACCEPT_ENCODING = List.of("Accept-Encoding", ACCEPT_ENCODING);
  /** The largest body decoding may produce: a gzip bomb fails the request instead of the agent. */
  static final int MAX_DECODED_BYTES = 256 * 1024 * 1024;

  private final HttpEngine engine;
  private final Recording recording;
  private final String script;
  private final String baseUrl;
  private final RequestTarget base;
  private final Duration timeout;
  private long lateness;
  private final HttpOptions options;
  private final CookieJar jar = new CookieJar();
  /** Requests of this VU that failed (status 400 or more, or no response): groups compare it before and after. */
  private long failedRequests;
  private final boolean autoCookies;
  private final Target[] targets = new Target[TARGETS];
  /** The request being sent, for {@link #attempts}. */
  private MetricRecorder current;
  /**
   * Records each retry of the request being sent under its name (kind {@code retry}), and keeps the
   * connection it opened, if any, for its record. One per VU: the request path allocates nothing for it.
   */
  private final Wire attempts = new Wire();

  /** What the engine tells about the request being sent; the VU's own thread only. */
  private final class Wire implements HttpEngine.Attempts {
    /** Connect time of the connection the request opened, µs; -1 when it opened none. */
    long connectMicros = -1;
    /** TLS handshake time of that connection, µs; -1 for none. */
    long tlsMicros = -1;
    boolean tlsResumed;

    void reset() {
      connectMicros = -1;
      tlsMicros = -1;
      tlsResumed = false;
    }

    @Override
    public void retried(String errorType, long nanos) {
      recording().retries(script(), current.name()).recordFailure(Math.max(1, nanos / 1000), errorType);
    }

    @Override
    public void connected(long connectNanos, long handshakeNanos, boolean resumed) {
      connectMicros = connectNanos / 1000;
      tlsMicros = handshakeNanos < 0 ? -1 : handshakeNanos / 1000;
      tlsResumed = resumed;
    }
  }

  /**
   * Creates the client of one virtual user.
   *
   * @param engine the shared transport
   * @param recording where requests are recorded
   * @param script the VU's script name
   * @param baseUrl what relative paths resolve against; may be empty when scripts use absolute URLs
   * @param timeout each request's time limit
   */
  public InstrumentedHttp(HttpEngine engine, Recording recording, String script, String baseUrl, Duration timeout) {
    this(engine, recording, script, baseUrl, timeout, HttpOptions.DEFAULT);
  }

  /**
   * Creates the client of one virtual user.
   *
   * @param engine the shared transport
   * @param recording where requests are recorded
   * @param script the VU's script name
   * @param baseUrl what relative paths resolve against; may be empty when scripts use absolute URLs
   * @param timeout each request's time limit (each redirect hop has its own)
   * @param options redirects, cookies and compression
   */
  public InstrumentedHttp(HttpEngine engine, Recording recording, String script, String baseUrl, Duration timeout, HttpOptions options) {
    this.options = options;
    this.autoCookies = !HttpOptions.COOKIES_OFF.equals(options.cookies());
    this.engine = engine;
    this.recording = recording;
    this.script = script;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.base = this.baseUrl.isEmpty() ? null : RequestTarget.base(this.baseUrl);
    this.timeout = timeout;
  }

  /**
   * Sets how late the current iteration started (open model): its actual start minus when the
   * arrival schedule said it was due. Every request of the iteration then records a latency of its
   * service time plus this lateness, so a start delayed by a busy or stalled generator shows in
   * the percentiles (no coordinated omission), while whatever the script does before a request
   * (think time, building a body) does not. As in wrk2, a request's latency counts from when the
   * plan says it should have been sent: the iteration's plan is shifted by its lateness, and every
   * request in it by the same amount. Zero (the closed model) records service time alone.
   *
   * @param nanos the lateness in nanoseconds, 0 or more
   */
  public void iterationLateness(long nanos) {
    lateness = Math.max(0, nanos);
  }

  /**
   * How many requests of this VU failed so far: status 400 or more, or no response (groups compare
   * it before and after their block). Read by the VU's own thread.
   *
   * @return the count
   */
  public long failedRequests() {
    return failedRequests;
  }

  /**
   * Starts an iteration: empties the cookie jar when the run asks for a fresh one per iteration.
   */
  public void iterationStarting() {
    if (HttpOptions.COOKIES_ITERATION.equals(options.cookies())) {
      jar.clear();
    }
  }

  @Override
  public Response get(String pathOrUrl) {
    return execute("GET", pathOrUrl, List.of(), null, null, null);
  }

  @Override
  public Response post(String pathOrUrl, String body, String contentType) {
    return execute("POST", pathOrUrl, List.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8), null, null);
  }

  @Override
  public Response put(String pathOrUrl, String body, String contentType) {
    return execute("PUT", pathOrUrl, List.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8), null, null);
  }

  @Override
  public Response delete(String pathOrUrl) {
    return execute("DELETE", pathOrUrl, List.of(), null, null, null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Redirects: each hop is sent and recorded as a request of its own (its latency from its own
   * send), under the default name of its URL, or, for a request with an explicit name, under that
   * name plus {@code " (redirect n)"}; so the redirect responses show in the results as the 302s
   * they are, and what the final page costs is not hidden in its redirect. 301, 302 and 303 turn
   * a POST into a GET without body (303 any method but HEAD), as browsers do; 307 and 308 repeat
   * method and body. A hop to another origin drops {@code Authorization} and a script-set
   * {@code Cookie} header (the jar's cookies are matched per hop). A redirect response past
   * {@code maxRedirects} is recorded as a failed request with the error type
   * {@code too_many_redirects}, and the request throws {@link HttpFailure}.
   */
  @Override
  public Response send(Request request) {
    return execute(request.method(), request.pathOrUrl(), request.headers(),
        request.hasBody() ? request.body() : null, request.explicitName(), request.followRedirects().orElse(null));
  }

  private Recording recording() {
    return recording;
  }

  private String script() {
    return script;
  }

  @Override
  public Cookies cookies() {
    return cookieView;
  }

  private final Cookies cookieView = new Cookies() {
    @Override
    public Map<String, String> forUrl(String pathOrUrl) {
      return jar.values(resolve(pathOrUrl), System.currentTimeMillis());
    }

    @Override
    public Optional<String> get(String pathOrUrl, String cookieName) {
      return Optional.ofNullable(forUrl(pathOrUrl).get(cookieName));
    }

    @Override
    public void set(String pathOrUrl, String cookieName, String value) {
      if (cookieName.isEmpty() || !cookieName.chars().allMatch(c -> c > ' ' && c < 127 && c != ';' && c != '=' && c != ',')) {
        throw new IllegalArgumentException("cookie name \"" + cookieName + "\" is empty or has a character cookie names cannot "
            + "have (space, control character, ';', '=' or ','); use letters, digits and -_.");
      }
      if (!value.chars().allMatch(c -> c >= ' ' && c < 127 && c != ';')) {
        throw new IllegalArgumentException("cookie " + cookieName + " has a value with ';' or a control or non-ASCII character; "
            + "encode the value (for example URL-encode it) first");
      }
      jar.store(resolve(pathOrUrl), cookieName + "=" + value + "; Path=/", System.currentTimeMillis());
    }

    @Override
    public void add(String pathOrUrl, String setCookie) {
      jar.store(resolve(pathOrUrl), setCookie, System.currentTimeMillis());
    }

    @Override
    public void clear() {
      jar.clear();
    }

    @Override
    public String toString() {
      return "cookie jar (" + jar.size() + " cookies)";
    }
  };

  private Response execute(String method, String pathOrUrl, List<String> headers, byte[] body, String explicitName, Boolean follow) {
    Target target;
    try {
      target = target(method, pathOrUrl, explicitName);
    } catch (IllegalArgumentException e) {
      // nothing can be sent; still a request of this script, counted under its name
      String name = explicitName != null ? explicitName : invalidName(method, pathOrUrl);
      MetricRecorder recorder = recording.http(script, name);
      recording.requestStarting();
      String message = String.valueOf(e.getMessage());
      failedRequests++;
      // took no time (1 µs, the histograms' least value); in the open model its latency still
      // carries the iteration's lateness, as every request of the iteration does
      recorder.recordFailure(1 + lateness / 1000, 1, ErrorTypes.INVALID_REQUEST, ErrorTypes.INVALID_REQUEST + ": " + message);
      throw new HttpFailure(ErrorTypes.INVALID_REQUEST, recorder.name(), message, e);
    }
    boolean followThis = follow != null ? follow : options.followRedirects();
    RequestTarget to = target.to;
    String name = target.name;
    MetricRecorder recorder = target.recorder;
    String m = method;
    byte[] b = body;
    List<String> h = headers;
    for (int hop = 0; ; hop++) {
      List<String> sendHeaders = clientHeaders(h, to);
      recording.requestStarting();
      long sent = System.nanoTime();
      long start = sent - lateness;
      HttpEngine.RawResponse raw;
      current = recorder;
      Wire w = attempts;
      w.reset();
      try {
        raw = engine.send(m, to, sendHeaders, b, timeout, attempts);
      } catch (IOException | RuntimeException e) {
        String type = ErrorTypes.classify(e);
        long now = System.nanoTime();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        failedRequests++;
        recorder.recordFailure((now - start) / 1000, (now - sent) / 1000, type, type + ": " + message, w.connectMicros, w.tlsMicros,
            w.tlsResumed);
        throw new HttpFailure(type, name, message, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        long now = System.nanoTime();
        failedRequests++;
        recorder.recordFailure((now - start) / 1000, (now - sent) / 1000, "interrupted", null, w.connectMicros, w.tlsMicros,
            w.tlsResumed);
        throw new HttpFailure("interrupted", name, "the virtual user was stopped while waiting for the response", e);
      }
      long now = System.nanoTime();
      if (autoCookies) {
        List<String> setCookies = ResponseHeaders.values(raw.headers(), "set-cookie");
        if (!setCookies.isEmpty()) {
          jar.store(to, setCookies, System.currentTimeMillis());
        }
      }
      RequestTarget next = followThis ? redirectTarget(to, raw) : null;
      if (next == null) {
        byte[] decoded;
        try {
          decoded = decode(raw.headers(), raw.body());
        } catch (IOException e) {
          String message = "the " + ResponseHeaders.values(raw.headers(), "content-encoding") + " body of a " + raw.status()
              + " response could not be decoded: " + e.getMessage();
          failedRequests++;
          recorder.recordFailure((now - start) / 1000, (now - sent) / 1000, "decode_error", "decode_error: " + message,
              w.connectMicros, w.tlsMicros, w.tlsResumed);
          throw new HttpFailure("decode_error", name, message, e);
        }
        if (raw.status() >= 400) {
          failedRequests++;
        }
        recorder.recordResponse((now - start) / 1000, (now - sent) / 1000, raw.status(), raw.body().length, w.connectMicros,
            w.tlsMicros, w.tlsResumed);
        return new RecordedResponse(name, decoded == raw.body() ? raw : new HttpEngine.RawResponse(raw.status(), raw.headers(), decoded));
      }
      if (hop >= options.maxRedirects()) {
        String message = "more than " + options.maxRedirects() + " redirects (maxRedirects); the " + raw.status() + " from "
            + to.pathAndQuery() + " points to " + next.pathAndQuery();
        failedRequests++;
        recorder.recordFailure((now - start) / 1000, (now - sent) / 1000, "too_many_redirects", "too_many_redirects: " + message,
            w.connectMicros, w.tlsMicros, w.tlsResumed);
        throw new HttpFailure("too_many_redirects", name, message, null);
      }
      // a redirect followed: a 3xx, never a failed request
      recorder.recordResponse((now - start) / 1000, (now - sent) / 1000, raw.status(), raw.body().length, w.connectMicros,
          w.tlsMicros, w.tlsResumed);
      int s = raw.status();
      if ((s == 303 && !m.equals("HEAD")) || ((s == 301 || s == 302) && m.equals("POST"))) {
        m = "GET";
        b = null;
        h = without(h, "content-type", "content-length", "transfer-encoding", "content-encoding");
      }
      if (!next.origin().equalsIgnoreCase(to.origin())) {
        h = without(h, "authorization", "cookie");
      }
      to = next;
      Target hopTarget = target(m, next.toString(), explicitName == null ? null : explicitName + " (redirect " + (hop + 1) + ")");
      name = hopTarget.name;
      recorder = hopTarget.recorder;
    }
  }

  /** The script's headers plus the jar's cookies and {@code Accept-Encoding}; the same list when nothing is added. */
  private List<String> clientHeaders(List<String> headers, RequestTarget to) {
    String cookie = autoCookies && !jar.isEmpty() ? jar.header(to, System.currentTimeMillis()) : null;
    boolean encoding = options.compression();
    if (!encoding && cookie == null) {
      return headers;
    }
    int scriptCookie = -1;
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      String n = headers.get(i);
      if (encoding && n.equalsIgnoreCase("accept-encoding")) {
        encoding = false;
      } else if (cookie != null && n.equalsIgnoreCase("cookie")) {
        scriptCookie = i;
      }
    }
    if (cookie == null && !encoding) {
      return headers;
    }
    if (cookie == null && headers.isEmpty()) {
      return ONLY_ACCEPT_ENCODING;
    }
    List<String> out = new ArrayList<>(headers.size() + 4);
    out.addAll(headers);
    if (scriptCookie >= 0) {
      out.set(scriptCookie + 1, headers.get(scriptCookie + 1) + "; " + cookie);
    } else if (cookie != null) {
      out.add("Cookie");
      out.add(cookie);
    }
    if (encoding) {
      out.add("Accept-Encoding");
      out.add(ACCEPT_ENCODING);
    }
    return out;
  }

  private static List<String> without(List<String> headers, String... lowerNames) {
    List<String> out = null;
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      boolean drop = false;
      for (String n : lowerNames) {
        drop |= headers.get(i).equalsIgnoreCase(n);
      }
      if (drop && out == null) {
        out = new ArrayList<>(headers.subList(0, i));
      } else if (!drop && out != null) {
        out.add(headers.get(i));
        out.add(headers.get(i + 1));
      }
    }
    return out == null ? headers : out;
  }

  /** Where a redirect points, or null when the response is not one to follow (RFC 9110 section 15.4). */
  static RequestTarget redirectTarget(RequestTarget from, HttpEngine.RawResponse r) {
    int s = r.status();
    if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
      return null;
    }
    List<String> location = ResponseHeaders.values(r.headers(), "location");
    if (location.isEmpty() || location.get(0).isBlank()) {
      return null;
    }
    try {
      URI to = from.uri().resolve(location.get(0).trim());
      String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && to.getHost() != null ? RequestTarget.of(to) : null;
    } catch (IllegalArgumentException badLocation) {
      return null;
    }
  }

  /**
   * Decodes a body by its {@code Content-Encoding}: gzip (and x-gzip) and deflate, in the reverse
   * of the order they were applied (RFC 9110 section 8.4). Deflate is the zlib format (RFC 9110
   * section 8.4.1.2), and raw deflate from servers that send that instead. A body in a coding this
   * client does not know (br, zstd) is returned as it came.
   *
   * @param headers the response headers
   * @param body the body as received
   * @return the decoded body, or {@code body} itself when there is nothing to decode
   * @throws IOException when the body is not valid in its coding, or decodes to more than {@value #MAX_DECODED_BYTES} bytes
   */
  static byte[] decode(Map<String, List<String>> headers, byte[] body) throws IOException {
    return decode(headers, body, MAX_DECODED_BYTES);
  }

  /** {@link #decode(Map, byte[])} with another limit than {@value #MAX_DECODED_BYTES} bytes (tests). */
  static byte[] decode(Map<String, List<String>> headers, byte[] body, int maxBytes) throws IOException {
    List<String> values = ResponseHeaders.values(headers, "content-encoding");
    if (values.isEmpty() || body.length == 0) {
      return body;
    }
    List<String> codings = new ArrayList<>(2);
    for (String v : values) {
      for (String c : v.split(",")) {
        String coding = c.trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity")) {
          continue;
        }
        if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("deflate")) {
          return body;
        }
        codings.add(coding);
      }
    }
    byte[] out = body;
    for (int i = codings.size() - 1; i >= 0; i--) {
      InputStream in;
      Inflater inflater = null;
      if (codings.get(i).equals("deflate")) {
        boolean zlib = out.length >= 2 && (out[0] & 0x0F) == 8 && (((out[0] & 0xFF) << 8) | (out[1] & 0xFF)) % 31 == 0;
        inflater = new Inflater(!zlib);
        in = new InflaterInputStream(new ByteArrayInputStream(out), inflater);
      } else {
        in = new GZIPInputStream(new ByteArrayInputStream(out));
      }
      try (in) {
        out = in.readNBytes(maxBytes + 1);
      } finally {
        if (inflater != null) {
          inflater.end();
        }
      }
      if (out.length > maxBytes) {
        throw new IOException("decoded body larger than " + maxBytes + " bytes");
      }
    }
    return out;
  }

  /**
   * The URI, name and recorder of a request; scripts repeat the same few requests, so the last
   * ones are remembered (direct-mapped by path) and a repeat skips URI parsing, naming and lookups.
   */
  private Target target(String method, String pathOrUrl, String explicitName) {
    int slot = (pathOrUrl.hashCode() * 31 + method.hashCode()) & (TARGETS - 1);
    Target t = targets[slot];
    if (t != null && t.pathOrUrl.equals(pathOrUrl) && t.method.equals(method) && java.util.Objects.equals(t.explicitName, explicitName)) {
      return t;
    }
    RequestTarget to = resolve(pathOrUrl);
    String name = explicitName != null ? explicitName : RequestNames.defaultName(method, to.pathAndQuery(), to.pathEnd());
    t = new Target(method, pathOrUrl, explicitName, to, name, recording.http(script, name));
    targets[slot] = t;
    return t;
  }

  /** The default name of a request whose URL could not be parsed: its method and path as written. */
  private static String invalidName(String method, String pathOrUrl) {
    String s = pathOrUrl;
    int scheme = s.indexOf("://");
    if (scheme > 0) {
      int slash = s.indexOf('/', scheme + 3);
      s = slash < 0 ? "/" : s.substring(slash);
    }
    int q = s.indexOf('?');
    int h = s.indexOf('#');
    int end = q < 0 ? (h < 0 ? s.length() : h) : (h < 0 ? q : Math.min(q, h));
    if (!s.startsWith("/")) {
      s = "/" + s;
      end++;
    }
    return RequestNames.defaultName(method, s, end);
  }

  /** One remembered request: its key (method, path or URL, explicit name) and what it resolved to. */
  private static final class Target {
    final String method;
    final String pathOrUrl;
    final String explicitName;
    final RequestTarget to;
    final String name;
    final MetricRecorder recorder;

    Target(String method, String pathOrUrl, String explicitName, RequestTarget to, String name, MetricRecorder recorder) {
      this.method = method;
      this.pathOrUrl = pathOrUrl;
      this.explicitName = explicitName;
      this.to = to;
      this.name = name;
      this.recorder = recorder;
    }
  }

  private RequestTarget resolve(String pathOrUrl) {
    if (pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")) {
      return RequestTarget.of(pathOrUrl);
    }
    int colon = pathOrUrl.indexOf("://");
    if (colon > 0 && pathOrUrl.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      String scheme = pathOrUrl.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("URL " + pathOrUrl + " is not http:// or https://; only HTTP can be sent");
      }
      return RequestTarget.of(pathOrUrl);
    }
    if (base == null) {
      throw new IllegalArgumentException("request path \"" + pathOrUrl + "\" is relative but no base URL is set; set <baseUrl> "
          + "(-Dconstellation.baseUrl=http://host:port) or use an absolute URL");
    }
    return base.resolve(pathOrUrl);
  }

  /** A response as scripts see it. */
  private record RecordedResponse(String name, HttpEngine.RawResponse raw) implements Response {

    @Override
    public int status() {
      return raw.status();
    }

    @Override
    public Optional<String> header(String headerName) {
      List<String> v = raw.headers().get(headerName.toLowerCase(java.util.Locale.ROOT));
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    @Override
    public Map<String, List<String>> headers() {
      return raw.headers();
    }

    @Override
    public String text() {
      return new String(raw.body(), charset());
    }

    @Override
    public byte[] bytes() {
      return raw.body().clone();
    }

    @Override
    public Response expectStatus(int... expected) {
      for (int s : expected) {
        if (s == raw.status()) {
          return this;
        }
      }
      throw new AssertionError(name + ": expected status " + Arrays.toString(expected) + " but was " + raw.status());
    }

    private Charset charset() {
      return header("content-type")
          .map(ct -> {
            int i = ct.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
            if (i < 0) {
              return StandardCharsets.UTF_8;
            }
            try {
              return Charset.forName(ct.substring(i + 8).replace("\"", "").split(";")[0].trim());
            } catch (IllegalArgumentException e) {
              return StandardCharsets.UTF_8;
            }
          })
          .orElse(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return name + " -> " + raw.status();
    }
  }
}
