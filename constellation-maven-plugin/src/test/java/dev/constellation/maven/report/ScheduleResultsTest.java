package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleResultsTest {

  @TempDir Path dir;

  private final RunResults open = RunResults.merge(List.of(
      TestRecords.http("eu-west-1", "a", "GET /", 1_000, 1_000, 2_000),
      TestRecords.iteration("eu-west-1", "a", "shop", 1_000, 0, Map.of(), 3_000, 4_000),
      TestRecords.schedule("eu-west-1", "a", "shop", 1_000, 3, 1, 100, 20_000),
      TestRecords.schedule("us-east-1", "b", "shop", 2_000, 2, 0, 200),
      TestRecords.service("eu-west-1", "a", "GET /", 1_000, 500, 700)), 2_000);

  @Test
  void countsDroppedAndLateStartsOfTheOpenModel() {
    assertThat(open.scheduleTotals().requests()).isEqualTo(3);
    assertThat(open.scheduleTotals().failures()).isEqualTo(5);
    assertThat(open.schedules()).containsOnlyKeys("shop");
    assertThat(open.totals().requests()).as("starts are not requests").isEqualTo(2);
  }

  @Test
  void gatesOnDroppedAndLateIterations() {
    List<ThresholdResult> r = Thresholds.parse(List.of("dropped_iterations == 0", "late_iterations < 2", "[shop] dropped_iterations <= 5",
        "[nope] dropped_iterations == 0")).evaluate(open);
    assertThat(r).extracting(ThresholdResult::passed).containsExactly(false, true, true, false);
    assertThat(r.get(0).message()).contains("measured 5");
    assertThat(r.get(3).message()).contains("\"nope\"");
    RunResults closed = RunResults.merge(List.of(TestRecords.http("local", "a", "GET /", 1_000, 1_000)), 1_000);
    assertThat(Thresholds.parse(List.of("dropped_iterations == 0")).evaluate(closed).get(0).passed()).isTrue();
  }

  @Test
  void summaryJsonCarriesTheScheduleOnlyForOpenModelRuns() throws Exception {
    RunFacts facts = new RunFacts("run-1", Instant.ofEpochMilli(1_000), 2_000, "http://127.0.0.1", Map.of());
    ReportWriter.write(dir.resolve("open"), facts, open, List.of());
    JsonNode s = new ObjectMapper().readTree(dir.resolve("open/summary.json").toFile());
    assertThat(s.path("schedule").path("started").asLong()).isEqualTo(3);
    assertThat(s.path("schedule").path("dropped").asLong()).isEqualTo(5);
    assertThat(s.path("schedule").path("late").asLong()).isEqualTo(1);
    assertThat(s.path("schedule").path("startLagMs").path("max").asDouble()).isBetween(19.9, 20.1);
    assertThat(s.path("totals").path("serviceTimeMs").path("max").asDouble()).isBetween(0.69, 0.71);
    assertThat(s.path("requests").path("GET /").path("serviceTimeMs").path("p50").asDouble()).isBetween(0.49, 0.51);
    assertThat(s.path("totals").path("requests").asLong()).as("service records are not more requests").isEqualTo(2);

    ReportWriter.write(dir.resolve("closed"), facts, RunResults.merge(List.of(TestRecords.http("local", "a", "GET /", 1_000, 1_000)), 1_000), List.of());
    JsonNode closed = new ObjectMapper().readTree(dir.resolve("closed/summary.json").toFile());
    assertThat(closed.has("schedule")).isFalse();
    assertThat(closed.path("totals").has("serviceTimeMs")).isFalse();
  }
}
