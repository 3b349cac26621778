package dev.constellation.orchestrator;

import java.util.Map;
import java.util.Optional;

/**
 * Where run state lives. Every write is a single atomic, conditional operation on one run, so
 * concurrent callers can never lose each other's registrations or decide two start times; no
 * implementation may read, modify and write back.
 *
 * @since 0.1.0
 */
public interface RunStateStore {

  /**
   * Creates the run, or replaces it whole.
   *
   * @param fresh the new run, {@code WAITING} with empty sets
   */
  void put(RunRecord fresh);

  /**
   * Reads a run with strong consistency.
   *
   * @param runId the run
   * @return the run, empty when it does not exist
   */
  Optional<RunRecord> get(String runId);

  /**
   * Adds {@code region#agentId} to the ready set if, atomically: the run is {@code WAITING}, its
   * deadline is after {@code now}, it expects agents in the region, and the region has fewer
   * registered agents than it expects or already has this one. Adding an agent twice changes
   * nothing.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param now the caller's clock, epoch ms
   * @return the run after the update, empty when the condition did not hold (or no such run)
   */
  Optional<RunRecord> addReady(String runId, String region, String agentId, long now);

  /**
   * Sets the start time and {@code STARTED} if, atomically: the run is {@code WAITING}, has no
   * start time yet, and every expected agent is ready. At most one call per run ever succeeds.
   *
   * @param runId the run
   * @param startAt the start time, epoch ms
   * @return whether this call set the start time
   */
  boolean tryStart(String runId, long startAt);

  /**
   * Sets {@code ABORTED} if, atomically: the run is {@code WAITING}, has no start time, its
   * deadline is at or before {@code now}, and not every expected agent is ready.
   *
   * @param runId the run
   * @param now the caller's clock, epoch ms
   * @return whether this call aborted the run
   */
  boolean tryAbort(String runId, long now);

  /**
   * Sets {@code ABORTED} and keeps the reason if, atomically: the run exists and is not
   * {@code ABORTED} already (a {@code WAITING} or a {@code STARTED} run; a started run keeps its
   * start time). Aborting again changes nothing: the first reason stays.
   *
   * @param runId the run
   * @param reason why, as the runner says it (non-blank)
   * @return the run after the call (also when it was aborted before), empty when there is no such run
   */
  Optional<RunRecord> abort(String runId, String reason);

  /**
   * Adds {@code region#agentId} to the done set and stores its summary, if the agent is in the
   * ready set. Repeating it changes nothing (the summary is replaced by the same or newer one).
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param summary the agent's counters
   * @return the run after the update, empty when the agent never registered (or no such run)
   */
  Optional<RunRecord> addDone(String runId, String region, String agentId, Map<String, Long> summary);
}
