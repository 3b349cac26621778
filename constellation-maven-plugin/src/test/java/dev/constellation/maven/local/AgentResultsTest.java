package dev.constellation.maven.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
        .containsEntry("generator", Map.of("maxCpuPercent", 35L, "maxSchedulingLagMs", 4L, "saturatedSeconds", 1L));
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
        .containsEntry("generator", Map.of("maxCpuPercent", 80L, "maxSchedulingLagMs", 70L, "saturatedSeconds", 3L));
    assertThat(AgentResults.region(java.util.List.of())).isEmpty();
  }
}
