package dev.constellation.agent.results;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The one results model: what one agent saw for one request name (or one script's iterations)
 * in one interval. Every results store writes and reads these; every report is built from them.
 * The format is documented in docs/results-format.md.
 *
 * @param version format version, {@link #FORMAT_VERSION}
 * @param runId the run
 * @param region the region the agent ran in
 * @param agentId the agent, unique within the run
 * @param script the script's name
 * @param name the request name ({@code kind = http}) or the script name ({@code kind = iteration})
 * @param kind {@link #KIND_HTTP} for requests, {@link #KIND_ITERATION} for whole iterations,
 *     {@link #KIND_SCHEDULE} for the open model's starts, {@link #KIND_SERVICE} for its service times,
 *     {@link #KIND_RETRY} for retried attempts
 * @param startMs interval start, epoch milliseconds
 * @param lengthMs interval length in milliseconds
 * @param count requests (or iterations) that completed in the interval
 * @param failures how many of them failed (status 400 and above, no response, or a thrown iteration)
 * @param statusCodes count per HTTP status code; empty for iterations
 * @param errors count per error type (transport errors for requests, exception types for iterations)
 * @param bytes response body bytes received
 * @param histogram latency in microseconds, HdrHistogram compressed and base64-encoded
 *     (the same encoding as HdrHistogram's interval log)
 * @param messages count per folded failure message (see
 *     {@link dev.constellation.agent.record.FailureMessages}): why requests without a response or
 *     iterations failed; at most 20 per record; empty when none, and in records of older agents
 * @param connections the connections the record's requests opened, with their TCP connect and TLS
 *     handshake times ({@code http} records of an engine that measures them, the socket engine);
 *     null when not measured: other kinds, the jdk engine, and records of older agents
 */
public record IntervalRecord(
    int version,
    String runId,
    String region,
    String agentId,
    String script,
    String name,
    String kind,
    long startMs,
    long lengthMs,
    long count,
    long failures,
    Map<String, Long> statusCodes,
    Map<String, Long> errors,
    long bytes,
    String histogram,
    Map<String, Long> messages,
    Connections connections) {

  /** The format version this code writes. */
  public static final int FORMAT_VERSION = 1;
  /** Kind of a record about requests. */
  public static final String KIND_HTTP = "http";
  /** Kind of a record about whole iterations. */
  public static final String KIND_ITERATION = "iteration";
  /**
   * Kind of a record about the open model's schedule: count = iterations started, failures =
   * iterations dropped because every VU was busy, errors = {@code dropped} and {@code late}
   * (started more than {@link #LATE_MICROS} after they were due), histogram = start lag in µs.
   */
  public static final String KIND_SCHEDULE = "schedule";
  /**
   * Kind of a record about requests' service time in the open model, from the actual send (the
   * {@code http} record of the same name adds the iteration's start lateness): count = requests,
   * histogram = service time in µs.
   */
  public static final String KIND_SERVICE = "service";
  /**
   * Kind of a record about retries: attempts of a request that reached the wire, failed before
   * any byte of response (a reused connection the server had closed) and were sent again. count
   * = failures = retries, errors = why each failed attempt failed, histogram = how long each failed
   * attempt took in µs. The {@code http} record of the same name counts each request once, its
   * latency covering every attempt; attempts on the wire = requests + retries.
   */
  public static final String KIND_RETRY = "retry";
  /**
   * Kind of a record about VUs whose teardown ({@code @AfterVirtualUser}) threw: count = failures =
   * such VUs, errors by exception type. Not iterations.
   */
  public static final String KIND_TEARDOWN = "teardown";
  /**
   * Kind of a record about a group ({@code VuContext.group}): name = the group's path
   * ({@code checkout::pay} for a nested group), count = times the group ran to its end, failures = how
   * many of them failed (the block threw, or a request or check inside failed), errors = why
   * ({@code request_failed}, {@code check_failed}, or the exception's type), histogram = the group's
   * duration in µs.
   */
  public static final String KIND_GROUP = "group";
  /**
   * Kind of a record about a check ({@code VuContext.check}): name = the check's name, count = times
   * it was evaluated, failures = times it failed, messages = the assertion messages of failed
   * checks; the histogram is empty.
   */
  public static final String KIND_CHECK = "check";
  /**
   * Kind of a record about a custom counter ({@code VuContext.counter}): name = the counter's name,
   * count = the sum added in the interval; the histogram is empty.
   */
  public static final String KIND_COUNTER = "counter";
  /**
   * Kind of a record about a custom trend ({@code VuContext.trend}): name = the trend's name, count =
   * values recorded, histogram = the values themselves (no unit, 0 to {@link #HIGHEST_TRACKABLE_MICROS}).
   */
  public static final String KIND_TREND = "trend";
  /**
   * Kind of a record about a feeder ({@code @Feeder}): name = the feeder's name, count = rows handed
   * out, failures = requests for a row that found a unique feeder exhausted (not rows), errors =
   * {@code exhausted}; the histogram is empty.
   */
  public static final String KIND_FEEDER = "feeder";
  /** A start lag above this counts as late: 10 ms. */
  public static final long LATE_MICROS = 10_000;
  /** Highest latency a histogram tracks: one hour, in microseconds. */
  public static final long HIGHEST_TRACKABLE_MICROS = 3_600_000_000L;
  /** Significant digits of every histogram. */
  public static final int SIGNIFICANT_DIGITS = 3;

  public IntervalRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(histogram, "histogram");
    statusCodes = Map.copyOf(statusCodes);
    errors = Map.copyOf(errors);
    messages = messages == null ? Map.of() : Map.copyOf(messages);
  }

  /** A record without connection times (every kind but {@code http} of the socket engine). */
  public IntervalRecord(int version, String runId, String region, String agentId, String script, String name, String kind,
      long startMs, long lengthMs, long count, long failures, Map<String, Long> statusCodes, Map<String, Long> errors, long bytes,
      String histogram, Map<String, Long> messages) {
    this(version, runId, region, agentId, script, name, kind, startMs, lengthMs, count, failures, statusCodes, errors, bytes,
        histogram, messages, null);
  }

  /**
   * The same record with other connection times.
   *
   * @param c the connection times, or null for none
   * @return a new record
   */
  public IntervalRecord withConnections(Connections c) {
    return new IntervalRecord(version, runId, region, agentId, script, name, kind, startMs, lengthMs, count, failures, statusCodes,
        errors, bytes, histogram, messages, c);
  }

  /**
   * The new connections of one {@code http} record: how many TCP connections its requests opened
   * (a request on a reused pooled connection opens none), how long each TCP connect and each TLS
   * handshake took, and how many handshakes resumed an earlier TLS session. These times are part of
   * the requests' latency (not subtracted from it). A connect that failed is not counted (the
   * request failed with its error type); a TLS handshake that failed has a connect time but no
   * handshake time.
   *
   * @param opened TCP connections opened; equals the connect histogram's count
   * @param connectHistogram TCP connect times in µs, encoded like {@link #histogram()}; null when
   *     none was opened
   * @param tlsResumed TLS handshakes that resumed a session (abbreviated handshakes)
   * @param tlsHistogram TLS handshake times in µs (full and resumed), encoded like
   *     {@link #histogram()}; null when no handshake completed (plain http, or none opened)
   */
  public record Connections(long opened, String connectHistogram, long tlsResumed, String tlsHistogram) {

    /** No connection opened: what an {@code http} record of an engine that measures carries when every request reused one. */
    public static final Connections NONE = new Connections(0, null, 0, null);

    public Connections {
      if (opened < 0 || tlsResumed < 0) {
        throw new IllegalArgumentException("connection counts must not be negative: opened " + opened + ", tlsResumed " + tlsResumed);
      }
      connectHistogram = connectHistogram == null || connectHistogram.isEmpty() ? null : connectHistogram;
      tlsHistogram = tlsHistogram == null || tlsHistogram.isEmpty() ? null : tlsHistogram;
    }
  }

  /** A record without failure messages. */
  public IntervalRecord(int version, String runId, String region, String agentId, String script, String name, String kind,
      long startMs, long lengthMs, long count, long failures, Map<String, Long> statusCodes, Map<String, Long> errors, long bytes,
      String histogram) {
    this(version, runId, region, agentId, script, name, kind, startMs, lengthMs, count, failures, statusCodes, errors, bytes,
        histogram, Map.of());
  }

  /** A new, empty histogram with the settings every record uses. */
  public static Histogram newHistogram() {
    return new Histogram(1, HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
  }

  /**
   * Encodes a histogram as records carry it.
   *
   * @param h the histogram
   * @return compressed, base64-encoded bytes
   */
  public static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    byte[] bytes = new byte[length];
    buffer.flip();
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * Decodes this record's histogram.
   *
   * @return a new histogram, in microseconds
   * @throws IllegalStateException when the encoded histogram is damaged
   */
  public Histogram decodeHistogram() {
    try {
      byte[] bytes = Base64.getDecoder().decode(histogram);
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
      return h;
    } catch (DataFormatException | IllegalArgumentException e) {
      throw new IllegalStateException("damaged histogram in record " + runId + "/" + region + "/" + agentId + "/" + name + "@" + startMs, e);
    }
  }

  /** Sorted copy of a count map, for stable output. */
  static Map<String, Long> sorted(Map<String, Long> counts) {
    return new TreeMap<>(counts);
  }
}
