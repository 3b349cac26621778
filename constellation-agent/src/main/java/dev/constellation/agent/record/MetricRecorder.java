package dev.constellation.agent.record;

import dev.constellation.agent.results.IntervalRecord;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records one request name (or one script's iterations): a latency histogram, counts by status
 * and error type, bytes. Many VU threads write; one flushing thread reads an interval at a time.
 * Memory is fixed per name, whatever the request count.
 */
public final class MetricRecorder {

  private static final int MAX_STATUS = 600;

  private final String script;
  private final String name;
  private final String kind;
  private final Recorder latency = new Recorder(1, IntervalRecord.HIGHEST_TRACKABLE_MICROS, IntervalRecord.SIGNIFICANT_DIGITS);
  private final AtomicLongArray statuses = new AtomicLongArray(MAX_STATUS);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder failures = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final Recorder service;
  private Histogram spare;
  private Histogram spareService;

  MetricRecorder(String script, String name, String kind, boolean serviceTimes) {
    this.script = script;
    this.name = name;
    this.kind = kind;
    this.service = serviceTimes ? new Recorder(1, IntervalRecord.HIGHEST_TRACKABLE_MICROS, IntervalRecord.SIGNIFICANT_DIGITS) : null;
  }

  MetricRecorder(String script, String name, String kind) {
    this(script, name, kind, false);
  }

  /**
   * Records a request's service time, from the actual send, beside its latency from the intended
   * start (open model). Ignored by recorders that keep no service times.
   *
   * @param micros service time in microseconds
   */
  public void recordService(long micros) {
    if (service != null) {
      service.recordValue(clamp(micros));
    }
  }

  /**
   * Records a request that got a response.
   *
   * @param micros latency in microseconds
   * @param status the HTTP status
   * @param bodyBytes bytes received
   */
  public void recordResponse(long micros, int status, long bodyBytes) {
    latency.recordValue(clamp(micros));
    if (status >= 0 && status < MAX_STATUS) {
      statuses.incrementAndGet(status);
    }
    if (status >= 400) {
      failures.increment();
    }
    bytes.add(bodyBytes);
  }

  /**
   * Records a success (iterations).
   *
   * @param micros duration in microseconds
   */
  public void recordSuccess(long micros) {
    latency.recordValue(clamp(micros));
  }

  /**
   * Records a failure with no response (requests) or a thrown iteration.
   *
   * @param micros time until the failure, in microseconds
   * @param errorType the error type it is counted under
   */
  public void recordFailure(long micros, String errorType) {
    latency.recordValue(clamp(micros));
    failures.increment();
    errors.computeIfAbsent(errorType, k -> new LongAdder()).increment();
  }

  /**
   * Records a scheduled iteration that started (open model).
   *
   * @param lagMicros how long after it was due it started
   */
  public void recordStart(long lagMicros) {
    latency.recordValue(clamp(lagMicros));
    if (lagMicros > IntervalRecord.LATE_MICROS) {
      errors.computeIfAbsent("late", k -> new LongAdder()).increment();
    }
  }

  /** Records a scheduled iteration that could not start because every VU was busy (open model). */
  public void recordDropped() {
    failures.increment();
    errors.computeIfAbsent("dropped", k -> new LongAdder()).increment();
  }

  private static long clamp(long micros) {
    if (micros < 1) {
      return 1;
    }
    return Math.min(micros, IntervalRecord.HIGHEST_TRACKABLE_MICROS);
  }

  /** Adds what was recorded since the last call to {@code out}. Flushing thread only. */
  void drainInto(List<IntervalRecord> out, String runId, String region, String agentId, long startMs, long lengthMs) {
    IntervalRecord main = drain(runId, region, agentId, startMs, lengthMs);
    if (main != null) {
      out.add(main);
    }
    if (service != null) {
      Histogram h = service.getIntervalHistogram(spareService);
      if (h.getTotalCount() > 0) {
        out.add(new IntervalRecord(IntervalRecord.FORMAT_VERSION, runId, region, agentId, script, name, IntervalRecord.KIND_SERVICE,
            startMs, lengthMs, h.getTotalCount(), 0, Map.of(), Map.of(), 0, IntervalRecord.encode(h)));
      }
      spareService = h;
    }
  }

  private IntervalRecord drain(String runId, String region, String agentId, long startMs, long lengthMs) {
    Histogram h = latency.getIntervalHistogram(spare);
    long count = h.getTotalCount();
    Map<String, Long> status = new TreeMap<>();
    for (int s = 0; s < MAX_STATUS; s++) {
      if (statuses.get(s) != 0) {
        long c = statuses.getAndSet(s, 0);
        if (c != 0) {
          status.put(Integer.toString(s), c);
        }
      }
    }
    Map<String, Long> errs = new TreeMap<>();
    errors.forEach((type, adder) -> {
      long c = adder.sumThenReset();
      if (c != 0) {
        errs.put(type, c);
      }
    });
    long failed = failures.sumThenReset();
    long received = bytes.sumThenReset();
    if (count == 0 && status.isEmpty() && errs.isEmpty() && failed == 0) {
      spare = h;
      return null;
    }
    IntervalRecord r = new IntervalRecord(IntervalRecord.FORMAT_VERSION, runId, region, agentId, script, name, kind,
        startMs, lengthMs, count, failed, status, errs, received, IntervalRecord.encode(h));
    spare = h;
    return r;
  }
}
