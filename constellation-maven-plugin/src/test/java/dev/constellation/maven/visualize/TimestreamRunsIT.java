package dev.constellation.maven.visualize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static dev.constellation.maven.visualize.VisualizerApi.awaitStore;
import static dev.constellation.maven.visualize.VisualizerApi.deleteTree;
import static dev.constellation.maven.visualize.VisualizerApi.get;
import static dev.constellation.maven.visualize.VisualizerApi.ids;
import static dev.constellation.maven.visualize.VisualizerApi.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.timestream.RunSummary;
import dev.constellation.agent.results.timestream.TimestreamResultsStore;
import dev.constellation.aws.AwsClients;
import dev.constellation.awsfake.FakeAws;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import dev.constellation.maven.report.Thresholds;
import dev.constellation.maven.store.StoreRuns;
import dev.constellation.maven.store.StoredRun;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The runs list with a Timestream results store (FakeAws's Timestream): two finished runs whose agents wrote their
 * interval rows and whose plugin wrote their summary rows (running at the start, replaced at the end), and a run whose
 * build died (its summary row still says running) are listed newest first with the numbers of their summary.json; the
 * crashed one is INCOMPLETE; opening a run fetches it with a report whose totals are its summary's; two runs compare;
 * {@code constellation:report}'s code path rebuilds a run with its stored facts. Screenshots in target/visualizer-timestream-it/.
 */
class TimestreamRunsIT {

  private static final Path OUT = Path.of("target", "visualizer-timestream-it").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String OLDER = "20261128-100000-a1a1";
  static final String NEWER = "20261128-110000-b2b2";
  /** Its build died after the start: a summary row that says running, long past its planned end. */
  static final String CRASHED = "20261127-090000-e5e5";

  static FakeAws aws;
  static AwsClients clients;
  static TimestreamResultsStore store;
  static JsonNode olderSummary;
  static JsonNode newerSummary;

  @BeforeAll
  static void tableWithThreeRuns() throws Exception {
    deleteTree(OUT);
    aws = FakeAws.start();
    aws.timestream().customer(true).queryPageSize(2); // the list is read over several pages
    clients = new AwsClients(options());
    store = new TimestreamResultsStore(clients.timestream("us-east-1"), clients.timestreamQuery("us-east-1"), "constellation", "intervals");
    store.ensureDatabaseAndTable();
    olderSummary = awsRun(OLDER, Instant.parse("2026-11-28T10:00:00Z"), 20_000, 40_000, List.of("error_rate < 1%"));
    newerSummary = awsRun(NEWER, Instant.parse("2026-11-28T11:00:00Z"), 15_000, 25_000, List.of("p(95) < 100ms"));
    Path crashed = OUT.resolve("aws-machine").resolve(CRASHED);
    new RunFacts(CRASHED, Instant.parse("2026-11-27T09:00:00Z"), 0, "https://api.example.com",
        Map.of("sa-east-1", RunFacts.RegionFacts.of(1, 10)), 60_000, RunFacts.Status.RUNNING).write(crashed);
    StoredRun.publish(store, crashed, 1);
    try (ResultsSink sink = store.sink("sa-east-1-0", SinkPolicy.defaults())) {
      sink.write(List.of(record(CRASHED, "sa-east-1", "sa-east-1-0", Instant.parse("2026-11-27T09:00:00Z").toEpochMilli(), 10, 0, 1_000)));
    }
  }

  @AfterAll
  static void stop() {
    if (clients != null) {
      clients.close();
    }
    if (aws != null) {
      aws.close();
    }
  }

  static AwsClients.Options options() {
    AwsClients.Options o = AwsClients.Options.defaults()
        .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .withEndpoints(Map.of("timestream", aws.endpoint()));
    return new AwsClients.Options(o.profile(), o.credentials(), o.serviceCredentials(), o.endpoints(), o.retryStrategy(),
        Duration.ofSeconds(3));
  }

  /**
   * A run as constellation:run on AWS with Timestream results leaves it: the agents' rows (through the agents' own
   * sink), the summary row written at the start (running) and again once the report was written. 10 s; us-east-2 two
   * agents of 30 requests a second at {@code usMicros}; eu-west-1 one agent of 30 a second at {@code euMicros}, 2 of them 503.
   */
  static JsonNode awsRun(String runId, Instant start, long usMicros, long euMicros, List<String> thresholds) throws IOException {
    Path dir = OUT.resolve("aws-machine").resolve(runId);
    RunFacts started = new RunFacts(runId, start, 10_000, "https://api.example.com",
        Map.of("us-east-2", RunFacts.RegionFacts.of(2, 40), "eu-west-1", RunFacts.RegionFacts.of(1, 20)), 10_000, RunFacts.Status.RUNNING);
    started.write(dir);
    assertThat(StoredRun.publish(store, dir, 1_000).running()).isTrue();
    List<IntervalRecord> all = new ArrayList<>();
    for (String agent : List.of("us-east-2-0", "us-east-2-1", "eu-west-1-0")) {
      String region = agent.substring(0, agent.lastIndexOf('-'));
      boolean eu = region.equals("eu-west-1");
      List<IntervalRecord> records = new ArrayList<>();
      for (int s = 0; s < 10; s++) {
        records.add(record(runId, region, agent, start.toEpochMilli() + s * 1000L, 30, eu ? 2 : 0, eu ? euMicros : usMicros));
      }
      try (ResultsSink sink = store.sink(agent, SinkPolicy.defaults())) {
        sink.write(records.subList(0, 5));
        sink.write(records.subList(5, 10));
      }
      all.addAll(records);
    }
    RunFacts facts = started.ended(RunFacts.Status.COMPLETED, 10_000, started.regions());
    facts.write(dir);
    RunResults results = RunResults.merge(all, 10_000);
    ReportWriter.write(dir, facts, results, Thresholds.parse(thresholds).evaluate(results));
    RunSummary kept = StoredRun.publish(store, dir, 2_000);
    assertThat(kept.status()).isEqualTo("completed");
    return JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile());
  }

  static IntervalRecord record(String runId, String region, String agent, long startMs, int count, int failures, long micros) {
    return StoreRunsIT.record(runId, region, agent, startMs, count, failures, micros);
  }

  private static void assertRowEqualsSummary(JsonNode row, JsonNode summary) {
    assertThat(row.path("source").asText()).isEqualTo("store");
    assertThat(row.path("startedAt").asText()).isEqualTo(summary.path("startedAt").asText());
    assertThat(row.path("durationMs").asLong()).isEqualTo(summary.path("durationMs").asLong()).isEqualTo(10_000);
    assertThat(row.path("status").asText()).isEqualTo(summary.path("status").asText()).isEqualTo("completed");
    assertThat(row.path("passed")).isEqualTo(summary.path("passed"));
    assertThat(row.path("regions").toString()).isEqualTo("[\"eu-west-1\",\"us-east-2\"]");
    assertThat(row.path("vus").asInt()).isEqualTo(60);
    assertThat(row.path("agents").asInt()).isEqualTo(3);
    assertThat(row.path("requests")).isEqualTo(summary.path("totals").path("requests"));
    assertThat(row.path("failures")).isEqualTo(summary.path("totals").path("failures"));
    assertThat(row.path("p95").asDouble()).isEqualTo(summary.path("totals").path("latencyMs").path("p95").asDouble());
  }

  @Test
  void theListShowsEveryRunNewestFirstWithItsSummarysNumbersAndOpeningOneFetchesItsReport() throws Exception {
    Path runs = OUT.resolve("list");
    Files.createDirectories(runs);
    try (Visualizer v = Visualizer.start(runs, "127.0.0.1", 0,
        StoreRuns.timestream(new AwsClients(options()), true, "us-east-1", "constellation", "intervals"))) {
      JsonNode status = awaitStore(v, "ok");
      assertThat(status.path("store").asText()).isEqualTo("Timestream constellation.intervals (us-east-1)");
      JsonNode list = get(v, "/api/runs");
      assertThat(ids(list)).containsExactly(NEWER, OLDER, CRASHED);
      assertRowEqualsSummary(list.get(0), newerSummary);
      assertRowEqualsSummary(list.get(1), olderSummary);
      assertThat(list.get(0).path("requests").asLong()).isEqualTo(900);
      assertThat(list.get(0).path("passed").asBoolean()).as("p95 25 ms < 100 ms").isTrue();
      assertThat(list.get(1).path("passed").asBoolean()).as("20 of 900 failed: 2.22 % is not < 1 %").isFalse();
      assertThat(list.get(1).path("failures").asLong()).isEqualTo(20);
      assertThat(list.get(1).path("p95").asDouble()).isBetween(39.9, 40.1);
      JsonNode crashed = list.get(2);
      assertThat(crashed.path("status").asText()).as("its build died: the row still says running, past its planned end")
          .isEqualTo("incomplete");
      assertThat(crashed.path("startedAt").asText()).isEqualTo("2026-11-27T09:00:00Z");
      assertThat(crashed.path("regions").toString()).isEqualTo("[\"sa-east-1\"]");
      assertThat(crashed.path("vus").asInt()).isEqualTo(10);
      assertThat(crashed.path("requests").isNull()).isTrue();
      assertThat(crashed.path("passed").isNull()).isTrue();

      fetch(v, OLDER);
      Path dir = runs.resolve(OLDER);
      JsonNode fetched = JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile());
      assertThat(fetched.path("totals")).isEqualTo(olderSummary.path("totals"));
      assertThat(fetched.path("regions")).isEqualTo(olderSummary.path("regions"));
      assertThat(fetched.path("requests")).isEqualTo(olderSummary.path("requests"));
      assertThat(fetched.path("thresholds")).isEqualTo(olderSummary.path("thresholds"));
      assertThat(fetched.path("passed")).isEqualTo(olderSummary.path("passed"));
      assertThat(RunFacts.read(dir)).isEqualTo(RunFacts.read(OUT.resolve("aws-machine").resolve(OLDER)));

      JsonNode after = get(v, "/api/runs");
      assertThat(ids(after)).containsExactly(NEWER, OLDER, CRASHED);
      assertThat(after.get(1).path("source").asText()).as("fetched: now a local run").isEqualTo("local");
      assertThat(after.get(1).path("p95")).isEqualTo(list.get(1).path("p95"));

      fetch(v, NEWER);
      JsonNode compare = get(v, "/api/compare?baseline=" + OLDER + "&current=" + NEWER);
      assertThat(compare.path("baseline").asText()).isEqualTo(OLDER);
      assertThat(compare.toString()).contains("GET /items");

      fetch(v, CRASHED);
      JsonNode partial = JSON.readTree(runs.resolve(CRASHED).resolve(ReportWriter.SUMMARY_JSON).toFile());
      assertThat(partial.path("totals").path("requests").asLong()).as("an incomplete run opens with what it recorded").isEqualTo(10);
    }
  }

  @Test
  void reportRebuildsATimestreamRunWithTheFactsOfItsSummaryRow() throws Exception {
    Path dir = OUT.resolve("report").resolve(NEWER);
    StoredRun.Loaded run = StoredRun.load(store, NEWER, dir, w -> fail("no warning expected: " + w));
    assertThat(run.facts()).isEqualTo(RunFacts.read(OUT.resolve("aws-machine").resolve(NEWER)));
    assertThat(run.records()).isEqualTo(30);
    assertThat(run.results().totals().requests()).isEqualTo(newerSummary.path("totals").path("requests").asLong());
    assertThat(run.results().totals().p95()).isEqualTo(newerSummary.path("totals").path("latencyMs").path("p95").asDouble());
  }

  @Test
  void thePageListsTheTimestreamRunsAndOpensOne() throws Exception {
    Chromium.executable(); // before anything starts: no chromium on PATH skips, or fails under CI=true
    Path runs = OUT.resolve("page");
    Files.createDirectories(runs);
    try (Chromium chromium = Chromium.start(1400, 1000);
        Visualizer v = Visualizer.start(runs, "127.0.0.1", 0,
            StoreRuns.timestream(new AwsClients(options()), true, "us-east-1", "constellation", "intervals"))) {
      chromium.navigate(v.url().toString());
      Chromium.await("three runs and the store read", 30_000, () -> "3".equals(chromium.body("data-runs"))
          && "ok".equals(chromium.body("data-store-state")));
      assertThat(chromium.eval("Array.from(document.querySelectorAll('tbody tr')).map(r => r.getAttribute('data-run')"
          + " + ':' + r.getAttribute('data-source')).join(',')")).isEqualTo(NEWER + ":store," + OLDER + ":store," + CRASHED + ":store");
      String older = "document.querySelector('tr[data-run=\"" + OLDER + "\"]')";
      assertThat(chromium.eval(older + ".querySelector('td.requests').textContent")).isEqualTo("900");
      assertThat(chromium.eval(older + ".textContent")).contains("FAILED").contains("eu-west-1, us-east-2");
      assertThat(chromium.eval("document.querySelector('tr[data-run=\"" + CRASHED + "\"]').textContent")).contains("INCOMPLETE");
      assertThat(chromium.eval("document.getElementById('store-status').textContent")).contains("Timestream constellation.intervals");
      assertThat(chromium.body("data-js-errors")).isEqualTo("0");
      chromium.screenshot(OUT.resolve("runs-with-timestream.png"));

      chromium.eval(older + ".querySelector('a').click(); location.hash");
      Chromium.await("the fetched run's report", 60_000, () -> ("/runs/" + OLDER + "/").equals(chromium.eval("location.pathname"))
          && chromium.body("data-charts-rendered") != null && !"0".equals(chromium.body("data-charts-rendered")));
      String cards = chromium.eval("Array.from(document.querySelectorAll('#totals .card')).map(c => c.textContent).join('|')");
      assertThat(cards).contains("Requests900").contains("Failures20 (");
      assertThat(chromium.body("data-js-errors")).isEqualTo("0");
      chromium.screenshot(OUT.resolve("fetched-timestream-report.png"));
      assertThat(chromium.consoleErrors).isEmpty();
    }
    assertThat(Files.size(OUT.resolve("runs-with-timestream.png"))).isGreaterThan(10_000);
  }

  private static void fetch(Visualizer v, String runId) throws Exception {
    HttpResponse<String> started = send(v, "POST", "/api/runs/" + runId + "/fetch", true);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    JsonNode state = JSON.readTree(started.body());
    long until = System.currentTimeMillis() + 60_000;
    while (!"done".equals(state.path("state").asText())) {
      assertThat(state.path("state").asText()).as("fetch: %s", state).isEqualTo("fetching");
      if (System.currentTimeMillis() > until) {
        fail("the fetch did not end: " + state);
      }
      Thread.sleep(200);
      state = get(v, "/api/runs/" + runId + "/fetch");
    }
  }
}
