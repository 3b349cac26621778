package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleSummaryTest {

  @Test
  void theSummaryHasAlignedRequestAndRegionTablesAndEveryThreshold() {
    SampleRun run = new SampleRun(10, 5);
    RunResults results = run.results();
    List<ThresholdResult> ts = Thresholds.parse(List.of("p(95) < 10s", "[POST /orders] p(95) < 1ms")).evaluate(results);

    String out = ConsoleSummary.render(run.facts, results, ts);

    List<String> lines = out.lines().toList();
    assertThat(lines.get(0)).isEqualTo("Run run-20261127-1000: 10s, 2 regions, 100 VUs, 4 agents, target http://127.0.0.1:8080");
    String header = lines.stream().filter(l -> l.startsWith("Request")).findFirst().orElseThrow();
    String orders = lines.stream().filter(l -> l.startsWith("POST /orders")).findFirst().orElseThrow();
    String total = lines.stream().filter(l -> l.startsWith("TOTAL")).findFirst().orElseThrow();
    assertThat(orders).hasSameSizeAs(header);
    assertThat(total).hasSameSizeAs(header);
    assertThat(header.indexOf("p95 ms") + "p95 ms".length()).isEqualTo(columnEnd(orders, 5));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("eu-west-1"));
    assertThat(out).contains("Thresholds: 1 passed, 1 failed");
    assertThat(out).contains("\u2713 PASS  p(95) < 10s passed: measured ");
    assertThat(out).contains("\u2717 FAIL  p(95) < 1ms failed for [POST /orders]: measured ");
    assertThat(out.replace("\u2713", "").replace("\u2717", "")).matches("(?s)[\\x20-\\x7e\\n]*");
    assertThat(out).contains("Iterations: 120, failed");
  }

  private static int columnEnd(String line, int column) {
    String[] parts = line.substring(line.indexOf("  ")).trim().split(" +");
    int idx = line.indexOf("  ");
    int end = idx;
    for (int i = 0; i < column; i++) {
      int start = line.indexOf(parts[i], end);
      end = start + parts[i].length();
    }
    return end;
  }

  @Test
  void theProgressLineShowsElapsedVusRateP95AndErrors() {
    long t = 1_700_000_000_000L;
    RunResults window = RunResults.merge(List.of(
        TestRecords.http("eu", "a", "GET /", t, new long[] {20_000, 23_000, 23_100}, 0, Map.of("200", 3L), Map.of()),
        TestRecords.http("eu", "a", "GET /", t + 1000, new long[] {21_000}, 1, Map.of("500", 1L), Map.of())));
    assertThat(ConsoleSummary.progressLine(10_400, 30_000, 50, window))
        .isEqualTo("elapsed 10s/30s | VUs 50 | 2.0 req/s | p95 23.1 ms | errors 25.00%");
    assertThat(ConsoleSummary.progressLine(0, 30_000, 0, RunResults.merge(List.of())))
        .isEqualTo("elapsed 0s/30s | VUs 0 | 0.0 req/s | p95 - | errors 0.00%");
  }

  @Test
  void userTextThatIsNotPrintableAsciiIsReplaced() {
    RunFacts facts = new RunFacts("r\u001b[31m", Instant.EPOCH, 1000, "", Map.of());
    assertThat(ConsoleSummary.render(facts, RunResults.merge(List.of()), List.of())).startsWith("Run r?[31m:");
  }
}
