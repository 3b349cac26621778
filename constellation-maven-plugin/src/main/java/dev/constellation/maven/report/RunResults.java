package dev.constellation.maven.report;

import dev.constellation.agent.results.Counts;
import dev.constellation.agent.results.IntervalRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The merged results of a run (or of a window of it): totals, per region, per request name and
 * per script, plus per-region time series. Every percentile comes from histograms merged with
 * HdrHistogram addition, never from averaged percentiles, so merging the records of any number of
 * agents gives exactly the percentiles of one histogram fed every value. Immutable.
 *
 * <p>Records of kind {@code http} make the request statistics, records of kind {@code iteration}
 * the iteration statistics, records of kind {@code schedule} the open model's starts (requests =
 * iterations started, failures = dropped, histogram = start lag), records of kind {@code service}
 * the open model's service times, records of kind {@code retry} the attempts that were sent again
 * (requests = retries, errors = why each attempt failed, latency = how long it took); other kinds are ignored (a newer
 * agent may add some).
 *
 * @since 0.1.0
 */
public final class RunResults {

  /** Longest span kept at one-second resolution; longer runs get coarser (still exact) steps. */
  static final long MAX_POINTS = 7200;
  /** Fewer records than this are merged on the calling thread alone. */
  static final int PARALLEL_THRESHOLD = 50_000;

  private final long startMs;
  private final long endMs;
  private final long durationMs;
  private final long seriesStepMs;
  private final Stats totals;
  private final Map<String, Stats> regions;
  private final Map<String, Stats> requests;
  private final Stats iterationTotals;
  private final Map<String, Stats> iterations;
  private final Map<String, Stats> regionIterations;
  private final Stats scheduleTotals;
  private final Map<String, Stats> schedules;
  private final Stats serviceTotals;
  private final Map<String, Stats> serviceTimes;
  private final Stats retryTotals;
  private final Map<String, Stats> retries;
  private final Map<String, Map<String, Stats>> custom;
  private final Map<String, Stats> customTotals;
  private final Map<String, List<SeriesPoint>> series;
  private final List<SeriesPoint> totalSeries;
  private final Map<String, ConnectionStats> connections;
  private final ConnectionStats connectionTotals;
  private final Counts counts;

  private RunResults(Builder b) {
    this.startMs = b.startMs;
    this.endMs = b.endMs;
    this.durationMs = b.durationMs;
    this.seriesStepMs = b.stepMs;
    this.totals = b.totals;
    this.regions = Collections.unmodifiableMap(b.regions);
    this.requests = Collections.unmodifiableMap(b.requests);
    this.iterationTotals = b.iterationTotals;
    this.iterations = Collections.unmodifiableMap(b.iterations);
    this.regionIterations = Collections.unmodifiableMap(b.regionIterations);
    this.scheduleTotals = b.scheduleTotals;
    this.schedules = Collections.unmodifiableMap(b.schedules);
    this.serviceTotals = b.serviceTotals;
    this.serviceTimes = Collections.unmodifiableMap(b.serviceTimes);
    this.retryTotals = b.retryTotals;
    this.retries = Collections.unmodifiableMap(b.retries);
    this.custom = Collections.unmodifiableMap(b.custom);
    this.customTotals = Collections.unmodifiableMap(b.customTotals);
    Map<String, List<SeriesPoint>> s = new TreeMap<>();
    b.series.forEach((k, v) -> s.put(k, List.copyOf(v)));
    this.series = Collections.unmodifiableMap(s);
    this.totalSeries = List.copyOf(b.totalSeries);
    this.counts = b.tally.counts();
    this.connections = Collections.unmodifiableMap(b.connections);
    this.connectionTotals = b.connectionTotals;
  }

  /**
   * Merges interval records; the run's duration is the span from the earliest interval start to
   * the latest interval end.
   *
   * @param records records of one run (any number of regions, agents, scripts and names)
   * @return the merged results
   * @throws IllegalArgumentException when a record's histogram is damaged
   */
  public static RunResults merge(Collection<IntervalRecord> records) {
    return merge(records, -1);
  }

  /**
   * Merges interval records, computing rates over an explicit duration.
   *
   * @param records records of one run (any number of regions, agents, scripts and names)
   * @param durationMs the run's duration in ms used for requests per second; zero or negative
   *     means the span of the records
   * @return the merged results
   * @throws IllegalArgumentException when a record's histogram is damaged
   */
  public static RunResults merge(Collection<IntervalRecord> records, long durationMs) {
    int workers = records.size() < PARALLEL_THRESHOLD ? 1 : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    return merge(records, durationMs, workers);
  }

  static RunResults merge(Collection<IntervalRecord> records, long durationMs, int workers) {
    IntervalRecord[] sorted = records.toArray(new IntervalRecord[0]);
    Arrays.sort(sorted, Comparator.comparingLong(IntervalRecord::startMs));
    Builder b = new Builder();
    if (sorted.length == 0) {
      b.durationMs = Math.max(0, durationMs);
      b.stepMs = 1000;
      return b.finish();
    }
    b.startMs = sorted[0].startMs();
    long end = Long.MIN_VALUE;
    for (IntervalRecord r : sorted) {
      end = Math.max(end, r.startMs() + Math.max(0, r.lengthMs()));
    }
    b.endMs = end;
    b.durationMs = durationMs > 0 ? durationMs : end - b.startMs;
    long span = end - b.startMs;
    b.stepMs = Math.max(1000, ceilDiv(ceilDiv(span, MAX_POINTS), 1000) * 1000);
    long base = Math.floorDiv(b.startMs, 1000) * 1000;

    long step = b.stepMs;
    // Split the time-sorted records into chunks that never share a series step; each chunk is
    // merged on its own, then the chunks' histograms are added together (addition is exact).
    int[] bounds = new int[workers + 1];
    bounds[workers] = sorted.length;
    for (int w = 1; w < workers; w++) {
      int i = Math.max(bounds[w - 1], (int) ((long) sorted.length * w / workers));
      while (i > 0 && i < sorted.length && bucket(sorted[i], base, step) == bucket(sorted[i - 1], base, step)) {
        i++;
      }
      bounds[w] = i;
    }
    List<Builder> parts = IntStream.range(0, workers).parallel()
        .mapToObj(w -> {
          Builder part = new Builder();
          part.stepMs = step;
          part.consume(sorted, bounds[w], bounds[w + 1], base);
          return part;
        })
        .toList();
    for (Builder part : parts) {
      b.absorb(part);
    }
    return b.finish();
  }

  private static long bucket(IntervalRecord r, long base, long step) {
    return base + Math.floorDiv(r.startMs() - base, step) * step;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** Epoch ms of the earliest interval start; 0 when there were no records. */
  public long startMs() {
    return startMs;
  }

  /** Epoch ms of the latest interval end; 0 when there were no records. */
  public long endMs() {
    return endMs;
  }

  /** The duration rates are computed over, ms. */
  public long durationMs() {
    return durationMs;
  }

  /** Width of one time-series step, ms: 1000, or more for runs longer than two hours. */
  public long seriesStepMs() {
    return seriesStepMs;
  }

  /**
   * The run's counts by the one definition the agents' own accounts use too ({@link Counts}): requests,
   * iterations, and the open model's started, dropped and late iterations.
   */
  public Counts counts() {
    return counts;
  }

  /** Whether no request and no iteration was recorded. */
  public boolean isEmpty() {
    return totals.requests() == 0 && iterationTotals.requests() == 0;
  }

  /** All requests of the run. */
  public Stats totals() {
    return totals;
  }

  /** Requests per region, sorted by region. */
  public Map<String, Stats> regions() {
    return regions;
  }

  /** Requests of one region, if it recorded any. */
  public Optional<Stats> region(String region) {
    return Optional.ofNullable(regions.get(region));
  }

  /** Requests per request name (all regions), sorted by name. */
  public Map<String, Stats> requests() {
    return requests;
  }

  /** Requests of one name, if it was recorded. */
  public Optional<Stats> request(String name) {
    return Optional.ofNullable(requests.get(name));
  }

  /** All iterations of the run. */
  public Stats iterationTotals() {
    return iterationTotals;
  }

  /** Iterations per script, sorted by script name. */
  public Map<String, Stats> iterations() {
    return iterations;
  }

  /** Iterations per region, sorted by region. */
  public Map<String, Stats> regionIterations() {
    return regionIterations;
  }

  /**
   * The open model's starts of all scripts: requests = iterations started, failures = iterations
   * dropped (every VU busy), errors = {@code dropped} and {@code late}, latency = start lag.
   * Empty (zero requests) for closed-model runs.
   */
  public Stats scheduleTotals() {
    return scheduleTotals;
  }

  /**
   * The open model's service times of all requests, from the actual send (the request statistics
   * add the iteration's start lateness). Empty (zero requests) for closed-model runs, where the two are
   * the same.
   */
  public Stats serviceTotals() {
    return serviceTotals;
  }

  /** The open model's service times per request name. */
  public Map<String, Stats> serviceTimes() {
    return serviceTimes;
  }

  /**
   * Attempts that reached the wire, failed before any byte of response (a reused keep-alive
   * connection the server had closed) and were sent again: requests = retries, errors = why the
   * attempts failed, latency = how long they took. Attempts on the wire = {@link #totals()}
   * requests + these. Empty (zero requests) when nothing was retried.
   */
  public Stats retryTotals() {
    return retryTotals;
  }

  /** Retries per request name (see {@link #retryTotals()}), sorted; names without retries are absent. */
  public Map<String, Stats> retries() {
    return retries;
  }

  /** The open model's starts per script, sorted by script name. */
  public Map<String, Stats> schedules() {
    return schedules;
  }

  /** The kinds of script-defined measurements, each merged per name over every script, agent and region. */
  static final List<String> CUSTOM_KINDS = List.of(IntervalRecord.KIND_GROUP, IntervalRecord.KIND_CHECK, IntervalRecord.KIND_COUNTER,
      IntervalRecord.KIND_TREND, IntervalRecord.KIND_FEEDER);

  /**
   * Groups per path ({@code checkout}, {@code checkout::pay}), sorted: requests = times the group
   * ran, failures = failed runs (the block threw, or a request or check inside failed), errors = why,
   * latency = the group's duration.
   */
  public Map<String, Stats> groups() {
    return custom.get(IntervalRecord.KIND_GROUP);
  }

  /** Checks per name, sorted: requests = evaluations, failures = failed ones, messages = assertion messages. */
  public Map<String, Stats> checks() {
    return custom.get(IntervalRecord.KIND_CHECK);
  }

  /** Every check of the run together (requests = evaluations, failures = failed ones). */
  public Stats checkTotals() {
    return customTotals.get(IntervalRecord.KIND_CHECK);
  }

  /** Custom counters per name, sorted: requests = the counter's total, {@link Stats#rps()} its rate per second. */
  public Map<String, Stats> counters() {
    return custom.get(IntervalRecord.KIND_COUNTER);
  }

  /**
   * Custom trends per name, sorted: requests = values recorded; the histogram holds the values as
   * recorded (no unit), so read them with {@link Stats#histogram()}, not the millisecond accessors.
   */
  public Map<String, Stats> trends() {
    return custom.get(IntervalRecord.KIND_TREND);
  }

  /** Feeders per name, sorted: requests = rows handed out, failures = requests that found a unique feeder exhausted. */
  public Map<String, Stats> feeders() {
    return custom.get(IntervalRecord.KIND_FEEDER);
  }

  /**
   * New connections per request name, sorted: only names with records that measured them (the
   * socket engine's); a name recorded only by the jdk engine, or by agents that predate connection
   * times, is absent (not measured), while a name whose requests only reused connections has
   * {@link ConnectionStats#newConnections()} 0.
   */
  public Map<String, ConnectionStats> connections() {
    return connections;
  }

  /** New connections of every request name together, if any record measured them. */
  public Optional<ConnectionStats> connectionTotals() {
    return Optional.ofNullable(connectionTotals);
  }

  /** Count per HTTP status code over the whole run. */
  public Map<String, Long> statusCodes() {
    return totals.statusCodes();
  }

  /** Count per transport error type over the whole run. */
  public Map<String, Long> errors() {
    return totals.errors();
  }

  /** Per-region request time series, one point per step that had records, in time order. */
  public Map<String, List<SeriesPoint>> series() {
    return series;
  }

  /** The time series of all regions together. */
  public List<SeriesPoint> totalSeries() {
    return totalSeries;
  }

  /** Working state of one merge. */
  private static final class Builder {
    long startMs;
    long endMs;
    long durationMs;
    long stepMs;
    final Map<String, Accumulator> regionAcc = new TreeMap<>();
    final Map<String, Accumulator> nameAcc = new TreeMap<>();
    final Map<String, Accumulator> scriptAcc = new TreeMap<>();
    final Map<String, Accumulator> regionIterAcc = new TreeMap<>();
    final Map<String, Accumulator> scheduleAcc = new TreeMap<>();
    final Map<String, Accumulator> serviceAcc = new TreeMap<>();
    final Map<String, Accumulator> retryAcc = new TreeMap<>();
    final Map<String, ConnectionStats.Accumulator> connectionAcc = new TreeMap<>();
    Map<String, ConnectionStats> connections;
    ConnectionStats connectionTotals;
    final Map<String, Map<String, Accumulator>> customAcc = new HashMap<>();
    Map<String, Map<String, Stats>> custom;
    Map<String, Stats> customTotals;
    final Map<String, Accumulator> stepAcc = new HashMap<>();
    final Accumulator stepTotal = new Accumulator();
    final Map<String, List<SeriesPoint>> series = new HashMap<>();
    final List<SeriesPoint> totalSeries = new ArrayList<>();
    final Counts.Tally tally = new Counts.Tally();
    Stats totals;
    Map<String, Stats> regions;
    Map<String, Stats> requests;
    Stats iterationTotals;
    Map<String, Stats> iterations;
    Map<String, Stats> regionIterations;
    Stats scheduleTotals;
    Map<String, Stats> schedules;
    Stats serviceTotals;
    Map<String, Stats> serviceTimes;
    Stats retryTotals;
    Map<String, Stats> retries;

    void consume(IntervalRecord[] sorted, int from, int to, long base) {
      HistogramAdder adder = new HistogramAdder();
      long currentBucket = Long.MIN_VALUE;
      for (int i = from; i < to; i++) {
        IntervalRecord r = sorted[i];
        long bucket = bucket(r, base, stepMs);
        if (bucket != currentBucket) {
          flushBucket(currentBucket);
          currentBucket = bucket;
        }
        tally.add(r);
        try {
          if (IntervalRecord.KIND_HTTP.equals(r.kind())) {
            Accumulator region = regionAcc.computeIfAbsent(r.region(), k -> new Accumulator());
            Accumulator name = nameAcc.computeIfAbsent(r.name(), k -> new Accumulator());
            Accumulator step = stepAcc.computeIfAbsent(r.region(), k -> new Accumulator());
            region.addCounts(r.count(), r.failures(), r.bytes(), r.statusCodes(), r.errors());
            name.addCounts(r.count(), r.failures(), r.bytes(), r.statusCodes(), r.errors());
            name.addMessages(r.messages());
            step.count += r.count();
            step.failures += r.failures();
            stepTotal.count += r.count();
            stepTotal.failures += r.failures();
            adder.addTo(r.histogram(), region.histogram, name.histogram, step.histogram, stepTotal.histogram);
            if (r.connections() != null) {
              connectionAcc.computeIfAbsent(r.name(), k -> new ConnectionStats.Accumulator()).add(r.connections(), adder);
            }
          } else if (IntervalRecord.KIND_ITERATION.equals(r.kind())) {
            Accumulator script = scriptAcc.computeIfAbsent(r.name(), k -> new Accumulator());
            Accumulator region = regionIterAcc.computeIfAbsent(r.region(), k -> new Accumulator());
            script.addCounts(r.count(), r.failures(), r.bytes(), r.statusCodes(), r.errors());
            script.addMessages(r.messages());
            region.addCounts(r.count(), r.failures(), r.bytes(), r.statusCodes(), r.errors());
            adder.addTo(r.histogram(), script.histogram, region.histogram);
          } else if (IntervalRecord.KIND_SERVICE.equals(r.kind())) {
            Accumulator name = serviceAcc.computeIfAbsent(r.name(), k -> new Accumulator());
            name.addCounts(r.count(), r.failures(), r.bytes(), r.statusCodes(), r.errors());
            adder.addTo(r.histogram(), name.histogram);
          } else if (IntervalRecord.KIND_RETRY.equals(r.kind())) {
            Accumulator name = retryAcc.computeIfAbsent(r.name(), k -> new Accumulator());
            name.addCounts(r.count(), r.failures(), r.bytes(), r.statusCodes(), r.errors());
            adder.addTo(r.histogram(), name.histogram);
          } else if (CUSTOM_KINDS.contains(r.kind())) {
            Accumulator named = customAcc.computeIfAbsent(r.kind(), k -> new TreeMap<>()).computeIfAbsent(r.name(), k -> new Accumulator());
            named.addCounts(r.count(), r.failures(), r.bytes(), r.statusCodes(), r.errors());
            named.addMessages(r.messages());
            adder.addTo(r.histogram(), named.histogram);
          } else if (IntervalRecord.KIND_SCHEDULE.equals(r.kind())) {
            Accumulator script = scheduleAcc.computeIfAbsent(r.name(), k -> new Accumulator());
            script.addCounts(r.count(), r.failures(), r.bytes(), r.statusCodes(), r.errors());
            adder.addTo(r.histogram(), script.histogram);
          }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
          throw new IllegalArgumentException("damaged histogram in record " + r.runId() + "/" + r.region() + "/" + r.agentId()
              + "/" + r.name() + "@" + r.startMs() + ": " + e.getMessage(), e);
        }
      }
      flushBucket(currentBucket);
    }

    /** Adds a later chunk's sums and appends its series points (chunks never share a step). */
    void absorb(Builder part) {
      part.regionAcc.forEach((k, a) -> regionAcc.computeIfAbsent(k, x -> new Accumulator()).add(a));
      part.nameAcc.forEach((k, a) -> nameAcc.computeIfAbsent(k, x -> new Accumulator()).add(a));
      part.scriptAcc.forEach((k, a) -> scriptAcc.computeIfAbsent(k, x -> new Accumulator()).add(a));
      part.regionIterAcc.forEach((k, a) -> regionIterAcc.computeIfAbsent(k, x -> new Accumulator()).add(a));
      part.scheduleAcc.forEach((k, a) -> scheduleAcc.computeIfAbsent(k, x -> new Accumulator()).add(a));
      part.serviceAcc.forEach((k, a) -> serviceAcc.computeIfAbsent(k, x -> new Accumulator()).add(a));
      part.retryAcc.forEach((k, a) -> retryAcc.computeIfAbsent(k, x -> new Accumulator()).add(a));
      part.connectionAcc.forEach((k, a) -> connectionAcc.computeIfAbsent(k, x -> new ConnectionStats.Accumulator()).add(a));
      part.customAcc.forEach((kind, byName) -> byName.forEach((k, a) ->
          customAcc.computeIfAbsent(kind, x -> new TreeMap<>()).computeIfAbsent(k, x -> new Accumulator()).add(a)));
      part.series.forEach((k, points) -> series.computeIfAbsent(k, x -> new ArrayList<>()).addAll(points));
      totalSeries.addAll(part.totalSeries);
      tally.add(part.tally);
    }

    void flushBucket(long bucket) {
      if (bucket == Long.MIN_VALUE) {
        return;
      }
      boolean any = false;
      for (Map.Entry<String, Accumulator> e : stepAcc.entrySet()) {
        Accumulator a = e.getValue();
        if (a.count == 0 && a.histogram.getTotalCount() == 0) {
          continue;
        }
        any = true;
        series.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(point(bucket, a));
        a.histogram.reset();
        a.count = 0;
        a.failures = 0;
      }
      if (any) {
        totalSeries.add(point(bucket, stepTotal));
      }
      stepTotal.histogram.reset();
      stepTotal.count = 0;
      stepTotal.failures = 0;
    }

    SeriesPoint point(long bucket, Accumulator a) {
      var h = a.histogram;
      return new SeriesPoint(bucket, a.count, a.failures, a.count * 1000.0 / stepMs,
          Stats.microsToMs(h.getValueAtPercentile(50)), Stats.microsToMs(h.getValueAtPercentile(95)),
          Stats.microsToMs(h.getValueAtPercentile(99)));
    }

    RunResults finish() {
      double seconds = durationMs / 1000.0;
      Accumulator all = new Accumulator();
      regions = new TreeMap<>();
      regionAcc.forEach((k, a) -> {
        all.add(a);
        regions.put(k, a.toStats(seconds));
      });
      totals = all.toStats(seconds);
      requests = new TreeMap<>();
      nameAcc.forEach((k, a) -> requests.put(k, a.toStats(seconds)));
      Accumulator allIterations = new Accumulator();
      iterations = new TreeMap<>();
      scriptAcc.forEach((k, a) -> iterations.put(k, a.toStats(seconds)));
      regionIterations = new TreeMap<>();
      regionIterAcc.forEach((k, a) -> {
        allIterations.add(a);
        regionIterations.put(k, a.toStats(seconds));
      });
      iterationTotals = allIterations.toStats(seconds);
      Accumulator allStarts = new Accumulator();
      schedules = new TreeMap<>();
      scheduleAcc.forEach((k, a) -> {
        allStarts.add(a);
        schedules.put(k, a.toStats(seconds));
      });
      scheduleTotals = allStarts.toStats(seconds);
      Accumulator allService = new Accumulator();
      serviceTimes = new TreeMap<>();
      serviceAcc.forEach((k, a) -> {
        allService.add(a);
        serviceTimes.put(k, a.toStats(seconds));
      });
      serviceTotals = allService.toStats(seconds);
      Accumulator allRetries = new Accumulator();
      retries = new TreeMap<>();
      retryAcc.forEach((k, a) -> {
        allRetries.add(a);
        retries.put(k, a.toStats(seconds));
      });
      retryTotals = allRetries.toStats(seconds);
      connections = new TreeMap<>();
      ConnectionStats.Accumulator allConnections = connectionAcc.isEmpty() ? null : new ConnectionStats.Accumulator();
      connectionAcc.forEach((k, a) -> {
        allConnections.add(a);
        connections.put(k, a.toStats());
      });
      connectionTotals = allConnections == null ? null : allConnections.toStats();
      custom = new HashMap<>();
      customTotals = new HashMap<>();
      for (String kind : CUSTOM_KINDS) {
        Map<String, Stats> byName = new TreeMap<>();
        Accumulator ofKind = new Accumulator();
        customAcc.getOrDefault(kind, Map.of()).forEach((k, a) -> {
          ofKind.add(a);
          byName.put(k, a.toStats(seconds));
        });
        custom.put(kind, Collections.unmodifiableMap(byName));
        customTotals.put(kind, ofKind.toStats(seconds));
      }
      return new RunResults(this);
    }
  }
}
