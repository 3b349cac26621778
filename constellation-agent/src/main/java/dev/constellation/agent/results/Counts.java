package dev.constellation.agent.results;

import java.util.Locale;

/**
 * What a run (or one agent) did, counted from its interval records: the one definition of each
 * count that the agent's "done" line, its {@code <agentId>.result.json} and the report
 * ({@code summary.json}) share. Each count comes from records of one kind only:
 *
 * <ul>
 *   <li>{@code requests}, {@code requestFailures}: {@code count} and {@code failures} of records of
 *       kind {@value IntervalRecord#KIND_HTTP};
 *   <li>{@code iterations}, {@code iterationFailures}: {@code count} and {@code failures} of kind
 *       {@value IntervalRecord#KIND_ITERATION} (iterations that completed or threw, in both workload
 *       models); {@code interrupted}: their {@code interrupted} errors (cut off at the end of the
 *       graceful stop, counted among the failures);
 *   <li>{@code started}, {@code dropped}, {@code late}: the open model's arrivals, from kind
 *       {@value IntervalRecord#KIND_SCHEDULE}: iterations started, not started because every VU of
 *       the script was busy, and started more than {@link IntervalRecord#LATE_MICROS} µs after they
 *       were due. Zero in the closed model;
 *   <li>{@code teardownFailures}: VUs whose teardown ({@code @AfterVirtualUser}) threw, from kind
 *       {@value IntervalRecord#KIND_TEARDOWN}: not iterations.
 * </ul>
 *
 * <p>Records of kind {@value IntervalRecord#KIND_SERVICE} repeat the requests' count (their
 * service times) and count nothing here; kinds this version does not know count nothing either.
 *
 * @param requests requests that got a response or failed without one
 * @param requestFailures of those, status 400 and above or no response
 * @param iterations iterations that completed or threw
 * @param iterationFailures of those, the ones that threw (interrupted included)
 * @param interrupted of those, the ones interrupted at the end of the graceful stop
 * @param started open model: iterations started on the schedule
 * @param dropped open model: iterations due but not started, every VU busy
 * @param late open model: of the started ones, those that started late
 * @param teardownFailures VUs whose teardown threw
 */
public record Counts(long requests, long requestFailures, long iterations, long iterationFailures, long interrupted,
    long started, long dropped, long late, long teardownFailures) {

  /** Nothing counted. */
  public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * Counts a collection of records.
   *
   * @param records records of one agent or one run
   * @return their counts
   */
  public static Counts of(Iterable<IntervalRecord> records) {
    Tally t = new Tally();
    for (IntervalRecord r : records) {
      t.add(r);
    }
    return t.counts();
  }

  /** Whether any arrival of the open model was counted. */
  public boolean openModel() {
    return started + dropped > 0;
  }

  /**
   * The counts in one line, as the agent prints them when it is done, e.g. {@code 1,500 requests
   * (0 failed), 1,500 iterations (0 failed, 0 interrupted); schedule: 1,500 started, 0 dropped
   * (every VU busy), 0 late}.
   */
  public String describe() {
    String line = String.format(Locale.ROOT, "%,d requests (%,d failed), %,d iterations (%,d failed, %,d interrupted)",
        requests, requestFailures, iterations, iterationFailures, interrupted);
    if (openModel()) {
      line += String.format(Locale.ROOT, "; schedule: %,d started, %,d dropped (every VU busy), %,d late", started, dropped, late);
    }
    if (teardownFailures > 0) {
      line += String.format(Locale.ROOT, "; %,d VU teardowns failed", teardownFailures);
    }
    return line;
  }

  /** Adds records up into {@link Counts}; not thread-safe. */
  public static final class Tally {
    private long requests;
    private long requestFailures;
    private long iterations;
    private long iterationFailures;
    private long interrupted;
    private long started;
    private long dropped;
    private long late;
    private long teardownFailures;

    /**
     * Counts one record, by its kind (see {@link Counts}).
     *
     * @param r the record
     */
    public void add(IntervalRecord r) {
      switch (r.kind()) {
        case IntervalRecord.KIND_HTTP -> {
          requests += r.count();
          requestFailures += r.failures();
        }
        case IntervalRecord.KIND_ITERATION -> {
          iterations += r.count();
          iterationFailures += r.failures();
          interrupted += r.errors().getOrDefault("interrupted", 0L);
        }
        case IntervalRecord.KIND_SCHEDULE -> {
          started += r.count();
          dropped += r.failures();
          late += r.errors().getOrDefault("late", 0L);
        }
        case IntervalRecord.KIND_TEARDOWN -> teardownFailures += r.failures();
        default -> {
          // service times repeat the requests; unknown kinds count nothing
        }
      }
    }

    /**
     * Adds another tally's counts.
     *
     * @param other the other tally
     */
    public void add(Tally other) {
      requests += other.requests;
      requestFailures += other.requestFailures;
      iterations += other.iterations;
      iterationFailures += other.iterationFailures;
      interrupted += other.interrupted;
      started += other.started;
      dropped += other.dropped;
      late += other.late;
      teardownFailures += other.teardownFailures;
    }

    /** What was counted so far. */
    public Counts counts() {
      return new Counts(requests, requestFailures, iterations, iterationFailures, interrupted, started, dropped, late, teardownFailures);
    }
  }
}
