package dev.constellation.orchestrator;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of a run as every action returns it.
 *
 * @param runId the run
 * @param state the run state
 * @param startAt the start time in epoch milliseconds, {@code 0} unless {@code STARTED} (an aborted
 *     run that had started keeps its start time)
 * @param deadline the registration deadline in epoch milliseconds
 * @param serverTime the orchestrator's clock when it answered, epoch milliseconds
 * @param regions per region, its counts (sorted by region)
 * @param abortReason why the run was aborted by {@code test-abort}; {@code null} when it was not
 *     (a run the registration deadline aborted has none)
 * @since 0.1.0
 */
public record RunStatus(
    String runId, RunState state, long startAt, long deadline, long serverTime,
    Map<String, RegionStatus> regions, String abortReason) {

  /**
   * A status without an abort reason.
   *
   * @param runId the run
   * @param state the run state
   * @param startAt the start time in epoch milliseconds, {@code 0} unless {@code STARTED}
   * @param deadline the registration deadline in epoch milliseconds
   * @param serverTime the orchestrator's clock when it answered, epoch milliseconds
   * @param regions per region, its counts
   */
  public RunStatus(String runId, RunState state, long startAt, long deadline, long serverTime,
      Map<String, RegionStatus> regions) {
    this(runId, state, startAt, deadline, serverTime, regions, null);
  }

  /** Copies the regions, sorted by name. */
  public RunStatus {
    regions = Collections.unmodifiableMap(new TreeMap<>(regions));
  }

  /** The start state an agent needs. */
  public StartState startState() {
    return new StartState(state, startAt, deadline, abortReason);
  }

  /** Whether the run started and every region is complete (all its agents ended). */
  public boolean complete() {
    return state == RunState.STARTED
        && regions.values().stream().allMatch(RegionStatus::complete);
  }

  /** Agents expected over all regions. */
  public int expected() {
    return regions.values().stream().mapToInt(RegionStatus::expected).sum();
  }

  /** Agents registered over all regions. */
  public int registered() {
    return regions.values().stream().mapToInt(RegionStatus::registered).sum();
  }

  /** Agents ended over all regions. */
  public int ended() {
    return regions.values().stream().mapToInt(RegionStatus::ended).sum();
  }
}
