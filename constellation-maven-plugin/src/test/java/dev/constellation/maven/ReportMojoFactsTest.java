package dev.constellation.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.maven.report.RunFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run on AWS reported from another machine: the region facts come from the agents' result.json objects. */
class ReportMojoFactsTest {

  private static IntervalRecord record(String region, String agent) {
    return new IntervalRecord(1, "r1", region, agent, "Ping", "GET /ping", IntervalRecord.KIND_HTTP, 1_000, 1_000, 5, 0,
        Map.of("200", 5L), Map.of(), 20, IntervalRecord.encode(IntervalRecord.newHistogram()));
  }

  @Test
  void regionsGetTheirAgentsFactsAndRegionsWithoutResultObjectsGetNone() {
    Map<String, Object> skewed = Map.of("startSkewMs", 7L, "wakeLatenessMs", 0.5, "interruptedIterations", 0L,
        "clockOffsetMs", 30L, "clockRoundTripMs", 80L,
        "generator", Map.of("maxCpuPercent", 20L, "maxSchedulingLagMs", 3L, "saturatedSeconds", 0L));
    RunFacts facts = ReportMojo.factsFrom("r1",
        List.of(record("eu-west-1", "eu-west-1-0"), record("eu-west-1", "eu-west-1-1"), record("us-east-2", "us-east-2-0")),
        Map.of("eu-west-1/eu-west-1-1", skewed));
    assertThat(facts.regions().get("eu-west-1").agents()).isEqualTo(2);
    assertThat(facts.regions().get("eu-west-1").extra()).containsEntry("startSkewMs", 7L).containsEntry("clockOffsetMs", 30L);
    assertThat(facts.regions().get("us-east-2").extra()).isEmpty();
  }
}
