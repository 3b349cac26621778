package dev.constellation.maven.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentResultsTest {

  @Test
  void theResultFileAndTheTestEndSummaryGiveTheSameFacts() throws Exception {
    String json = "{\"agentId\":\"eu-west-1-0\",\"startAt\":1000,\"endAt\":5000,\"firstRequestAt\":1003,\"requests\":10,"
        + "\"failures\":0,\"iterations\":10,\"iterationFailures\":0,\"interrupted\":2,\"maxCpuPercent\":35,"
        + "\"maxSchedulingLagMs\":4,\"saturatedSeconds\":1,\"region\":\"eu-west-1\",\"vus\":5,\"wakeLatenessMicros\":1500,"
        + "\"startSkewMs\":3,\"clockOffsetMs\":-42,\"clockRoundTripMs\":20}";
    Map<String, Long> summary = new LinkedHashMap<>();
    summary.put("requests", 10L);
    summary.put("interrupted", 2L);
    summary.put("startSkewMs", 3L);
    summary.put("wakeLatenessMicros", 1500L);
    summary.put("maxCpuPercent", 35L);
    summary.put("maxSchedulingLagMs", 4L);
    summary.put("saturatedSeconds", 1L);
    summary.put("clockAheadMs", 0L);
    summary.put("clockBehindMs", 42L);
    summary.put("clockRoundTripMs", 20L);

    Map<String, Object> fromFile = AgentResults.fromJson(json);
    assertThat(fromFile).containsEntry("startSkewMs", 3L).containsEntry("wakeLatenessMs", 1.5)
        .containsEntry("interruptedIterations", 2L).containsEntry("clockOffsetMs", -42L).containsEntry("clockRoundTripMs", 20L)
        .containsEntry("generator", Map.of("maxCpuPercent", 35L, "maxSchedulingLagMs", 4L, "saturatedSeconds", 1L,
            "maxMachineCpuPercent", -1L, "maxStealPercent", -1L, "saturationCause", "none"));
    assertThat(AgentResults.fromSummary(summary)).isEqualTo(fromFile);
  }

  @Test
  void aRegionShowsItsWorstAgentForEachFactAndTheSumOfInterruptedIterations() throws Exception {
    Map<String, Object> a = AgentResults.fromJson("{\"startSkewMs\":3,\"wakeLatenessMicros\":900,\"interrupted\":1,"
        + "\"maxCpuPercent\":80,\"maxSchedulingLagMs\":2,\"saturatedSeconds\":0,\"clockOffsetMs\":12,\"clockRoundTripMs\":30}");
    Map<String, Object> b = AgentResults.fromJson("{\"startSkewMs\":9,\"wakeLatenessMicros\":200,\"interrupted\":2,"
        + "\"maxCpuPercent\":40,\"maxSchedulingLagMs\":70,\"saturatedSeconds\":3,\"clockOffsetMs\":-40,\"clockRoundTripMs\":90}");
    Map<String, Object> region = AgentResults.region(java.util.List.of(a, b));
    assertThat(region).containsEntry("startSkewMs", 9L).containsEntry("wakeLatenessMs", 0.9)
        .containsEntry("interruptedIterations", 3L).containsEntry("clockOffsetMs", -40L).containsEntry("clockRoundTripMs", 90L)
        .containsEntry("generator", Map.of("maxCpuPercent", 80L, "maxSchedulingLagMs", 70L, "saturatedSeconds", 3L,
            "maxMachineCpuPercent", -1L, "maxStealPercent", -1L, "saturationCause", "none"));
    assertThat(AgentResults.region(java.util.List.of())).isEmpty();
  }

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
