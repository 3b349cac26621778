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
    if (path == null || path.isEmpty()) {
      return method + " /";
    }
    StringBuilder out = new StringBuilder(method.length() + path.length() + 4).append(method).append(' ');
    int i = 0;
    int n = path.length();
    while (i < n) {
      int slash = path.indexOf('/', i);
      if (slash == i) {
        out.append('/');
        i++;
        continue;
      }
      int end = slash < 0 ? n : slash;
      String segment = path.substring(i, end);
      out.append(isId(segment) ? "{id}" : segment);
      i = end;
    }
    return out.toString();
  }

  /** Digits only, a UUID, or 16+ hex digits; no regex: this runs on every request. */
  private static boolean isId(String s) {
    int n = s.length();
    if (n == 0) {
      return false;
    }
    boolean digits = true;
    boolean hex = true;
    for (int i = 0; i < n && hex; i++) {
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
      char c = s.charAt(i);
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
