package dev.constellation.maven.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's figures as JSON for other views of a run (the visualizer): the same summary and
 * chart data the report files are made of, computed by the same code, so a live view and the
 * final report can never disagree on a number.
 *
 * @since 0.1.0
 */
public final class ReportData {

  /** The mapper the report uses. */
  public static final ObjectMapper JSON = SummaryJson.JSON;

  private ReportData() {}

  /**
   * The summary of a run so far, shaped as summary.json (thresholds are not evaluated: the run is not over), and the
   * chart data of index.html (time series per region, percentile spectrum), under {@code "summary"} and
   * {@code "charts"}.
   *
   * @param facts what the run is
   * @param results the records merged so far (percentiles from merged histograms)
   * @return {@code {"summary": {...}, "charts": {...}}}
   */
  public static ObjectNode snapshot(RunFacts facts, RunResults results) {
    ObjectNode o = JSON.createObjectNode();
    o.set("summary", SummaryJson.build(facts, results, List.of(), null));
    o.set("charts", HtmlReport.chartData(results));
    return o;
  }

  /**
   * Compares two runs per request name, as the report's baseline comparison does: p95 (ms) and requests per second
   * of each run and their change, for every name of either run (status {@code both}, {@code new} or {@code gone}).
   *
   * @param baseline the earlier run's summary.json or run directory
   * @param current the later run's summary.json or run directory
   * @return {@code {"baseline": runId, "current": runId, "totals": delta, "requests": [delta with "name"]}}
   * @throws IOException when either summary is missing or is not a Constellation summary.json
   */
  public static ObjectNode compare(Path baseline, Path current) throws IOException {
    Baseline before = Baseline.read(baseline);
    Baseline now = Baseline.read(current);
    ObjectNode o = JSON.createObjectNode();
    o.put("baseline", before.runId());
    o.put("current", now.runId());
    o.set("totals", SummaryJson.delta(new Baseline.Delta("(all requests)", before.totals(), now.totals())));
    Map<String, Baseline.Delta> rows = new TreeMap<>();
    before.requests().forEach((name, f) -> rows.put(name, new Baseline.Delta(name, f, null)));
    now.requests().forEach((name, f) -> rows.put(name, new Baseline.Delta(name, before.requests().get(name), f)));
    ArrayNode requests = o.putArray("requests");
    rows.forEach((name, d) -> {
      ObjectNode n = requests.addObject();
      n.put("name", name);
      n.setAll(SummaryJson.delta(d));
    });
    return o;
  }
}
