package dev.constellation.agent;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as users write them: {@code 30s}, {@code 1m30s}, {@code 250ms}, {@code PT30S}, or plain milliseconds. */
public final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @param text the text
   * @return the duration
   * @throws IllegalArgumentException when the text is not a duration
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("is empty");
    }
    if (t.startsWith("pt") || t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("is not a duration; write it like 30s, 1m30s, 500ms or PT30S");
      }
    }
    if (t.chars().allMatch(Character::isDigit)) {
      return Duration.ofMillis(Long.parseLong(t));
    }
    Matcher m = PART.matcher(t);
    int at = 0;
    double millis = 0;
    while (m.find()) {
      if (m.start() != at) {
        break;
      }
      double v = Double.parseDouble(m.group(1));
      millis += switch (m.group(2)) {
        case "ms" -> v;
        case "s" -> v * 1000;
        case "m" -> v * 60_000;
        default -> v * 3_600_000;
      };
      at = m.end();
    }
    if (at != t.length() || at == 0) {
      throw new IllegalArgumentException("is not a duration; write it like 30s, 1m30s, 500ms or PT30S");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  /** A duration as people read it: {@code 1m30s}, {@code 250ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    long s = ms / 1000;
    long rest = ms % 1000;
    String out = (s >= 60 ? (s / 60) + "m" : "") + (s % 60 != 0 || s < 60 ? (s % 60) + "s" : "");
    return rest == 0 ? out : out + rest + "ms";
  }
}
