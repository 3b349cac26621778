package dev.constellation.maven.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentResultsTest {

  @TempDir Path dir;

  private Map<?, ?> generator(String json) throws Exception {
    Files.writeString(dir.resolve("local-0.result.json"), json);
    return (Map<?, ?>) AgentResults.read(dir, "local-0").get("generator");
  }

  @Test
  void blamesOtherProcessesNotTheAgentWhenTheMachineWasBusy() throws Exception {
    // The case: own CPU 3 %, lag 89 ms, the machine busy with other processes.
    Map<?, ?> g = generator("{\"maxCpuPercent\":3,\"maxSchedulingLagMs\":89,\"saturatedSeconds\":4,\"maxMachineCpuPercent\":99,"
        + "\"maxStealPercent\":0,\"saturationCause\":\"machine\"}");
    assertThat(g.get("saturationCause")).isEqualTo("machine");
    assertThat(g.get("maxMachineCpuPercent")).isEqualTo(99L);
    String warning = AgentResults.saturationWarning("eu-west-1", g).orElseThrow();
    assertThat(warning).contains("held back for 4 s by other processes on the machine").contains("own CPU up to 3%")
        .contains("machine CPU up to 99%").contains("fewer VUs per agent would not help").doesNotContain("Run fewer VUs per agent");
  }

  @Test
  void blamesTheAgentWhenItsOwnCpuWasTheCause() throws Exception {
    Map<?, ?> g = generator("{\"maxCpuPercent\":97,\"maxSchedulingLagMs\":120,\"saturatedSeconds\":5,\"maxMachineCpuPercent\":99,"
        + "\"maxStealPercent\":-1,\"saturationCause\":\"agent\"}");
    assertThat(AgentResults.saturationWarning("local", g).orElseThrow()).contains("by the agent's own CPU").contains("steal up to unknown")
        .contains("Run fewer VUs per agent");
  }

  @Test
  void saysNothingWhenTheAgentWasNeverSaturated() throws Exception {
    Map<?, ?> g = generator("{\"maxCpuPercent\":20,\"maxSchedulingLagMs\":3,\"saturatedSeconds\":0,\"saturationCause\":\"none\"}");
    assertThat(AgentResults.saturationWarning("local", g)).isEmpty();
  }
}
