package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13, item 4: a run in which every iteration failed is never a silent green report. */
class RunWarningsTest {

  private static final RunFacts FACTS = new RunFacts("run-1", Instant.EPOCH, 1000, "", Map.of());

  @Test
  void everyIterationFailedIsWarnedInConsolePageAndSummary(@TempDir Path dir) throws Exception {
    RunResults results = RunResults.merge(List.of(
        TestRecords.http("local", "a", "GET /search", 0, new long[] {1, 1, 1}, 3, Map.of(), Map.of("invalid_request", 3L)),
        TestRecords.iteration("local", "a", "script", 0, 3, Map.of("HttpFailure", 3L), 5, 5, 5)));
    assertThat(RunWarnings.of(results)).containsExactly(
        "every one of the 3 iterations failed (HttpFailure x3); the run measured nothing but failures: see the errors in the report",
        "every one of the 3 requests failed (invalid_request x3)");
    assertThat(ConsoleSummary.render(FACTS, results, List.of()))
        .contains("\nWARNING: every one of the 3 iterations failed (HttpFailure x3)")
        .contains("\nWARNING: every one of the 3 requests failed");
    JsonNode summary = SummaryJson.build(FACTS, results, List.of(), null);
    assertThat(summary.get("allIterationsFailed").asBoolean()).isTrue();
    assertThat(summary.get("warnings")).hasSize(2);
    ReportWriter.write(dir, FACTS, results, List.of());
    assertThat(Files.readString(dir.resolve(ReportWriter.INDEX_HTML))).contains("role=\"alert\">Warning: every one of the 3 iterations failed");
  }

  @Test
  void aRunWithOnePassingIterationHasNoWarning() {
    RunResults results = RunResults.merge(List.of(
        TestRecords.http("local", "a", "GET /", 0, new long[] {1, 1}, 1, Map.of("200", 1L, "500", 1L), Map.of()),
        TestRecords.iteration("local", "a", "script", 0, 1, Map.of("AssertionError", 1L), 5, 5)));
    assertThat(RunWarnings.of(results)).isEmpty();
    JsonNode summary = SummaryJson.build(FACTS, results, List.of(), null);
    assertThat(summary.get("allIterationsFailed").asBoolean()).isFalse();
    assertThat(summary.get("warnings")).isEmpty();
    assertThat(ConsoleSummary.render(FACTS, results, List.of())).doesNotContain("WARNING");
  }
}
