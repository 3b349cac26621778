package dev.constellation.orchestrator;

/**
 * Where a run is in its life: agents register while it is {@code WAITING}; it becomes
 * {@code STARTED} (with a start time) when the last expected agent registers, or {@code ABORTED}
 * when the registration deadline passes first or the runner aborts it ({@code test-abort}). Agents
 * that see {@code ABORTED} must not send load.
 *
 * @since 0.1.0
 */
public enum RunState {
  /** Agents are registering; no start time yet. */
  WAITING,
  /** Every expected agent registered; the start time is fixed. */
  STARTED,
  /**
   * The registration deadline passed before every expected agent registered, or the runner sent
   * {@code test-abort} (with a reason; also after the start).
   */
  ABORTED
}
