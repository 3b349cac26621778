package dev.constellation.maven.visualize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.maven.report.ReportData;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run as its records arrive: the records read so far (a {@link LocalDirectoryStore.Tail}, so each poll reads only
 * what the agents appended since) and their merge, recomputed only when new records came. Percentiles come from the
 * merged histograms of every record so far ({@link RunResults#merge}), never from averaged windows.
 */
final class LiveRun {

  private final String runId;
  private final LocalDirectoryStore.Tail tail;
  private final List<IntervalRecord> records = new ArrayList<>();
  private final Map<String, Set<String>> agentsByRegion = new HashMap<>();
  private RunResults merged = RunResults.merge(List.of());
  private boolean stale;
  private long mergedDurationMs;
  private long mergedAt;
  private volatile long lastUsed = System.currentTimeMillis();

  LiveRun(String runId, Path recordsDir) {
    this.runId = runId;
    this.tail = new LocalDirectoryStore(recordsDir).tail();
  }

  /** Past this many records a run is merged again at most every {@link #LARGE_RUN_REMERGE_MS}. */
  static final int LARGE_RUN = 100_000;
  /** How often a large run is merged again while it runs, ms. */
  static final long LARGE_RUN_REMERGE_MS = 5_000;

  /**
   * Reads what arrived and merges everything so far. A large run (more than {@value #LARGE_RUN} records, seconds to
   * merge) is merged again at most every {@value #LARGE_RUN_REMERGE_MS} ms unless {@code force} is set, so polling
   * pages cannot keep the machine busy.
   *
   * @param durationMs the duration rates are computed over ({@code summary.json}'s, once the run has ended), or 0 for
   *     the span of the records so far
   * @param force merge whatever arrived, however large the run (its end: the figures must be complete)
   * @return the records merged so far
   * @throws IOException when the records cannot be read
   */
  synchronized RunResults poll(long durationMs, boolean force) throws IOException {
    lastUsed = System.currentTimeMillis();
    for (IntervalRecord r : tail.poll()) {
      if (r.runId().equals(runId)) {
        records.add(r);
        agentsByRegion.computeIfAbsent(r.region(), k -> new HashSet<>()).add(r.agentId());
        stale = true;
      }
    }
    long now = System.currentTimeMillis();
    if (durationMs != mergedDurationMs) {
      stale = true;
    }
    if (stale && (force || records.size() <= LARGE_RUN || now - mergedAt >= LARGE_RUN_REMERGE_MS)) {
      merged = RunResults.merge(records, durationMs);
      mergedDurationMs = durationMs;
      mergedAt = System.currentTimeMillis();
      stale = false;
    }
    return merged;
  }

  /** Agents that have sent records, per region. */
  synchronized Map<String, Integer> reportingAgents() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    agentsByRegion.forEach((region, agents) -> out.put(region, agents.size()));
    return out;
  }

  /** When a page last asked for this run, epoch ms. */
  long lastUsed() {
    return lastUsed;
  }

  /**
   * The live state of the run as the page shows it: status, elapsed time, per-region agents and VUs, and the
   * report's summary and chart data of the records so far.
   *
   * @param facts the run's {@code run.json}
   * @param status the run's status as the runs list shows it
   * @param reportReady whether the final report is written (the page then shows it)
   * @return the JSON the live page polls
   * @throws IOException when the records cannot be read
   */
  ObjectNode state(RunFacts facts, String status, boolean reportReady) throws IOException {
    // once the run has ended, rates are over its duration, as in summary.json; until then over the records' span
    RunResults results = poll(reportReady ? facts.durationMs() : 0, reportReady);
    ObjectNode o = ReportData.snapshot(facts, results);
    o.put("runId", runId);
    o.put("status", status);
    o.put("final", reportReady);
    o.put("plannedDurationMs", facts.plannedDurationMs());
    long now = System.currentTimeMillis();
    long loadStart = results.isEmpty() ? 0 : results.startMs();
    o.put("elapsedMs", loadStart == 0 ? 0 : Math.max(0, Math.min(now, reportReady ? results.endMs() : now) - loadStart));
    o.put("recordedMs", results.isEmpty() ? 0 : results.endMs() - results.startMs());
    ObjectNode regions = o.putObject("agentsReporting");
    reportingAgents().forEach(regions::put);
    return o;
  }
}
