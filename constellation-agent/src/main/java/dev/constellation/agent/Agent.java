package dev.constellation.agent;

import dev.constellation.agent.runtime.Threads;
import dev.constellation.agent.runtime.Console;
import dev.constellation.agent.http.HttpEngine;
import dev.constellation.agent.http.InstrumentedHttp;
import dev.constellation.agent.http.RequestNames;
import dev.constellation.agent.record.MetricRecorder;
import dev.constellation.agent.record.Recording;
import dev.constellation.agent.record.VuMetrics;
import dev.constellation.agent.feed.FeederException;
import dev.constellation.agent.feed.FeederSource;
import dev.constellation.agent.feed.Feeds;
import dev.constellation.api.FeederExhaustedException;
import dev.constellation.agent.results.Counts;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.agent.script.ScriptException;
import dev.constellation.agent.script.VirtualUserInstance;
import dev.constellation.api.HttpFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Runs one agent's virtual users. Closed model: every VU loops its iteration back to back from
 * the start until the duration has passed; with stages, VU i runs only while the ramp's current
 * count is above i (a retiring VU finishes its iteration first). Open model ({@code rate}): iterations start when the
 * arrival schedule says, each on an idle VU, the VU count being the cap; every request of an
 * iteration records its service time plus the iteration's lateness (actual start minus when it
 * was due), see {@link InstrumentedHttp#iterationLateness(long)}. In both, a running iteration may finish within
 * the graceful stop, after which it is interrupted and counted. Records leave through the sink
 * at every flush interval, and once more at the end.
 */
public final class Agent {

  private final AgentConfig config;
  private final List<ScriptDefinition> scripts;
  private final HttpEngine engine;
  private final ResultsSink sink;
  private final StartGate gate;
  private final Recording recording;
  private final StopSignal stop = new StopSignal();
  /** Set when a unique feeder with {@code END_RUN} ran out: the agent ends its load as at the end of its duration. */
  private volatile boolean feederEnded;
  /** VUs that stopped because a unique feeder with {@code STOP_VU} ran out. */
  private final java.util.concurrent.atomic.AtomicInteger vusStoppedByFeeders = new java.util.concurrent.atomic.AtomicInteger();
  private Feeds feeds = Feeds.none();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicReference<IOException> sinkFailure = new AtomicReference<>();
  private final List<Thread> vuThreads = new ArrayList<>();
  private volatile boolean stopRequested;
  private final boolean open;
  private final Ramp ramp;
  private final Object rampMonitor = new Object();
  private final SelfCheck selfCheck;
  private volatile int activeVus;
  private final Map<String, Queue<VirtualUserLoop>> idle = new HashMap<>();
  private volatile LongConsumer generatorHook = k -> {};

  /**
   * Prepares an agent.
   *
   * @param config the validated configuration
   * @param scripts the scripts, at least one
   * @param engine the HTTP transport
   * @param sink where records go
   * @param gate when load starts
   */
  public Agent(AgentConfig config, List<ScriptDefinition> scripts, HttpEngine engine, ResultsSink sink, StartGate gate) {
    this.config = config;
    this.scripts = List.copyOf(scripts);
    this.engine = engine;
    this.sink = sink;
    this.gate = gate;
    this.recording = new Recording(config.runId(), config.region(), config.agentId(), config.maxRequestNames(),
        !config.rate().isEmpty(), engine.measuresConnections());
    this.open = !config.rate().isEmpty();
    this.selfCheck = new SelfCheck(config.agentId());
    this.ramp = config.stages().isEmpty() ? null : Ramp.parse(config.stages(), "VUs");
    this.activeVus = ramp == null ? Integer.MAX_VALUE : 0;
    for (ScriptDefinition script : this.scripts) {
      idle.put(script.name(), new ConcurrentLinkedQueue<>());
    }
  }

  /**
   * How many VUs each script gets: split by weight, largest remainders first, in script order.
   *
   * @param vus all VUs of the agent
   * @param scripts the scripts
   * @return VUs per script, same order
   */
  public static int[] split(int vus, List<ScriptDefinition> scripts) {
    int total = scripts.stream().mapToInt(ScriptDefinition::weight).sum();
    int[] out = new int[scripts.size()];
    double[] remainder = new double[scripts.size()];
    int given = 0;
    for (int i = 0; i < out.length; i++) {
      double exact = (double) vus * scripts.get(i).weight() / total;
      out[i] = (int) Math.floor(exact);
      remainder[i] = exact - out[i];
      given += out[i];
    }
    while (given < vus) {
      int best = 0;
      for (int i = 1; i < out.length; i++) {
        if (remainder[i] > remainder[best]) {
          best = i;
        }
      }
      out[best]++;
      remainder[best] = -1;
      given++;
    }
    return out;
  }

  /**
   * Runs the whole test: creates and sets up every VU, waits for the start, runs, flushes.
   *
   * @return what this agent did
   * @throws ScriptException when a script's constructor or setup fails (before any load)
   * @throws StartGate.AbortedException when the run was aborted before it started
   * @throws InterruptedException when interrupted while waiting
   * @throws IOException when the results could not be stored
   */
  public AgentResult run() throws InterruptedException, IOException {
    try {
      return runVirtualUsers();
    } finally {
      finished.countDown();
    }
  }

  private AgentResult runVirtualUsers() throws InterruptedException, IOException {
    Map<Class<?>, String> scriptClasses = new java.util.LinkedHashMap<>();
    scripts.forEach(d -> scriptClasses.put(d.type(), d.name()));
    try {
      ClassLoader loader = scripts.isEmpty() ? getClass().getClassLoader() : scripts.get(0).type().getClassLoader();
      feeds = Feeds.load(scriptClasses, loader, config.feedShare(), config.runId(), config.region(), config.agentIndex());
    } catch (FeederException e) {
      throw new ScriptException(e.getMessage(), e);
    }
    for (FeederSource f : feeds.all()) {
      Console.info("feeder " + f.name() + ": " + f.rows() + " rows, " + f.declaration().strategy().name().toLowerCase(java.util.Locale.ROOT)
          + (f.declaration().strategy() == dev.constellation.api.Feeder.Strategy.UNIQUE ? ", this agent's share " + f.shareRows() + " rows" : ""));
    }
    try {
      return runVirtualUsersWithFeeds();
    } finally {
      feeds.close();
    }
  }

  private AgentResult runVirtualUsersWithFeeds() throws InterruptedException, IOException {
    int vuCount = config.vuCount();
    int[] perScript = split(vuCount, scripts);
    CountDownLatch ready = new CountDownLatch(vuCount);
    CountDownLatch go = new CountDownLatch(1);
    AtomicReference<Throwable> setupFailure = new AtomicReference<>();
    ThreadFactory factory = Threads.vuFactory("vu-");
    int vuIndex = 0;
    for (int s = 0; s < scripts.size(); s++) {
      for (int k = 0; k < perScript[s]; k++) {
        VirtualUserLoop loop = new VirtualUserLoop(scripts.get(s), vuIndex++, ready, go, setupFailure);
        Thread t = factory.newThread(loop);
        vuThreads.add(t);
        t.start();
      }
    }
    while (!ready.await(100, TimeUnit.MILLISECONDS)) {
      if (setupFailure.get() != null || stopRequested) {
        break;
      }
    }
    Throwable failed = setupFailure.get();
    if (failed != null || stopRequested) {
      stop.stop();
      go.countDown();
      joinAll(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
      if (failed instanceof ScriptException se) {
        throw se;
      }
      if (failed != null) {
        throw new ScriptException("setting up virtual users failed: " + failed, failed);
      }
      long now = System.currentTimeMillis();
      return result(now, now, now);
    }

    long startAt;
    try {
      startAt = gate.awaitStart();
    } catch (RuntimeException | InterruptedException e) {
      stop.stop();
      go.countDown();
      joinAll(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
      throw e;
    }
    Flusher flusher = new Flusher(startAt);
    Thread flushThread = new Thread(flusher, "constellation-flush");
    flushThread.setDaemon(true);
    flushThread.start();
    recording.started();
    long startNanos = System.nanoTime();
    go.countDown();

    long plannedLoadMs;
    if (open) {
      plannedLoadMs = config.duration().toMillis();
      runSchedule(ArrivalSchedule.parse(config.rate(), config.duration()), startNanos);
    } else if (ramp != null) {
      plannedLoadMs = ramp.duration().toMillis();
      runRamp(startNanos);
    } else {
      plannedLoadMs = config.duration().toMillis();
      long deadline = startAt + plannedLoadMs;
      while (!stopRequested && !feederEnded) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          break;
        }
        stop.awaitFor(java.time.Duration.ofMillis(Math.min(left, 200)));
      }
    }
    // the load ran its planned course unless something ended it early: a feeder (END_RUN, or every
    // VU stopped by STOP_VU) or a stop request (SIGTERM, the lifetime bound)
    long loadEndAt = feederEnded || stopRequested ? Math.min(System.currentTimeMillis(), startAt + plannedLoadMs)
        : startAt + plannedLoadMs;
    stop.stop();
    long graceEnd = System.nanoTime() + (stopRequested ? Math.min(config.gracefulStop().toNanos(), TimeUnit.SECONDS.toNanos(5))
        : config.gracefulStop().toNanos());
    joinAll(graceEnd);
    for (Thread t : vuThreads) {
      if (t.isAlive()) {
        t.interrupt();
      }
    }
    joinAll(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    long end = System.currentTimeMillis();
    flusher.finish();
    flushThread.join(TimeUnit.SECONDS.toMillis(10));
    flusher.flushOnce(end);
    sink.close();
    IOException sinkError = sinkFailure.get();
    if (sinkError != null) {
      throw sinkError;
    }
    return result(startAt, loadEndAt, end);
  }

  private AgentResult result(long startAt, long loadEndAt, long end) {
    Counts c = flushed.get();
    return new AgentResult(config.agentId(), startAt, loadEndAt, end, recording.firstRequestAt(), c.requests(), c.requestFailures(),
        c.iterations(), c.iterationFailures(), c.interrupted(), c.started(), c.dropped(), c.late(), c.teardownFailures(),
        Math.round(selfCheck.maxCpu() * 100), selfCheck.maxLagMs(), selfCheck.saturatedSeconds(),
        percent(selfCheck.maxMachineCpu()), percent(selfCheck.maxSteal()), selfCheck.cause().key());
  }

  private static long percent(double share) {
    return share < 0 ? -1 : Math.round(share * 100);
  }

  /**
   * For tests: runs on the generator's thread before arrival {@code k} (from 0) is handed to a VU,
   * e.g. to stall the generator as a long GC pause or a starved CPU would.
   *
   * @param hook called with the arrival's number
   */
  void beforeEachArrival(LongConsumer hook) {
    this.generatorHook = hook;
  }

  /**
   * Open model: starts each iteration when the schedule says, on an idle VU of the script whose
   * turn it is (smooth weighted round robin); with every VU of that script busy, the iteration is
   * dropped and counted. The VU records how late it actually started (its lateness), which every
   * request of the iteration carries. Runs on the calling thread until the schedule ends or a stop.
   */
  private void runSchedule(ArrivalSchedule schedule, long startNanos) {
    int n = scripts.size();
    int total = scripts.stream().mapToInt(ScriptDefinition::weight).sum();
    int[] current = new int[n];
    for (long k = 0; !stopRequested && !feederEnded; k++) {
      long offset = schedule.offsetNanos(k);
      if (offset < 0) {
        break;
      }
      long due = startNanos + offset;
      for (long wait = due - System.nanoTime(); wait > 0 && !stopRequested && !feederEnded; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(Math.min(wait, 50_000_000L));
      }
      generatorHook.accept(k);
      int pick = 0;
      for (int i = 0; i < n; i++) {
        current[i] += scripts.get(i).weight();
        if (current[i] > current[pick]) {
          pick = i;
        }
      }
      current[pick] -= total;
      ScriptDefinition script = scripts.get(pick);
      VirtualUserLoop vu = idle.get(script.name()).poll();
      if (vu == null) {
        recording.schedule(script.name()).recordDropped();
        continue;
      }
      vu.tasks.offer(due);
    }
  }

  /** Closed model with stages: moves the number of active VUs along the ramp until its end or a stop. */
  private void runRamp(long startNanos) {
    long end = startNanos + ramp.duration().toNanos();
    while (!stopRequested && !feederEnded && System.nanoTime() < end) {
      int target = (int) Math.round(ramp.valueAt(System.nanoTime() - startNanos));
      if (target != activeVus) {
        synchronized (rampMonitor) {
          activeVus = target;
          rampMonitor.notifyAll();
        }
      }
      LockSupport.parkNanos(Math.min(50_000_000L, Math.max(1, end - System.nanoTime())));
    }
  }

  /** Blocks a VU above the ramp's current count until it is needed again; false when the run stops meanwhile. */
  private boolean awaitActive(int index) {
    synchronized (rampMonitor) {
      while (index >= activeVus && !stop.stopped()) {
        try {
          rampMonitor.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return !stop.stopped();
  }

  private void joinAll(long untilNanos) throws InterruptedException {
    for (Thread t : vuThreads) {
      long left = untilNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }
  }

  /**
   * Asks the agent to stop early (SIGTERM): no new iterations, a short grace, a final flush.
   * Waits until the agent has flushed, for at most the given time.
   *
   * @param waitMillis how long to wait for the final flush
   * @return true when the agent finished within the time
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean stopAndWait(long waitMillis) throws InterruptedException {
    stopRequested = true;
    stop.stop();
    return finished.await(waitMillis, TimeUnit.MILLISECONDS);
  }

  /** The counts of every record flushed so far: the agent's account, by the same definition as the report's. */
  private final AtomicReference<Counts> flushed = new AtomicReference<>(Counts.NONE);

  /** Drains the recording at each interval boundary and writes through the sink. */
  private final class Flusher implements Runnable {
    private final List<IntervalRecord> pending = new ArrayList<>();
    private final Counts.Tally tally = new Counts.Tally();
    private long intervalStart;
    private long lastWrite;
    private volatile boolean done;

    Flusher(long startAt) {
      this.intervalStart = startAt;
      this.lastWrite = startAt;
    }

    @Override
    public void run() {
      while (!done) {
        long now = System.currentTimeMillis();
        long next = (now / 1000 + 1) * 1000;
        try {
          Thread.sleep(Math.max(1, next - now));
        } catch (InterruptedException e) {
          return;
        }
        if (done) {
          return;
        }
        long woke = System.currentTimeMillis();
        selfCheck.sample(Math.max(0, woke - next));
        flushOnce(woke);
      }
    }

    void finish() {
      done = true;
    }

    synchronized void flushOnce(long now) {
      long boundary = Math.max(intervalStart, now);
      List<IntervalRecord> records = recording.drain(intervalStart, boundary - intervalStart);
      intervalStart = boundary;
      for (IntervalRecord r : records) {
        tally.add(r);
      }
      flushed.set(tally.counts());
      pending.addAll(records);
      if (pending.isEmpty() || (now - lastWrite < config.flushInterval().toMillis() && !done)) {
        return;
      }
      try {
        sink.write(List.copyOf(pending));
        pending.clear();
        lastWrite = now;
      } catch (IOException e) {
        sinkFailure.compareAndSet(null, e);
        Console.warn("results could not be written (" + e.getMessage() + "); they are kept and retried at the next flush");
      }
    }
  }

  /** One virtual user: set up, wait for the start, loop until stopped, tear down. */
  private final class VirtualUserLoop implements Runnable {
    private final ScriptDefinition script;
    private final int index;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private final AtomicReference<Throwable> setupFailure;
    private final BlockingQueue<Long> tasks = new ArrayBlockingQueue<>(1);

    VirtualUserLoop(ScriptDefinition script, int index, CountDownLatch ready, CountDownLatch go, AtomicReference<Throwable> setupFailure) {
      this.script = script;
      this.index = index;
      this.ready = ready;
      this.go = go;
      this.setupFailure = setupFailure;
    }

    @Override
    public void run() {
      VuContextImpl context = new VuContextImpl(config, index, stop);
      InstrumentedHttp http = new InstrumentedHttp(engine, recording, script.name(), config.baseUrl(), config.requestTimeout(),
          config.httpOptions());
      context.attach(new VuMetrics(recording, script.name(), http::failedRequests), feeds.forVu(script.type(), script.name(), index, recording));
      VirtualUserInstance vu;
      MetricRecorder iterations;
      try {
        vu = VirtualUserInstance.create(script, http, context);
        vu.before();
        // Everything the first iteration touches is loaded now, not after the start signal.
        iterations = recording.iterations(script.name());
        RequestNames.defaultName("GET", "/warm-up/1");
      } catch (Throwable t) {
        setupFailure.compareAndSet(null, t);
        ready.countDown();
        return;
      }
      if (open) {
        idle.get(script.name()).offer(this);
      }
      ready.countDown();
      try {
        go.await();
      } catch (InterruptedException e) {
        return;
      }
      boolean stillRunning = open ? runScheduled(vu, context, http, iterations) : runBackToBack(vu, context, http, iterations);
      if (!stillRunning) {
        return;
      }
      if (!Thread.currentThread().isInterrupted()) {
        Throwable t = vu.after();
        if (t != null) {
          recording.teardowns(script.name()).recordFailure(1, -1, failureType(t), failureMessage(t));
        }
      }
    }

    /** Closed model: iterations back to back until the stop; false when interrupted. */
    private boolean runBackToBack(VirtualUserInstance vu, VuContextImpl context, InstrumentedHttp http, MetricRecorder iterations) {
      long i = 0;
      while (!stop.stopped()) {
        if (index >= activeVus && !awaitActive(index)) {
          return !Thread.currentThread().isInterrupted();
        }
        context.iteration(i++);
        http.iterationStarting();
        int outcome = iterate(vu, iterations);
        if (outcome == INTERRUPTED) {
          return false;
        }
        if (outcome == VU_DONE) {
          return true;
        }
      }
      return true;
    }

    /** Open model: waits for the scheduler to hand it an iteration due at a given time; false when interrupted. */
    private boolean runScheduled(VirtualUserInstance vu, VuContextImpl context, InstrumentedHttp http, MetricRecorder iterations) {
      MetricRecorder starts = recording.schedule(script.name());
      long i = 0;
      while (true) {
        // An iteration handed over just before the stop still runs: it was started on the schedule.
        boolean stopping = stop.stopped();
        Long due;
        try {
          due = stopping ? tasks.poll() : tasks.poll(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return false;
        }
        if (due == null) {
          if (stopping) {
            break;
          }
          continue;
        }
        long lateness = Math.max(0, System.nanoTime() - due);
        starts.recordStart(lateness / 1000);
        context.iteration(i++);
        http.iterationStarting();
        http.iterationLateness(lateness);
        int outcome = iterate(vu, iterations);
        http.iterationLateness(0);
        if (outcome == INTERRUPTED) {
          return false;
        }
        if (outcome == VU_DONE) {
          return true;
        }
        idle.get(script.name()).offer(this);
      }
      return true;
    }

    /**
     * One iteration, recorded: {@link #NEXT}, {@link #INTERRUPTED} (at the end of the graceful stop)
     * or {@link #VU_DONE} (a unique feeder ran out and stops this VU or the agent's run; the
     * iteration is abandoned and not counted).
     */
    private int iterate(VirtualUserInstance vu, MetricRecorder iterations) {
      long t0 = System.nanoTime();
      try {
        vu.iterate();
        iterations.recordSuccess((System.nanoTime() - t0) / 1000);
        return NEXT;
      } catch (FeederExhaustedException e) {
        if (e.whenExhausted() == dev.constellation.api.Feeder.WhenExhausted.STOP_VU) {
          if (vusStoppedByFeeders.incrementAndGet() >= config.vuCount() && !feederEnded) {
            // nothing is left to run: end the agent's load now rather than idle until the duration ends
            feederEnded = true;
            Console.info(e.getMessage() + "; every VU has stopped, so this agent ends its run");
            stop.stop();
          }
          return VU_DONE;
        }
        if (e.whenExhausted() == dev.constellation.api.Feeder.WhenExhausted.END_RUN) {
          if (!feederEnded) {
            feederEnded = true;
            Console.info(e.getMessage() + ": this agent ends its run");
          }
          stop.stop();
          return VU_DONE;
        }
        iterations.recordFailure((System.nanoTime() - t0) / 1000, -1, failureType(e), failureMessage(e));
        return NEXT;
      } catch (Throwable t) {
        if (Thread.currentThread().isInterrupted() || t instanceof InterruptedException
            || (t instanceof HttpFailure f && "interrupted".equals(f.errorType()))) {
          iterations.recordFailure((System.nanoTime() - t0) / 1000, "interrupted");
          return INTERRUPTED;
        }
        long micros = (System.nanoTime() - t0) / 1000;
        iterations.recordFailure(micros, -1, failureType(t), failureMessage(t));
        return NEXT;
      }
    }
  }

  private static final int NEXT = 0;
  private static final int INTERRUPTED = 1;
  private static final int VU_DONE = 2;

  /** What a failed iteration's message is counted as: the exception's simple class name and message. */
  static String failureMessage(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  static String failureType(Throwable t) {
    if (t instanceof HttpFailure f) {
      return f.errorType();
    }
    return t.getClass().getSimpleName();
  }
}
