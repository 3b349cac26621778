package dev.constellation.maven;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSource;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.agent.results.timestream.TimestreamResultsStore;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.Thresholds;
import dev.constellation.maven.store.StoredRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Rebuilds the report of a run (the latest by default) from its stored interval records: the
 * local records directory, or the S3 bucket or Timestream table a run on AWS wrote to.
 * Thresholds are evaluated again, and a baseline run can be compared.
 */
@Mojo(name = "report", requiresProject = false, threadSafe = true)
public class ReportMojo extends AbstractResultsMojo {

  /** The run to report on; default: the newest folder under the output directory. */
  @Parameter(property = "constellation.runId")
  String runId;

  /** Where the records are: {@code local} (the run's records folder), {@code s3} or {@code timestream}. */
  @Parameter(property = "constellation.resultsStore", defaultValue = "local")
  String resultsStore;

  /** The results bucket, for {@code resultsStore=s3}. */
  @Parameter(property = "constellation.resultsBucket")
  String resultsBucket;

  /** The Timestream database, for {@code resultsStore=timestream}. */
  @Parameter(property = "constellation.timestreamDatabase", defaultValue = "constellation")
  String timestreamDatabase;

  /** The Timestream table, for {@code resultsStore=timestream}. */
  @Parameter(property = "constellation.timestreamTable", defaultValue = "intervals")
  String timestreamTable;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    List<String> problems = new java.util.ArrayList<>();
    Thresholds parsed = parseThresholds(problems);
    if (parsed == null) {
      throw new MojoExecutionException(String.join("\n", problems));
    }
    Path root = outputDirectory.toPath();
    String id = runId != null && !runId.isBlank() ? runId.trim() : latestRun(root);
    Path runDir = root.resolve(id);
    ResultsSource store = source(runDir);
    StoredRun.Loaded run;
    try {
      run = StoredRun.load(store, id, runDir, getLog()::warn);
    } catch (StoredRun.NoRecords e) {
      throw new MojoExecutionException("run " + id + " has no records in " + describeStore(runDir)
          + "; check -Dconstellation.runId and -Dconstellation.resultsStore");
    } catch (IOException | RuntimeException e) {
      throw new MojoExecutionException("the records of run " + id + " could not be read from " + describeStore(runDir) + ": " + e.getMessage(), e);
    }
    try {
      RunFacts facts = run.facts();
      if (run.neverFinished()) {
        // the plugin died before writing the end (killed): the figures cover what the records cover
        getLog().warn("run " + id + " never finished (its run.json still says running); the report covers what it recorded "
            + "and is marked interrupted");
      }
      Files.createDirectories(runDir);
      List<dev.constellation.maven.report.ThresholdResult> outcomes = writeReport(runDir, facts, run.results(), parsed);
      if (facts.interrupted()) {
        throw new MojoFailureException("run " + id + " was interrupted: its report covers " + facts.durationMs() / 1000 + " s of the planned "
            + facts.plannedDurationMs() / 1000 + " s, and an interrupted run does not pass; report: " + runDir.resolve("index.html"));
      }
      failOnThresholds(outcomes, runDir);
    } catch (IOException e) {
      throw new MojoExecutionException("the report of run " + id + " could not be written to " + runDir + ": " + e.getMessage(), e);
    }
  }

  private ResultsSource source(Path runDir) throws MojoExecutionException {
    switch (resultsStore == null ? "local" : resultsStore.trim()) {
      case "local":
        return new LocalDirectoryStore(runDir.resolve("records"));
      case "s3":
        if (resultsBucket == null || resultsBucket.isBlank()) {
          throw new MojoExecutionException("<resultsBucket> (-Dconstellation.resultsBucket) is missing; name the bucket the run wrote to");
        }
        return S3ResultsStore.create(homeRegion, resultsBucket.trim());
      case "timestream":
        return TimestreamResultsStore.create(homeRegion, timestreamDatabase, timestreamTable);
      default:
        throw new MojoExecutionException("<resultsStore> (-Dconstellation.resultsStore) is \"" + resultsStore
            + "\"; use local, s3 or timestream");
    }
  }

  private String describeStore(Path runDir) {
    return switch (resultsStore == null ? "local" : resultsStore.trim()) {
      case "s3" -> "s3://" + resultsBucket + "/" + S3ResultsStore.ROOT;
      case "timestream" -> "Timestream " + timestreamDatabase + "." + timestreamTable + " in " + homeRegion;
      default -> runDir.resolve("records").toString();
    };
  }

  /** Facts of a run whose run.json is not here (a run on AWS reported from another machine). */
  static RunFacts factsFrom(String id, List<IntervalRecord> records) {
    return StoredRun.factsFrom(id, records, Map.of());
  }

  /** Facts of a run whose run.json is not here, with the agents' own facts ({@link StoredRun#factsFrom}). */
  static RunFacts factsFrom(String id, List<IntervalRecord> records, Map<String, Map<String, Object>> agentFacts) {
    return StoredRun.factsFrom(id, records, agentFacts);
  }

  private static String latestRun(Path root) throws MojoExecutionException {
    Optional<Path> newest;
    try (Stream<Path> runs = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
      newest = runs.filter(p -> Files.isDirectory(p.resolve("records"))).max(Comparator.comparing(p -> p.getFileName().toString()));
    } catch (IOException e) {
      throw new MojoExecutionException("cannot list runs in " + root + ": " + e.getMessage(), e);
    }
    return newest.map(p -> p.getFileName().toString()).orElseThrow(() -> new MojoExecutionException("no run found in " + root
        + "; run mvn constellation:run first, or name one with -Dconstellation.runId"));
  }
}
