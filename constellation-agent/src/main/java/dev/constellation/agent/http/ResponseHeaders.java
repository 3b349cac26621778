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
      if ((lines[start] == ' ' || lines[start] == '\t') && lastName != null) {
        List<String> values = out.get(lastName);
        int last = values.size() - 1;
        values.set(last, values.get(last) + " " + new String(lines, start, end - start, StandardCharsets.ISO_8859_1).trim());
      } else {
        int colon = start;
        while (colon < end && lines[colon] != ':') {
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
}
