package dev.constellation.maven.store;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.ResultsSource;
import dev.constellation.agent.results.s3.S3ResultsStore;
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
}
