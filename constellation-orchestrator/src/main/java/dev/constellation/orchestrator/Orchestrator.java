package dev.constellation.orchestrator;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The start barrier and run state of a distributed load test, over any {@link RunStateStore}.
 * Agents register ({@link #register}), poll ({@link #init}) and end ({@link #end}); the plugin
 * creates runs ({@link #reset}). The start time is decided exactly once, by whichever caller first
 * sees every expected agent registered; a run whose agents do not all register before its
 * deadline is aborted by the first caller that looks after the deadline; the runner can abort a
 * run at any time ({@link #abort}, the {@code test-abort} action).
 *
 * <p>With {@code cacheStarts}, a {@code STARTED} run is kept in memory and start polls
 * ({@link #initStart}) are answered from it without reading the store: the start time is written
 * once, so the cached answer is right for as long as the run is not aborted or reset, and both of
 * those through this instance drop the entry. (AWS-DEPLOY §2.12: every poll would otherwise be a
 * strongly consistent read of the whole run item.) A poll that read the store before an abort or
 * reset wrote it must not put its stale {@code STARTED} record back after the entry was dropped:
 * every abort and reset bumps a generation after its write, and a poll caches only when the
 * generation is the one it saw before its read.
 *
 * @since 0.1.0
 */
public final class Orchestrator {

  private static final int MAX_ID_LENGTH = 200;
  /** Longest {@code test-abort} reason kept (DynamoDB items stay small). */
  public static final int MAX_REASON_LENGTH = 2000;
  private static final int MAX_CACHED_RUNS = 1024;

  private final RunStateStore store;
  private final Clock clock;
  private final Map<String, RunRecord> started;
  /** Guards {@link #started} and {@link #generation} together. */
  private final Object cacheLock = new Object();
  /** Bumped by every abort and reset (after its write) while the cache is on. */
  private long generation;

  /**
   * An orchestrator over a store.
   *
   * @param store where run state lives
   * @param clock the clock start times and deadlines are read from
   */
  public Orchestrator(RunStateStore store, Clock clock) {
    this(store, clock, false);
  }

  /**
   * An orchestrator over a store, optionally caching started runs (see the type's Javadoc).
   *
   * @param store where run state lives
   * @param clock the clock start times and deadlines are read from
   * @param cacheStarts whether {@link #initStart} answers {@code STARTED} runs from memory (the
   *     Lambda handler does: one cache per container)
   */
  public Orchestrator(RunStateStore store, Clock clock, boolean cacheStarts) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.started = cacheStarts ? (new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, RunRecord> eldest) {
        return size() > MAX_CACHED_RUNS;
      }
    }) : null;
  }

  /**
   * Creates a run, or resets an existing one to {@code WAITING} with no agents.
   *
   * @param setup the run id, agents expected per region, start buffer and registration deadline
   * @return the new run's status
   * @throws OrchestratorException {@code bad-request} when a value is invalid
   */
  public RunStatus reset(RunSetup setup) throws OrchestratorException {
    checkId("runId", setup.runId());
    if (setup.expected().isEmpty()) {
      throw bad("expected is empty for run '" + setup.runId()
          + "'; give at least one region with its agent count, e.g. {\"us-east-1\": 2}");
    }
    for (Map.Entry<String, Integer> e : setup.expected().entrySet()) {
      checkRegion(e.getKey());
      if (e.getValue() == null || e.getValue() < 1) {
        throw bad("expected." + e.getKey() + " is " + e.getValue()
            + "; every region needs at least 1 agent (remove the region to run without it)");
      }
    }
    if (setup.startBufferMs() < 0) {
      throw bad("startBufferMs is " + setup.startBufferMs() + "; use 0 or more milliseconds");
    }
    if (setup.registrationDeadlineMs() <= 0) {
      throw bad("registrationDeadlineMs is " + setup.registrationDeadlineMs()
          + "; use a positive number of milliseconds (default "
          + RunSetup.DEFAULT_REGISTRATION_DEADLINE_MS + ")");
    }
    long now = clock.millis();
    RunRecord fresh = new RunRecord(setup.runId(), setup.expected(), Set.of(), Set.of(), Map.of(),
        RunState.WAITING, 0, now, now + setup.registrationDeadlineMs(), setup.startBufferMs());
    store.put(fresh);
    forget(setup.runId()); // after the write, as abort
    return fresh.toStatus(now);
  }

  /**
   * Registers an agent as ready. Registering again is harmless. When this is the last expected
   * agent, the start time is fixed at now + the run's start buffer.
   *
   * @param runId the run
   * @param region the agent's region, one the run expects agents in
   * @param agentId the agent, unique within its region
   * @return the run's status after the registration; {@code ABORTED} means: send no load
   * @throws OrchestratorException {@code unknown-run}, {@code unknown-region},
   *     {@code agent-not-expected} or {@code bad-request}
   */
  public RunStatus register(String runId, String region, String agentId)
      throws OrchestratorException {
    checkId("runId", runId);
    checkRegion(region);
    checkId("agentId", agentId);
    String member = RunRecord.member(region, agentId);
    long now = clock.millis();
    // The happy path is one conditional write; only a refused one reads the run to say why.
    Optional<RunRecord> after = store.addReady(runId, region, agentId, now);
    RunRecord run = after.isPresent() ? after.get() : load(runId);
    int cap = regionCap(run, region);
    run = settle(run, now);
    if (run.ready().contains(member) || run.state() == RunState.ABORTED) {
      return run.toStatus(clock.millis());
    }
    Set<String> present = new TreeSet<>();
    String prefix = region + "#";
    run.ready().stream().filter(m -> m.startsWith(prefix))
        .forEach(m -> present.add(m.substring(prefix.length())));
    if (present.size() >= cap) {
      throw new OrchestratorException(OrchestratorException.AGENT_NOT_EXPECTED,
          "region '" + region + "' of run '" + runId + "' expects " + cap
              + " agent(s) and already has them all registered " + present + "; agent '" + agentId
              + "' is not expected. Give every agent a distinct agentId and start no more agents"
              + " than expected, or test-reset the run with a larger count for that region");
    }
    // The run changed under us (it was reset); the caller may simply register again.
    throw new OrchestratorException(OrchestratorException.INTERNAL,
        "run '" + runId + "' changed while agent '" + agentId + "' registered (state "
            + run.state() + "); register again");
  }

  /**
   * The start state of a run (the {@code test-init} poll). Also completes a start decision a
   * crashed registrant left undone, and aborts a run whose deadline passed.
   *
   * @param runId the run
   * @return the run's status
   * @throws OrchestratorException {@code unknown-run} or {@code bad-request}
   */
  public RunStatus init(String runId) throws OrchestratorException {
    checkId("runId", runId);
    long seen = generation();
    long now = clock.millis();
    return remember(settle(load(runId), now), seen).toStatus(now);
  }

  /**
   * The start state of a run for an agent waiting for it ({@code test-init} with
   * {@code "view":"start"}). Like {@link #init}, but with {@code cacheStarts} a run seen
   * {@code STARTED} before is answered from memory: state, start time and deadline are exact, the
   * per-region counts are those of when it was cached; the server time is now.
   *
   * @param runId the run
   * @return the run's status
   * @throws OrchestratorException {@code unknown-run} or {@code bad-request}
   */
  public RunStatus initStart(String runId) throws OrchestratorException {
    if (started != null) { // only ids that passed checkId are cached; init checks the others
      RunRecord cached;
      synchronized (cacheLock) {
        cached = started.get(runId);
      }
      if (cached != null) {
        return cached.toStatus(clock.millis());
      }
    }
    return init(runId);
  }

  /**
   * Aborts a run ({@code test-abort}): a {@code WAITING} run becomes {@code ABORTED} and agents
   * waiting for its start stop at their next poll, naming the reason; a {@code STARTED} run is
   * marked {@code ABORTED} too (its start time stays), so later polls and registrations answer
   * {@code ABORTED}. Aborting again changes nothing and answers the run as it is (first reason).
   *
   * @param runId the run
   * @param reason why, shown by every agent that stops for it (at most {@value #MAX_REASON_LENGTH}
   *     characters)
   * @return the run's status after the abort, with {@link RunStatus#abortReason()}
   * @throws OrchestratorException {@code unknown-run} or {@code bad-request}
   */
  public RunStatus abort(String runId, String reason) throws OrchestratorException {
    checkId("runId", runId);
    if (reason == null || reason.isBlank()) {
      throw bad("reason is missing or blank; say why the run is aborted, e.g. \"agent us-east-1/3 exited with"
          + " code 2\"");
    }
    if (reason.length() > MAX_REASON_LENGTH) {
      throw bad("reason is " + reason.length() + " characters long; use at most " + MAX_REASON_LENGTH);
    }
    RunRecord after = store.abort(runId, reason.strip()).orElseThrow(() -> unknownRun(runId));
    forget(runId); // after the write: a poll that read before it must not cache the start
    return after.toStatus(clock.millis());
  }

  private long generation() {
    if (started == null) {
      return 0;
    }
    synchronized (cacheLock) {
      return generation;
    }
  }

  /**
   * Caches a {@code STARTED} run read by a poll, unless an abort or reset finished after the poll
   * took {@code seen} (before its read): that write may be newer than what the poll read.
   */
  private RunRecord remember(RunRecord run, long seen) {
    if (started != null && run.state() == RunState.STARTED) {
      synchronized (cacheLock) {
        if (generation == seen) {
          started.put(run.runId(), run);
        }
      }
    }
    return run;
  }

  /** Drops a run's cached start; called after the store write of an abort or reset. */
  private void forget(String runId) {
    if (started != null) {
      synchronized (cacheLock) {
        generation++;
        started.remove(runId);
      }
    }
  }

  /**
   * Records that an agent finished, with its counters. Ending again is harmless (the summary is
   * replaced). A region is complete when all its expected agents ended; the run when all are.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent, which must have registered
   * @param summary the agent's counters (e.g. {@code requests}, {@code failures}), each at least 0
   * @return the run's status after the end
   * @throws OrchestratorException {@code unknown-run}, {@code unknown-region},
   *     {@code not-registered} or {@code bad-request}
   */
  public RunStatus end(String runId, String region, String agentId, Map<String, Long> summary)
      throws OrchestratorException {
    checkId("runId", runId);
    checkRegion(region);
    checkId("agentId", agentId);
    Map<String, Long> counters = new TreeMap<>();
    for (Map.Entry<String, Long> e : summary.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null || e.getValue() < 0) {
        throw bad("summary." + e.getKey() + " is " + e.getValue()
            + "; summary counters are named, whole numbers of 0 or more");
      }
      counters.put(e.getKey(), e.getValue());
    }
    RunRecord run = load(runId);
    regionCap(run, region);
    long now = clock.millis();
    Optional<RunRecord> after = store.addDone(runId, region, agentId, counters);
    if (after.isEmpty()) {
      RunRecord current = load(runId);
      throw new OrchestratorException(OrchestratorException.NOT_REGISTERED,
          "agent '" + agentId + "' of region '" + region + "' ended run '" + runId
              + "' without having registered (state " + current.state()
              + "); an agent must send agg-record before test-end");
    }
    return settle(after.get(), now).toStatus(now);
  }

  /** Finishes a start decision left undone, or aborts a run past its deadline. */
  private RunRecord settle(RunRecord run, long now) throws OrchestratorException {
    if (run.state() != RunState.WAITING) {
      return run;
    }
    if (run.allReady()) {
      store.tryStart(run.runId(), now + run.startBufferMs());
      return load(run.runId());
    }
    if (now >= run.deadline()) {
      store.tryAbort(run.runId(), now);
      return load(run.runId());
    }
    return run;
  }

  private RunRecord load(String runId) throws OrchestratorException {
    return store.get(runId).orElseThrow(() -> unknownRun(runId));
  }

  private static OrchestratorException unknownRun(String runId) {
    return new OrchestratorException(OrchestratorException.UNKNOWN_RUN,
        "no run '" + runId + "'; create it with test-reset before agents register or poll");
  }

  private static int regionCap(RunRecord run, String region) throws OrchestratorException {
    Integer cap = run.expected().get(region);
    if (cap == null) {
      throw new OrchestratorException(OrchestratorException.UNKNOWN_REGION,
          "run '" + run.runId() + "' expects no agents in region '" + region
              + "'; expected regions: " + new TreeSet<>(run.expected().keySet())
              + ". Start agents only in those regions, or test-reset the run with this region");
    }
    return cap;
  }

  private static void checkId(String field, String value) throws OrchestratorException {
    if (value == null || value.isBlank()) {
      throw bad(field + " is missing or blank; give a non-empty string");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw bad(field + " is " + value.length() + " characters long; use at most " + MAX_ID_LENGTH);
    }
  }

  private static void checkRegion(String region) throws OrchestratorException {
    checkId("region", region);
    if (region.indexOf('#') >= 0) {
      throw bad("region '" + region + "' contains '#'; use a region name such as us-east-1");
    }
  }

  private static OrchestratorException bad(String message) {
    return new OrchestratorException(OrchestratorException.BAD_REQUEST, message);
  }
}
