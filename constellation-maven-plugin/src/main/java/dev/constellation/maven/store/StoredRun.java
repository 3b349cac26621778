package dev.constellation.maven.store;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.ResultsSource;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.agent.results.timestream.RunSummary;
import dev.constellation.agent.results.timestream.TimestreamResultsStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.constellation.maven.report.ReportData;
import dev.constellation.maven.local.AgentResults;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A run read back from a results store to be reported on this machine: the one code path of
 * {@code constellation:report} and of the visualizer opening a run that lives only in the store. It reads every
 * interval record of the run, takes the run's facts from its {@code run.json} (the local one, else the one the run
 * kept in the S3 store, which is then copied into the run's folder, else derived from the records and the agents'
 * {@code result.json} objects) and merges the records with the report's own code.
 *
 * @since 0.1.0
 */
public final class StoredRun {

  private StoredRun() {}

  /**
   * A run read back.
   *
   * @param runId the run
   * @param facts its facts; a run whose run.json still said running is ended here as interrupted over the span its
   *     records cover
   * @param results its merged records
   * @param records how many interval records were read
   * @param neverFinished whether its run.json still said running (the build that ran it died)
   */
  public record Loaded(String runId, RunFacts facts, RunResults results, int records, boolean neverFinished) {}

  /** The store holds no record of the run. */
  public static final class NoRecords extends IOException {
    private static final long serialVersionUID = 1L;

    NoRecords(String message) {
      super(message);
    }
  }

  /**
   * Reads a run back from a store.
   *
   * @param source where the records are
   * @param runId the run
   * @param runDir the run's folder on this machine ({@code target/constellation/<runId>}); created when the facts are
   *     copied into it
   * @param warn where a warning goes (the agents' facts could not be read)
   * @return the run, merged
   * @throws NoRecords when the store holds no record of the run
   * @throws IOException when the store cannot be read
   */
  public static Loaded load(ResultsSource source, String runId, Path runDir, Consumer<String> warn) throws IOException {
    List<IntervalRecord> records = source.readRun(runId);
    if (records.isEmpty()) {
      throw new NoRecords("run " + runId + " has no records");
    }
    Path factsFile = runDir.resolve(RunFacts.FILE_NAME);
    if (!Files.exists(factsFile) && source instanceof TimestreamResultsStore ts) {
      // the run kept its facts in its summary row (constellation:run on AWS with Timestream results)
      java.util.Optional<RunSummary> summary = ts.readRunSummary(runId);
      if (summary.isPresent() && !summary.get().facts().isEmpty()) {
        Files.createDirectories(runDir);
        Files.writeString(factsFile, summary.get().facts());
      }
    }
    if (!Files.exists(factsFile) && source instanceof S3ResultsStore s3) {
      // the run kept its facts beside its records (constellation:run on AWS): the rebuilt report has the same ones
      java.util.Optional<String> stored = s3.readRunObject(runId, RunFacts.FILE_NAME);
      if (stored.isPresent()) {
        Files.createDirectories(runDir);
        Files.writeString(factsFile, stored.get());
      }
    }
    RunFacts facts;
    if (Files.exists(factsFile)) {
      facts = RunFacts.read(factsFile);
    } else {
      Map<String, Map<String, Object>> agents = Map.of();
      if (source instanceof S3ResultsStore s3) {
        try {
          agents = AgentResults.read(s3, runId);
        } catch (IOException | RuntimeException e) {
          warn.accept("the agents' result.json objects could not be read (" + e.getMessage() + "); the report shows no start skew,"
              + " clock offset or generator health");
        }
      } else if (source instanceof TimestreamResultsStore ts) {
        try {
          Map<String, Map<String, Object>> read = new java.util.TreeMap<>();
          for (Map.Entry<String, String> e : ts.readAgentResults(runId).entrySet()) {
            read.put(e.getKey(), AgentResults.fromJson(e.getValue()));
          }
          agents = read;
        } catch (IOException | RuntimeException e) {
          warn.accept("the agents' facts rows could not be read (" + e.getMessage() + "); the report shows no start skew,"
              + " clock offset or generator health");
        }
      }
      facts = factsFrom(runId, records, agents);
    }
    boolean neverFinished = facts.status() == RunFacts.Status.RUNNING;
    if (neverFinished) {
      facts = facts.ended(RunFacts.Status.RUNNING, coveredMillis(records), facts.regions());
    }
    return new Loaded(runId, facts, RunResults.merge(records, facts.durationMs()), records.size(), neverFinished);
  }

  /**
   * Facts of a run whose run.json is not here, with the agents' own facts where they left them
   * ({@code result.json} in S3), combined per region by {@link AgentResults#region}.
   *
   * @param id the run
   * @param records its records
   * @param agentFacts {@code <region>/<agentId>} → that agent's facts
   * @return the facts
   */
  public static RunFacts factsFrom(String id, List<IntervalRecord> records, Map<String, Map<String, Object>> agentFacts) {
    long start = records.stream().mapToLong(IntervalRecord::startMs).min().orElse(0);
    long end = records.stream().mapToLong(r -> r.startMs() + r.lengthMs()).max().orElse(start);
    Map<String, RunFacts.RegionFacts> regions = new LinkedHashMap<>();
    records.stream().collect(Collectors.groupingBy(IntervalRecord::region, java.util.TreeMap::new,
            Collectors.mapping(IntervalRecord::agentId, Collectors.toSet())))
        .forEach((region, agents) -> regions.put(region, new RunFacts.RegionFacts(agents.size(), 0, AgentResults.region(
            agentFacts.entrySet().stream().filter(e -> e.getKey().startsWith(region + "/")).map(Map.Entry::getValue).toList()))));
    return new RunFacts(id, Instant.ofEpochMilli(start), end - start, "", regions);
  }

  /** The time records cover: from the first interval's start to the last one's end, ms. */
  static long coveredMillis(List<IntervalRecord> records) {
    long from = records.stream().mapToLong(IntervalRecord::startMs).min().orElse(0);
    long to = records.stream().mapToLong(r -> r.startMs() + r.lengthMs()).max().orElse(from);
    return Math.max(0, to - from);
  }

  /**
   * Keeps a run's {@code run.json} and, once written, its {@code summary.json} in the S3 store beside its records
   * ({@code runs/<runId>/run.json}, {@code runs/<runId>/summary.json}), so a runs list (the visualizer) shows the run
   * from two small objects instead of its records. Called when an AWS run starts (run.json says running) and again
   * when its report is written.
   *
   * @param store the run's results store
   * @param runId the run
   * @param runDir the run's folder on this machine
   * @return the names of the objects written
   * @throws IOException when a file cannot be read or an object written
   */
  public static List<String> publish(S3ResultsStore store, String runId, Path runDir) throws IOException {
    List<String> written = new java.util.ArrayList<>();
    for (String name : List.of(RunFacts.FILE_NAME, ReportWriter.SUMMARY_JSON)) {
      Path file = runDir.resolve(name);
      if (Files.isRegularFile(file)) {
        store.putRunObject(runId, name, Files.readString(file));
        written.add(name);
      }
    }
    return written;
  }

  /**
   * Writes the run's summary row to the Timestream results store (docs/results-format.md, section 4, "Run summary
   * rows"): what a runs list shows of the run and what rebuilding its report needs besides its records. Called when an
   * AWS run with Timestream results starts (status running, from run.json) and again when its report is written (from
   * summary.json); each write replaces the one before ({@code version} grows).
   *
   * @param store the run's Timestream store
   * @param runDir the run's folder on this machine (its run.json, and summary.json once written)
   * @param version the row's version: the time of the write, epoch ms
   * @return the summary written
   * @throws IOException when a file cannot be read or the row not written
   */
  public static RunSummary publish(TimestreamResultsStore store, Path runDir, long version) throws IOException {
    RunSummary summary = summaryOf(runDir);
    store.putRunSummary(summary, version);
    return summary;
  }

  /**
   * A run's summary row from its folder: the facts from run.json; with summary.json its status, pass/fail, duration,
   * requests, failed requests, p95 (from the merged histograms, as the report computed it) and thresholds, else the
   * status of run.json (running) and no figures.
   *
   * @param runDir the run's folder
   * @return the summary
   * @throws IOException when run.json is missing or a file cannot be read
   */
  public static RunSummary summaryOf(Path runDir) throws IOException {
    Path factsFile = runDir.resolve(RunFacts.FILE_NAME);
    RunFacts facts = RunFacts.read(factsFile);
    String compactFacts = ReportData.JSON.writeValueAsString(ReportData.JSON.readTree(Files.readString(factsFile)));
    Path summaryFile = runDir.resolve(ReportWriter.SUMMARY_JSON);
    List<String> regions = List.copyOf(new java.util.TreeSet<>(facts.regions().keySet()));
    if (!Files.isRegularFile(summaryFile)) {
      return new RunSummary(facts.runId(), facts.startedAt().toEpochMilli(), facts.status().json(), 0, facts.plannedDurationMs(), false,
          0, 0, -1, facts.totalVus(), facts.totalAgents(), regions, compactFacts, "[]");
    }
    JsonNode s = ReportData.JSON.readTree(summaryFile.toFile());
    JsonNode totals = s.path("totals");
    JsonNode p95 = totals.path("latencyMs").path("p95");
    com.fasterxml.jackson.databind.node.ArrayNode thresholds = ReportData.JSON.createArrayNode();
    s.path("thresholds").forEach(t -> thresholds.add(t.path("expression").asText()));
    return new RunSummary(facts.runId(), facts.startedAt().toEpochMilli(), s.path("status").asText(facts.status().json()),
        s.path("durationMs").asLong(facts.durationMs()), facts.plannedDurationMs(), s.path("passed").asBoolean(),
        totals.path("requests").asLong(), totals.path("failures").asLong(),
        p95.isNumber() ? Math.round(p95.asDouble() * 1000) : -1, facts.totalVus(), facts.totalAgents(), regions, compactFacts,
        ReportData.JSON.writeValueAsString(thresholds));
  }
}
