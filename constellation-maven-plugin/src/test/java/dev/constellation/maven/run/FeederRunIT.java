package dev.constellation.maven.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.ThresholdResult;
import dev.constellation.maven.run.feeders.UniqueRowsScript;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-region local run (three agent JVMs) of a script with a {@code unique} feeder of 10,000
 * rows: the target records each row id it receives; no id arrives twice, every id arrives, and the
 * rows used, the iterations counted and the requests the target saw are the same number. The
 * script's group, check, counter and trend, and thresholds on them, come out of the same run.
 */
class FeederRunIT {

  static final int ROWS = 10_000;

  @TempDir
  Path dir;

  @Test
  void aUniqueFeederGivesEveryRowToExactlyOneIterationAcrossThreeRegions() throws Exception {
    StringBuilder csv = new StringBuilder("id,user\n");
    for (int i = 1; i <= ROWS; i++) {
      csv.append(i).append(",user-").append(i).append('\n');
    }
    // not on the classpath: found relative to the agents' working directory (the project directory)
    Files.writeString(dir.resolve("unique-rows.csv"), csv, StandardCharsets.UTF_8);

    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> byRegion = new ConcurrentHashMap<>();
    List<String> bad = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/row", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      String id = null;
      String region = null;
      for (String kv : query == null ? new String[0] : query.split("&")) {
        if (kv.startsWith("id=")) {
          id = kv.substring(3);
        } else if (kv.startsWith("agent=")) {
          region = kv.substring(6);
        }
      }
      if (id == null) {
        bad.add(String.valueOf(query));
      } else {
        seen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        byRegion.computeIfAbsent(region, k -> new AtomicInteger()).incrementAndGet();
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      Histogram truth = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
      truth.setAutoResize(true);
      for (int i = 1; i <= ROWS; i++) {
        truth.recordValue(i);
      }
      long p95 = truth.getValueAtPercentile(95);
      RunPlan plan = new RunPlanner().plan(new RunPlanner.Sources(Map.of(
          "baseUrl", "http://127.0.0.1:" + server.getAddress().getPort(),
          "duration", "90s",
          "scripts", List.of(UniqueRowsScript.class.getName()),
          "thresholds", List.of("checks == 100%", "[group=use row] p(95) < 5s", "[group=use row] count == " + ROWS,
              "[counter=rows_sent] count == " + ROWS, "[trend=row_id] p(95) == " + p95, "[trend=row_id] max < " + ROWS / 2)),
          Map.of("constellation.remoteRegions", "us-east-2:3,eu-west-1:2,ap-northeast-1:1"), dir));
      List<String> lines = new CopyOnWriteArrayList<>();
      RunLog log = CollectingRunLog.markingWarnings(lines);
      List<Path> classpath = new ArrayList<>();
      String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      for (String entry : cp.split(File.pathSeparator)) {
        classpath.add(Path.of(entry));
      }
      long t0 = System.nanoTime();
      RunService.Result result = new RunService().run(plan,
          new RunService.Environment(dir.resolve("out"), dir, classpath, null, log, false));
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

      assertThat(bad).isEmpty();
      assertThat(seen).as("ids the target saw").hasSize(ROWS);
      assertThat(seen.entrySet()).allSatisfy(e -> assertThat(e.getValue().get()).as("id %s", e.getKey()).isEqualTo(1));
      assertThat(byRegion.keySet()).containsExactlyInAnyOrder("us-east-2", "eu-west-1", "ap-northeast-1");
      // shares in proportion to VUs: 3, 2 and 1 of 6 slots
      assertThat(byRegion.get("us-east-2").get()).isEqualTo(5_001);
      assertThat(byRegion.get("eu-west-1").get()).isEqualTo(3_333);
      assertThat(byRegion.get("ap-northeast-1").get()).isEqualTo(1_666);

      JsonNode summary = new ObjectMapper().readTree(result.runDir().resolve("summary.json").toFile());
      assertThat(summary.at("/counts/iterations").asLong()).isEqualTo(ROWS);
      assertThat(summary.at("/counts/requests").asLong()).isEqualTo(ROWS);
      assertThat(summary.at("/feeders/rows/rows").asLong()).isEqualTo(ROWS);
      assertThat(summary.at("/feeders/rows/exhausted").asLong()).isBetween(3L, 6L); // at least one VU per agent found its share used
      assertThat(summary.at("/groups/use row/count").asLong()).isEqualTo(ROWS);
      assertThat(summary.at("/groups/use row/failures").asLong()).isZero();
      assertThat(summary.at("/checks/passes").asLong()).isEqualTo(ROWS);
      assertThat(summary.at("/counters/rows_sent/count").asLong()).isEqualTo(ROWS);
      assertThat(summary.at("/trends/row_id/p95").asLong()).isEqualTo(p95);
      assertThat(summary.at("/trends/row_id/p50").asLong()).isEqualTo(truth.getValueAtPercentile(50));
      assertThat(result.thresholds()).extracting(ThresholdResult::passed)
          .containsExactly(true, true, true, true, true, false);
      assertThat(result.thresholds().get(5).message()).startsWith("max < 5000 failed for [trend=row_id]: measured 10");
      // each agent ended when its share was used (END_RUN), long before the 90 s duration
      assertThat(elapsedMs).isLessThan(85_000);
      assertThat(result.runDir().resolve("records/us-east-2-0.result.json")).exists();
      // and the report covers the load the agents reported, not the planned 90 s (issue #15)
      long longest = 0;
      for (String agent : List.of("us-east-2-0", "eu-west-1-0", "ap-northeast-1-0")) {
        JsonNode r = new ObjectMapper().readTree(result.runDir().resolve("records/" + agent + ".result.json").toFile());
        assertThat(r.path("loadEndAt").asLong()).isBetween(r.path("startAt").asLong(), r.path("endAt").asLong());
        longest = Math.max(longest, r.path("loadEndAt").asLong() - r.path("startAt").asLong());
      }
      assertThat(longest).isLessThan(85_000);
      assertThat(summary.path("durationMs").asLong()).isEqualTo(longest);
      assertThat(summary.path("plannedDurationMs").asLong()).isEqualTo(90_000);
      assertThat(summary.path("status").asText()).isEqualTo("completed");
      assertThat(RunFacts.read(result.runDir()).durationMs()).isEqualTo(longest);
      assertThat(String.join("\n", lines)).contains("feeder rows: 10000 rows, unique, this agent's share 5001 rows");
    } finally {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
