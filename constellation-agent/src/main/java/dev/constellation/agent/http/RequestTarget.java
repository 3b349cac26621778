package dev.constellation.agent.http;

import java.net.URI;
import java.util.Locale;

/**
 * Where a request goes: scheme, host, port and the raw path and query, taken apart once. A
 * relative path joined to a base URL made of plain URL characters needs no {@link URI} parsing
 * ({@link #resolve}), which is most of what a request with a new URL costs before any I/O; the
 * {@link URI} is made only when an engine asks for it ({@link #uri()}).
 */
public final class RequestTarget {

  /** Characters a path or query may hold as they are: RFC 3986 unreserved, sub-delims, ':', '@', '/', '?', and '%'. */
  private static final boolean[] PLAIN = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      PLAIN[c] = true;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      PLAIN[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      PLAIN[c] = true;
    }
    for (char c : "-._~!$&'()*+,;=:@/?%".toCharArray()) {
      PLAIN[c] = true;
    }
  }

  private final String scheme;
  private final String host;
  private final int port;
  private final String origin;
  private final String pathAndQuery;
  private final int pathEnd;
  private URI uri;

  private RequestTarget(String scheme, String host, int port, String origin, String pathAndQuery, URI uri) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.origin = origin;
    this.pathAndQuery = pathAndQuery;
    int q = pathAndQuery.indexOf('?');
    this.pathEnd = q < 0 ? pathAndQuery.length() : q;
    this.uri = uri;
  }

  /**
   * The target of an absolute URI.
   *
   * @param uri an absolute URI
   * @return its target
   * @throws IllegalArgumentException when the URI has no scheme or no host
   */
  public static RequestTarget of(URI uri) {
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("URL " + uri + " is not absolute: it has no scheme");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("URL " + uri + " has no host");
    }
    String path = uri.getRawPath();
    String query = uri.getRawQuery();
    String pathAndQuery = (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    return new RequestTarget(scheme, host, port, scheme + "://" + host + (port < 0 ? "" : ":" + port), pathAndQuery, uri);
  }

  /**
   * The target of an absolute URL.
   *
   * @param url an absolute URL
   * @return its target
   * @throws IllegalArgumentException when the URL is not a valid absolute URL
   */
  public static RequestTarget of(String url) {
    int scheme = url.indexOf("://");
    if (scheme > 0) {
      int i = scheme + 3;
      while (i < url.length() && "/?#".indexOf(url.charAt(i)) < 0) {
        i++;
      }
      String rest = url.substring(i);
      if (!plain(rest)) {
        return of(URI.create(url.substring(0, i) + encode(rest)));
      }
    }
    return of(URI.create(url));
  }

  /**
   * The target of a base URL, parsed once for all the VUs that share it: the last one parsed is
   * remembered, so thousands of VUs do not each keep their own copy (about 0.5 KB per VU).
   *
   * @param url an absolute URL
   * @return its target
   * @throws IllegalArgumentException when the URL is not a valid absolute URL
   */
  public static RequestTarget base(String url) {
    RequestTarget last = lastBase;
    if (last != null && last.source.equals(url)) {
      return last;
    }
    RequestTarget t = of(url);
    t.source = url;
    lastBase = t;
    return t;
  }

  private static volatile RequestTarget lastBase;
  /** The string a base target was parsed from; set before it is published. */
  private String source = "";

  /**
   * This target's origin with {@code path} (a relative path, with or without its leading '/',
   * optionally with a query) appended to this target's path, as the base URL of a script is
   * used. Characters a URL cannot hold as they are are percent-encoded first ({@link #encode}).
   *
   * @param path the relative path
   * @return the joined target
   * @throws IllegalArgumentException when the joined URL is invalid
   */
  public RequestTarget resolve(String path) {
    String base = pathAndQuery.length() == 1 ? "" : pathAndQuery;
    boolean slash = path.startsWith("/");
    if (!plain(path)) {
      path = encode(path);
    }
    if (pathEnd == pathAndQuery.length()) {
      return new RequestTarget(scheme, host, port, origin, slash ? base + path : base + "/" + path, null);
    }
    return of(URI.create(origin + base + (slash ? path : "/" + path)));
  }

  /**
   * A path and query (or the part of a URL after its authority) with what a URL cannot hold as it
   * is percent-encoded, the way browsers and Gatling send what a user typed: a space, {@code "},
   * {@code <}, {@code >}, a backslash, {@code ^}, {@code `}, <code>{</code>, {@code |}, <code>}</code>,
   * {@code [}, {@code ]}, control characters and non-ASCII (as UTF-8) become {@code %XX}; a
   * {@code %} not followed by two hex digits becomes {@code %25}, a valid {@code %XX} is kept; a
   * fragment ({@code #} and after) is dropped, as it is never sent. Everything RFC 3986 allows in a
   * path or query is kept as it is, reserved characters included.
   *
   * @param s the path (and query)
   * @return the encoded path
   */
  public static String encode(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    int n = s.length();
    for (int i = 0; i < n; ) {
      int cp = s.codePointAt(i);
      int len = Character.charCount(cp);
      if (cp == '#') {
        break;
      }
      if (cp < 128 && PLAIN[cp] && cp != '%') {
        out.append((char) cp);
      } else if (cp == '%' && i + 2 < n && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        out.append('%');
      } else {
        for (byte b : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
      }
      i += len;
    }
    return out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static boolean plain(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 128 || !PLAIN[c]) {
        return false;
      }
      if (c == '%' && !(i + 2 < n && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2)))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** The scheme in lower case, "http" or "https" for anything an engine sends. */
  public String scheme() {
    return scheme;
  }

  /** The host as in the URL (an IPv6 literal keeps its brackets). */
  public String host() {
    return host;
  }

  /** The port, or -1 when the URL gives none. */
  public int port() {
    return port;
  }

  /** {@code scheme://host[:port]}, as written in the URL. */
  public String origin() {
    return origin;
  }

  /** The raw path and query, starting with '/': what goes on the request line. */
  public String pathAndQuery() {
    return pathAndQuery;
  }

  /** Where the path ends in {@link #pathAndQuery()}: the index of '?', or its length. */
  public int pathEnd() {
    return pathEnd;
  }

  /** The raw path, starting with '/'. */
  public String rawPath() {
    return pathAndQuery.substring(0, pathEnd);
  }

  /** This target as a {@link URI}; made on first use. */
  public URI uri() {
    URI u = uri;
    if (u == null) {
      u = URI.create(origin + pathAndQuery);
      uri = u;
    }
    return u;
  }

  @Override
  public String toString() {
    return origin + pathAndQuery;
  }
}
