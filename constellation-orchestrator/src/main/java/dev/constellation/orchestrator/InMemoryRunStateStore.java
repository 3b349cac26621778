package dev.constellation.orchestrator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RunStateStore} in this JVM, for local runs and tests. Each operation is one atomic
 * {@link ConcurrentHashMap#compute} on the run, with the same conditions as the DynamoDB store.
 *
 * @since 0.1.0
 */
public final class InMemoryRunStateStore implements RunStateStore {

  private final ConcurrentHashMap<String, RunRecord> runs = new ConcurrentHashMap<>();

  /** An empty store. */
  public InMemoryRunStateStore() {}

  @Override
  public void put(RunRecord fresh) {
    runs.put(fresh.runId(), fresh);
  }

  @Override
  public Optional<RunRecord> get(String runId) {
    return Optional.ofNullable(runs.get(runId));
  }

  @Override
  public Optional<RunRecord> addReady(
      String runId, String region, String agentId, long now) {
    boolean[] applied = {false};
    RunRecord after = runs.computeIfPresent(runId, (id, r) -> {
      String member = RunRecord.member(region, agentId);
      Integer cap = r.expected().get(region);
      boolean fits = cap != null
          && (r.ready().contains(member) || RunRecord.countIn(r.ready(), region) < cap);
      if (r.state() != RunState.WAITING || r.deadline() <= now || !fits) {
        return r;
      }
      applied[0] = true;
      Set<String> ready = new HashSet<>(r.ready());
      ready.add(member);
      return with(r, ready, r.done(), r.summaries(), r.state(), r.startAt());
    });
    return applied[0] ? Optional.of(after) : Optional.empty();
  }

  @Override
  public boolean tryStart(String runId, long startAt) {
    boolean[] applied = {false};
    runs.computeIfPresent(runId, (id, r) -> {
      if (r.state() != RunState.WAITING || r.startAt() != 0 || !r.allReady()) {
        return r;
      }
      applied[0] = true;
      return with(r, r.ready(), r.done(), r.summaries(), RunState.STARTED, startAt);
    });
    return applied[0];
  }

  @Override
  public boolean tryAbort(String runId, long now) {
    boolean[] applied = {false};
    runs.computeIfPresent(runId, (id, r) -> {
      if (r.state() != RunState.WAITING || r.startAt() != 0 || r.deadline() > now || r.allReady()) {
        return r;
      }
      applied[0] = true;
      return with(r, r.ready(), r.done(), r.summaries(), RunState.ABORTED, 0);
    });
    return applied[0];
  }

  @Override
  public Optional<RunRecord> abort(String runId, String reason) {
    return Optional.ofNullable(runs.computeIfPresent(runId, (id, r) -> r.state() == RunState.ABORTED ? r
        : new RunRecord(r.runId(), r.expected(), r.ready(), r.done(), r.summaries(), RunState.ABORTED,
            r.startAt(), r.resetAt(), r.deadline(), r.startBufferMs(), reason)));
  }

  @Override
  public Optional<RunRecord> addDone(
      String runId, String region, String agentId, Map<String, Long> summary) {
    boolean[] applied = {false};
    RunRecord after = runs.computeIfPresent(runId, (id, r) -> {
      String member = RunRecord.member(region, agentId);
      if (!r.ready().contains(member)) {
        return r;
      }
      applied[0] = true;
      Set<String> done = new HashSet<>(r.done());
      done.add(member);
      Map<String, Map<String, Long>> summaries = new HashMap<>(r.summaries());
      summaries.put(member, summary);
      return with(r, r.ready(), done, summaries, r.state(), r.startAt());
    });
    return applied[0] ? Optional.of(after) : Optional.empty();
  }

  private static RunRecord with(RunRecord r, Set<String> ready, Set<String> done,
      Map<String, Map<String, Long>> summaries, RunState state, long startAt) {
    return new RunRecord(r.runId(), r.expected(), ready, done, summaries, state, startAt,
        r.resetAt(), r.deadline(), r.startBufferMs(), r.abortReason());
  }
}
