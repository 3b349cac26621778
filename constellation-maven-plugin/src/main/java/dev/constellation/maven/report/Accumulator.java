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

  void addCounts(long count, long failures, long bytes, Map<String, Long> statusCodes, Map<String, Long> errors) {
    this.count += count;
    this.failures += failures;
    this.bytes += bytes;
    statusCodes.forEach((k, v) -> this.statusCodes.merge(k, v, Long::sum));
    errors.forEach((k, v) -> this.errors.merge(k, v, Long::sum));
  }

  void add(Accumulator other) {
    addCounts(other.count, other.failures, other.bytes, other.statusCodes, other.errors);
    histogram.add(other.histogram);
  }

  void reset() {
    histogram.reset();
    count = 0;
    failures = 0;
    bytes = 0;
    statusCodes.clear();
    errors.clear();
  }

  Stats toStats(double durationSeconds) {
    return new Stats(count, failures, bytes, durationSeconds, statusCodes, errors, histogram);
  }
}
