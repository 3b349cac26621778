package dev.constellation.orchestrator;

/**
 * What an agent polls for: the run state and, once started, the start time.
 *
 * @param state the run state
 * @param startAt the start time in epoch milliseconds, {@code 0} unless {@code STARTED}
 * @param deadline the registration deadline in epoch milliseconds
 * @since 0.1.0
 */
public record StartState(RunState state, long startAt, long deadline) {}
