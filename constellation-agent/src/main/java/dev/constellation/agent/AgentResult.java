package dev.constellation.agent;

/**
 * What one agent did, reported to the orchestrator at its end.
 *
 * @param agentId the agent
 * @param startAt when load started, epoch ms
 * @param endAt when the agent finished, epoch ms
 * @param firstIterationAt when the first iteration began, epoch ms, or -1
 * @param requests requests recorded
 * @param failures failed requests
 * @param iterations iterations completed or failed
 * @param iterationFailures failed iterations
 * @param interrupted iterations interrupted at the end of the graceful stop
 */
public record AgentResult(
    String agentId,
    long startAt,
    long endAt,
    long firstIterationAt,
    long requests,
    long failures,
    long iterations,
    long iterationFailures,
    long interrupted) {}
