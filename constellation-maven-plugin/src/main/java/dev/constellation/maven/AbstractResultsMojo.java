package dev.constellation.maven;

import dev.constellation.maven.report.ConsoleSummary;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import dev.constellation.maven.report.ThresholdResult;
import dev.constellation.maven.report.Thresholds;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/** What the goals that end in a report share: thresholds, baseline, where runs live, and the report itself. */
abstract class AbstractResultsMojo extends AbstractMojo {

  /**
   * Pass/fail criteria, evaluated on the merged results, such as {@code p(95) < 300ms},
   * {@code error_rate < 1%}, {@code rps > 50} or {@code [GET /items/{id}] p(99) <= 1s}. A failing one
   * fails the build after the results are written.
   */
  @Parameter(property = "constellation.thresholds")
  List<String> thresholds;

  /**
   * A run id, run folder or {@code summary.json} to compare with, or {@code previous} for the newest
   * other run in the output directory; the report shows the change per request name.
   */
  @Parameter(property = "constellation.baseline")
  String baseline;

  /** Where runs are written: one folder per run id. */
  @Parameter(property = "constellation.outputDirectory", defaultValue = "${project.build.directory}/constellation")
  File outputDirectory;

  /** The home region: where the orchestrator and the results live on AWS. */
  @Parameter(property = "constellation.homeRegion", defaultValue = "us-east-1")
  String homeRegion;

  /** The thresholds, parsed; a problem is added to the list (and null returned) when one is malformed. */
  Thresholds parseThresholds(List<String> problems) {
    try {
      return Thresholds.parse(thresholds == null ? List.of() : thresholds);
    } catch (IllegalArgumentException e) {
      problems.add("<thresholds> (-Dconstellation.thresholds): " + e.getMessage());
      return null;
    }
  }

  /** Evaluates the thresholds, writes every report file and prints the summary table. */
  List<ThresholdResult> writeReport(Path runDir, RunFacts facts, RunResults results, Thresholds parsed)
      throws IOException, MojoExecutionException {
    List<ThresholdResult> outcomes = parsed.evaluate(results);
    Path base = baselinePath(runDir.getFileName().toString());
    if (base == null) {
      ReportWriter.write(runDir, facts, results, outcomes);
    } else {
      ReportWriter.write(runDir, facts, results, outcomes, base);
    }
    for (String line : ConsoleSummary.render(facts, results, outcomes).split("\n")) {
      if (line.startsWith(ConsoleSummary.WARNING)) {
        getLog().warn(line.substring(ConsoleSummary.WARNING.length()));
      } else {
        getLog().info(line);
      }
    }
    getLog().info("report: " + runDir.resolve(ReportWriter.INDEX_HTML));
    return outcomes;
  }

  /** Fails the build (the test ran, its criteria did not hold) when a threshold failed. */
  static void failOnThresholds(List<ThresholdResult> outcomes, Path runDir) throws MojoFailureException {
    List<String> failed = outcomes.stream().filter(t -> !t.passed()).map(ThresholdResult::message).toList();
    if (!failed.isEmpty()) {
      throw new MojoFailureException(failed.size() + " of " + outcomes.size() + " thresholds failed:\n  " + String.join("\n  ", failed)
          + "\nresults: " + runDir.resolve(ReportWriter.SUMMARY_JSON));
    }
  }

  private Path baselinePath(String currentRunId) throws MojoExecutionException {
    if (baseline == null || baseline.isBlank()) {
      return null;
    }
    if ("previous".equals(baseline.trim())) {
      try (java.util.stream.Stream<Path> runs = Files.isDirectory(outputDirectory.toPath()) ? Files.list(outputDirectory.toPath())
          : java.util.stream.Stream.empty()) {
        return runs.filter(r -> !r.getFileName().toString().equals(currentRunId) && Files.exists(r.resolve(ReportWriter.SUMMARY_JSON)))
            .max(java.util.Comparator.comparing(r -> r.getFileName().toString()))
            .orElseThrow(() -> new MojoExecutionException("<baseline> (-Dconstellation.baseline) is \"previous\", but " + outputDirectory
                + " holds no other run with a summary.json; run once without a baseline first"));
      } catch (IOException e) {
        throw new MojoExecutionException("cannot list runs in " + outputDirectory + ": " + e.getMessage(), e);
      }
    }
    Path given = Path.of(baseline.trim());
    Path candidate = Files.exists(given) ? given : outputDirectory.toPath().resolve(baseline.trim());
    if (!Files.exists(candidate)) {
      throw new MojoExecutionException("<baseline> (-Dconstellation.baseline) is \"" + baseline + "\": neither a file or folder nor a run under "
          + outputDirectory + "; give a run id, a run folder or a summary.json");
    }
    return candidate;
  }
}
