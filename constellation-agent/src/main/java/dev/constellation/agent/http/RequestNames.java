package dev.constellation.agent.http;

import java.util.regex.Pattern;

/** Default request names: method and path with numeric and UUID-like segments as {id}. */
public final class RequestNames {

  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern HEX_ID = Pattern.compile("[0-9a-fA-F]{16,}");

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

  private static boolean isId(String s) {
    if (s.isEmpty()) {
      return false;
    }
    boolean digits = true;
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        digits = false;
        break;
      }
    }
    return digits || UUID.matcher(s).matches() || HEX_ID.matcher(s).matches();
  }
}
