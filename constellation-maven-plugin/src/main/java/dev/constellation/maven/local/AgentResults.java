package dev.constellation.maven.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.AgentMain;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.agent.Saturation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the account an agent leaves of its run: start skew, wake-up lateness, clock offset to the
 * orchestrator, its generator's health. The same facts come from three places: the local
 * {@code <agentId>.result.json} beside the records, the {@code result.json} object beside an
 * agent's S3 records, and (from any store) the counters of its {@code test-end} summary.
 */
public final class AgentResults {

  private AgentResults() {}

  /**
   * The facts the report shows per region from one agent's result file.
   *
   * @param recordsDir the run's records directory
   * @param agentId the agent
   * @return {@code startSkewMs}, {@code wakeLatenessMs}, {@code interruptedIterations},
   *     {@code clockOffsetMs} and {@code clockRoundTripMs} (when the agent had an orchestrator: its
 *     clock minus the orchestrator's, accurate to half the round trip) and the load generator's own
   *     health ({@code generator}: CPU, scheduling lag, saturated seconds), or empty when the
   *     agent left no file
   * @throws IOException when the file exists but cannot be read
   */
  public static Map<String, Object> read(Path recordsDir, String agentId) throws IOException {
    Path file = recordsDir.resolve(agentId + AgentMain.RESULT_SUFFIX);
    if (!Files.exists(file)) {
      return new LinkedHashMap<>();
    }
    return fromJson(Files.readString(file));
  }

  /**
   * How long one agent's load lasted by its own result file: {@code loadEndAt - startAt}, both on the
   * agent's clock (so no clock offset enters), which is the planned load duration unless the load
   * ended early (a unique feeder ran out with {@code END_RUN}, every VU stopped by {@code STOP_VU},
   * a stop request).
   *
   * @param recordsDir the run's records directory
   * @param agentId the agent
   * @return milliseconds, or -1 when the agent left no file or one without {@code loadEndAt} (an
   *     agent older than that field)
   * @throws IOException when the file exists but cannot be read
   */
  public static long loadMillis(Path recordsDir, String agentId) throws IOException {
    Path file = recordsDir.resolve(agentId + AgentMain.RESULT_SUFFIX);
    if (!Files.exists(file)) {
      return -1;
    }
    JsonNode node = new ObjectMapper().readTree(Files.readString(file));
    if (node == null || !node.path("loadEndAt").canConvertToLong() || !node.path("startAt").canConvertToLong()) {
      return -1;
    }
    return Math.max(0, node.path("loadEndAt").asLong() - node.path("startAt").asLong());
  }

  /**
   * The facts of every agent of a run that left a {@code result.json} in S3.
   *
   * @param store the run's S3 store
   * @param runId the run
   * @return {@code <region>/<agentId>} → facts (as {@link #fromJson(String)}), sorted
   * @throws IOException when the objects cannot be listed or read
   */
  public static Map<String, Map<String, Object>> read(S3ResultsStore store, String runId) throws IOException {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Map.Entry<String, String> e : store.readAgentResults(runId).entrySet()) {
      try {
        out.put(e.getKey(), fromJson(e.getValue()));
      } catch (IOException bad) {
        throw new IOException("s3://" + store.bucket() + "/runs/" + runId + "/" + e.getKey() + "/result.json: " + bad.getMessage(), bad);
      }
    }
    return out;
  }

  /**
   * The facts in one agent's result JSON (the local file's or the S3 object's content).
   *
   * @param json the content
   * @return the facts, see {@link #read(Path, String)}
   * @throws IOException when it is not JSON
   */
  public static Map<String, Object> fromJson(String json) throws IOException {
    JsonNode node = new ObjectMapper().readTree(json);
    if (node == null || !node.isObject()) {
      throw new IOException("not a JSON object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("startSkewMs", node.path("startSkewMs").asLong());
    out.put("wakeLatenessMs", node.path("wakeLatenessMicros").asLong() / 1000.0);
    out.put("interruptedIterations", node.path("interrupted").asLong());
    if (node.has("clockOffsetMs")) {
      out.put("clockOffsetMs", node.path("clockOffsetMs").asLong());
      out.put("clockRoundTripMs", node.path("clockRoundTripMs").asLong());
    }
    Map<String, Object> generator = generator(node.path("maxCpuPercent").asLong(), node.path("maxSchedulingLagMs").asLong(),
        node.path("saturatedSeconds").asLong(), node.path("maxMachineCpuPercent").asLong(-1), node.path("maxStealPercent").asLong(-1));
    generator.put("saturationCause", Saturation.fromKey(node.path("saturationCause").asText("")).key());
    out.put("generator", generator);
    return out;
  }

  /**
   * The same facts from an agent's {@code test-end} summary counters (whole numbers ≥ 0; the clock
   * offset travels as {@code clockAheadMs} / {@code clockBehindMs}).
   *
   * @param summary the counters one agent reported
   * @return the facts, see {@link #read(Path, String)}
   */
  public static Map<String, Object> fromSummary(Map<String, Long> summary) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("startSkewMs", summary.getOrDefault("startSkewMs", 0L));
    out.put("wakeLatenessMs", summary.getOrDefault("wakeLatenessMicros", 0L) / 1000.0);
    out.put("interruptedIterations", summary.getOrDefault("interrupted", 0L));
    if (summary.containsKey("clockAheadMs") || summary.containsKey("clockBehindMs")) {
      out.put("clockOffsetMs", summary.getOrDefault("clockAheadMs", 0L) - summary.getOrDefault("clockBehindMs", 0L));
      out.put("clockRoundTripMs", summary.getOrDefault("clockRoundTripMs", 0L));
    }
    Map<String, Object> generator = generator(summary.getOrDefault("maxCpuPercent", 0L),
        summary.getOrDefault("maxSchedulingLagMs", 0L), summary.getOrDefault("saturatedSeconds", 0L),
        summary.getOrDefault("maxMachineCpuPercent", -1L), summary.getOrDefault("maxStealPercent", -1L));
    generator.put("saturationCause", Saturation.NONE.key());
    out.put("generator", generator);
    return out;
  }

  /**
   * One region's facts from its agents' facts: the worst agent for each fact (the largest start
   * skew, wake-up lateness, CPU, scheduling lag and saturated seconds, the clock offset farthest
   * from 0 with its round trip) and the sum of interrupted iterations.
   *
   * @param agents the facts of the region's agents, as {@link #fromJson(String)} gives them
   * @return the region's facts, empty for no agents
   */
  public static Map<String, Object> region(java.util.Collection<Map<String, Object>> agents) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (agents.isEmpty()) {
      return out;
    }
    out.put("startSkewMs", agents.stream().mapToLong(a -> ((Number) a.getOrDefault("startSkewMs", 0L)).longValue()).max().orElse(0));
    out.put("wakeLatenessMs", agents.stream().mapToDouble(a -> ((Number) a.getOrDefault("wakeLatenessMs", 0.0)).doubleValue())
        .max().orElse(0));
    out.put("interruptedIterations", agents.stream().mapToLong(a -> ((Number) a.getOrDefault("interruptedIterations", 0L)).longValue())
        .sum());
    agents.stream().filter(a -> a.containsKey("clockOffsetMs"))
        .max(java.util.Comparator.comparingLong(a -> Math.abs(((Number) a.get("clockOffsetMs")).longValue())))
        .ifPresent(a -> {
          out.put("clockOffsetMs", a.get("clockOffsetMs"));
          out.put("clockRoundTripMs", a.getOrDefault("clockRoundTripMs", 0L));
        });
    Map<String, Object> generator = generator(maxGenerator(agents, "maxCpuPercent"), maxGenerator(agents, "maxSchedulingLagMs"),
        maxGenerator(agents, "saturatedSeconds"), maxGenerator(agents, "maxMachineCpuPercent"), maxGenerator(agents, "maxStealPercent"));
    // the cause of the agent that was held back longest speaks for the region
    generator.put("saturationCause", agents.stream().filter(a -> a.get("generator") instanceof Map<?, ?>)
        .max(java.util.Comparator.comparingLong(a -> ((Map<?, ?>) a.get("generator")).get("saturatedSeconds") instanceof Number n
            ? n.longValue() : 0L))
        .map(a -> String.valueOf(((Map<?, ?>) a.get("generator")).get("saturationCause"))).orElse(Saturation.NONE.key()));
    out.put("generator", generator);
    return out;
  }

  private static long maxGenerator(java.util.Collection<Map<String, Object>> agents, String key) {
    return agents.stream().mapToLong(a -> a.get("generator") instanceof Map<?, ?> g && g.get(key) instanceof Number n
        ? n.longValue() : -1L).max().orElse(-1);
  }

  private static Map<String, Object> generator(long cpu, long lag, long saturated, long machineCpu, long steal) {
    Map<String, Object> generator = new LinkedHashMap<>();
    generator.put("maxCpuPercent", Math.max(0, cpu));
    generator.put("maxSchedulingLagMs", Math.max(0, lag));
    generator.put("saturatedSeconds", Math.max(0, saturated));
    generator.put("maxMachineCpuPercent", machineCpu);
    generator.put("maxStealPercent", steal);
    return generator;
  }

  /**
   * The end-of-run warning for a region whose agent was saturated, naming the cause the agent found
   * (its own CPU, other processes, steal, or a pause) and the advice for that cause; empty when the
   * agent was never saturated.
   *
   * @param region the region
   * @param generator the {@code generator} facts {@link #read} gives
   * @return the warning, if any
   */
  public static java.util.Optional<String> saturationWarning(String region, Map<?, ?> generator) {
    if (!(generator.get("saturatedSeconds") instanceof Long n) || n <= 0) {
      return java.util.Optional.empty();
    }
    Saturation cause = Saturation.fromKey(String.valueOf(generator.get("saturationCause")));
    if (cause == Saturation.NONE) {
      cause = Saturation.AGENT; // a result file from before causes were recorded
    }
    return java.util.Optional.of("the agent of " + region + " was held back for " + n + " s by " + cause.cause() + " (own CPU up to "
        + generator.get("maxCpuPercent") + "%, machine CPU up to " + percent(generator.get("maxMachineCpuPercent")) + ", steal up to "
        + percent(generator.get("maxStealPercent")) + ", scheduling lag up to " + generator.get("maxSchedulingLagMs")
        + " ms): the numbers may measure the load generator, not the target. " + capitalize(cause.advice()));
  }

  private static String percent(Object v) {
    return v instanceof Long l && l >= 0 ? l + "%" : "unknown";
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
