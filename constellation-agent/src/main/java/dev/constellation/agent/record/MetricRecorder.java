package dev.constellation.agent.record;

import dev.constellation.agent.results.IntervalRecord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Records one request name (or one script's iterations): a latency histogram, counts by status
 * and error type, bytes. Many VU threads write; one flushing thread reads an interval at a time.
 *
 * <p>Writes go to one of a few <em>stripes</em>, each a plain {@link Histogram} with counters
 * behind a spin lock held for a few nanoseconds. A writer takes the stripe its thread hashes to,
 * or the next free one; stripes are added (up to twice the processor count) only when every
 * stripe was busy, so a name recorded by one thread at a time has one stripe, and threads on
 * different cores stop sharing cache lines instead of queueing on them. The flusher swaps each
 * stripe's histogram for an empty one under the same lock and adds them up: no count is lost or
 * counted twice. Histograms grow with the largest value they have seen (a request taking 20 ms
 * needs about 50 KB, one taking a minute about 140 KB), so memory per name stays small.
 */
public final class MetricRecorder {

  private static final int MAX_STATUS = 600;
  /** The most stripes one name gets: twice the processors, a power of two, at most 32. */
  static final int MAX_STRIPES = Math.min(32, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1));
  private static final VarHandle LOCK;
  private static final VarHandle CONNECTIONS_LOCK;

  static {
    try {
      LOCK = MethodHandles.lookup().findVarHandle(Stripe.class, "lock", int.class);
      CONNECTIONS_LOCK = MethodHandles.lookup().findVarHandle(Connections.class, "lock", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String script;
  private final String name;
  private final String kind;
  private final boolean serviceTimes;
  /** Whether records carry connection times (http records of an engine that measures them). */
  private final boolean connectionTimes;
  /** Connect and handshake times, made on the first new connection; one per name (new connections are rare next to requests). */
  volatile Connections connections;
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final FailureMessages messages = new FailureMessages();
  private volatile Stripe[] stripes;

  MetricRecorder(String script, String name, String kind, boolean serviceTimes) {
    this(script, name, kind, serviceTimes, false);
  }

  MetricRecorder(String script, String name, String kind, boolean serviceTimes, boolean connectionTimes) {
    this.script = script;
    this.name = name;
    this.kind = kind;
    this.serviceTimes = serviceTimes;
    this.connectionTimes = connectionTimes;
    this.stripes = new Stripe[] {new Stripe(serviceTimes)};
  }

  MetricRecorder(String script, String name, String kind) {
    this(script, name, kind, false);
  }

  /** The request name (or script name) this recorder records. */
  public String name() {
    return name;
  }

  /** How many stripes this name has now (tests and benchmarks). */
  int stripeCount() {
    return stripes.length;
  }

  /**
   * Records a request's service time, from the actual send, beside its latency (the service time
   * plus the iteration's start lateness, open model). Ignored by recorders that keep no service times.
   *
   * @param micros service time in microseconds
   */
  public void recordService(long micros) {
    if (!serviceTimes) {
      return;
    }
    Stripe s = acquire();
    try {
      s.service.recordValue(clamp(micros));
    } finally {
      s.release();
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
    recordResponse(micros, -1, status, bodyBytes);
  }

  /**
   * Records a request that got a response, with its service time (kept only by recorders that keep
   * service times, see {@link #recordService}).
   *
   * @param micros latency in microseconds
   * @param serviceMicros service time in microseconds, or -1 for none
   * @param status the HTTP status
   * @param bodyBytes bytes received
   */
  public void recordResponse(long micros, long serviceMicros, int status, long bodyBytes) {
    recordResponse(micros, serviceMicros, status, bodyBytes, -1, -1, false);
  }

  /**
   * Records a request that got a response, with its service time and the connection it opened.
   *
   * @param micros latency in microseconds
   * @param serviceMicros service time in microseconds, or -1 for none
   * @param status the HTTP status
   * @param bodyBytes bytes received
   * @param connectMicros the TCP connect time of the connection the request opened, in microseconds;
   *     -1 when it opened none (a pooled connection was reused) or the engine does not measure it
   * @param tlsMicros the TLS handshake time of that connection in microseconds, or -1 for none
   * @param tlsResumed whether that handshake resumed an earlier session
   */
  public void recordResponse(long micros, long serviceMicros, int status, long bodyBytes, long connectMicros, long tlsMicros,
      boolean tlsResumed) {
    if (connectMicros >= 0) {
      recordConnection(connectMicros, tlsMicros, tlsResumed);
    }
    Stripe s = acquire();
    try {
      s.latency.recordValue(clamp(micros));
      if (serviceMicros >= 0 && serviceTimes) {
        s.service.recordValue(clamp(serviceMicros));
      }
      if (status >= 0 && status < MAX_STATUS) {
        s.statuses[status]++;
        s.anyStatus = true;
      }
      if (status >= 400) {
        s.failures++;
      }
      s.bytes += bodyBytes;
    } finally {
      s.release();
    }
  }

  /**
   * Records a success (iterations).
   *
   * @param micros duration in microseconds
   */
  public void recordSuccess(long micros) {
    Stripe s = acquire();
    try {
      s.latency.recordValue(clamp(micros));
    } finally {
      s.release();
    }
  }

  /**
   * Records a failure with no response (requests) or a thrown iteration.
   *
   * @param micros time until the failure, in microseconds
   * @param errorType the error type it is counted under
   */
  public void recordFailure(long micros, String errorType) {
    recordFailure(micros, -1, errorType);
  }

  /**
   * Records a request that failed with no response, with its service time.
   *
   * @param micros time until the failure, in microseconds
   * @param serviceMicros service time in microseconds, or -1 for none
   * @param errorType the error type it is counted under
   */
  public void recordFailure(long micros, long serviceMicros, String errorType) {
    recordFailure(micros, serviceMicros, errorType, null);
  }

  /**
   * Records a failure with its message, kept folded and bounded ({@link FailureMessages}).
   *
   * @param micros time until the failure, in microseconds
   * @param serviceMicros service time in microseconds, or -1 for none
   * @param errorType the error type it is counted under
   * @param message why it failed; null records no message
   */
  public void recordFailure(long micros, long serviceMicros, String errorType, String message) {
    recordFailure(micros, serviceMicros, errorType, message, -1, -1, false);
  }

  /**
   * Records a request that failed with no response, with the connection it opened (see
   * {@link #recordResponse(long, long, int, long, long, long, boolean)}).
   *
   * @param micros time until the failure, in microseconds
   * @param serviceMicros service time in microseconds, or -1 for none
   * @param errorType the error type it is counted under
   * @param message why it failed; null records no message
   * @param connectMicros the TCP connect time of the connection the request opened, or -1 for none
   * @param tlsMicros the TLS handshake time of that connection, or -1 for none (also when it failed)
   * @param tlsResumed whether that handshake resumed an earlier session
   */
  public void recordFailure(long micros, long serviceMicros, String errorType, String message, long connectMicros, long tlsMicros,
      boolean tlsResumed) {
    if (connectMicros >= 0) {
      recordConnection(connectMicros, tlsMicros, tlsResumed);
    }
    if (message != null) {
      messages.add(message);
    }
    LongAdder errorCount = errors.computeIfAbsent(errorType, k -> new LongAdder());
    Stripe s = acquire();
    try {
      s.latency.recordValue(clamp(micros));
      if (serviceMicros >= 0 && serviceTimes) {
        s.service.recordValue(clamp(serviceMicros));
      }
      s.failures++;
      errorCount.increment();
    } finally {
      s.release();
    }
  }

  /**
   * Records a scheduled iteration that started (open model).
   *
   * @param lagMicros how long after it was due it started
   */
  public void recordStart(long lagMicros) {
    LongAdder late = lagMicros > IntervalRecord.LATE_MICROS ? errors.computeIfAbsent("late", k -> new LongAdder()) : null;
    Stripe s = acquire();
    try {
      s.latency.recordValue(clamp(lagMicros));
      if (late != null) {
        late.increment();
      }
    } finally {
      s.release();
    }
  }

  /** Records a scheduled iteration that could not start because every VU was busy (open model). */
  public void recordDropped() {
    LongAdder dropped = errors.computeIfAbsent("dropped", k -> new LongAdder());
    Stripe s = acquire();
    try {
      s.failures++;
      dropped.increment();
    } finally {
      s.release();
    }
  }

  /**
   * Records one value of a custom trend, as it is (0 allowed), capped at
   * {@link IntervalRecord#HIGHEST_TRACKABLE_MICROS}.
   *
   * @param value the value, 0 or more
   */
  public void recordValue(long value) {
    Stripe s = acquire();
    try {
      s.latency.recordValue(Math.min(Math.max(0, value), IntervalRecord.HIGHEST_TRACKABLE_MICROS));
    } finally {
      s.release();
    }
  }

  /**
   * Adds to the record's count without a histogram value: a custom counter's amount, or a row a
   * feeder handed out.
   *
   * @param amount how much to add
   */
  public void add(long amount) {
    Stripe s = acquire();
    try {
      s.count += amount;
    } finally {
      s.release();
    }
  }

  /**
   * Records one evaluation of a check: counted, and a failure when it did not pass.
   *
   * @param passed whether it passed
   * @param message why it failed (kept folded and bounded); null for none
   */
  public void recordCheck(boolean passed, String message) {
    if (!passed && message != null) {
      messages.add(message);
    }
    Stripe s = acquire();
    try {
      s.count++;
      if (!passed) {
        s.failures++;
      }
    } finally {
      s.release();
    }
  }

  /**
   * Records a failure that is not one of the counted events (a feeder found exhausted): failures
   * and the error type go up, the count does not.
   *
   * @param errorType the error type
   */
  public void recordUncountedFailure(String errorType) {
    LongAdder errorCount = errors.computeIfAbsent(errorType, k -> new LongAdder());
    Stripe s = acquire();
    try {
      s.failures++;
      errorCount.increment();
    } finally {
      s.release();
    }
  }

  /**
   * Records one new connection: its connect time, and its handshake time when it is TLS. Only
   * requests that opened a connection get here, so the request path of a reused connection pays
   * one comparison and nothing else.
   */
  private void recordConnection(long connectMicros, long tlsMicros, boolean tlsResumed) {
    if (!connectionTimes) {
      return;
    }
    Connections c = connections;
    if (c == null) {
      c = newConnections();
    }
    c.lock();
    try {
      c.connect.recordValue(clamp(connectMicros));
      c.opened++;
      if (tlsMicros >= 0) {
        c.tls.recordValue(clamp(tlsMicros));
        if (tlsResumed) {
          c.resumed++;
        }
      }
    } finally {
      c.release();
    }
  }

  private synchronized Connections newConnections() {
    Connections c = connections;
    if (c == null) {
      c = new Connections();
      connections = c;
    }
    return c;
  }

  private static long clamp(long micros) {
    if (micros < 1) {
      return 1;
    }
    return Math.min(micros, IntervalRecord.HIGHEST_TRACKABLE_MICROS);
  }

  /** A free stripe, locked: the thread's own one if free, else the next free one, else a new one. */
  Stripe acquire() {
    int h = System.identityHashCode(Thread.currentThread()) * 0x9E3779B9;
    h ^= h >>> 16;
    Stripe[] ss = stripes;
    for (int round = 0; ; round++) {
      int n = ss.length;
      for (int i = 0; i < n; i++) {
        Stripe s = ss[(h + i) & (n - 1)];
        if (s.tryLock()) {
          return s;
        }
      }
      if (n < MAX_STRIPES) {
        ss = grow(ss);
      } else {
        if (round < 100) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
        ss = stripes;
      }
    }
  }

  /** Doubles the stripes unless another writer already changed them since {@code seen} was read: then returns theirs. */
  synchronized Stripe[] grow(Stripe[] seen) {
    Stripe[] now = stripes;
    if (now != seen) {
      return now;
    }
    Stripe[] more = Arrays.copyOf(now, now.length * 2);
    for (int i = now.length; i < more.length; i++) {
      more[i] = new Stripe(serviceTimes);
    }
    stripes = more;
    return more;
  }

  /**
   * Adds what was recorded since the last call to {@code out}. Flushing thread only.
   *
   * @param scratch the flusher's histograms, shared by every recorder it drains
   */
  void drainInto(List<IntervalRecord> out, String runId, String region, String agentId, long startMs, long lengthMs, Scratch scratch) {
    Stripe[] ss = stripes;
    long[] status = null;
    long failed = 0;
    long received = 0;
    long counted = 0;
    Histogram latency = scratch.sum;
    Histogram service = scratch.sumService;
    latency.reset();
    service.reset();
    for (Stripe s : ss) {
      Histogram l = scratch.spare;
      Histogram sv = serviceTimes ? scratch.spareService : null;
      s.lockForDrain();
      try {
        Histogram took = s.latency;
        s.latency = l;
        l = took;
        if (serviceTimes) {
          took = s.service;
          s.service = sv;
          sv = took;
        }
        if (s.anyStatus) {
          if (status == null) {
            status = new long[MAX_STATUS];
          }
          long[] st = s.statuses;
          for (int i = 0; i < MAX_STATUS; i++) {
            if (st[i] != 0) {
              status[i] += st[i];
              st[i] = 0;
            }
          }
          s.anyStatus = false;
        }
        failed += s.failures;
        s.failures = 0;
        received += s.bytes;
        s.bytes = 0;
        counted += s.count;
        s.count = 0;
      } finally {
        s.release();
      }
      // What was taken is the flusher's alone now: add it up, empty it, and keep it for the next swap.
      if (l.getTotalCount() > 0) {
        latency.add(l);
        l.reset();
      }
      scratch.spare = l;
      if (sv != null) {
        if (sv.getTotalCount() > 0) {
          service.add(sv);
          sv.reset();
        }
        scratch.spareService = sv;
      }
    }
    Map<String, Long> statusCounts = new TreeMap<>();
    if (status != null) {
      for (int i = 0; i < MAX_STATUS; i++) {
        if (status[i] != 0) {
          statusCounts.put(Integer.toString(i), status[i]);
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
    long count = latency.getTotalCount() + counted;
    Map<String, Long> why = messages.drain();
    IntervalRecord.Connections opened = connectionTimes ? drainConnections(scratch) : null;
    if (count != 0 || !statusCounts.isEmpty() || !errs.isEmpty() || failed != 0 || (opened != null && opened.opened() != 0)) {
      out.add(new IntervalRecord(IntervalRecord.FORMAT_VERSION, runId, region, agentId, script, name, kind,
          startMs, lengthMs, count, failed, statusCounts, errs, received, IntervalRecord.encode(latency), why, opened));
    }
    if (serviceTimes && service.getTotalCount() > 0) {
      out.add(new IntervalRecord(IntervalRecord.FORMAT_VERSION, runId, region, agentId, script, name, IntervalRecord.KIND_SERVICE,
          startMs, lengthMs, service.getTotalCount(), 0, Map.of(), Map.of(), 0, IntervalRecord.encode(service)));
    }
  }

  /** Takes the connections recorded since the last drain: swaps their histograms for the flusher's empty spares. */
  private IntervalRecord.Connections drainConnections(Scratch scratch) {
    Connections c = connections;
    if (c == null) {
      return IntervalRecord.Connections.NONE;
    }
    Histogram connect = scratch.spareConnect;
    Histogram tls = scratch.spareTls;
    long opened;
    long resumed;
    c.lock();
    try {
      Histogram took = c.connect;
      c.connect = connect;
      connect = took;
      took = c.tls;
      c.tls = tls;
      tls = took;
      opened = c.opened;
      c.opened = 0;
      resumed = c.resumed;
      c.resumed = 0;
    } finally {
      c.release();
    }
    IntervalRecord.Connections out = opened == 0 && tls.getTotalCount() == 0 ? IntervalRecord.Connections.NONE
        : new IntervalRecord.Connections(opened, connect.getTotalCount() == 0 ? null : IntervalRecord.encode(connect), resumed,
            tls.getTotalCount() == 0 ? null : IntervalRecord.encode(tls));
    connect.reset();
    tls.reset();
    scratch.spareConnect = connect;
    scratch.spareTls = tls;
    return out;
  }

  /**
   * The flusher's histograms: two empty ones to swap into stripes, and two sums. Swapping moves
   * histograms between names rather than keeping a spare per name, so each name holds one
   * histogram per stripe (and per service time), and only these four carry the encoder's buffers.
   */
  static final class Scratch {
    Histogram spare = newHistogram();
    Histogram spareService = newHistogram();
    Histogram spareConnect = newHistogram();
    Histogram spareTls = newHistogram();
    final Histogram sum = newHistogram();
    final Histogram sumService = newHistogram();
  }

  /** A histogram in microseconds that grows with the largest value recorded (at most {@link IntervalRecord#HIGHEST_TRACKABLE_MICROS}). */
  private static Histogram newHistogram() {
    Histogram h = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
    h.setAutoResize(true);
    return h;
  }

  /** A name's new connections: connect and TLS handshake times and counts, behind a spin lock held for nanoseconds. */
  static final class Connections {
    volatile int lock;
    Histogram connect = newHistogram();
    Histogram tls = newHistogram();
    long opened;
    long resumed;

    void lock() {
      for (int spins = 0; !(lock == 0 && CONNECTIONS_LOCK.compareAndSet(this, 0, 1)); spins++) {
        if (spins < 100) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    void release() {
      CONNECTIONS_LOCK.setRelease(this, 0);
    }
  }

  /** One stripe: a histogram and counters behind a spin lock; padded so two stripes' locks do not share a cache line. */
  static final class Stripe {
    long p1, p2, p3, p4, p5, p6, p7;
    volatile int lock;
    Histogram latency = newHistogram();
    Histogram service;
    final long[] statuses = new long[MAX_STATUS];
    boolean anyStatus;
    long failures;
    long bytes;
    long count;
    long q1, q2, q3, q4, q5, q6, q7;

    Stripe(boolean serviceTimes) {
      service = serviceTimes ? newHistogram() : null;
    }

    boolean tryLock() {
      return lock == 0 && LOCK.compareAndSet(this, 0, 1);
    }

    /** The flusher waits: writers hold a stripe for nanoseconds, and never while blocking. */
    void lockForDrain() {
      for (int spins = 0; !tryLock(); spins++) {
        if (spins < 100) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    void release() {
      LOCK.setRelease(this, 0);
    }
  }
}
