package dev.constellation.agent.record;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Why requests or iterations of one name failed: counts per distinct, folded failure message, for
 * one interval at a time. Bounded: at most {@value #MAX_DISTINCT} distinct messages per interval
 * (further ones are counted under {@value #OTHER}), each at most {@value #MAX_LENGTH} characters.
 * Thread-safe; written by VU threads, drained by the flusher.
 */
public final class FailureMessages {

  /** Distinct messages kept per name and interval. */
  public static final int MAX_DISTINCT = 20;
  /** Longest message kept, in characters, before the ellipsis. */
  public static final int MAX_LENGTH = 200;
  /** What messages past {@link #MAX_DISTINCT} are counted as. */
  public static final String OTHER = "(other messages)";
  /** What a failure without a message is counted as. */
  public static final String NONE = "(no message)";

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /**
   * Counts one failure.
   *
   * @param message the failure's message, folded here; null counts as {@value #NONE}
   */
  public void add(String message) {
    String folded = fold(message);
    LongAdder a = counts.get(folded);
    if (a == null) {
      a = counts.size() >= MAX_DISTINCT ? counts.computeIfAbsent(OTHER, k -> new LongAdder())
          : counts.computeIfAbsent(folded, k -> new LongAdder());
    }
    a.increment();
  }

  /**
   * Takes the counts since the last drain.
   *
   * @return message to count, sorted by message; empty when nothing failed
   */
  public Map<String, Long> drain() {
    if (counts.isEmpty()) {
      return Map.of();
    }
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((m, adder) -> {
      long c = adder.sumThenReset();
      if (c != 0) {
        out.put(m, c);
      }
    });
    counts.clear();
    return out;
  }

  /**
   * Folds a message so that failures that differ only in ids and numbers count as one: runs of
   * white space become one space; a UUID or a word of 8 or more hex digits with a digit in it
   * becomes {@code {id}}; every other run of digits becomes {@code {n}}, except a three-digit
   * number from 100 to 599 standing alone (an HTTP status, which tells failures apart). The
   * result is cut at {@value #MAX_LENGTH} characters.
   *
   * <p>So {@code "GET /items/{id}: expected status [200] but was 503"} stays as it is, and
   * {@code "order 81723 of user 5f0c2a9e77b1 not found after 1.25 s"} becomes
   * {@code "order {n} of user {id} not found after {n}.{n} s"}.
   *
   * @param message the message, may be null
   * @return the folded message
   */
  public static String fold(String message) {
    if (message == null || message.isBlank()) {
      return NONE;
    }
    String m = message.strip();
    StringBuilder out = new StringBuilder(Math.min(m.length(), MAX_LENGTH + 8));
    int n = m.length();
    int i = 0;
    boolean space = false;
    while (i < n && out.length() < MAX_LENGTH) {
      char c = m.charAt(i);
      if (Character.isWhitespace(c)) {
        space = true;
        i++;
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      if (isWordChar(c)) {
        int end = i;
        while (end < n && (isWordChar(m.charAt(end)) || m.charAt(end) == '-')) {
          end++;
        }
        while (end > i && m.charAt(end - 1) == '-') {
          end--;
        }
        appendWord(out, m, i, end);
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    if (i < n || out.length() > MAX_LENGTH) {
      out.setLength(Math.min(out.length(), MAX_LENGTH));
      out.append('\u2026');
    }
    return out.toString();
  }

  /** Whether a number is part of a longer one such as an address or a version: a '.' or ':' then a digit on either side. */
  private static boolean numberGoesOn(String s, int from, int to) {
    boolean after = to + 1 < s.length() && (s.charAt(to) == '.' || s.charAt(to) == ':') && Character.isDigit(s.charAt(to + 1));
    boolean before = from >= 2 && (s.charAt(from - 1) == '.' || s.charAt(from - 1) == ':') && Character.isDigit(s.charAt(from - 2));
    return after || before;
  }

  private static boolean isWordChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static void appendWord(StringBuilder out, String s, int from, int to) {
    boolean digit = false;
    boolean hexOrDash = true;
    int hexDigits = 0;
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      digit |= c >= '0' && c <= '9';
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      hexOrDash &= hex || c == '-';
      hexDigits += hex ? 1 : 0;
    }
    if (!digit) {
      out.append(s, from, to);
      return;
    }
    if (hexOrDash && hexDigits >= 8) {
      out.append("{id}");
      return;
    }
    int len = to - from;
    if (len == 3 && s.charAt(from) >= '1' && s.charAt(from) <= '5' && Character.isDigit(s.charAt(from + 1))
        && Character.isDigit(s.charAt(from + 2)) && !numberGoesOn(s, from, to)) {
      out.append(s, from, to);
      return;
    }
    int k = from;
    while (k < to) {
      char c = s.charAt(k);
      if (c >= '0' && c <= '9') {
        while (k < to && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
          k++;
        }
        out.append("{n}");
      } else {
        out.append(c);
        k++;
      }
    }
  }
}
