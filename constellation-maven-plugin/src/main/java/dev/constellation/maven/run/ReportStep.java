package dev.constellation.maven.run;

import dev.constellation.maven.report.ConsoleSummary;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import dev.constellation.maven.report.ThresholdResult;
import dev.constellation.maven.report.Thresholds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The end of every run and of {@code constellation:report}: thresholds evaluated, report files written, summary printed. */
public final class ReportStep {

  private ReportStep() {}

  /**
   * Evaluates the thresholds, writes every report file and prints the summary table and where the report is.
   *
   * @param runDir the run's directory
   * @param facts what the run was
   * @param results the merged records
   * @param thresholds the thresholds to evaluate
   * @param baseline an earlier run's summary.json or run directory to compare with, or null
   * @param log where the summary goes
   * @return the evaluated thresholds
   * @throws IOException when the baseline cannot be read or a file cannot be written
   */
  public static List<ThresholdResult> write(Path runDir, RunFacts facts, RunResults results, Thresholds thresholds, Path baseline,
      RunLog log) throws IOException {
    List<ThresholdResult> outcomes = thresholds.evaluate(results);
    if (baseline == null) {
      ReportWriter.write(runDir, facts, results, outcomes);
    } else {
      ReportWriter.write(runDir, facts, results, outcomes, baseline);
    }
    for (String line : ConsoleSummary.render(facts, results, outcomes).split("\n")) {
      if (line.startsWith(ConsoleSummary.WARNING)) {
        log.warn(line.substring(ConsoleSummary.WARNING.length()));
      } else {
        log.info(line);
      }
    }
    log.info("report: " + runDir.resolve(ReportWriter.INDEX_HTML));
    return outcomes;
  }
}
