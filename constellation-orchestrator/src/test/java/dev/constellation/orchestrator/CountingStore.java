package dev.constellation.orchestrator;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a store and counts, per run, the start times it actually wrote, and all reads. */
public class CountingStore implements RunStateStore {

  private final RunStateStore delegate;
  private final Map<String, AtomicInteger> startsWritten = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private volatile Runnable afterNextRead;

  public CountingStore(RunStateStore delegate) {
    this.delegate = delegate;
  }

  public int startsWritten(String runId) {
    AtomicInteger n = startsWritten.get(runId);
    return n == null ? 0 : n.get();
  }

  @Override
  public void put(RunRecord fresh) {
    delegate.put(fresh);
  }

  /** How many times {@link #get} read the store. */
  public int reads() {
    return reads.get();
  }

  /**
   * Runs {@code action} once, inside the next {@link #get}, after the store was read and before the
   * (by then stale) record is returned: a deterministic interleaving of a write between a read and
   * the reader's use of it.
   */
  public void afterNextRead(Runnable action) {
    afterNextRead = action;
  }

  @Override
  public Optional<RunRecord> get(String runId) {
    reads.incrementAndGet();
    Optional<RunRecord> read = delegate.get(runId);
    Runnable action = afterNextRead;
    if (action != null) {
      afterNextRead = null;
      action.run();
    }
    return read;
  }

  @Override
  public Optional<RunRecord> abort(String runId, String reason) {
    return delegate.abort(runId, reason);
  }

  @Override
  public Optional<RunRecord> addReady(String runId, String region, String agentId, long now) {
    return delegate.addReady(runId, region, agentId, now);
  }

  @Override
  public boolean tryStart(String runId, long startAt) {
    boolean won = delegate.tryStart(runId, startAt);
    if (won) {
      startsWritten.computeIfAbsent(runId, k -> new AtomicInteger()).incrementAndGet();
    }
    return won;
  }

  @Override
  public boolean tryAbort(String runId, long now) {
    return delegate.tryAbort(runId, now);
  }

  @Override
  public Optional<RunRecord> addDone(String runId, String region, String agentId, Map<String, Long> summary) {
    return delegate.addDone(runId, region, agentId, summary);
  }
}
