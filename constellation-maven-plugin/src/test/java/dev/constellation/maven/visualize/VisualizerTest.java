package dev.constellation.maven.visualize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisualizerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private Path runs;
  private Visualizer visualizer;

  @BeforeEach
  void start() throws IOException {
    runs = tmp.resolve("constellation");
    Files.createDirectories(runs);
    visualizer = Visualizer.start(runs, "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    visualizer.close();
  }

  /** One second of one agent's requests, every one taking {@code micros}. */
  static IntervalRecord second(String runId, String name, long startMs, int count, long micros) {
    Histogram h = IntervalRecord.newHistogram();
    h.recordValueWithCount(micros, count);
    return new IntervalRecord(IntervalRecord.FORMAT_VERSION, runId, "local", "local-0", "Script", name, IntervalRecord.KIND_HTTP,
        startMs, 1000, count, 0, Map.of("200", (long) count), Map.of(), 100L * count, IntervalRecord.encode(h));
  }

  /** A finished run: records, run.json and the report, as constellation:run leaves them. */
  static Path finishedRun(Path runs, String runId, Instant start, long p95Micros) throws IOException {
    Path dir = runs.resolve(runId);
    List<IntervalRecord> records = new ArrayList<>();
    try (ResultsSink sink = new LocalDirectoryStore(dir.resolve("records")).sink("local-0")) {
      for (int s = 0; s < 3; s++) {
        records.add(second(runId, "GET /items", start.toEpochMilli() + s * 1000L, 20, p95Micros));
        records.add(second(runId, "POST /orders", start.toEpochMilli() + s * 1000L, 5, 2 * p95Micros));
      }
      sink.write(records);
    }
    RunFacts facts = new RunFacts(runId, start, 3000, "http://127.0.0.1:9", Map.of("local", RunFacts.RegionFacts.of(1, 4)));
    facts.write(dir);
    ReportWriter.write(dir, facts, RunResults.merge(records, 3000), List.of());
    return dir;
  }

  record Response(int status, String body) {}

  /** Sends the request line exactly as given (no client normalizes the path), with the Host given. */
  Response raw(String path, String host) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", visualizer.url().getPort()), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(all.substring(9, 12));
      int bodyAt = all.indexOf("\r\n\r\n");
      return new Response(status, bodyAt < 0 ? "" : all.substring(bodyAt + 4));
    }
  }

  Response get(String path) throws IOException {
    return raw(path, "127.0.0.1:" + visualizer.url().getPort());
  }

  JsonNode json(String path) throws IOException {
    Response r = get(path);
    assertThat(r.status()).as("%s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void listsEveryRunNewestFirstWithTheFiguresOfItsSummary() throws IOException {
    finishedRun(runs, "20261129-100000-aaaa", Instant.parse("2026-11-29T10:00:00Z"), 10_000);
    finishedRun(runs, "20261129-110000-bbbb", Instant.parse("2026-11-29T11:00:00Z"), 30_000);
    Files.createDirectories(runs.resolve("not-a-run"));

    JsonNode list = json("/api/runs");
    assertThat(list).hasSize(2);
    assertThat(list.get(0).path("runId").asText()).isEqualTo("20261129-110000-bbbb");
    assertThat(list.get(1).path("runId").asText()).isEqualTo("20261129-100000-aaaa");
    JsonNode summary = JSON.readTree(runs.resolve("20261129-110000-bbbb/summary.json").toFile());
    JsonNode newest = list.get(0);
    assertThat(newest.path("requests").asLong()).isEqualTo(summary.path("totals").path("requests").asLong()).isEqualTo(75);
    assertThat(newest.path("p95").asDouble()).isEqualTo(summary.path("totals").path("latencyMs").path("p95").asDouble());
    assertThat(newest.path("status").asText()).isEqualTo("completed");
    assertThat(newest.path("passed").asBoolean()).isTrue();
    assertThat(newest.path("report").asBoolean()).isTrue();
    assertThat(newest.path("durationMs").asLong()).isEqualTo(3000);
    assertThat(newest.path("vus").asInt()).isEqualTo(4);
    assertThat(newest.path("regions").get(0).asText()).isEqualTo("local");

    Response report = get("/runs/20261129-110000-bbbb/");
    assertThat(report.status()).isEqualTo(200);
    assertThat(report.body()).isEqualTo(Files.readString(runs.resolve("20261129-110000-bbbb/index.html")));
    assertThat(get("/").body()).contains("<script src=\"/assets/visualizer.js\"></script>");
    assertThat(get("/assets/uPlot.iife.min.js").body()).contains("uPlot");
  }

  @Test
  void theLiveFiguresGrowAsRecordsArriveWithPercentilesOfTheMergedHistograms() throws IOException {
    String id = "20261129-120000-cccc";
    Path dir = runs.resolve(id);
    Instant start = Instant.now();
    new RunFacts(id, start, 60_000, "http://127.0.0.1:9", Map.of("local", RunFacts.RegionFacts.of(1, 8)), 60_000,
        RunFacts.Status.RUNNING).write(dir);
    long t0 = start.toEpochMilli() / 1000 * 1000;
    try (ResultsSink sink = new LocalDirectoryStore(dir.resolve("records")).sink("local-0")) {
      JsonNode before = json("/api/runs/" + id + "/live");
      assertThat(before.path("summary").path("totals").path("requests").asLong()).isZero();
      assertThat(before.path("status").asText()).isEqualTo("running");
      assertThat(before.path("final").asBoolean()).isFalse();

      // first second: 90 requests at 10 ms
      sink.write(List.of(second(id, "GET /items", t0, 90, 10_000)));
      JsonNode first = json("/api/runs/" + id + "/live");
      assertThat(first.path("summary").path("totals").path("requests").asLong()).isEqualTo(90);
      assertThat(first.path("summary").path("totals").path("latencyMs").path("p95").asDouble()).isEqualTo(ms(90, 10_000, 0, 0, 95));

      // second second: 10 requests at 100 ms. Over both seconds p95 is 100 ms (10 of 100 values are 100 ms);
      // averaging each second's p95 would give 55 ms.
      sink.write(List.of(second(id, "GET /items", t0 + 1000, 10, 100_000)));
      JsonNode second = json("/api/runs/" + id + "/live");
      JsonNode totals = second.path("summary").path("totals");
      assertThat(totals.path("requests").asLong()).isEqualTo(100);
      double p95 = ms(90, 10_000, 10, 100_000, 95);
      assertThat(p95).isCloseTo(100.0, org.assertj.core.data.Offset.offset(0.1));
      assertThat(totals.path("latencyMs").path("p95").asDouble()).isEqualTo(p95);
      assertThat(totals.path("latencyMs").path("p50").asDouble()).isEqualTo(ms(90, 10_000, 10, 100_000, 50));
      assertThat(second.path("summary").path("requests").path("GET /items").path("requests").asLong()).isEqualTo(100);
      assertThat(second.path("charts").path("x")).hasSize(2);
      assertThat(second.path("charts").path("total").path("p95").get(1).asDouble()).isEqualTo(ms(0, 0, 10, 100_000, 95));
      assertThat(second.path("agentsReporting").path("local").asInt()).isEqualTo(1);
      assertThat(second.path("summary").path("regions").path("local").path("vus").asInt()).isEqualTo(8);

      JsonNode row = json("/api/runs").get(0);
      assertThat(row.path("status").asText()).isEqualTo("running");
      assertThat(row.path("requests").asLong()).isEqualTo(100);
      assertThat(row.path("report").asBoolean()).isFalse();
    }
  }

  @Test
  void comparesTwoRunsPerRequestName() throws IOException {
    finishedRun(runs, "run-a", Instant.parse("2026-11-29T10:00:00Z"), 10_000);
    finishedRun(runs, "run-b", Instant.parse("2026-11-29T11:00:00Z"), 30_000);
    JsonNode c = json("/api/compare?baseline=run-a&current=run-b");
    assertThat(c.path("baseline").asText()).isEqualTo("run-a");
    assertThat(c.path("current").asText()).isEqualTo("run-b");
    assertThat(c.path("requests")).hasSize(2);
    JsonNode items = c.path("requests").get(0);
    assertThat(items.path("name").asText()).isEqualTo("GET /items");
    assertThat(items.path("status").asText()).isEqualTo("both");
    double before = ms(60, 10_000, 0, 0, 95);
    double after = ms(60, 30_000, 0, 0, 95);
    assertThat(items.path("baselineP95").asDouble()).isEqualTo(before);
    assertThat(items.path("p95").asDouble()).isEqualTo(after);
    assertThat(items.path("p95DeltaMs").asDouble()).isCloseTo(after - before, org.assertj.core.data.Offset.offset(0.001));
    assertThat(items.path("p95DeltaPct").asDouble()).isCloseTo((after - before) / before * 100, org.assertj.core.data.Offset.offset(0.001));
    assertThat(get("/api/compare?baseline=run-a&current=nope").status()).isEqualTo(404);
  }

  @Test
  void noRequestReachesAFileOutsideTheRunsReportFiles() throws IOException {
    finishedRun(runs, "run-a", Instant.parse("2026-11-29T10:00:00Z"), 10_000);
    Files.writeString(tmp.resolve("secret.txt"), "SECRET");
    Files.writeString(runs.resolve("run-a").resolve("notes.txt"), "SECRET");
    List<String> attempts = List.of(
        "/runs/../secret.txt", "/runs/run-a/../../secret.txt", "/../secret.txt", "/runs/%2e%2e/secret.txt",
        "/runs/run-a/%2e%2e/%2e%2e/secret.txt", "/runs/run-a/..%2f..%2fsecret.txt", "/runs/run-a/..%2F..%2Fsecret.txt",
        "/runs/..%5c..%5csecret.txt", "/runs/run-a/..\\..\\secret.txt", "/runs/%252e%252e/secret.txt",
        "/runs/run-a/%2e%2e%2f%2e%2e%2fsecret.txt", "/assets/..%2f..%2f..%2fsecret.txt", "/assets/../../secret.txt",
        "/runs/run-a/notes.txt", "/runs/run-a/records/local-0.jsonl", "/runs/run-a/records", "/runs//secret.txt",
        "/runs/./run-a/summary.json", "/api/runs/..%2f..%2fsecret.txt/live", "/api/runs/../live",
        "/api/compare?baseline=../run-a&current=run-a", "/api/compare?baseline=..%2frun-a&current=run-a",
        "/runs/run-a%00/summary.json", "/runs/run-a/summary.json%00.txt", "/runs/.%2e/secret.txt",
        "/runs/" + java.net.URLEncoder.encode(tmp.resolve("secret.txt").toString(), StandardCharsets.UTF_8) + "/summary.json",
        "/runs/run-a/" + java.net.URLEncoder.encode(tmp.resolve("secret.txt").toString(), StandardCharsets.UTF_8));
    for (String path : attempts) {
      Response r = get(path);
      if (path.contains("\\")) {
        // a raw backslash is not allowed in a request line: the JDK's server refuses it (400) before any handler
        assertThat(r.status()).as(path).isIn(400, 404);
      } else {
        assertThat(r.status()).as(path).isEqualTo(404);
      }
      assertThat(r.body()).as(path).doesNotContain("SECRET");
    }
    assertThat(get("/runs/run-a/summary.json").status()).isEqualTo(200);
    assertThat(get("/runs/run-a/run.json").status()).isEqualTo(200);
  }

  @Test
  void answersOnlyOnLoopbackAndOnlyToLoopbackNames() throws IOException {
    assertThat(visualizer.url().getHost()).isEqualTo("127.0.0.1");
    assertThat(raw("/api/runs", "localhost:" + visualizer.url().getPort()).status()).isEqualTo(200);
    // a page of another site whose name was rebound to 127.0.0.1 sends its own name
    Response rebound = raw("/api/runs", "attacker.example:" + visualizer.url().getPort());
    assertThat(rebound.status()).isEqualTo(403);
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a, visualizer.url().getPort()), 2000);
            throw new AssertionError("the visualizer answered on " + a + ", not only on loopback");
          } catch (IOException expected) {
            // refused: it listens on 127.0.0.1 only
          }
        }
      }
    }
  }

  @Test
  void itsStateFileTellsARunWhereItIsWhileItRuns() throws IOException {
    assertThat(Visualizer.running(runs)).contains(visualizer.url());
    assertThat(Visualizer.liveUrl(runs, "r-1")).map(Object::toString).contains(visualizer.url() + "#/run/r-1");
    visualizer.close();
    assertThat(Visualizer.running(runs)).isEmpty();
    assertThat(runs.resolve(Visualizer.STATE_FILE)).doesNotExist();
    // a file left by a visualizer that died (its process is gone) says nothing
    Files.writeString(runs.resolve(Visualizer.STATE_FILE), "{\"url\":\"http://127.0.0.1:3002/\",\"pid\":" + deadPid() + "}");
    assertThat(Visualizer.running(runs)).isEmpty();
  }

  @Test
  void aTakenPortIsAClearError() {
    int port = visualizer.url().getPort();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Visualizer.start(runs, "127.0.0.1", port))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the visualizer cannot listen on 127.0.0.1:" + port)
        .hasMessageContaining("-Dconstellation.visualize.port");
  }

  /** A percentile in ms of one histogram fed every value: what merging must give. */
  private static double ms(int n1, long v1, int n2, long v2, double percentile) {
    Histogram h = IntervalRecord.newHistogram();
    if (n1 > 0) {
      h.recordValueWithCount(v1, n1);
    }
    if (n2 > 0) {
      h.recordValueWithCount(v2, n2);
    }
    return h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static long deadPid() throws IOException {
    Process p = new ProcessBuilder("true").start();
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return p.pid();
  }
}
