package dev.constellation.maven.report;

import dev.constellation.agent.results.IntervalRecord;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Mutable running sum of interval records: counts, count maps and one auto-resizing histogram. */
final class Accumulator {

  final Histogram histogram = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
  long count;
  long failures;
  long bytes;
  final Map<String, Long> statusCodes = new HashMap<>();
  final Map<String, Long> errors = new HashMap<>();
  /** Failure message to count; bounded at {@link #MAX_MESSAGES}, the rest under {@link #OTHER_MESSAGES}. */
  final Map<String, Long> messages = new HashMap<>();

  /** Distinct failure messages kept per name while merging, however many agents and intervals. */
  static final int MAX_MESSAGES = 200;
  /** What messages past the bound are counted under (the agents use the same text). */
  static final String OTHER_MESSAGES = "(other messages)";

  void addMessages(Map<String, Long> more) {
    more.forEach((k, v) -> {
      if (messages.containsKey(k) || messages.size() < MAX_MESSAGES) {
        messages.merge(k, v, Long::sum);
      } else {
        messages.merge(OTHER_MESSAGES, v, Long::sum);
      }
    });
  }

  void addCounts(long count, long failures, long bytes, Map<String, Long> statusCodes, Map<String, Long> errors) {
    this.count += count;
    this.failures += failures;
    this.bytes += bytes;
    statusCodes.forEach((k, v) -> this.statusCodes.merge(k, v, Long::sum));
    errors.forEach((k, v) -> this.errors.merge(k, v, Long::sum));
  }

  void add(Accumulator other) {
    addCounts(other.count, other.failures, other.bytes, other.statusCodes, other.errors);
    addMessages(other.messages);
    histogram.add(other.histogram);
  }

  Stats toStats(double durationSeconds) {
    return new Stats(count, failures, bytes, durationSeconds, statusCodes, errors, histogram, messages);
  }
}
