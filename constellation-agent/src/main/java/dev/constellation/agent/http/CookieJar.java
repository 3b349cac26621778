package dev.constellation.agent.http;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One virtual user's cookies, by the rules of RFC 6265 (section 5: parsing {@code Set-Cookie} in
 * 5.2, the date algorithm in 5.1.1, domain matching in 5.1.3, paths in 5.1.4, storage in 5.3 and
 * the {@code Cookie} header in 5.4). {@code HttpOnly} is irrelevant to a client without scripts
 * and ignored; {@code SameSite} is a browser concern and ignored. There is no public suffix list
 * here: a {@code Domain} without a dot (such as {@code com}) is accepted only when it is the host
 * itself, which rejects the common cases (a load test talks to the hosts it names).
 *
 * <p>Why not {@link java.net.CookieManager}: {@link java.net.HttpCookie} follows RFC 2965 where
 * 6265 changed the rules ({@code Domain=example.com} does not match {@code a.b.example.com};
 * {@code Path=/foo} matches {@code /foobar}; a missing {@code Path} defaults to the directory with
 * its trailing slash), and CookieJarTest shows each difference.
 *
 * <p>Not thread-safe: a jar belongs to one virtual user. Bounded: at most {@value #MAX_COOKIES}
 * cookies, expired then oldest evicted first (RFC 6265 section 6.1 asks for at least 3000 per
 * user agent across all sites and 50 per domain; one virtual user talks to few sites).
 */
public final class CookieJar {

  /** The most cookies one jar keeps. */
  static final int MAX_COOKIES = 300;

  private final List<Cookie> cookies = new ArrayList<>();
  private long created;

  /** Whether the jar holds no cookie (the fast path: no header to build). */
  public boolean isEmpty() {
    return cookies.isEmpty();
  }

  /** How many cookies are stored, expired ones included until they are next looked at. */
  public int size() {
    return cookies.size();
  }

  /** Removes every cookie. */
  public void clear() {
    cookies.clear();
  }

  /**
   * Stores the cookies of a response's {@code Set-Cookie} headers.
   *
   * @param from the URL the response came from
   * @param setCookies the header values; each is one cookie
   * @param nowMillis the current time, epoch ms
   */
  public void store(RequestTarget from, List<String> setCookies, long nowMillis) {
    for (String line : setCookies) {
      store(from, line, nowMillis);
    }
  }

  /**
   * Stores one cookie given as a {@code Set-Cookie} value (RFC 6265 sections 5.2 and 5.3).
   *
   * @param from the URL the response came from
   * @param setCookie the header value
   * @param nowMillis the current time, epoch ms
   * @return whether the cookie was stored (false when it was ignored or had expired)
   */
  public boolean store(RequestTarget from, String setCookie, long nowMillis) {
    int semi = setCookie.indexOf(';');
    String pair = semi < 0 ? setCookie : setCookie.substring(0, semi);
    int eq = pair.indexOf('=');
    if (eq < 0) {
      return false;
    }
    String name = pair.substring(0, eq).trim();
    String value = pair.substring(eq + 1).trim();
    if (name.isEmpty()) {
      return false;
    }
    long expiry = Long.MAX_VALUE;
    boolean maxAgeSeen = false;
    String domain = null;
    String path = null;
    boolean secure = false;
    if (semi >= 0) {
      for (String av : setCookie.substring(semi + 1).split(";")) {
        int e = av.indexOf('=');
        String attr = (e < 0 ? av : av.substring(0, e)).trim().toLowerCase(Locale.ROOT);
        String v = e < 0 ? "" : av.substring(e + 1).trim();
        switch (attr) {
          case "expires":
            if (!maxAgeSeen) {
              long t = parseDate(v);
              if (t != Long.MIN_VALUE) {
                expiry = t;
              }
            }
            break;
          case "max-age":
            if (v.matches("-?[0-9]+")) {
              maxAgeSeen = true;
              long seconds;
              try {
                seconds = Long.parseLong(v);
              } catch (NumberFormatException tooBig) {
                seconds = v.startsWith("-") ? -1 : Long.MAX_VALUE / 1000;
              }
              expiry = seconds <= 0 ? Long.MIN_VALUE : nowMillis + Math.min(seconds, (Long.MAX_VALUE - nowMillis) / 1000 - 1) * 1000;
            }
            break;
          case "domain":
            if (!v.isEmpty()) {
              domain = (v.startsWith(".") ? v.substring(1) : v).toLowerCase(Locale.ROOT);
            }
            break;
          case "path":
            path = v.startsWith("/") ? v : null;
            break;
          case "secure":
            secure = true;
            break;
          default:
            // HttpOnly, SameSite and unknown attributes do not change what a load-test client does.
        }
      }
    }
    String host = canonicalHost(from);
    boolean hostOnly;
    if (domain == null || domain.isEmpty()) {
      hostOnly = true;
      domain = host;
    } else {
      if (!domainMatches(host, domain) || (domain.indexOf('.') < 0 && !domain.equals(host))) {
        return false;
      }
      hostOnly = false;
    }
    if (path == null) {
      path = defaultPath(from.rawPath());
    }
    Cookie old = null;
    for (Iterator<Cookie> it = cookies.iterator(); it.hasNext(); ) {
      Cookie c = it.next();
      if (c.name.equals(name) && c.domain.equals(domain) && c.path.equals(path)) {
        old = c;
        it.remove();
        break;
      }
    }
    if (expiry <= nowMillis) {
      return false;
    }
    if (cookies.size() >= MAX_COOKIES) {
      evict(nowMillis);
    }
    cookies.add(new Cookie(name, value, domain, hostOnly, path, secure, expiry, old != null ? old.created : created++));
    return true;
  }

  /** Drops expired cookies, and the oldest one when none had expired. */
  private void evict(long nowMillis) {
    if (cookies.removeIf(c -> c.expiry <= nowMillis)) {
      return;
    }
    Cookie oldest = cookies.get(0);
    for (Cookie c : cookies) {
      if (c.created < oldest.created) {
        oldest = c;
      }
    }
    cookies.remove(oldest);
  }

  /**
   * The {@code Cookie} header for a request (RFC 6265 section 5.4): longer paths first, then older
   * cookies first.
   *
   * @param to where the request goes
   * @param nowMillis the current time, epoch ms
   * @return the header value, or null when no cookie matches
   */
  public String header(RequestTarget to, long nowMillis) {
    if (cookies.isEmpty()) {
      return null;
    }
    List<Cookie> match = matching(to, nowMillis);
    if (match.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (Cookie c : match) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(c.name).append('=').append(c.value);
    }
    return b.toString();
  }

  /**
   * The cookies a request would carry, names to values, in header order.
   *
   * @param to where the request goes
   * @param nowMillis the current time, epoch ms
   * @return the cookies; a later cookie of the same name does not replace an earlier one
   */
  public Map<String, String> values(RequestTarget to, long nowMillis) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Cookie c : matching(to, nowMillis)) {
      out.putIfAbsent(c.name, c.value);
    }
    return out;
  }

  private List<Cookie> matching(RequestTarget to, long nowMillis) {
    cookies.removeIf(c -> c.expiry <= nowMillis);
    String host = canonicalHost(to);
    String path = to.rawPath();
    boolean https = to.scheme().equals("https");
    List<Cookie> out = new ArrayList<>(2);
    for (Cookie c : cookies) {
      if ((c.hostOnly ? host.equals(c.domain) : domainMatches(host, c.domain)) && pathMatches(path, c.path) && (!c.secure || https)) {
        out.add(c);
      }
    }
    if (out.size() > 1) {
      out.sort((a, b) -> a.path.length() != b.path.length() ? b.path.length() - a.path.length() : Long.compare(a.created, b.created));
    }
    return out;
  }

  private static String canonicalHost(RequestTarget t) {
    return t.host().toLowerCase(Locale.ROOT);
  }

  /**
   * RFC 6265 section 5.1.3: the strings are equal, or the domain is a suffix of the host after a
   * dot and the host is a name, not an IP address.
   *
   * @param host the canonical request host
   * @param domain the cookie domain, lower case, no leading dot
   * @return whether the host domain-matches
   */
  static boolean domainMatches(String host, String domain) {
    if (host.equals(domain)) {
      return true;
    }
    return host.endsWith(domain) && host.length() > domain.length() && host.charAt(host.length() - domain.length() - 1) == '.'
        && !isIpAddress(host);
  }

  private static boolean isIpAddress(String host) {
    return host.startsWith("[") || host.matches("[0-9]+(\\.[0-9]+){3}");
  }

  /**
   * RFC 6265 section 5.1.4: the paths are equal, or the cookie path is a prefix of the request path
   * that ends in '/' or is followed by '/' there.
   *
   * @param requestPath the request's path
   * @param cookiePath the cookie's path
   * @return whether the request path path-matches
   */
  static boolean pathMatches(String requestPath, String cookiePath) {
    if (requestPath.equals(cookiePath)) {
      return true;
    }
    return requestPath.startsWith(cookiePath)
        && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
  }

  /** RFC 6265 section 5.1.4's default-path: the request path up to, not including, its last '/'. */
  static String defaultPath(String requestPath) {
    if (requestPath.isEmpty() || requestPath.charAt(0) != '/') {
      return "/";
    }
    int last = requestPath.lastIndexOf('/');
    return last == 0 ? "/" : requestPath.substring(0, last);
  }

  private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};

  /**
   * RFC 6265 section 5.1.1's cookie-date algorithm: tokens in any order, the first time, day of
   * month, month name and year found win; two-digit years 70-99 are 19xx, 00-69 are 20xx.
   *
   * @param text the {@code Expires} value
   * @return epoch ms, or {@link Long#MIN_VALUE} when the date does not parse
   */
  static long parseDate(String text) {
    int hour = -1;
    int minute = -1;
    int second = -1;
    int day = -1;
    int month = -1;
    int year = -1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      while (i < n && isDelimiter(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isDelimiter(text.charAt(i))) {
        i++;
      }
      if (start == i) {
        break;
      }
      String token = text.substring(start, i);
      int[] time;
      if (hour < 0 && (time = time(token)) != null) {
        hour = time[0];
        minute = time[1];
        second = time[2];
      } else if (day < 0 && leadingDigits(token, 1, 2) >= 0) {
        day = leadingDigits(token, 1, 2);
      } else if (month < 0 && token.length() >= 3 && monthOf(token) >= 0) {
        month = monthOf(token);
      } else if (year < 0 && leadingDigits(token, 2, 4) >= 0) {
        year = leadingDigits(token, 2, 4);
      }
    }
    if (year >= 70 && year <= 99) {
      year += 1900;
    } else if (year >= 0 && year <= 69) {
      year += 2000;
    }
    if (hour < 0 || day < 1 || day > 31 || month < 0 || year < 1601 || hour > 23 || minute > 59 || second > 59) {
      return Long.MIN_VALUE;
    }
    try {
      return LocalDateTime.of(year, month + 1, day, hour, minute, second).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeException invalidDay) {
      return Long.MIN_VALUE;
    }
  }

  private static boolean isDelimiter(char c) {
    return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  }

  /** A token starting with {@code min..max} digits not followed by another digit, as a number; -1 otherwise. */
  private static int leadingDigits(String token, int min, int max) {
    int k = 0;
    while (k < token.length() && Character.isDigit(token.charAt(k)) && token.charAt(k) < 128) {
      k++;
    }
    if (k < min || k > max) {
      return -1;
    }
    return Integer.parseInt(token.substring(0, k));
  }

  /** hms-time = 1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT, then anything not a digit. */
  private static int[] time(String token) {
    String[] parts = token.split(":", 3);
    if (parts.length != 3) {
      return null;
    }
    int h = digitsExactly(parts[0]);
    int m = digitsExactly(parts[1]);
    int s = leadingDigits(parts[2], 1, 2);
    return h < 0 || m < 0 || s < 0 ? null : new int[] {h, m, s};
  }

  private static int digitsExactly(String s) {
    return s.length() >= 1 && s.length() <= 2 && leadingDigits(s, 1, 2) >= 0 && s.chars().allMatch(c -> c >= '0' && c <= '9')
        ? Integer.parseInt(s) : -1;
  }

  private static int monthOf(String token) {
    String m = token.substring(0, 3).toLowerCase(Locale.ROOT);
    for (int k = 0; k < MONTHS.length; k++) {
      if (MONTHS[k].equals(m)) {
        return k;
      }
    }
    return -1;
  }

  /** One stored cookie (RFC 6265 section 5.3's fields that a client without scripts needs). */
  private record Cookie(String name, String value, String domain, boolean hostOnly, String path, boolean secure, long expiry,
      long created) {}
}
