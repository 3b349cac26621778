package dev.constellation.agent.http;

/** Default request names: method and path with numeric and UUID-like segments as {id}. */
public final class RequestNames {

  private RequestNames() {}

  /**
   * The default name of a request.
   *
   * @param method the HTTP method
   * @param path the URL path (no query), may be empty
   * @return for example {@code "GET /items/{id}"}
   */
  public static String defaultName(String method, String path) {
    return defaultName(method, path == null ? "" : path, path == null ? 0 : path.length());
  }

  /**
   * The default name of a request whose path is the first {@code end} characters of {@code s}.
   *
   * @param method the HTTP method
   * @param s the path, possibly followed by a query
   * @param end where the path ends in {@code s}
   * @return for example {@code "GET /items/{id}"}
   */
  public static String defaultName(String method, String s, int end) {
    if (end == 0) {
      return method + " /";
    }
    StringBuilder out = new StringBuilder(method.length() + end + 4).append(method).append(' ');
    int i = 0;
    while (i < end) {
      char c = s.charAt(i);
      if (c == '/') {
        out.append('/');
        i++;
        continue;
      }
      int slash = s.indexOf('/', i);
      int segEnd = slash < 0 || slash > end ? end : slash;
      if (isId(s, i, segEnd)) {
        out.append("{id}");
      } else {
        out.append(s, i, segEnd);
      }
      i = segEnd;
    }
    return out.toString();
  }

  /** Digits only, a UUID, or 16+ hex digits; no regex: this runs on every request. */
  private static boolean isId(String s, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return false;
    }
    boolean digits = true;
    boolean hex = true;
    for (int i = from; i < to && hex; i++) {
      char c = s.charAt(i);
      digits &= c >= '0' && c <= '9';
      hex = isHex(c);
    }
    if (digits || (hex && n >= 16)) {
      return true;
    }
    if (n != 36) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(from + i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !isHex(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
