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
    ThresholdResult named = Thresholds.parse(List.of("[GET /] p(95) < 300ms")).evaluate(RunResults.merge(List.of())).get(0);
    assertThat(named.passed()).isFalse();
    assertThat(named.message()).isEqualTo("p(95) < 300ms failed for [GET /]: request name \"GET /\" was not recorded; "
        + "request names in this run: (none)");
    IntervalRecord emptyGroup = new IntervalRecord(IntervalRecord.FORMAT_VERSION, "r", "local", "local-0", "Shop", "checkout",
        IntervalRecord.KIND_GROUP, 0, 1000, 0, 0, java.util.Map.of(), java.util.Map.of(), 0, IntervalRecord.encode(IntervalRecord.newHistogram()));
    ThresholdResult group = Thresholds.parse(List.of("[group=checkout] p(95) < 2s")).evaluate(RunResults.merge(List.of(emptyGroup))).get(0);
    assertThat(group.passed()).isFalse();
    assertThat(group.message()).isEqualTo("p(95) < 2s failed for [group=checkout]: nothing was recorded, so p(95) cannot be measured");
    assertThat(Thresholds.parse(List.of("[group=checkout] count == 0")).evaluate(RunResults.merge(List.of(emptyGroup))).get(0).passed())
        .isTrue();
  }

  @Test
  void blankExpressionsAreIgnoredAndTheOrderIsKept() {
    Thresholds t = Thresholds.parse(List.of(" max < 5s ", "", "rps > 1"));
    assertThat(t.expressions()).containsExactly("max < 5s", "rps > 1");
    assertThat(t.evaluate(results())).extracting(ThresholdResult::metric).containsExactly("max", "rps");
    assertThat(Thresholds.none().isEmpty()).isTrue();
    assertThat(t.isEmpty()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "p(95) < 300                 | a latency needs a unit",
      "p(95) < 300 parsecs         | unknown latency unit \"parsecs\"",
      "p95 < 300ms                 | percentiles are written p(95)",
      "p(101) < 300ms              | outside (0, 100]",
      "p(x) < 300ms                | is not a percentile",
      "latency < 300ms             | unknown metric \"latency\"; known metrics: p(N)",
      "error_rate < 0.01           | a rate is written in percent, with % (0.01 would be ambiguous); for example: error_rate < 1%",
      "error_rate < 1pct           | a rate is written in percent, with %, not \"pct\"; for example: error_rate < 1%",
      "p(95) < 300                 | a latency needs a unit: us, ms, s or m; for example: p(95) < 300ms",
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

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[group=checkout] checks > 95%    | [group=checkout] has no metric checks; a group has p(N), max, mean, min, error_rate, failures, count and rate (runs per second)",
      "[check=cart has items] p(95) < 3s | [check=cart has items] has no metric p(95); a check has checks (its pass rate in %), count (evaluations) and failures",
      "[check=cart has items] rate > 1  | [check=cart has items] has no metric rate; a check has checks (its pass rate in %), count (evaluations) and failures",
      "[trend=queue_depth] error_rate < 1% | [trend=queue_depth] has no metric error_rate; a trend has p(N), max, mean, min (numbers without unit), count and rate",
      "[counter=orders] max < 3         | [counter=orders] has no metric max; a counter has count (its total) and rate (per second)"})
  void aMetricTheScopeDoesNotHaveIsRefusedNamingWhatItHas(String expression, String problem) {
    assertThatThrownBy(() -> Thresholds.parse(List.of(expression)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("threshold \"" + expression + "\": " + problem + "; for example: ");
  }

  @Test
  void eachScopeAcceptsTheMetricsItHas() {
    for (String ok : List.of("[check=cart has items] checks > 95%", "[check=cart has items] count > 1",
        "[check=cart has items] failures == 0", "[trend=queue_depth] count > 1", "[trend=queue_depth] rate > 1",
        "[trend=queue_depth] min >= 0", "[group=checkout] rate > 1", "[group=checkout] error_rate < 1%")) {
      assertThat(Thresholds.parse(List.of(ok)).expressions()).as(ok).containsExactly(ok);
    }
  }

  @Test
  void unknownMetricMessagesListEveryKnownMetric() {
    assertThatThrownBy(() -> Thresholds.parse(List.of("throughput > 5")))
        .hasMessageContaining("p(N)").hasMessageContaining("error_rate").hasMessageContaining("iteration_failures")
        .hasMessageContaining("rps").hasMessageContaining("requests");
  }

  /** An open-model script "Open" (2 s: 3 dropped, 5 late) and a closed-model one "Browse", in eu-west-1. */
  private static RunResults openAndClosed() {
    return RunResults.merge(List.of(
        TestRecords.schedule("eu-west-1", "a1", "Open", T, 1, 2, 1_000, 30_000),
        TestRecords.schedule("eu-west-1", "a1", "Open", T + 1000, 2, 3, 2_000, 40_000, 50_000),
        TestRecords.iteration("eu-west-1", "a1", "Open", T, 0, Map.of(), 100_000, 100_000),
        TestRecords.iteration("eu-west-1", "a1", "Browse", T, 0, Map.of(), 200_000)));
  }

  private static ThresholdResult onOpen(String expression) {
    return Thresholds.parse(List.of(expression)).evaluate(openAndClosed()).get(0);
  }

  @Test
  void droppedAndLateIterationsAreCountedPerScriptAndOverTheRun() {
    assertThat(onOpen("dropped_iterations == 3").passed()).isTrue();
    assertThat(onOpen("late_iterations == 5").passed()).isTrue();
    ThresholdResult open = onOpen("[Open] dropped_iterations == 0");
    assertThat(open.passed()).isFalse();
    assertThat(open.actual()).isEqualTo(3.0);
    assertThat(open.scope()).isEqualTo("Open");
    assertThat(open.message()).isEqualTo("dropped_iterations == 0 failed for [Open]: measured 3");
    assertThat(onOpen("[Open] late_iterations <= 5").actual()).isEqualTo(5.0);
  }

  @Test
  void aClosedModelScriptDroppedNothingAndAnUnknownScriptFails() {
    ThresholdResult browse = onOpen("[Browse] dropped_iterations == 0");
    assertThat(browse.passed()).as(browse.message()).isTrue();
    assertThat(browse.actual()).isZero();
    assertThat(onOpen("[Browse] late_iterations == 0").passed()).isTrue();

    ThresholdResult missing = onOpen("[Checkout] dropped_iterations == 0");
    assertThat(missing.passed()).isFalse();
    assertThat(missing.actual()).isNaN();
    assertThat(missing.actualText()).isEqualTo("n/a");
    assertThat(missing.message()).isEqualTo("dropped_iterations == 0 failed for [Checkout]: script \"Checkout\" was"
        + " not recorded; scripts in this run: \"Browse\", \"Open\"");
  }

  @Test
  void scheduleMetricsHaveNoRegionScope() {
    ThresholdResult r = onOpen("[region=eu-west-1] dropped_iterations == 0");
    assertThat(r.passed()).isFalse();
    assertThat(r.actual()).isNaN();
    assertThat(r.message()).startsWith("dropped_iterations == 0 failed for [region=eu-west-1]: region \"eu-west-1\" recorded nothing");
  }

  @Test
  void iterationMetricsOfARegionAndTheIterationErrorRate() {
    ThresholdResult r = one("[region=eu-west-1] iteration_error_rate < 1%");
    assertThat(r.actual()).isEqualTo(1.0);
    assertThat(r.unit()).isEqualTo("%");
    assertThat(r.passed()).isFalse();
    assertThat(r.message()).isEqualTo("iteration_error_rate < 1% failed for [region=eu-west-1]: measured 1.00%");
    ThresholdResult none = one("[region=us-east-1] iterations > 0");
    assertThat(none.passed()).isFalse();
    assertThat(none.message()).isEqualTo("iterations > 0 failed for [region=us-east-1]: region \"us-east-1\" recorded"
        + " nothing; regions in this run: \"eu-west-1\"");
    ThresholdResult all = one("iterations == 100");
    assertThat(all.scope()).isEqualTo("all iterations");
    assertThat(all.message()).isEqualTo("iterations == 100 passed: measured 100");
  }

  @Test
  void aLatencyOfAScopeThatRecordedNothingCannotBeMeasured() {
    RunResults onlyIterations = RunResults.merge(List.of(
        TestRecords.iteration("eu-west-1", "a1", "Browse", T, 0, Map.of())));
    ThresholdResult r = Thresholds.parse(List.of("[Browse] iteration_error_rate < 1%")).evaluate(onlyIterations).get(0);
    assertThat(r.passed()).isFalse();
    assertThat(r.message()).isEqualTo("iteration_error_rate < 1% failed for [Browse]: no iterations were recorded,"
        + " so iteration_error_rate cannot be measured");
  }

  @Test
  void theNamesListedForAMissingScopeStopAtFifty() {
    List<IntervalRecord> records = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      records.add(TestRecords.http("eu-west-1", "a1", String.format("GET /r%02d", i), T, 1_000));
    }
    ThresholdResult r = Thresholds.parse(List.of("[GET /nope] p(95) < 1s")).evaluate(RunResults.merge(records)).get(0);
    assertThat(r.message()).contains("\"GET /r49\", ... (51 in all)").doesNotContain("GET /r50");
    records.remove(50); // exactly 50 names: all listed, no count
    ThresholdResult fifty = Thresholds.parse(List.of("[GET /nope] p(95) < 1s")).evaluate(RunResults.merge(records)).get(0);
    assertThat(fifty.message()).endsWith("\"GET /r49\"");
  }
}
