package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.constellation.agent.results.IntervalRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RunResultsTest {

  private static final double[] PERCENTILES = {0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 42, 1234, 98765})
  void mergingThreeAgentsInTwoRegionsGivesExactlyThePercentilesOfOneHistogramFedEveryValue(long seed) {
    Random random = new Random(seed);
    String[][] agents = {{"eu-west-1", "a1"}, {"eu-west-1", "a2"}, {"us-east-1", "a3"}};
    String[] names = {"GET /items/{id}", "POST /orders"};
    Histogram all = IntervalRecord.newHistogram();
    Map<String, Histogram> byRegion = new HashMap<>();
    Map<String, Histogram> byName = new HashMap<>();
    List<IntervalRecord> records = new ArrayList<>();
    long start = 1_700_000_000_000L;
    for (int second = 0; second < 20; second++) {
      for (String[] agent : agents) {
        for (String name : names) {
          int n = random.nextInt(200);
          long[] values = new long[n];
          for (int i = 0; i < n; i++) {
            // log-normal-ish latencies with a heavy tail, 50 µs .. minutes
            values[i] = Math.max(1, (long) Math.exp(random.nextGaussian() * 1.5 + 9 + (random.nextInt(100) == 0 ? 5 : 0)));
            all.recordValue(values[i]);
            byRegion.computeIfAbsent(agent[0], k -> IntervalRecord.newHistogram()).recordValue(values[i]);
            byName.computeIfAbsent(name, k -> IntervalRecord.newHistogram()).recordValue(values[i]);
          }
          records.add(TestRecords.http(agent[0], agent[1], name, start + second * 1000L, values));
        }
      }
    }
    java.util.Collections.shuffle(records, random);

    RunResults results = RunResults.merge(records);

    assertSamePercentiles(results.totals(), all);
    byRegion.forEach((region, h) -> assertSamePercentiles(results.region(region).orElseThrow(), h));
    byName.forEach((name, h) -> assertSamePercentiles(results.request(name).orElseThrow(), h));
    assertThat(results.totals().requests()).isEqualTo(all.getTotalCount());
  }

  private static void assertSamePercentiles(Stats stats, Histogram expected) {
    for (double p : PERCENTILES) {
      assertThat(stats.percentileMs(p)).as("p%s", p).isEqualTo(expected.getValueAtPercentile(p) / 1000.0);
    }
    assertThat(stats.p50()).isEqualTo(expected.getValueAtPercentile(50) / 1000.0);
    assertThat(stats.p90()).isEqualTo(expected.getValueAtPercentile(90) / 1000.0);
    assertThat(stats.p95()).isEqualTo(expected.getValueAtPercentile(95) / 1000.0);
    assertThat(stats.p99()).isEqualTo(expected.getValueAtPercentile(99) / 1000.0);
    assertThat(stats.max()).isEqualTo(expected.getMaxValue() / 1000.0);
    assertThat(stats.mean()).isCloseTo(expected.getMean() / 1000.0, within(1e-9));
    assertThat(stats.latencyCount()).isEqualTo(expected.getTotalCount());
  }

  @ParameterizedTest(name = "{0} workers")
  @ValueSource(ints = {2, 3, 7})
  void mergingInParallelChunksGivesTheSameResultsAsOneThread(int workers) {
    SampleRun run = new SampleRun(40, workers);
    RunResults one = RunResults.merge(run.records, 40_000, 1);
    RunResults many = RunResults.merge(run.records, 40_000, workers);
    assertThat(many.totals().histogram()).isEqualTo(one.totals().histogram());
    assertThat(many.totals().toString()).isEqualTo(one.totals().toString());
    one.regions().forEach((k, s) -> assertThat(many.regions().get(k).histogram()).isEqualTo(s.histogram()));
    one.requests().forEach((k, s) -> {
      assertThat(many.requests().get(k).histogram()).isEqualTo(s.histogram());
      assertThat(many.requests().get(k).statusCodes()).isEqualTo(s.statusCodes());
    });
    assertThat(many.iterations().get("BrowseAndBuy").toString()).isEqualTo(one.iterations().get("BrowseAndBuy").toString());
    assertThat(many.series()).isEqualTo(one.series());
    assertThat(many.totalSeries()).isEqualTo(one.totalSeries());
    assertThat(many.totalSeries()).hasSize(40);
  }

  @Test
  void perSecondSeriesMergesTheAgentsOfARegionExactly() {
    long t = 1_700_000_000_000L;
    List<IntervalRecord> records = List.of(
        TestRecords.http("eu", "a1", "GET /", t, 1000, 2000, 3000),
        TestRecords.http("eu", "a2", "GET /", t, 4000, 100_000),
        TestRecords.http("eu", "a2", "POST /", t, 5000),
        TestRecords.http("eu", "a1", "GET /", t + 1000, 7000),
        TestRecords.http("us", "a3", "GET /", t + 1000, 9000, 9000));
    RunResults r = RunResults.merge(records);

    List<SeriesPoint> eu = r.series().get("eu");
    assertThat(eu).hasSize(2);
    Histogram first = IntervalRecord.newHistogram();
    for (long v : new long[] {1000, 2000, 3000, 4000, 100_000, 5000}) {
      first.recordValue(v);
    }
    assertThat(eu.get(0).startMs()).isEqualTo(t);
    assertThat(eu.get(0).requests()).isEqualTo(6);
    assertThat(eu.get(0).rps()).isEqualTo(6.0);
    assertThat(eu.get(0).p50()).isEqualTo(first.getValueAtPercentile(50) / 1000.0);
    assertThat(eu.get(0).p99()).isEqualTo(first.getValueAtPercentile(99) / 1000.0);
    assertThat(r.series().get("us")).extracting(SeriesPoint::requests).containsExactly(2L);
    assertThat(r.totalSeries()).extracting(SeriesPoint::requests).containsExactly(6L, 3L);
    assertThat(r.seriesStepMs()).isEqualTo(1000);
  }

  @Test
  void ratesUseTheSpanOfTheRecordsOrAnExplicitDuration() {
    long t = 1_700_000_000_000L;
    List<IntervalRecord> records = new ArrayList<>();
    for (int s = 0; s < 10; s++) {
      records.add(TestRecords.http("eu", "a1", "GET /", t + s * 1000L, 1000, 1000, 1000, 1000));
    }
    assertThat(RunResults.merge(records).durationMs()).isEqualTo(10_000);
    assertThat(RunResults.merge(records).totals().rps()).isEqualTo(4.0);
    assertThat(RunResults.merge(records, 20_000).totals().rps()).isEqualTo(2.0);
    assertThat(RunResults.merge(records, 20_000).region("eu").orElseThrow().rps()).isEqualTo(2.0);
  }

  @Test
  void countsFailuresStatusCodesErrorsAndBytesPerNameAndRegion() {
    long t = 1_700_000_000_000L;
    RunResults r = RunResults.merge(List.of(
        TestRecords.http("eu", "a1", "GET /", t, new long[] {1000, 2000, 3000, 4000}, 2, Map.of("200", 2L, "503", 1L),
            Map.of("ConnectException", 1L)),
        TestRecords.http("us", "a2", "GET /", t, new long[] {1000, 2000}, 1, Map.of("200", 1L, "500", 1L), Map.of())));
    Stats s = r.request("GET /").orElseThrow();
    assertThat(s.requests()).isEqualTo(6);
    assertThat(s.failures()).isEqualTo(3);
    assertThat(s.errorRate()).isEqualTo(0.5);
    assertThat(s.statusCodes()).containsExactly(Map.entry("200", 3L), Map.entry("500", 1L), Map.entry("503", 1L));
    assertThat(s.errors()).containsExactly(Map.entry("ConnectException", 1L));
    assertThat(s.bytes()).isEqualTo(600);
    assertThat(r.region("eu").orElseThrow().failures()).isEqualTo(2);
    assertThat(r.statusCodes()).containsEntry("200", 3L);
    assertThat(r.errors()).containsEntry("ConnectException", 1L);
  }

  @Test
  void iterationRecordsMakeIterationStatisticsPerScriptAndRegionButNoRequests() {
    long t = 1_700_000_000_000L;
    RunResults r = RunResults.merge(List.of(
        TestRecords.iteration("eu", "a1", "Checkout", t, 1, Map.of("AssertionError", 1L), 50_000, 70_000),
        TestRecords.iteration("us", "a2", "Checkout", t, 0, Map.of(), 60_000),
        TestRecords.http("eu", "a1", "GET /", t, 1000)));
    assertThat(r.iterations()).containsOnlyKeys("Checkout");
    assertThat(r.iterations().get("Checkout").requests()).isEqualTo(3);
    assertThat(r.iterations().get("Checkout").failures()).isEqualTo(1);
    assertThat(r.iterations().get("Checkout").p50()).isCloseTo(60.0, within(0.06));
    assertThat(r.iterationTotals().errors()).containsEntry("AssertionError", 1L);
    assertThat(r.regionIterations()).containsOnlyKeys("eu", "us");
    assertThat(r.totals().requests()).isEqualTo(1);
    assertThat(r.requests()).containsOnlyKeys("GET /");
  }

  @Test
  void noRecordsMergeToEmptyResults() {
    RunResults r = RunResults.merge(List.of(), 5000);
    assertThat(r.isEmpty()).isTrue();
    assertThat(r.totals().requests()).isZero();
    assertThat(r.totals().p95()).isZero();
    assertThat(r.durationMs()).isEqualTo(5000);
    assertThat(r.series()).isEmpty();
  }

  @Test
  void longRunsGetCoarserButExactSeriesSteps() {
    long t = 1_700_000_000_000L;
    List<IntervalRecord> records = new ArrayList<>();
    for (int s = 0; s < 4 * 3600; s += 7) {
      records.add(TestRecords.http("eu", "a1", "GET /", t + s * 1000L, 1000 + s));
    }
    RunResults r = RunResults.merge(records);
    assertThat(r.seriesStepMs()).isEqualTo(2000);
    assertThat(r.series().get("eu").size()).isLessThanOrEqualTo((int) RunResults.MAX_POINTS);
    assertThat(r.totalSeries().stream().mapToLong(SeriesPoint::requests).sum()).isEqualTo(records.size());
  }

  @Test
  void aDamagedHistogramIsReportedWithTheRecordItCameFrom() {
    IntervalRecord good = TestRecords.http("eu", "agent-7", "GET /", 1000, 5);
    IntervalRecord bad = new IntervalRecord(1, "run-1", "eu", "agent-7", "s", "GET /", "http", 1000, 1000, 1, 0, Map.of(),
        Map.of(), 0, "not-a-histogram!");
    assertThat(RunResults.merge(List.of(good)).totals().requests()).isEqualTo(1);
    assertThatThrownBy(() -> RunResults.merge(List.of(good, bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agent-7")
        .hasMessageContaining("GET /");
  }
}
