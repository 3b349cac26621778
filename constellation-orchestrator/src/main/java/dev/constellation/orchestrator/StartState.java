package dev.constellation.orchestrator;

/**
 * What an agent polls for: the run state and, once started, the start time.
 *
 * @param state the run state
 * @param startAt the start time in epoch milliseconds, {@code 0} unless {@code STARTED}
 * @param deadline the registration deadline in epoch milliseconds
 * @param abortReason why the run was aborted by {@code test-abort}, {@code null} otherwise
 * @since 0.1.0
 */
public record StartState(RunState state, long startAt, long deadline, String abortReason) {

  /**
   * A start state without an abort reason.
   *
   * @param state the run state
   * @param startAt the start time in epoch milliseconds, {@code 0} unless {@code STARTED}
   * @param deadline the registration deadline in epoch milliseconds
   */
  public StartState(RunState state, long startAt, long deadline) {
    this(state, startAt, deadline, null);
  }
}
