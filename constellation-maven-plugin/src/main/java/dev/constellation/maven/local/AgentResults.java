package dev.constellation.maven.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.AgentMain;
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
   *     generator's own health ({@code generator}: CPU, scheduling lag, saturated seconds), or empty
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
    out.put("generator", generator);
    return out;
  }
}
