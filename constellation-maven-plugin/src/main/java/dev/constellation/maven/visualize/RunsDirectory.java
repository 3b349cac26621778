package dev.constellation.maven.visualize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.constellation.maven.report.ReportData;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runs under one output directory ({@code target/constellation/<runId>/}): listed from their {@code summary.json}
 * (a finished run) or {@code run.json} (a running one). A run is looked up only by a name that is a plain folder name
 * of this directory, never by a path, so no request can reach a file outside it.
 */
final class RunsDirectory {

  /** What a run id may look like: the plugin's ids ({@code 20261129-161500-a1b2}) and any plain folder name. */
  static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** A run whose run.json still says running is taken for running this long past its planned end. */
  static final long RUNNING_SLACK_MS = 5 * 60_000;

  /** Newest first: by start, then by run id. */
  static final Comparator<ObjectNode> NEWEST_FIRST = Comparator.comparing((ObjectNode r) -> r.path("startedAt").asText())
      .thenComparing(r -> r.path("runId").asText()).reversed();

  private final Path root;
  /** Rows of finished runs by run id, kept while their summary.json is unchanged (the page asks every 2 s). */
  private final Map<String, Cached> finished = new java.util.concurrent.ConcurrentHashMap<>();

  private record Cached(long summaryModified, ObjectNode row) {}

  RunsDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  /**
   * The folder of a run.
   *
   * @param runId a run id as it came in a request
   * @return the run's folder, when the id is a plain folder name and the folder holds a run.json or summary.json
   */
  Optional<Path> run(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches() || runId.contains("..")) {
      return Optional.empty();
    }
    Path dir = root.resolve(runId).normalize();
    if (!root.equals(dir.getParent()) || !Files.isDirectory(dir)
        || !(Files.isRegularFile(dir.resolve(RunFacts.FILE_NAME)) || Files.isRegularFile(dir.resolve(ReportWriter.SUMMARY_JSON)))) {
      return Optional.empty();
    }
    return Optional.of(dir);
  }

  /**
   * The facts of a run: its run.json, else (a report rebuilt elsewhere) the summary's.
   *
   * @param dir the run's folder
   * @return the facts
   * @throws IOException when neither file can be read
   */
  static RunFacts facts(Path dir) throws IOException {
    if (Files.isRegularFile(dir.resolve(RunFacts.FILE_NAME))) {
      return RunFacts.read(dir);
    }
    JsonNode s = ReportData.JSON.readTree(dir.resolve(ReportWriter.SUMMARY_JSON).toFile());
    Map<String, RunFacts.RegionFacts> regions = new java.util.TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("regions").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      regions.put(e.getKey(), RunFacts.RegionFacts.of(e.getValue().path("agents").asInt(), e.getValue().path("vus").asInt()));
    }
    return new RunFacts(s.path("runId").asText(dir.getFileName().toString()), Instant.parse(s.path("startedAt").asText()),
        s.path("durationMs").asLong(), s.path("target").asText(""), regions, s.path("plannedDurationMs").asLong(),
        RunFacts.Status.valueOf(s.path("status").asText("completed").toUpperCase(java.util.Locale.ROOT)));
  }

  /**
   * How a run stands: {@code running}, {@code completed}, {@code interrupted}, or {@code unfinished} (its run.json
   * still says running long after its planned end and no record arrived for a minute: the build died).
   */
  static String status(Path dir, RunFacts facts) {
    if (facts.status() != RunFacts.Status.RUNNING) {
      return facts.status().json();
    }
    long now = System.currentTimeMillis();
    if (now < facts.startedAt().toEpochMilli() + facts.plannedDurationMs() + RUNNING_SLACK_MS || recentlyWritten(dir.resolve("records"))) {
      return "running";
    }
    return "unfinished";
  }

  private static boolean recentlyWritten(Path records) {
    try (Stream<Path> files = Files.isDirectory(records) ? Files.list(records) : Stream.empty()) {
      long now = System.currentTimeMillis();
      return files.anyMatch(f -> {
        try {
          return now - Files.getLastModifiedTime(f).toMillis() < 60_000;
        } catch (IOException e) {
          return false;
        }
      });
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether the run's final report is there to be shown: the run has ended and index.html is written whole
   * (the report writes it last, ending in {@code </html>}).
   */
  static boolean reportReady(Path dir, RunFacts facts) {
    if (facts.status() == RunFacts.Status.RUNNING || !Files.isRegularFile(dir.resolve(ReportWriter.SUMMARY_JSON))) {
      return false;
    }
    Path html = dir.resolve(ReportWriter.INDEX_HTML);
    try (RandomAccessFile f = new RandomAccessFile(html.toFile(), "r")) {
      long len = f.length();
      byte[] tail = new byte[(int) Math.min(32, len)];
      f.seek(len - tail.length);
      f.readFully(tail);
      return new String(tail, StandardCharsets.UTF_8).trim().endsWith("</html>");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Every run, newest first: id, start, duration, status, regions, VUs, agents, requests, p95 and pass/fail.
   *
   * @param live the live state of running runs (their figures so far), by run id
   * @return the list as JSON
   * @throws IOException when the directory cannot be listed
   */
  ArrayNode list(java.util.function.Function<String, LiveRun> live) throws IOException {
    List<ObjectNode> rows = new ArrayList<>();
    try (Stream<Path> dirs = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
      for (Path dir : dirs.sorted().toList()) {
        String id = dir.getFileName().toString();
        if (run(id).isEmpty()) {
          continue;
        }
        try {
          Path summary = dir.resolve(ReportWriter.SUMMARY_JSON);
          long modified = Files.isRegularFile(summary) ? Files.getLastModifiedTime(summary).toMillis() : -1;
          Cached c = finished.get(id);
          if (c != null && c.summaryModified() == modified) {
            rows.add(c.row());
            continue;
          }
          ObjectNode row = row(dir, id, live);
          if (modified >= 0 && row.path("report").asBoolean()) {
            finished.put(id, new Cached(modified, row));
          }
          rows.add(row);
        } catch (IOException | RuntimeException e) {
          ObjectNode bad = ReportData.JSON.createObjectNode();
          bad.put("runId", id);
          bad.put("source", "local");
          bad.put("status", "unreadable");
          bad.put("error", String.valueOf(e.getMessage()));
          bad.put("startedAt", "");
          rows.add(bad);
        }
      }
    }
    rows.sort(NEWEST_FIRST);
    ArrayNode out = ReportData.JSON.createArrayNode();
    rows.forEach(out::add);
    return out;
  }

  private static ObjectNode row(Path dir, String id, java.util.function.Function<String, LiveRun> live) throws IOException {
    RunFacts facts = facts(dir);
    String status = status(dir, facts);
    ObjectNode r = ReportData.JSON.createObjectNode();
    r.put("runId", id);
    r.put("source", "local");
    r.put("startedAt", facts.startedAt().toString());
    r.put("status", status);
    r.put("report", reportReady(dir, facts));
    r.put("target", facts.target());
    ArrayNode regions = r.putArray("regions");
    facts.regions().keySet().forEach(regions::add);
    r.put("vus", facts.totalVus());
    r.put("agents", facts.totalAgents());
    r.put("plannedDurationMs", facts.plannedDurationMs());
    Path summary = dir.resolve(ReportWriter.SUMMARY_JSON);
    JsonNode totals;
    if (facts.status() != RunFacts.Status.RUNNING && Files.isRegularFile(summary)) {
      JsonNode s = ReportData.JSON.readTree(summary.toFile());
      r.put("durationMs", s.path("durationMs").asLong());
      r.put("passed", s.path("passed").asBoolean());
      totals = s.path("totals");
    } else {
      ObjectNode state = live.apply(id).state(facts, status, false);
      r.put("durationMs", state.path("elapsedMs").asLong());
      r.putNull("passed");
      totals = state.path("summary").path("totals");
    }
    r.put("requests", totals.path("requests").asLong());
    r.put("failures", totals.path("failures").asLong());
    r.set("p95", totals.path("latencyMs").path("p95"));
    return r;
  }
}
