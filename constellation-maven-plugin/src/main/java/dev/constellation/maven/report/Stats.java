package dev.constellation.maven.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a set of interval records adds up to: counts, rates and latency percentiles computed from
 * one merged HdrHistogram (never from averaged percentiles). Immutable.
 *
 * <p>Latencies are in milliseconds (the recorded histograms are in microseconds). For iteration
 * statistics, "requests" are iterations and latencies are iteration durations.
 *
 * @since 0.1.0
 */
public final class Stats {

  private final long requests;
  private final long failures;
  private final long bytes;
  private final double durationSeconds;
  private final Map<String, Long> statusCodes;
  private final Map<String, Long> errors;
  private final Histogram histogram;
  private final Map<String, Long> messages;
  private final double p50;
  private final double p90;
  private final double p95;
  private final double p99;
  private final double max;
  private final double mean;
  private final double min;

  /** The most failure messages a name shows, most frequent first; the rest are summed as one. */
  public static final int TOP_MESSAGES = 5;

  Stats(long requests, long failures, long bytes, double durationSeconds, Map<String, Long> statusCodes,
      Map<String, Long> errors, Histogram histogram) {
    this(requests, failures, bytes, durationSeconds, statusCodes, errors, histogram, Map.of());
  }

  Stats(long requests, long failures, long bytes, double durationSeconds, Map<String, Long> statusCodes,
      Map<String, Long> errors, Histogram histogram, Map<String, Long> messages) {
    this.messages = top(messages);
    this.requests = requests;
    this.failures = failures;
    this.bytes = bytes;
    this.durationSeconds = durationSeconds;
    this.statusCodes = Collections.unmodifiableMap(new TreeMap<>(statusCodes));
    this.errors = Collections.unmodifiableMap(new TreeMap<>(errors));
    this.histogram = histogram.copy();
    this.p50 = microsToMs(histogram.getValueAtPercentile(50));
    this.p90 = microsToMs(histogram.getValueAtPercentile(90));
    this.p95 = microsToMs(histogram.getValueAtPercentile(95));
    this.p99 = microsToMs(histogram.getValueAtPercentile(99));
    this.max = microsToMs(histogram.getMaxValue());
    this.min = microsToMs(histogram.getTotalCount() == 0 ? 0 : histogram.getMinValue());
    this.mean = histogram.getTotalCount() == 0 ? 0 : histogram.getMean() / 1000.0;
  }

  static double microsToMs(long micros) {
    return micros / 1000.0;
  }

  /** Requests (or iterations) that completed. */
  public long requests() {
    return requests;
  }

  /** Failed requests: status 400 and above or no response (failed iterations for iteration stats). */
  public long failures() {
    return failures;
  }

  /** Failures as a fraction of requests, 0 to 1; 0 when there were no requests. */
  public double errorRate() {
    return requests == 0 ? 0 : (double) failures / requests;
  }

  /** Requests per second over the run's duration (or the window's, for a progress window). */
  public double rps() {
    return durationSeconds <= 0 ? 0 : requests / durationSeconds;
  }

  /** Number of latency values in the merged histogram (normally equal to {@link #requests()}). */
  public long latencyCount() {
    return histogram.getTotalCount();
  }

  /** Median latency, ms. */
  public double p50() {
    return p50;
  }

  /** 90th percentile latency, ms. */
  public double p90() {
    return p90;
  }

  /** 95th percentile latency, ms. */
  public double p95() {
    return p95;
  }

  /** 99th percentile latency, ms. */
  public double p99() {
    return p99;
  }

  /** Highest latency, ms. */
  public double max() {
    return max;
  }

  /** Lowest latency, ms. */
  public double min() {
    return min;
  }

  /** Mean latency, ms. */
  public double mean() {
    return mean;
  }

  /**
   * Any percentile of the merged latency histogram.
   *
   * @param percentile 0 to 100, e.g. 99.9
   * @return latency in ms; 0 when nothing was recorded
   */
  public double percentileMs(double percentile) {
    if (percentile < 0 || percentile > 100 || Double.isNaN(percentile)) {
      throw new IllegalArgumentException("percentile " + percentile + " is outside 0..100");
    }
    return microsToMs(histogram.getValueAtPercentile(percentile));
  }

  /** Count per HTTP status code, sorted by code; empty for iterations. */
  public Map<String, Long> statusCodes() {
    return statusCodes;
  }

  /** Count per error type (transport errors, or exception types for iterations), sorted. */
  public Map<String, Long> errors() {
    return errors;
  }

  /**
   * The most frequent failure messages (folded: ids and numbers replaced, so alike failures group),
   * at most {@value #TOP_MESSAGES}, most frequent first (ties by text); the rest summed under
   * {@code "(n other messages)"}. Empty when nothing failed with a message.
   *
   * @return message to count, in that order
   */
  public Map<String, Long> messages() {
    return messages;
  }

  private static Map<String, Long> top(Map<String, Long> all) {
    if (all.isEmpty()) {
      return Map.of();
    }
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(all.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> out = new LinkedHashMap<>();
    long rest = 0;
    int others = 0;
    for (Map.Entry<String, Long> e : sorted) {
      if (out.size() < TOP_MESSAGES && !e.getKey().equals(Accumulator.OTHER_MESSAGES)) {
        out.put(e.getKey(), e.getValue());
      } else {
        rest += e.getValue();
        others++;
      }
    }
    if (rest > 0) {
      out.put("(" + others + " other message" + (others == 1 ? "" : "s") + ")", rest);
    }
    return Collections.unmodifiableMap(out);
  }

  /** Response body bytes received. */
  public long bytes() {
    return bytes;
  }

  /** A copy of the merged latency histogram, in microseconds. */
  public Histogram histogram() {
    return histogram.copy();
  }

  Histogram histogramView() {
    return histogram;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "Stats[requests=%d, failures=%d, rps=%.1f, p50=%.3f, p95=%.3f, p99=%.3f, max=%.3f ms]",
        requests, failures, rps(), p50, p95, p99, max);
  }
}
