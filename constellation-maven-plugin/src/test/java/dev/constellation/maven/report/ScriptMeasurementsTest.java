package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.constellation.agent.record.Recording;
import dev.constellation.agent.record.VuMetrics;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Groups, checks, counters and trends recorded by several agents in three regions over many
 * intervals, through the records' JSON-lines form, merged: percentiles equal those of one
 * histogram fed every raw value, and thresholds on them pass and fail as written.
 */
class ScriptMeasurementsTest {

  static RunResults results;
  static final Histogram groupTruth = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
  static final Histogram trendTruth = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
  static long orders;
  static long checks;
  static long failedChecks;

  @BeforeAll
  static void record() {
    groupTruth.setAutoResize(true);
    trendTruth.setAutoResize(true);
    Random random = new Random(11);
    List<IntervalRecord> records = new ArrayList<>();
    for (String region : List.of("us-east-2", "eu-west-1", "ap-northeast-1")) {
      for (int agent = 0; agent < 2; agent++) {
        Recording recording = new Recording("r-1", region, region + "-" + agent, 100);
        AtomicLong failedRequests = new AtomicLong();
        VuMetrics vu = new VuMetrics(recording, "Shop", failedRequests::get);
        for (int second = 0; second < 5; second++) {
          for (int i = 0; i < 400; i++) {
            // the group's "duration" is what we make it: a recorded duration cannot be controlled, so the
            // truth histogram is fed from the records' own values below; the trend's values are exact
            long value = (long) Math.exp(random.nextDouble() * 14); // 1 .. 1.2 million, spread over decades
            vu.trend("queue_depth").record(value);
            trendTruth.recordValue(value);
            long n = random.nextInt(4);
            vu.counter("orders").add(n);
            orders += n;
            boolean ok = random.nextInt(50) != 0;
            vu.check("cart has items", ok, "AssertionError: cart is empty");
            checks++;
            failedChecks += ok ? 0 : 1;
            vu.group("checkout", () -> {
              long t0 = System.nanoTime();
              while (System.nanoTime() - t0 < 2_000) {
                Thread.onSpinWait();
              }
              return null;
            });
          }
          for (IntervalRecord r : recording.drain(1_000_000L + second * 1000L, 1000)) {
            IntervalRecord back = IntervalRecordCodec.fromJsonLine(IntervalRecordCodec.toJsonLine(r));
            if (back.kind().equals(IntervalRecord.KIND_GROUP)) {
              groupTruth.add(back.decodeHistogram());
            }
            records.add(back);
          }
        }
      }
    }
    results = RunResults.merge(records, 5000);
  }

  @Test
  void trendAndGroupPercentilesEqualOneHistogramOfEveryValue() {
    Histogram trend = results.trends().get("queue_depth").histogram();
    assertThat(trend.getTotalCount()).isEqualTo(3 * 2 * 5 * 400);
    for (double p : new double[] {50, 90, 95, 99, 99.9, 100}) {
      assertThat(trend.getValueAtPercentile(p)).as("trend p(%s)", p).isEqualTo(trendTruth.getValueAtPercentile(p));
    }
    Stats group = results.groups().get("checkout");
    assertThat(group.requests()).isEqualTo(12_000);
    for (double p : new double[] {50, 95, 99}) {
      assertThat(group.percentileMs(p)).isEqualTo(groupTruth.getValueAtPercentile(p) / 1000.0);
    }
    assertThat(results.counters().get("orders").requests()).isEqualTo(orders);
    assertThat(results.counters().get("orders").rps()).isEqualTo(orders / 5.0);
    assertThat(results.checks().get("cart has items").requests()).isEqualTo(checks);
    assertThat(results.checks().get("cart has items").failures()).isEqualTo(failedChecks);
    assertThat(results.checkTotals().failures()).isEqualTo(failedChecks);
  }

  @Test
  void summaryJsonShowsEachKind() {
    JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    SummaryJson.scriptMeasurements((com.fasterxml.jackson.databind.node.ObjectNode) s, results);
    assertThat(s.at("/trends/queue_depth/p95").asLong()).isEqualTo(trendTruth.getValueAtPercentile(95));
    assertThat(s.at("/trends/queue_depth/count").asLong()).isEqualTo(12_000);
    assertThat(s.at("/counters/orders/count").asLong()).isEqualTo(orders);
    assertThat(s.at("/checks/fails").asLong()).isEqualTo(failedChecks);
    assertThat(s.at("/checks/byName/cart has items/passes").asLong()).isEqualTo(checks - failedChecks);
    assertThat(s.at("/checks/byName/cart has items/failureMessages/AssertionError: cart is empty").asLong()).isEqualTo(failedChecks);
    assertThat(s.at("/groups/checkout/count").asLong()).isEqualTo(12_000);
    assertThat(s.at("/groups/checkout/durationMs/p99").asDouble()).isEqualTo(groupTruth.getValueAtPercentile(99) / 1000.0);
    StringBuilder console = new StringBuilder();
    ConsoleSummary.scriptMeasurements(console, results);
    assertThat(console.toString()).contains("checkout", "cart has items", "ALL CHECKS", "counter orders", "trend queue_depth");
  }

  private static ThresholdResult eval(String expression) {
    return Thresholds.parse(List.of(expression)).evaluate(results).get(0);
  }

  @Test
  void thresholdsOnGroupsChecksCountersAndTrendsPassAndFailAsWritten() {
    double passRate = 100.0 * (checks - failedChecks) / checks;
    assertThat(passRate).isBetween(95.0, 99.5);
    assertThat(eval("checks > 95%").passed()).isTrue();
    ThresholdResult checkFail = eval("checks > 99.5%");
    assertThat(checkFail.passed()).isFalse();
    assertThat(checkFail.actual()).isEqualTo(passRate);
    assertThat(eval("[check=cart has items] checks > 95%").passed()).isTrue();
    assertThat(eval("[check=cart has items] failures == " + failedChecks).passed()).isTrue();
    ThresholdResult typo = eval("[check=cart is full] checks > 95%");
    assertThat(typo.passed()).isFalse();
    assertThat(typo.message()).isEqualTo("checks > 95% failed for [check=cart is full]: check \"cart is full\" was not recorded; "
        + "checks in this run: \"cart has items\"");

    long p95 = trendTruth.getValueAtPercentile(95);
    assertThat(eval("[trend=queue_depth] p(95) <= " + p95).passed()).isTrue();
    ThresholdResult trendFail = eval("[trend=queue_depth] p(95) < " + p95);
    assertThat(trendFail.passed()).isFalse();
    assertThat(trendFail.message()).isEqualTo("p(95) < " + p95 + " failed for [trend=queue_depth]: measured " + p95);
    assertThat(eval("[trend=queue_depth] count == 12000").passed()).isTrue();

    assertThat(eval("[counter=orders] count == " + orders).passed()).isTrue();
    assertThat(eval("[counter=orders] count > " + orders).passed()).isFalse();
    assertThat(eval("[counter=orders] rate >= " + (orders / 5.0)).passed()).isTrue();

    double groupP95 = groupTruth.getValueAtPercentile(95) / 1000.0;
    assertThat(eval("[group=checkout] p(95) < 2s").passed()).isTrue();
    ThresholdResult groupFail = eval("[group=checkout] p(95) < 1us");
    assertThat(groupFail.passed()).isFalse();
    assertThat(groupFail.actual()).isEqualTo(groupP95);
    assertThat(eval("[group=checkout] error_rate == 0%").passed()).isTrue();
    assertThat(eval("[group=checkout] count == 12000").passed()).isTrue();
  }

  @Test
  void thresholdMistakesAreCaughtBeforeTheRun() {
    assertThatThrownBy(() -> Thresholds.parse(List.of("[trend=queue_depth] p(95) < 40ms")))
        .hasMessage("threshold \"[trend=queue_depth] p(95) < 40ms\": a trend's values have no unit; write the number as the script "
            + "recorded it; for example: [trend=queue_depth] p(95) < 40");
    assertThatThrownBy(() -> Thresholds.parse(List.of("checks > 0.99")))
        .hasMessageStartingWith("threshold \"checks > 0.99\": a rate is written in percent, with %");
    assertThatThrownBy(() -> Thresholds.parse(List.of("[counter=orders] p(95) < 3")))
        .hasMessage("threshold \"[counter=orders] p(95) < 3\": [counter=orders] has no metric p(95); a counter has count (its total) "
            + "and rate (per second); for example: [counter=orders] count > 100");
    assertThatThrownBy(() -> Thresholds.parse(List.of("count > 3")))
        .hasMessage("threshold \"count > 3\": [all requests] has no metric count; count needs a scope [counter=<name>], [trend=<name>] "
            + "or [group=<name>]; for example: [counter=orders] count > 100");
    assertThatThrownBy(() -> Thresholds.parse(List.of("[GET /] checks > 99%")))
        .hasMessageContaining("checks looks at checks: write it alone (all checks) or with [check=<name>]");
    assertThatThrownBy(() -> Thresholds.parse(List.of("[group=] p(95) < 1s")))
        .hasMessage("threshold \"[group=] p(95) < 1s\": the scope [group=] names no group; for example: [group=checkout] p(95) < 2s");
  }

  @Test
  void aTrendsMaxMinAndMeanAreItsRawNumbersWithoutUnit() {
    ThresholdResult max = eval("[trend=queue_depth] max <= " + trendTruth.getMaxValue());
    assertThat(max.passed()).as(max.message()).isTrue();
    assertThat(max.actual()).isEqualTo((double) trendTruth.getMaxValue());
    assertThat(max.unit()).isEmpty();
    ThresholdResult min = eval("[trend=queue_depth] min >= 1");
    assertThat(min.actual()).isEqualTo((double) trendTruth.getMinValue());
    assertThat(eval("[trend=queue_depth] mean > 0").actual()).isEqualTo(trendTruth.getMean());
    ThresholdResult groupMax = eval("[group=checkout] max < 1us");
    assertThat(groupMax.passed()).isFalse();
    assertThat(groupMax.unit()).isEqualTo("ms");
    assertThat(groupMax.actual()).isEqualTo(groupTruth.getMaxValue() / 1000.0);
  }
}
