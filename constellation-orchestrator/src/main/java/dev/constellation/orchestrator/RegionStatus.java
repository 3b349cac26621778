package dev.constellation.orchestrator;

import java.util.Map;

/**
 * One region of a run: how many agents it expects, how many registered and ended, and the sums
 * of the counters the ended agents reported.
 *
 * @param expected agents the region expects
 * @param registered agents that registered (agg-record)
 * @param ended agents that ended (test-end)
 * @param totals per counter name (e.g. {@code requests}, {@code failures}), the sum over ended agents
 * @since 0.1.0
 */
public record RegionStatus(int expected, int registered, int ended, Map<String, Long> totals) {

  /** Copies the totals. */
  public RegionStatus {
    totals = Map.copyOf(totals);
  }

  /** Whether every expected agent of the region ended. */
  public boolean complete() {
    return ended >= expected;
  }
}
