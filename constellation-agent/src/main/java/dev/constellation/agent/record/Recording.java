package dev.constellation.agent.record;

import dev.constellation.agent.runtime.Console;
import dev.constellation.agent.results.IntervalRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * All recorders of one agent, by script and request name. Bounded: past {@code maxNames}
 * distinct request names, further names are folded into {@value #OVERFLOW_NAME} with a warning,
 * so a script that puts ids into names cannot exhaust memory.
 */
public final class Recording {

  /** The name that request names past the limit are recorded under. */
  public static final String OVERFLOW_NAME = "(other names)";

  private final String runId;
  private final String region;
  private final String agentId;
  private final int maxNames;
  private final boolean serviceTimes;
  private final boolean connectionTimes;
  private final Map<String, Map<String, MetricRecorder>> http = new ConcurrentHashMap<>();
  private final Map<String, MetricRecorder> iterations = new ConcurrentHashMap<>();
  private final Map<String, MetricRecorder> schedules = new ConcurrentHashMap<>();
  private final Map<String, Map<String, MetricRecorder>> retries = new ConcurrentHashMap<>();
  private final Map<String, MetricRecorder> teardowns = new ConcurrentHashMap<>();
  /** Groups, checks, counters, trends and feeders: kind → script → name → recorder, each kind bounded like request names. */
  private final Map<String, Map<String, Map<String, MetricRecorder>>> custom = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> customNames = new ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> customWarned = new ConcurrentHashMap<>();
  /** The drain's histograms, guarded by this recording's lock. */
  private final MetricRecorder.Scratch scratch = new MetricRecorder.Scratch();
  private final java.util.concurrent.atomic.AtomicInteger names = new java.util.concurrent.atomic.AtomicInteger();
  private final AtomicBoolean warned = new AtomicBoolean();
  private volatile boolean started;
  private final Consumer<String> warnings;
  private final java.util.concurrent.atomic.AtomicLong firstRequestAt = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);

  /**
   * Creates the recording of one agent.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param maxNames how many distinct request names to keep apart
   */
  public Recording(String runId, String region, String agentId, int maxNames) {
    this(runId, region, agentId, maxNames, false);
  }

  /**
   * Creates the recording of one agent.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param maxNames how many distinct request names to keep apart
   * @param serviceTimes whether requests also get a service-time histogram (the open model, where
   *     latency is the service time plus the iteration's start lateness)
   */
  public Recording(String runId, String region, String agentId, int maxNames, boolean serviceTimes) {
    this(runId, region, agentId, maxNames, serviceTimes, false);
  }

  /**
   * Creates the recording of one agent.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param maxNames how many distinct request names to keep apart
   * @param serviceTimes whether requests also get a service-time histogram (the open model)
   * @param connectionTimes whether request records carry the connections their requests opened with
   *     connect and TLS handshake times: true for an engine that measures them
   *     ({@link dev.constellation.agent.http.HttpEngine#measuresConnections()}); without it the
   *     records carry no connection fields (not measured, as opposed to none opened)
   */
  public Recording(String runId, String region, String agentId, int maxNames, boolean serviceTimes, boolean connectionTimes) {
    this(runId, region, agentId, maxNames, serviceTimes, connectionTimes, Console::warn);
  }

  /** The same, with the warnings (names past the limit) going to {@code warnings} instead of the console (tests). */
  Recording(String runId, String region, String agentId, int maxNames, boolean serviceTimes, boolean connectionTimes,
      Consumer<String> warnings) {
    this.warnings = warnings;
    this.connectionTimes = connectionTimes;
    this.runId = runId;
    this.region = region;
    this.agentId = agentId;
    this.maxNames = maxNames;
    this.serviceTimes = serviceTimes;
  }

  /**
   * The recorder of a request name within a script.
   *
   * @param script the script's name
   * @param name the request name
   * @return the recorder, created on first use
   */
  public MetricRecorder http(String script, String name) {
    Map<String, MetricRecorder> byName = http.get(script);
    if (byName == null) {
      byName = http.computeIfAbsent(script, s -> new ConcurrentHashMap<>());
    }
    MetricRecorder r = byName.get(name);
    if (r != null) {
      return r;
    }
    if (names.get() >= maxNames) {
      if (warned.compareAndSet(false, true)) {
        warnings.accept("more than " + maxNames + " distinct request names (the latest: \"" + name + "\"); further names are recorded as \""
            + OVERFLOW_NAME + "\". Give requests with ids in their URL a fixed name with Request.name(...)");
      }
      return byName.computeIfAbsent(OVERFLOW_NAME, n -> new MetricRecorder(script, n, IntervalRecord.KIND_HTTP, serviceTimes,
          connectionTimes));
    }
    return byName.computeIfAbsent(name, n -> {
      names.incrementAndGet();
      return new MetricRecorder(script, n, IntervalRecord.KIND_HTTP, serviceTimes, connectionTimes);
    });
  }

  /**
   * Notes that a request is about to be sent; the first one after the start is kept (start skew).
   * Costs one volatile read once the first request is known.
   */
  public void requestStarting() {
    if (firstRequestAt.get() == Long.MAX_VALUE && started) {
      firstRequestAt.compareAndSet(Long.MAX_VALUE, System.currentTimeMillis());
    }
  }

  /** Marks the start of load: requests before it (setup) do not count as the first request. */
  public void started() {
    started = true;
  }

  /** When the agent's first request was sent, epoch ms, or -1 when none was. */
  public long firstRequestAt() {
    long t = firstRequestAt.get();
    return t == Long.MAX_VALUE ? -1 : t;
  }

  /**
   * The recorder of a request name's retries (kind {@link IntervalRecord#KIND_RETRY}); made on the
   * first retry. The name is the one its requests are recorded under ({@link MetricRecorder#name()}),
   * so it is already bounded by {@link #http}.
   *
   * @param script the script's name
   * @param name the request name as recorded
   * @return the recorder, created on first use
   */
  public MetricRecorder retries(String script, String name) {
    return retries.computeIfAbsent(script, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(name, n -> new MetricRecorder(script, n, IntervalRecord.KIND_RETRY));
  }

  /**
   * The recorder of a script's iterations.
   *
   * @param script the script's name
   * @return the recorder, created on first use
   */
  public MetricRecorder iterations(String script) {
    return iterations.computeIfAbsent(script, s -> new MetricRecorder(s, s, IntervalRecord.KIND_ITERATION));
  }

  /**
   * The recorder of a script's failed teardowns ({@code @AfterVirtualUser} methods that threw).
   *
   * @param script the script's name
   * @return the recorder, created on first use
   */
  public MetricRecorder teardowns(String script) {
    return teardowns.computeIfAbsent(script, s -> new MetricRecorder(s, s, IntervalRecord.KIND_TEARDOWN));
  }

  /**
   * The recorder of a script's scheduled starts (open model).
   *
   * @param script the script's name
   * @return the recorder, created on first use
   */
  public MetricRecorder schedule(String script) {
    return schedules.computeIfAbsent(script, s -> new MetricRecorder(s, s, IntervalRecord.KIND_SCHEDULE));
  }

  /**
   * The recorder of a group ({@link IntervalRecord#KIND_GROUP}) within a script.
   *
   * @param script the script's name
   * @param path the group's path, {@code outer::inner} for nested groups
   * @return the recorder, created on first use; past {@code maxNames} group names, the overflow recorder
   */
  public MetricRecorder group(String script, String path) {
    return custom(IntervalRecord.KIND_GROUP, script, path);
  }

  /**
   * The recorder of a check ({@link IntervalRecord#KIND_CHECK}) within a script.
   *
   * @param script the script's name
   * @param name the check's name
   * @return the recorder, created on first use
   */
  public MetricRecorder check(String script, String name) {
    return custom(IntervalRecord.KIND_CHECK, script, name);
  }

  /**
   * The recorder of a custom counter ({@link IntervalRecord#KIND_COUNTER}) within a script.
   *
   * @param script the script's name
   * @param name the counter's name
   * @return the recorder, created on first use
   */
  public MetricRecorder counter(String script, String name) {
    return custom(IntervalRecord.KIND_COUNTER, script, name);
  }

  /**
   * The recorder of a custom trend ({@link IntervalRecord#KIND_TREND}) within a script.
   *
   * @param script the script's name
   * @param name the trend's name
   * @return the recorder, created on first use
   */
  public MetricRecorder trend(String script, String name) {
    return custom(IntervalRecord.KIND_TREND, script, name);
  }

  /**
   * The recorder of a feeder ({@link IntervalRecord#KIND_FEEDER}) within a script.
   *
   * @param script the script's name
   * @param name the feeder's name
   * @return the recorder, created on first use
   */
  public MetricRecorder feeder(String script, String name) {
    return custom(IntervalRecord.KIND_FEEDER, script, name);
  }

  private MetricRecorder custom(String kind, String script, String name) {
    Map<String, MetricRecorder> byName = custom.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(script, s -> new ConcurrentHashMap<>());
    MetricRecorder r = byName.get(name);
    if (r != null) {
      return r;
    }
    java.util.concurrent.atomic.AtomicInteger count = customNames.computeIfAbsent(kind, k -> new java.util.concurrent.atomic.AtomicInteger());
    if (count.get() >= maxNames) {
      if (customWarned.computeIfAbsent(kind, k -> new AtomicBoolean()).compareAndSet(false, true)) {
        warnings.accept("more than " + maxNames + " distinct " + kind + " names (the latest: \"" + name + "\"); further names are recorded as \""
            + OVERFLOW_NAME + "\"");
      }
      return byName.computeIfAbsent(OVERFLOW_NAME, n -> new MetricRecorder(script, n, kind));
    }
    return byName.computeIfAbsent(name, n -> {
      count.incrementAndGet();
      return new MetricRecorder(script, n, kind);
    });
  }

  /**
   * Takes everything recorded since the previous drain as interval records.
   *
   * @param startMs the interval's start, epoch ms
   * @param lengthMs the interval's length
   * @return one record per name that saw activity
   */
  public synchronized List<IntervalRecord> drain(long startMs, long lengthMs) {
    List<IntervalRecord> out = new ArrayList<>();
    for (Map<String, MetricRecorder> byName : http.values()) {
      for (MetricRecorder r : byName.values()) {
        r.drainInto(out, runId, region, agentId, startMs, lengthMs, scratch);
      }
    }
    for (MetricRecorder r : iterations.values()) {
      r.drainInto(out, runId, region, agentId, startMs, lengthMs, scratch);
    }
    for (MetricRecorder r : schedules.values()) {
      r.drainInto(out, runId, region, agentId, startMs, lengthMs, scratch);
    }
    for (Map<String, MetricRecorder> byName : retries.values()) {
      for (MetricRecorder r : byName.values()) {
        r.drainInto(out, runId, region, agentId, startMs, lengthMs, scratch);
      }
    }
    for (MetricRecorder r : teardowns.values()) {
      r.drainInto(out, runId, region, agentId, startMs, lengthMs, scratch);
    }
    for (Map<String, Map<String, MetricRecorder>> byScript : custom.values()) {
      for (Map<String, MetricRecorder> byName : byScript.values()) {
        for (MetricRecorder r : byName.values()) {
          r.drainInto(out, runId, region, agentId, startMs, lengthMs, scratch);
        }
      }
    }
    return out;
  }
}
