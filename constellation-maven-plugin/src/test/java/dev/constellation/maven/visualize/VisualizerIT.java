package dev.constellation.maven.visualize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import dev.constellation.maven.run.RunLog;
import dev.constellation.maven.run.RunPlanner;
import dev.constellation.maven.run.RunService;
import dev.constellation.maven.visualize.script.LiveScript;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The visualizer in headless Chromium over a real local run (an agent JVM sending requests to a server on loopback):
 * the page lists both runs, the live view's request count grows while the run runs and ends equal to summary.json's
 * total, the page then shows the final report with summary.json's numbers, and two runs compare. Screenshots are kept
 * in target/visualizer-it/.
 */
class VisualizerIT {

  private static final Path OUT = Path.of("target", "visualizer-it").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASELINE = "20261129-090000-base";

  @Test
  void thePageShowsTheRunsTheLiveRunAsItGrowsItsFinalReportAndAComparison() throws Exception {
    Chromium.executable(); // before anything starts: no chromium on PATH skips, or fails under CI=true
    deleteTree(OUT);
    Path runs = OUT.resolve("constellation");
    baseline(runs);

    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    target.createContext("/ping", ex -> {
      byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    ExecutorService targetThreads = Executors.newFixedThreadPool(4);
    target.setExecutor(targetThreads);
    target.start();
    ExecutorService runThread = Executors.newSingleThreadExecutor();
    List<String> lines = new CopyOnWriteArrayList<>();
    try (Visualizer visualizer = Visualizer.start(runs, "127.0.0.1", 0); Chromium chromium = Chromium.start(1400, 1800)) {
      chromium.navigate(visualizer.url().toString());
      Chromium.await("the runs list with the baseline", 30_000, () -> "1".equals(chromium.body("data-runs")));

      String baseUrl = "http://127.0.0.1:" + target.getAddress().getPort();
      RunService.Environment env = new RunService.Environment(runs, OUT, classpath(), null, new RunLog() {
        @Override
        public void info(String line) {
          lines.add(line);
          System.out.println("[run] " + line);
        }

        @Override
        public void warn(String line) {
          lines.add("WARN " + line);
          System.out.println("[run] WARN " + line);
        }
      }, false);
      Future<RunService.Result> running = runThread.submit(() -> new RunService().run(new RunPlanner().plan(new RunPlanner.Sources(
          Map.of("baseUrl", baseUrl, "vus", "2", "duration", "10s", "scripts", List.of(LiveScript.class.getName()),
              "thresholds", List.of("error_rate < 1%")), Map.of(), OUT)), env));

      String runId = awaitNewRun(runs);
      Chromium.await("the running run in the list", 30_000, () -> "2".equals(chromium.body("data-runs")));
      assertThat(chromium.eval("document.querySelector('tr[data-run=\"" + runId + "\"]').textContent")).contains("RUNNING");
      chromium.screenshot(OUT.resolve("runs-while-running.png"));

      chromium.navigate(visualizer.liveUrl(runId).toString());
      Chromium.await("the live view", 30_000, () -> "live".equals(chromium.body("data-view")));
      List<Long> seen = new ArrayList<>();
      boolean shotLive = false;
      long finalCount = -1;
      String finalCard = null;
      long until = System.currentTimeMillis() + 180_000;
      while (finalCount < 0) {
        if (System.currentTimeMillis() > until) {
          fail("the live view did not reach the end of the run; counts seen: " + seen);
        }
        String count = chromium.body("data-live-requests");
        String isFinal = chromium.body("data-live-final");
        if (count != null) {
          long n = Long.parseLong(count);
          if (seen.isEmpty() || seen.get(seen.size() - 1) != n) {
            seen.add(n);
          }
          if ("true".equals(isFinal)) {
            finalCount = n;
            finalCard = chromium.eval("document.getElementById('live-requests').textContent");
            assertThat(chromium.body("data-js-errors")).as("script errors: %s", chromium.eval(
                "document.getElementById('js-errors').textContent")).isEqualTo("0");
          } else if (!shotLive && n > 0 && seen.size() >= 3 && "running".equals(chromium.body("data-live-status"))) {
            assertThat(Integer.parseInt(chromium.body("data-charts-rendered"))).isEqualTo(4);
            chromium.screenshot(OUT.resolve("live.png"));
            shotLive = true;
          }
        }
        Thread.sleep(250);
      }
      RunService.Result result = running.get(120, TimeUnit.SECONDS);
      assertThat(result.runId()).isEqualTo(runId);
      assertThat(lines).contains("live view: " + visualizer.liveUrl(runId));
      JsonNode summary = JSON.readTree(result.runDir().resolve(ReportWriter.SUMMARY_JSON).toFile());
      long total = summary.path("totals").path("requests").asLong();
      assertThat(total).isGreaterThan(100);

      // the count grew while the run ran, never went back, and ended at summary.json's total
      assertThat(seen.stream().filter(n -> n > 0 && n < total).count()).as("counts seen: %s", seen).isGreaterThanOrEqualTo(3);
      for (int i = 1; i < seen.size(); i++) {
        assertThat(seen.get(i)).as("counts seen: %s", seen).isGreaterThan(seen.get(i - 1));
      }
      assertThat(finalCount).as("counts seen: %s", seen).isEqualTo(total);
      assertThat(finalCard).isEqualTo(Long.toString(total));
      // every figure the live view ends with is summary.json's: totals and every request name, percentiles included
      JsonNode live = JSON.readTree(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          visualizer.url().resolve("/api/runs/" + runId + "/live")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      assertThat(live.path("final").asBoolean()).isTrue();
      assertThat(live.path("summary").path("totals")).isEqualTo(summary.path("totals"));
      assertThat(live.path("summary").path("requests")).isEqualTo(summary.path("requests"));
      assertThat(live.path("summary").path("regions")).isEqualTo(summary.path("regions"));
      assertThat(shotLive).as("a screenshot while the run was running").isTrue();

      // then the page is the run's final report, with summary.json's numbers
      Chromium.await("the final report", 30_000, () -> ("/runs/" + runId + "/").equals(chromium.eval("location.pathname"))
          && chromium.body("data-charts-rendered") != null && !"0".equals(chromium.body("data-charts-rendered")));
      assertThat(chromium.body("data-js-errors")).isEqualTo("0");
      String cards = chromium.eval("Array.from(document.querySelectorAll('#totals .card')).map(c => c.textContent).join('|')");
      assertThat(cards).contains("Requests" + total);
      assertThat(cards).contains("Failures" + summary.path("totals").path("failures").asLong() + " (");
      assertThat(chromium.eval("document.querySelector('h1').textContent")).contains("PASSED");
      chromium.screenshot(OUT.resolve("final-report.png"));

      // the list shows both runs, newest first, with summary.json's figures
      chromium.navigate(visualizer.url().toString());
      Chromium.await("the runs list", 30_000, () -> "2".equals(chromium.body("data-runs")));
      Chromium.await("the finished run in the list", 30_000, () -> String.valueOf(chromium.eval(
          "document.querySelector('tbody tr').textContent")).contains("PASSED"));
      assertThat(chromium.eval("document.querySelector('tbody tr').getAttribute('data-run')")).isEqualTo(runId);
      assertThat(chromium.eval("document.querySelector('tbody tr td.requests').textContent")).isEqualTo(Long.toString(total));
      assertThat(chromium.eval("document.querySelectorAll('tbody tr')[1].getAttribute('data-run')")).isEqualTo(BASELINE);
      chromium.screenshot(OUT.resolve("runs.png"));

      // pick both runs and compare them
      chromium.eval("document.querySelectorAll('tbody input[type=checkbox]').forEach(b => b.click()); "
          + "document.getElementById('compare').click(); location.hash");
      Chromium.await("the comparison", 30_000, () -> "compare".equals(chromium.body("data-view"))
          && chromium.body("data-compare-rows") != null);
      assertThat(chromium.eval("location.hash")).isEqualTo("#/compare/" + BASELINE + "/" + runId);
      assertThat(chromium.body("data-compare-rows")).isEqualTo("1");
      String row = chromium.eval("document.querySelector('tr[data-name=\"GET /ping\"]').textContent");
      assertThat(row).contains("both");
      assertThat(chromium.body("data-js-errors")).isEqualTo("0");
      chromium.screenshot(OUT.resolve("compare.png"));
      assertThat(chromium.consoleErrors).isEmpty();
    } finally {
      runThread.shutdownNow();
      runThread.awaitTermination(60, TimeUnit.SECONDS);
      target.stop(0);
      targetThreads.shutdownNow();
    }
    for (String png : List.of("runs-while-running.png", "live.png", "final-report.png", "runs.png", "compare.png")) {
      assertThat(Files.size(OUT.resolve(png))).as(png).isGreaterThan(10_000);
    }
  }

  /** An earlier run of the same script, as constellation:run leaves it: records, run.json, report. */
  private static void baseline(Path runs) throws IOException {
    Path dir = runs.resolve(BASELINE);
    long start = Instant.parse("2026-11-29T09:00:00Z").toEpochMilli();
    List<IntervalRecord> records = new ArrayList<>();
    try (ResultsSink sink = new LocalDirectoryStore(dir.resolve("records")).sink("local-0")) {
      for (int s = 0; s < 10; s++) {
        records.add(VisualizerTest.second(BASELINE, "GET /ping", start + s * 1000L, 80, 2_000 + 100L * s));
      }
      sink.write(records);
    }
    RunFacts facts = new RunFacts(BASELINE, Instant.ofEpochMilli(start), 10_000, "http://127.0.0.1:8080",
        Map.of("local", RunFacts.RegionFacts.of(1, 2)));
    facts.write(dir);
    ReportWriter.write(dir, facts, RunResults.merge(records, 10_000), List.of());
  }

  private static String awaitNewRun(Path runs) throws Exception {
    long until = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < until) {
      try (Stream<Path> s = Files.list(runs)) {
        var found = s.filter(p -> Files.isRegularFile(p.resolve(RunFacts.FILE_NAME)))
            .map(p -> p.getFileName().toString()).filter(n -> !n.equals(BASELINE)).findFirst();
        if (found.isPresent()) {
          return found.get();
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the run did not start within 60 s");
  }

  /** The test JVM's class path: the test classes (the script), the plugin and the agent with their dependencies. */
  private static List<Path> classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).toList();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
