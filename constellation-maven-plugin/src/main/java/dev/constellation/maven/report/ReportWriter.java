package dev.constellation.maven.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Writes the report of a run into its directory: {@code summary.json}, {@code index.html},
 * {@code requests.csv} and {@code junit.xml}. Files are written whole; an existing report is
 * replaced.
 *
 * @since 0.1.0
 */
public final class ReportWriter {

  /** File name of the machine-readable summary. */
  public static final String SUMMARY_JSON = "summary.json";
  /** File name of the page. */
  public static final String INDEX_HTML = "index.html";
  /** File name of the per-request table. */
  public static final String REQUESTS_CSV = "requests.csv";
  /** File name of the thresholds as JUnit test cases. */
  public static final String JUNIT_XML = "junit.xml";

  private ReportWriter() {}

  /**
   * Writes the report.
   *
   * @param runDir the run's directory, created when missing
   * @param facts what the run was
   * @param results the merged records
   * @param thresholds evaluated thresholds, possibly none
   * @return the files written
   * @throws IOException when a file cannot be written
   */
  public static ReportFiles write(Path runDir, RunFacts facts, RunResults results, List<ThresholdResult> thresholds)
      throws IOException {
    return write(runDir, facts, results, thresholds, (Baseline) null);
  }

  /**
   * Writes the report with a comparison against an earlier run (p95 and requests per second per
   * request name), shown in the page and stored under {@code "baseline"} in summary.json.
   *
   * @param runDir the run's directory, created when missing
   * @param facts what the run was
   * @param results the merged records
   * @param thresholds evaluated thresholds, possibly none
   * @param baseline an earlier run's summary.json, or its run directory
   * @return the files written
   * @throws IOException when the baseline cannot be read or a file cannot be written
   */
  public static ReportFiles write(Path runDir, RunFacts facts, RunResults results, List<ThresholdResult> thresholds,
      Path baseline) throws IOException {
    Objects.requireNonNull(baseline, "baseline");
    return write(runDir, facts, results, thresholds, Baseline.read(baseline));
  }

  private static ReportFiles write(Path runDir, RunFacts facts, RunResults results, List<ThresholdResult> thresholds,
      Baseline baseline) throws IOException {
    Files.createDirectories(runDir);
    List<ThresholdResult> ts = List.copyOf(thresholds);
    Path summary = runDir.resolve(SUMMARY_JSON);
    SummaryJson.JSON.writer().with(SerializationFeature.INDENT_OUTPUT)
        .writeValue(summary.toFile(), SummaryJson.build(facts, results, ts, baseline));
    Path csv = runDir.resolve(REQUESTS_CSV);
    RequestsCsv.write(csv, results);
    Path junit = runDir.resolve(JUNIT_XML);
    JunitXml.write(junit, facts, ts);
    Path html = runDir.resolve(INDEX_HTML);
    HtmlReport.write(html, facts, results, ts, baseline);
    return new ReportFiles(summary, html, csv, junit);
  }
}
