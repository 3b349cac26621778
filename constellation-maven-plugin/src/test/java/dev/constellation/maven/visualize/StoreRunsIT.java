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
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.aws.AwsClients;
import dev.constellation.testservices.S3rver;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import dev.constellation.maven.report.Thresholds;
import dev.constellation.maven.store.StoreRuns;
import dev.constellation.maven.store.StoredRun;
import java.io.IOException;
import java.net.ServerSocket;
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
 * The runs list with an S3 results store (s3rver on loopback): two runs in the store, one of them also on this machine,
 * and one only on this machine make three rows with the numbers of their summary.json; opening the store-only run fetches
 * it into the runs directory with a report whose totals are its stored summary's; a store that is down or credentials that
 * are missing leave the local runs listed and one message naming the store and the fix. Screenshots of the page are kept
 * in target/visualizer-store-it/.
 */
class StoreRunsIT {

  private static final Path OUT = Path.of("target", "visualizer-store-it").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "constellation-results";
  /** In the store only: two regions, three agents. */
  static final String STORED = "20261128-100000-a1a1";
  /** In the store and on this machine. */
  static final String BOTH = "20261128-110000-b2b2";
  /** On this machine only. */
  static final String LOCAL = "20261129-120000-c3c3";

  static S3rver s3rver;
  static JsonNode storedSummary;
  static JsonNode bothSummary;

  @BeforeAll
  static void storeWithTwoRuns() throws Exception {
    deleteTree(OUT);
    s3rver = S3rver.start(OUT.resolve("s3"));
    try (var client = s3rver.client()) {
      client.createBucket(b -> b.bucket(BUCKET));
      S3ResultsStore store = new S3ResultsStore(client, BUCKET);
      storedSummary = awsRun(store, STORED, Instant.parse("2026-11-28T10:00:00Z"), OUT.resolve("aws-machine"));
      bothSummary = awsRun(store, BOTH, Instant.parse("2026-11-28T11:00:00Z"), OUT.resolve("aws-machine"));
    }
  }

  @AfterAll
  static void stop() {
    if (s3rver != null) {
      s3rver.close();
    }
  }

  /**
   * A run as constellation:run on AWS leaves it: the agents' records in S3 (through the agents' own sink), and, after
   * the report was written on the machine that ran it, its run.json and summary.json beside the records. 10 s;
   * us-east-2 two agents of 30 requests a second at 20 ms; eu-west-1 one agent of 30 a second at 40 ms, 2 of them 503.
   */
  static JsonNode awsRun(S3ResultsStore store, String runId, Instant start, Path machine) throws IOException {
    List<IntervalRecord> all = new ArrayList<>();
    for (String agent : List.of("us-east-2-0", "us-east-2-1", "eu-west-1-0")) {
      String region = agent.substring(0, agent.lastIndexOf('-'));
      List<IntervalRecord> records = new ArrayList<>();
      for (int s = 0; s < 10; s++) {
        boolean eu = region.equals("eu-west-1");
        records.add(record(runId, region, agent, start.toEpochMilli() + s * 1000L, 30, eu ? 2 : 0, eu ? 40_000 : 20_000));
      }
      try (ResultsSink sink = store.sink(runId, region, agent, SinkPolicy.defaults())) {
        sink.write(records.subList(0, 5));
        sink.write(records.subList(5, 10));
      }
      all.addAll(records);
    }
    Path dir = machine.resolve(runId);
    RunFacts facts = new RunFacts(runId, start, 10_000, "https://api.example.com",
        Map.of("us-east-2", RunFacts.RegionFacts.of(2, 40), "eu-west-1", RunFacts.RegionFacts.of(1, 20)));
    facts.write(dir);
    RunResults results = RunResults.merge(all, 10_000);
    ReportWriter.write(dir, facts, results, Thresholds.parse(List.of("error_rate < 1%")).evaluate(results));
    assertThat(StoredRun.publish(store, runId, dir)).containsExactly(RunFacts.FILE_NAME, ReportWriter.SUMMARY_JSON);
    return JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile());
  }

  static IntervalRecord record(String runId, String region, String agent, long startMs, int count, int failures, long micros) {
    Histogram h = IntervalRecord.newHistogram();
    h.recordValueWithCount(micros, count);
    Map<String, Long> status = failures == 0 ? Map.of("200", (long) count) : Map.of("200", (long) count - failures, "503", (long) failures);
    return new IntervalRecord(IntervalRecord.FORMAT_VERSION, runId, region, agent, "Shop", "GET /items", IntervalRecord.KIND_HTTP,
        startMs, 1000, count, failures, status, Map.of(), 512L * count, IntervalRecord.encode(h));
  }

  /** A runs directory holding BOTH (copied from the machine that ran it) and LOCAL. */
  static Path localRuns(String name) throws IOException {
    Path runs = OUT.resolve(name);
    copyTree(OUT.resolve("aws-machine").resolve(BOTH), runs.resolve(BOTH));
    VisualizerTest.finishedRun(runs, LOCAL, Instant.parse("2026-11-29T12:00:00Z"), 15_000);
    return runs;
  }

  /** The store's runs over s3rver, with s3rver's credentials, short timeouts. */
  static StoreRuns storeRuns(int port, AwsClients.Options base) {
    AwsClients.Options o = base.withEndpoints(Map.of("s3", URI.create("http://127.0.0.1:" + port)));
    o = new AwsClients.Options(o.profile(), o.credentials(), o.serviceCredentials(), o.endpoints(), o.retryStrategy(), Duration.ofSeconds(2));
    return new StoreRuns(new AwsClients(o), true, "us-east-1", BUCKET, null);
  }

  static AwsClients.Options s3rverCredentials() {
    return AwsClients.Options.defaults().withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")));
  }

  @Test
  void theListShowsEachRunOnceWithItsNumbersAndOpeningAStoreRunFetchesItsReport() throws Exception {
    Path runs = localRuns("list");
    try (Visualizer v = Visualizer.start(runs, "127.0.0.1", 0, storeRuns(s3rver.port(), s3rverCredentials()))) {
      JsonNode store = awaitStore(v, "ok");
      assertThat(store.path("store").asText()).isEqualTo("s3://" + BUCKET + " (us-east-1)");
      assertThat(store.path("runs").asInt()).as("store runs not on this machine").isEqualTo(1);
      JsonNode list = get(v, "/api/runs");
      assertThat(list).hasSize(3);
      assertThat(ids(list)).containsExactly(LOCAL, BOTH, STORED);
      assertThat(list.get(0).path("source").asText()).isEqualTo("local");
      assertThat(list.get(1).path("source").asText()).as("a run both here and in the store shows once, marked local").isEqualTo("local");
      assertThat(list.get(2).path("source").asText()).isEqualTo("store");

      JsonNode row = list.get(2);
      assertThat(row.path("startedAt").asText()).isEqualTo("2026-11-28T10:00:00Z");
      assertThat(row.path("durationMs").asLong()).isEqualTo(10_000);
      assertThat(row.path("status").asText()).isEqualTo("completed");
      assertThat(row.path("passed").asBoolean()).isFalse(); // 20 of 900 failed: error_rate 2.22 % is not < 1 %
      assertThat(row.path("regions").toString()).isEqualTo("[\"eu-west-1\",\"us-east-2\"]");
      assertThat(row.path("vus").asInt()).isEqualTo(60);
      assertThat(row.path("agents").asInt()).isEqualTo(3);
      assertThat(row.path("requests").asLong()).isEqualTo(900);
      assertThat(row.path("failures").asLong()).isEqualTo(20);
      assertThat(row.path("p95").asDouble()).isEqualTo(storedSummary.path("totals").path("latencyMs").path("p95").asDouble())
          .isBetween(39.9, 40.1);
      assertThat(row.path("report").asBoolean()).isFalse();
      JsonNode both = list.get(1);
      assertThat(both.path("requests").asLong()).isEqualTo(bothSummary.path("totals").path("requests").asLong()).isEqualTo(900);
      assertThat(both.path("report").asBoolean()).isTrue();
      assertThat(list.get(0).path("requests").asLong()).isEqualTo(75);

      // fetching changes something: only with the page's header (a form elsewhere cannot send it)
      assertThat(send(v, "POST", "/api/runs/" + STORED + "/fetch", false).statusCode()).isEqualTo(403);
      assertThat(send(v, "POST", "/api/runs/no-such-run/fetch", true).statusCode()).isEqualTo(404);
      HttpResponse<String> started = send(v, "POST", "/api/runs/" + STORED + "/fetch", true);
      assertThat(started.statusCode()).isEqualTo(200);
      JsonNode state = JSON.readTree(started.body());
      long until = System.currentTimeMillis() + 60_000;
      while (!"done".equals(state.path("state").asText())) {
        assertThat(state.path("state").asText()).as("fetch: %s", state).isEqualTo("fetching");
        if (System.currentTimeMillis() > until) {
          fail("the fetch did not end: " + state);
        }
        Thread.sleep(200);
        state = get(v, "/api/runs/" + STORED + "/fetch");
      }
      Path dir = runs.resolve(STORED);
      JsonNode fetched = JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile());
      assertThat(fetched.path("totals")).isEqualTo(storedSummary.path("totals"));
      assertThat(fetched.path("regions")).isEqualTo(storedSummary.path("regions"));
      assertThat(fetched.path("requests")).isEqualTo(storedSummary.path("requests"));
      assertThat(fetched.path("thresholds")).isEqualTo(storedSummary.path("thresholds"));
      assertThat(fetched.path("passed")).isEqualTo(storedSummary.path("passed"));
      assertThat(RunFacts.read(dir)).isEqualTo(RunFacts.read(OUT.resolve("aws-machine").resolve(STORED)));
      assertThat(send(v, "GET", "/runs/" + STORED + "/", false).statusCode()).isEqualTo(200);
      try (var files = Files.list(runs)) {
        assertThat(files.map(p -> p.getFileName().toString())).as("no half-fetched folder left").doesNotContain(".fetching-" + STORED);
      }

      // now it is a local run: still one row, marked local, with the same numbers; and it compares
      JsonNode after = get(v, "/api/runs");
      assertThat(ids(after)).containsExactly(LOCAL, BOTH, STORED);
      assertThat(after.get(2).path("source").asText()).isEqualTo("local");
      assertThat(after.get(2).path("report").asBoolean()).isTrue();
      assertThat(after.get(2).path("requests").asLong()).isEqualTo(900);
      assertThat(after.get(2).path("p95")).isEqualTo(row.path("p95"));
      JsonNode compare = get(v, "/api/compare?baseline=" + STORED + "&current=" + LOCAL);
      assertThat(compare.path("baseline").asText()).isEqualTo(STORED);
    }
  }

  @Test
  void aStoreThatDoesNotAnswerLeavesTheLocalRunsListedAndSaysSoOnce() throws Exception {
    Path runs = localRuns("down");
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    long t0 = System.currentTimeMillis();
    try (Visualizer v = Visualizer.start(runs, "127.0.0.1", 0, storeRuns(closed, s3rverCredentials()))) {
      assertThat(ids(get(v, "/api/runs"))).as("the local runs at once, while the store is being read").containsExactly(LOCAL, BOTH);
      JsonNode store = awaitStore(v, "error");
      assertThat(System.currentTimeMillis() - t0).as("bounded: no hang on a store that does not answer").isLessThan(20_000);
      assertThat(store.path("message").asText()).startsWith("The results store s3://" + BUCKET + " (us-east-1) did not answer (")
          .contains("Fix: check the network and the home region (-Dconstellation.homeRegion=us-east-1) and the endpoint override")
          .doesNotContain("\n").doesNotContain("\tat ");
      assertThat(ids(get(v, "/api/runs"))).containsExactly(LOCAL, BOTH);
    }
  }

  @Test
  void missingCredentialsLeaveTheLocalRunsListedAndNameTheFix() throws Exception {
    Path runs = localRuns("nocreds");
    try (Visualizer v = Visualizer.start(runs, "127.0.0.1", 0,
        storeRuns(s3rver.port(), AwsClients.Options.profile("constellation-no-such-profile")))) {
      JsonNode store = awaitStore(v, "error");
      assertThat(store.path("message").asText()).startsWith("The results store s3://" + BUCKET + " (us-east-1) cannot be read: "
              + "no AWS credentials were found (")
          .contains("Fix: give a profile with -Dconstellation.profile=<name>");
      assertThat(ids(get(v, "/api/runs"))).containsExactly(LOCAL, BOTH);
    }
  }

  @Test
  void aRunWithoutSummaryIsRunningUntilItsPlannedEndThenIncomplete() throws Exception {
    String running = "20991231-235959-d4d4";
    String crashed = "20261127-090000-e5e5";
    Path runs = OUT.resolve("derived");
    Files.createDirectories(runs);
    try (var client = s3rver.client()) {
      client.createBucket(b -> b.bucket("derived"));
      S3ResultsStore store = new S3ResultsStore(client, "derived");
      Instant now = Instant.now();
      Path machine = OUT.resolve("derived-machine");
      new RunFacts(running, now, 0, "https://api.example.com", Map.of("ap-south-1", RunFacts.RegionFacts.of(2, 100)), 600_000,
          RunFacts.Status.RUNNING).write(machine.resolve(running));
      StoredRun.publish(store, running, machine.resolve(running));
      // a run whose build died: run.json still says running, long past its planned end, and no summary.json
      new RunFacts(crashed, Instant.parse("2026-11-27T09:00:00Z"), 0, "https://api.example.com",
          Map.of("sa-east-1", RunFacts.RegionFacts.of(1, 10)), 60_000, RunFacts.Status.RUNNING).write(machine.resolve(crashed));
      StoredRun.publish(store, crashed, machine.resolve(crashed));
      try (ResultsSink sink = store.sink(crashed, "sa-east-1", "sa-east-1-0", SinkPolicy.defaults())) {
        sink.write(List.of(record(crashed, "sa-east-1", "sa-east-1-0", Instant.parse("2026-11-27T09:00:00Z").toEpochMilli(), 10, 0, 1_000)));
      }
    }
    AwsClients.Options o = s3rverCredentials().withEndpoints(Map.of("s3", URI.create("http://127.0.0.1:" + s3rver.port())));
    try (Visualizer v = Visualizer.start(runs, "127.0.0.1", 0, new StoreRuns(new AwsClients(o), true, "us-east-1", "derived", null))) {
      awaitStore(v, "ok");
      JsonNode list = get(v, "/api/runs");
      assertThat(ids(list)).containsExactly(running, crashed);
      JsonNode r = list.get(0);
      assertThat(r.path("status").asText()).isEqualTo("running");
      assertThat(r.path("regions").toString()).isEqualTo("[\"ap-south-1\"]");
      assertThat(r.path("vus").asInt()).isEqualTo(100);
      assertThat(r.path("plannedDurationMs").asLong()).isEqualTo(600_000);
      assertThat(r.path("requests").isNull()).isTrue();
      JsonNode c = list.get(1);
      assertThat(c.path("status").asText()).isEqualTo("incomplete");
      assertThat(c.path("startedAt").asText()).isEqualTo("2026-11-27T09:00:00Z");
      assertThat(c.path("regions").toString()).isEqualTo("[\"sa-east-1\"]");
      assertThat(c.path("vus").asInt()).isEqualTo(10);
      assertThat(c.path("durationMs").isNull()).isTrue();
      assertThat(c.path("requests").isNull()).isTrue();
      assertThat(c.path("passed").isNull()).isTrue();
      assertThat(send(v, "POST", "/api/runs/" + running + "/fetch", true).statusCode()).as("a running run is not fetched").isEqualTo(409);
    }
  }

  @Test
  void thePageListsTheStoreRunsOpensOneAndShowsTheMessageWhenTheStoreIsDown() throws Exception {
    Chromium.executable(); // before anything starts: no chromium on PATH skips, or fails under CI=true
    Path runs = localRuns("page");
    try (Chromium chromium = Chromium.start(1400, 1000)) {
      try (Visualizer v = Visualizer.start(runs, "127.0.0.1", 0, storeRuns(s3rver.port(), s3rverCredentials()))) {
        chromium.navigate(v.url().toString());
        Chromium.await("three runs and the store read", 30_000, () -> "3".equals(chromium.body("data-runs"))
            && "ok".equals(chromium.body("data-store-state")));
        assertThat(chromium.eval("Array.from(document.querySelectorAll('tbody tr')).map(r => r.getAttribute('data-run')"
            + " + ':' + r.getAttribute('data-source')).join(',')")).isEqualTo(LOCAL + ":local," + BOTH + ":local," + STORED + ":store");
        String stored = "document.querySelector('tr[data-run=\"" + STORED + "\"]')";
        assertThat(chromium.eval(stored + ".querySelector('td.requests').textContent")).isEqualTo("900");
        assertThat(chromium.eval(stored + ".querySelector('td.source').textContent")).isEqualTo("store");
        assertThat(chromium.eval(stored + ".textContent")).contains("FAILED").contains("eu-west-1, us-east-2");
        assertThat(chromium.eval("document.getElementById('store-status').textContent")).contains("s3://" + BUCKET);
        assertThat(chromium.body("data-js-errors")).isEqualTo("0");
        chromium.screenshot(OUT.resolve("runs-with-store.png"));

        chromium.eval(stored + ".querySelector('a').click(); location.hash");
        Chromium.await("the fetched run's report", 60_000, () -> ("/runs/" + STORED + "/").equals(chromium.eval("location.pathname"))
            && chromium.body("data-charts-rendered") != null && !"0".equals(chromium.body("data-charts-rendered")));
        String cards = chromium.eval("Array.from(document.querySelectorAll('#totals .card')).map(c => c.textContent).join('|')");
        assertThat(cards).contains("Requests900").contains("Failures20 (");
        assertThat(chromium.body("data-js-errors")).isEqualTo("0");
        chromium.screenshot(OUT.resolve("fetched-report.png"));
      }
      int closed;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        closed = s.getLocalPort();
      }
      Path down = localRuns("page-down");
      try (Visualizer v = Visualizer.start(down, "127.0.0.1", 0, storeRuns(closed, s3rverCredentials()))) {
        chromium.navigate(v.url().toString());
        Chromium.await("the store's message", 30_000, () -> "error".equals(chromium.body("data-store-state")));
        assertThat(chromium.body("data-runs")).isEqualTo("2");
        assertThat(chromium.eval("document.getElementById('store-message').textContent"))
            .startsWith("The results store s3://" + BUCKET + " (us-east-1) did not answer").contains("Fix:");
        assertThat(chromium.body("data-js-errors")).isEqualTo("0");
        chromium.screenshot(OUT.resolve("runs-store-down.png"));
      }
      assertThat(chromium.consoleErrors).isEmpty();
    }
    for (String png : List.of("runs-with-store.png", "fetched-report.png", "runs-store-down.png")) {
      assertThat(Files.size(OUT.resolve(png))).as(png).isGreaterThan(10_000);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
