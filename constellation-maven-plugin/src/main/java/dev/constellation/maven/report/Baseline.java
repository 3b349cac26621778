package dev.constellation.maven.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** The figures of an earlier run read from its summary.json, to compare against. */
record Baseline(String source, String runId, Figures totals, Map<String, Figures> requests) {

  /** p95 latency (ms) and requests per second of one scope. */
  record Figures(double p95, double rps) {}

  Baseline {
    requests = Collections.unmodifiableMap(new TreeMap<>(requests));
  }

  /**
   * Reads a baseline.
   *
   * @param path a summary.json, or a run directory holding one
   */
  static Baseline read(Path path) throws IOException {
    Path file = Files.isDirectory(path) ? path.resolve("summary.json") : path;
    if (!Files.isRegularFile(file)) {
      throw new IOException("baseline " + file + " does not exist; point the baseline at a previous run's summary.json "
          + "or its directory (target/constellation/<runId>)");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException("baseline " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject() || !root.has("totals")) {
      throw new IOException("baseline " + file + " is not a Constellation summary.json (no \"totals\")");
    }
    Map<String, Figures> requests = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("requests").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      requests.put(e.getKey(), figures(e.getValue()));
    }
    return new Baseline(file.toString(), root.path("runId").asText(""), figures(root.path("totals")), requests);
  }

  private static Figures figures(JsonNode n) {
    JsonNode p95 = n.path("latencyMs").path("p95");
    JsonNode rps = n.path("rps");
    return new Figures(p95.isNumber() ? p95.asDouble() : Double.NaN, rps.isNumber() ? rps.asDouble() : Double.NaN);
  }

  /** Change of one scope between baseline and current run. */
  record Delta(String name, Figures before, Figures now) {
    double p95DeltaMs() {
      return before == null || now == null ? Double.NaN : now.p95() - before.p95();
    }

    double p95DeltaPct() {
      return before == null || now == null || !(before.p95() > 0) ? Double.NaN : (now.p95() - before.p95()) / before.p95() * 100;
    }

    double rpsDelta() {
      return before == null || now == null ? Double.NaN : now.rps() - before.rps();
    }

    double rpsDeltaPct() {
      return before == null || now == null || !(before.rps() > 0) ? Double.NaN : (now.rps() - before.rps()) / before.rps() * 100;
    }

    String status() {
      return before == null ? "new" : now == null ? "gone" : "both";
    }
  }

  /** Deltas per request name: every name of either run, sorted. */
  Map<String, Delta> compare(RunResults results) {
    Map<String, Delta> out = new TreeMap<>();
    requests.forEach((name, f) -> out.put(name, new Delta(name, f, null)));
    results.requests().forEach((name, s) -> out.put(name, new Delta(name, requests.get(name), new Figures(s.p95(), s.rps()))));
    return out;
  }

  Delta totalsDelta(RunResults results) {
    return new Delta("totals", totals, new Figures(results.totals().p95(), results.totals().rps()));
  }
}
