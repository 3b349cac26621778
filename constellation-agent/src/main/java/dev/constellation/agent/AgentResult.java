package dev.constellation.agent;

import dev.constellation.agent.results.Counts;

/**
 * What one agent did, reported to the orchestrator at its end and left in its
 * {@code <agentId>.result.json}. The counts are those of {@link Counts}, from the records the agent
 * wrote: the same definitions as the report's.
 *
 * @param agentId the agent
 * @param startAt when load started, epoch ms
 * @param loadEndAt when the agent stopped starting iterations, epoch ms: {@code startAt} plus the
 *     planned load duration, or earlier when the load ended early (a unique feeder ran out with
 *     {@code END_RUN}, every VU was stopped by {@code STOP_VU}, or a stop request such as SIGTERM);
 *     {@code loadEndAt - startAt} is how long this agent's load lasted
 * @param endAt when the agent finished (after the graceful stop and the last flush), epoch ms
 * @param firstRequestAt when the first request was sent, epoch ms, or -1
 * @param requests requests recorded ({@link Counts#requests()})
 * @param failures failed requests ({@link Counts#requestFailures()})
 * @param iterations iterations completed or failed ({@link Counts#iterations()})
 * @param iterationFailures failed iterations ({@link Counts#iterationFailures()})
 * @param interrupted iterations interrupted at the end of the graceful stop
 * @param started open model: iterations started on the schedule; 0 in the closed model
 * @param dropped open model: iterations dropped because every VU was busy
 * @param late open model: iterations that started late
 * @param teardownFailures VUs whose teardown ({@code @AfterVirtualUser}) threw
 * @param maxCpuPercent the agent's highest own (process) CPU over one second, % of the cores it may use
 * @param maxSchedulingLagMs the agent's worst scheduling lag (late wake-up of its once-a-second flusher)
 * @param saturatedSeconds seconds with own CPU above 90% or scheduling lag above 50 ms
 * @param maxMachineCpuPercent the machine's highest CPU over one second (all processes), % of all
 *     cores, or -1 when unknown
 * @param maxStealPercent the highest CPU stolen by the hypervisor over one second, % of all cores,
 *     or -1 when unknown
 * @param saturationCause the {@link Saturation#key() cause} of most saturated seconds: {@code none},
 *     {@code agent}, {@code machine}, {@code steal} or {@code pause}
 */
public record AgentResult(
    String agentId,
    long startAt,
    long loadEndAt,
    long endAt,
    long firstRequestAt,
    long requests,
    long failures,
    long iterations,
    long iterationFailures,
    long interrupted,
    long started,
    long dropped,
    long late,
    long teardownFailures,
    long maxCpuPercent,
    long maxSchedulingLagMs,
    long saturatedSeconds,
    long maxMachineCpuPercent,
    long maxStealPercent,
    String saturationCause) {

  /** The counts of this result. */
  public Counts counts() {
    return new Counts(requests, failures, iterations, iterationFailures, interrupted, started, dropped, late, teardownFailures);
  }
}
