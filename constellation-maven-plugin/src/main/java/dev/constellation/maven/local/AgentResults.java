package dev.constellation.maven.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.AgentMain;
import dev.constellation.agent.Saturation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the account an agent leaves beside its records: start skew, wake-up lateness, counts. */
public final class AgentResults {

  private AgentResults() {}

  /**
   * The facts the report shows per region from one agent's result file.
   *
   * @param recordsDir the run's records directory
   * @param agentId the agent
   * @return {@code startSkewMs}, {@code wakeLatenessMs}, {@code interruptedIterations} and the load
   *     generator's own health ({@code generator}: own CPU, machine CPU, steal, scheduling lag,
   *     saturated seconds and their cause), or empty
   *     when the agent left no file
   * @throws IOException when the file exists but cannot be read
   */
  public static Map<String, Object> read(Path recordsDir, String agentId) throws IOException {
    Path file = recordsDir.resolve(agentId + AgentMain.RESULT_SUFFIX);
    Map<String, Object> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    var node = new ObjectMapper().readTree(file.toFile());
    out.put("startSkewMs", node.path("startSkewMs").asLong());
    out.put("wakeLatenessMs", node.path("wakeLatenessMicros").asLong() / 1000.0);
    out.put("interruptedIterations", node.path("interrupted").asLong());
    Map<String, Object> generator = new LinkedHashMap<>();
    generator.put("maxCpuPercent", node.path("maxCpuPercent").asLong());
    generator.put("maxSchedulingLagMs", node.path("maxSchedulingLagMs").asLong());
    generator.put("saturatedSeconds", node.path("saturatedSeconds").asLong());
    generator.put("maxMachineCpuPercent", node.path("maxMachineCpuPercent").asLong(-1));
    generator.put("maxStealPercent", node.path("maxStealPercent").asLong(-1));
    generator.put("saturationCause", Saturation.fromKey(node.path("saturationCause").asText("")).key());
    out.put("generator", generator);
    return out;
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
