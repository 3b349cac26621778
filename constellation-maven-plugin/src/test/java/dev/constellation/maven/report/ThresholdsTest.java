package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.constellation.agent.results.IntervalRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdsTest {

  private static final long T = 1_700_000_000_000L;

  /** 100 s of "GET /items/{id}" in eu-west-1 (1..100 ms, one failure a second), "POST /orders" in us-east-1 (400 ms). */
  private static RunResults results() {
    List<IntervalRecord> records = new ArrayList<>();
    for (int s = 0; s < 100; s++) {
      long[] v = new long[100];
      for (int i = 0; i < 100; i++) {
        v[i] = (i + 1) * 1000L;
      }
      records.add(TestRecords.http("eu-west-1", "a1", "GET /items/{id}", T + s * 1000L, v, 1, Map.of("200", 99L, "500", 1L), Map.of()));
      records.add(TestRecords.http("us-east-1", "a2", "POST /orders", T + s * 1000L, 400_000));
      records.add(TestRecords.iteration("eu-west-1", "a1", "Browse", T + s * 1000L, s == 0 ? 1 : 0,
          s == 0 ? Map.of("AssertionError", 1L) : Map.of(), 200_000));
    }
    return RunResults.merge(records);
  }

  private static ThresholdResult one(String expression) {
    return Thresholds.parse(List.of(expression)).evaluate(results()).get(0);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "p(95) < 300ms            | true  | 96.063",
      "p(50) <= 1s              | true  | 51.007",
      "p(99.9) < 2s             | true  | 400.127",
      "max < 5s                 | true  | 400.127",
      "mean < 50ms              | false | 53.964",
      "error_rate < 1%          | true  | 0.990",
      "error_rate < 0.4 %       | false | 0.990",
      "rps > 50                 | true  | 101",
      "requests >= 1000         | true  | 10100",
      "failures == 0            | false | 100",
      "failures != 0            | true  | 100",
      "iteration_failures == 0  | false | 1",
      "iterations > 99          | true  | 100",
      "p(95) < 90000us          | false | 96.063",
      "p(95) < 0.001m           | false | 96.063",
      "min > 0.5ms              | true  | 1"})
  void evaluatesTheWholeRunAgainstEachMetricAndUnit(String expression, boolean passed, Double actual) {
    check(expression, passed, actual);
  }

  /** At the limit exactly (10100 requests, 100 failures), the strict and the non-strict operators differ. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "requests < 10100   | false",
      "requests <= 10100  | true",
      "requests > 10100   | false",
      "requests >= 10100  | true",
      "requests == 10100  | true",
      "requests != 10100  | false",
      "failures < 100     | false",
      "failures <= 100    | true",
      "failures > 100     | false",
      "failures >= 100    | true"})
  void eachOperatorDecidesTheValueAtTheLimitAsDocumented(String expression, boolean passed) {
    check(expression, passed, null);
  }

  private static void check(String expression, boolean passed, Double actual) {
    ThresholdResult r = one(expression);
    assertThat(r.passed()).as(r.message()).isEqualTo(passed);
    assertThat(r.scope()).isEqualTo(expression.startsWith("iteration") ? "all iterations" : "all requests");
    if (actual != null) {
      assertThat(r.actual()).isCloseTo(actual, within(0.001));
    }
  }

  @Test
  void aRequestNameScopeLooksOnlyAtThatName() {
    ThresholdResult r = one("[GET /items/{id}] p(95) < 300ms");
    assertThat(r.passed()).isTrue();
    assertThat(r.scope()).isEqualTo("GET /items/{id}");
    assertThat(r.actual()).isEqualTo(95.039);
    ThresholdResult orders = one("[POST /orders] p(95) < 300ms");
    assertThat(orders.passed()).isFalse();
    assertThat(orders.message()).isEqualTo("p(95) < 300ms failed for [POST /orders]: measured 400.1 ms");
    assertThat(orders.unit()).isEqualTo("ms");
    assertThat(orders.actualText()).isEqualTo("400.1 ms");
  }

  @Test
  void aRegionScopeLooksOnlyAtThatRegion() {
    assertThat(one("[region=eu-west-1] p(95) < 400ms").passed()).isTrue();
    assertThat(one("[region=us-east-1] p(95) < 400ms").passed()).isFalse();
    assertThat(one("[region=eu-west-1] error_rate < 1%").actual()).isEqualTo(1.0);
    assertThat(one("[region=eu-west-1] iteration_failures == 0").passed()).isFalse();
    assertThat(one("[Browse] iteration_failures <= 1").passed()).isTrue();
  }

  @Test
  void aScopeThatWasNotRecordedFailsAndListsTheNamesThatExist() {
    ThresholdResult r = one("[GET /item/{id}] p(95) < 300ms");
    assertThat(r.passed()).isFalse();
    assertThat(r.actual()).isNaN();
    assertThat(r.message()).contains("\"GET /item/{id}\" was not recorded").contains("\"GET /items/{id}\", \"POST /orders\"");
    ThresholdResult region = one("[region=ap-south-1] p(95) < 300ms");
    assertThat(region.passed()).isFalse();
    assertThat(region.message()).contains("region \"ap-south-1\"").contains("\"eu-west-1\", \"us-east-1\"");
  }

  @Test
  void latencyThresholdsFailWhenNothingWasRecorded() {
    ThresholdResult r = Thresholds.parse(List.of("p(95) < 300ms")).evaluate(RunResults.merge(List.of())).get(0);
    assertThat(r.passed()).isFalse();
    assertThat(r.message()).contains("no requests were recorded");
    assertThat(Thresholds.parse(List.of("requests == 0")).evaluate(RunResults.merge(List.of())).get(0).passed()).isTrue();
  }

  @Test
  void blankExpressionsAreIgnoredAndTheOrderIsKept() {
    Thresholds t = Thresholds.parse(List.of(" max < 5s ", "", "rps > 1"));
    assertThat(t.expressions()).containsExactly("max < 5s", "rps > 1");
    assertThat(t.evaluate(results())).extracting(ThresholdResult::metric).containsExactly("max", "rps");
    assertThat(Thresholds.none().isEmpty()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "p(95) < 300                 | a latency needs a unit",
      "p(95) < 300 parsecs         | unknown latency unit \"parsecs\"",
      "p95 < 300ms                 | percentiles are written p(95)",
      "p(101) < 300ms              | outside (0, 100]",
      "p(x) < 300ms                | is not a percentile",
      "latency < 300ms             | unknown metric \"latency\"; known metrics: p(N)",
      "error_rate < 0.01           | a rate is written in percent",
      "rps > 50ms                  | rps is a plain number and takes no unit",
      "failures = 0                | use == to compare",
      "p(95) 300ms                 | no comparison operator",
      "p(95) <                     | no value after",
      "[] p(95) < 300ms            | the scope [] is empty",
      "[region=] p(95) < 300ms     | names no region",
      "< 300ms                     | expected [scope] metric operator value"})
  void badExpressionsAreRejectedWithTheExpressionTheProblemAndAnExample(String expression, String problem) {
    assertThatThrownBy(() -> Thresholds.parse(List.of("max < 5s", expression)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("threshold \"" + expression.strip() + "\": ")
        .hasMessageContaining(problem)
        .hasMessageContaining("; for example: ");
  }

  @Test
  void unknownMetricMessagesListEveryKnownMetric() {
    assertThatThrownBy(() -> Thresholds.parse(List.of("throughput > 5")))
        .hasMessageContaining("p(N)").hasMessageContaining("error_rate").hasMessageContaining("iteration_failures")
        .hasMessageContaining("rps").hasMessageContaining("requests");
  }
}
