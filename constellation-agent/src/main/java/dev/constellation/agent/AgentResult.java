package dev.constellation.agent;

/**
 * What one agent did, reported to the orchestrator at its end.
 *
 * @param agentId the agent
 * @param startAt when load started, epoch ms
 * @param endAt when the agent finished, epoch ms
 * @param firstRequestAt when the first request was sent, epoch ms, or -1
 * @param requests requests recorded
 * @param failures failed requests
 * @param iterations iterations completed or failed
 * @param iterationFailures failed iterations
 * @param interrupted iterations interrupted at the end of the graceful stop
 * @param maxCpuPercent the agent's highest process CPU over one second, % of all cores
 * @param maxSchedulingLagMs the agent's worst scheduling lag (late wake-up of its once-a-second flusher)
 * @param saturatedSeconds seconds with CPU above 90% or scheduling lag above 50 ms
 */
public record AgentResult(
    String agentId,
    long startAt,
    long endAt,
    long firstRequestAt,
    long requests,
    long failures,
    long iterations,
    long iterationFailures,
    long interrupted,
    long maxCpuPercent,
    long maxSchedulingLagMs,
    long saturatedSeconds) {}
