package dev.constellation.agent.http;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Response headers kept as the raw header lines and turned into a map (lower-case names to values)
 * only when a script first looks: most load-test requests never read a header, and building the
 * map was a good share of the socket engine's allocation per request.
 */
final class ResponseHeaders extends AbstractMap<String, List<String>> {

  private final byte[] lines;
  private volatile Map<String, List<String>> map;

  /**
   * @param lines the header lines in ISO-8859-1, each ending in '\n', without CRs; folded lines
   *     start with a space or tab
   */
  ResponseHeaders(byte[] lines) {
    this.lines = lines;
  }

  private Map<String, List<String>> map() {
    Map<String, List<String>> m = map;
    if (m == null) {
      m = parse(lines);
      map = m;
    }
    return m;
  }

  private static Map<String, List<String>> parse(byte[] lines) {
    Map<String, List<String>> out = new HashMap<>();
    String lastName = null;
    int start = 0;
    while (start < lines.length) {
      int end = start;
      while (lines[end] != '\n') {
        end++;
      }
      if (lines[start] == ' ' || lines[start] == '\t') {
        // an obsolete folded line continues the field before it; one with no field before it (right
        // after the status line) is ignored, as RFC 9112 section 2.2 asks of a recipient that does
        // not reject the message: read as a field of its own it could smuggle one in
        if (lastName != null) {
          List<String> values = out.get(lastName);
          int last = values.size() - 1;
          values.set(last, values.get(last) + " " + new String(lines, start, end - start, StandardCharsets.ISO_8859_1).trim());
        }
      } else {
        int colon = start;
        while (lines[colon] != ':' && lines[colon] != '\n') {
          colon++;
        }
        String name = new String(lines, start, colon - start, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
        String value = colon < end ? new String(lines, colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1).trim() : "";
        out.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        lastName = name;
      }
      start = end + 1;
    }
    out.replaceAll((name, values) -> Collections.unmodifiableList(values));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public List<String> get(Object name) {
    return map().get(name);
  }

  @Override
  public boolean containsKey(Object name) {
    return map().containsKey(name);
  }

  @Override
  public int size() {
    return map().size();
  }

  @Override
  public Set<Entry<String, List<String>>> entrySet() {
    return map().entrySet();
  }

  /**
   * The values of one header, found without building the map when no script has looked yet (the
   * client checks {@code Set-Cookie}, {@code Location} and {@code Content-Encoding} on every
   * response).
   *
   * @param headers a response's headers
   * @param lowerName the header name in lower case
   * @return the values, empty when the header is absent
   */
  static List<String> values(Map<String, List<String>> headers, String lowerName) {
    if (headers instanceof ResponseHeaders rh && rh.map == null) {
      return rh.scan(lowerName);
    }
    List<String> v = headers.get(lowerName);
    return v == null ? List.of() : v;
  }

  private List<String> scan(String lowerName) {
    List<String> out = null;
    int n = lowerName.length();
    int start = 0;
    while (start < lines.length) {
      int end = start;
      while (lines[end] != '\n') {
        end++;
      }
      // the '\n' that ends each line ends these comparisons: no name holds one
      if (nameAt(start, lowerName)) {
        int v = start + n;
        while (lines[v] == ' ' || lines[v] == '\t') {
          v++;
        }
        if (lines[v] == ':') {
          // Folded continuation lines are rare and obsolete (RFC 9112 section 5.2); the map handles them.
          if (end + 1 < lines.length && (lines[end + 1] == ' ' || lines[end + 1] == '\t')) {
            List<String> all = map().get(lowerName);
            return all == null ? List.of() : all;
          }
          if (out == null) {
            out = new ArrayList<>(1);
          }
          out.add(new String(lines, v + 1, end - v - 1, StandardCharsets.ISO_8859_1).trim());
        }
      }
      start = end + 1;
    }
    return out == null ? List.of() : out;
  }

  private boolean nameAt(int from, String lowerName) {
    for (int i = 0; i < lowerName.length(); i++) {
      int c = lines[from + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerName.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
