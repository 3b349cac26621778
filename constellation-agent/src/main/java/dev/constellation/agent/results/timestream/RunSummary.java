package dev.constellation.agent.results.timestream;

import java.util.List;
import java.util.Objects;

/**
 * What a runs list shows of one run kept in a Timestream results store, and what rebuilding its report needs besides
 * its interval records: the run's summary row (measure name {@code run}, schema in
 * docs/results-format.md, section 4). The plugin that ran the run writes it when the run starts (status
 * {@code running}) and again when its report is written; the later write replaces the earlier one (a higher
 * {@code Version}).
 *
 * @param runId the run
 * @param startMs when the run started, epoch ms (the row's time)
 * @param status {@code running}, {@code completed} or {@code interrupted} (as in run.json and summary.json)
 * @param durationMs the time the figures cover, ms (summary.json {@code durationMs}); 0 while running
 * @param plannedDurationMs the load duration the plan asked for, ms
 * @param passed whether the run passed (summary.json {@code passed}); false while running
 * @param requests requests of the whole run (summary.json {@code totals.requests}); 0 while running
 * @param failures failed requests (summary.json {@code totals.failures}); 0 while running
 * @param p95Micros the p95 latency of the whole run from the merged histograms, µs (summary.json
 *     {@code totals.latencyMs.p95} × 1000, exact since histogram values are whole µs); -1 when there is none
 * @param vus virtual users of every region
 * @param agents agents of every region
 * @param regions the regions, sorted
 * @param facts the run's {@code run.json}, compact JSON (its facts: target, per-region agents, VUs and extras)
 * @param thresholds the threshold expressions its summary evaluated, as a JSON array of strings ({@code []} while
 *     running)
 * @since 0.1.0
 */
public record RunSummary(String runId, long startMs, String status, long durationMs, long plannedDurationMs, boolean passed,
    long requests, long failures, long p95Micros, int vus, int agents, List<String> regions, String facts, String thresholds) {

  /** The status of a run whose report is not written yet. */
  public static final String RUNNING = "running";

  public RunSummary {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    regions = List.copyOf(regions);
    facts = facts == null ? "" : facts;
    thresholds = thresholds == null || thresholds.isEmpty() ? "[]" : thresholds;
  }

  /** Whether the run's report was not written yet (or its build died before writing it). */
  public boolean running() {
    return RUNNING.equals(status);
  }
}
