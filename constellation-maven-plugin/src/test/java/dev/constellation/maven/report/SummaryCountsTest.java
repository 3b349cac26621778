package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.results.Counts;
import dev.constellation.agent.results.IntervalRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * summary.json counts requests, iterations and the open model's starts by the same definition
 * ({@link Counts}) as each agent's "done" line and result file: the open-model run, 50
 * iterations/s for 30 s with a VU cap that dropped 120, over two agents, comes out as 1,380
 * iterations, 1,380 requests, 1,380 started and 120 dropped, and not 4,140 iterations with 120
 * failed.
 */
class SummaryCountsTest {

  @TempDir Path dir;

  @Test
  void summaryCountsWhatTheAgentsCount() throws Exception {
    List<IntervalRecord> records = new ArrayList<>();
    for (int s = 0; s < 30; s++) {
      String agent = s % 2 == 0 ? "a" : "b";
      long t = 1_000_000L + s * 1000L;
      int dropped = s < 24 ? 5 : 0; // 120 dropped in all
      int started = 50 - dropped;
      long[] ok = new long[started];
      java.util.Arrays.fill(ok, 5_000);
      records.add(TestRecords.http("eu-west-1", agent, "GET /", t, ok));
      records.add(TestRecords.service("eu-west-1", agent, "GET /", t, ok));
      records.add(TestRecords.iteration("eu-west-1", agent, "shop", t, 0, Map.of(), ok));
      records.add(TestRecords.schedule("eu-west-1", agent, "shop", t, dropped, 0, ok));
    }
    Counts agents = Counts.of(records);
    assertThat(agents).isEqualTo(new Counts(1_380, 0, 1_380, 0, 0, 1_380, 120, 0, 0));
    assertThat(agents.describe()).startsWith("1,380 requests (0 failed), 1,380 iterations (0 failed, 0 interrupted); schedule: 1,380 started, 120 dropped");

    RunResults results = RunResults.merge(records, 30_000);
    assertThat(results.counts()).isEqualTo(agents);
    RunFacts facts = new RunFacts("run-1", Instant.ofEpochMilli(1_000_000), 30_000, "http://127.0.0.1", Map.of());
    ReportWriter.write(dir, facts, results, List.of());
    JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    JsonNode c = s.path("counts");
    assertThat(c.path("requests").asLong()).isEqualTo(1_380);
    assertThat(c.path("iterations").asLong()).isEqualTo(1_380);
    assertThat(c.path("iterationFailures").asLong()).isZero();
    assertThat(c.path("started").asLong()).isEqualTo(1_380);
    assertThat(c.path("dropped").asLong()).isEqualTo(120);
    assertThat(s.path("totals").path("requests").asLong()).isEqualTo(c.path("requests").asLong());
    assertThat(s.path("regions").path("eu-west-1").path("iterations").asLong()).isEqualTo(c.path("iterations").asLong());
    assertThat(s.path("schedule").path("started").asLong()).isEqualTo(c.path("started").asLong());
    assertThat(s.path("schedule").path("dropped").asLong()).isEqualTo(c.path("dropped").asLong());
  }

  @Test
  void parallelMergeCountsTheSame() {
    List<IntervalRecord> records = new ArrayList<>();
    for (int s = 0; s < 200; s++) {
      records.add(TestRecords.http("eu-west-1", "a", "GET /", 1_000_000L + s * 1000L, 1_000, 2_000));
      records.add(TestRecords.schedule("eu-west-1", "a", "shop", 1_000_000L + s * 1000L, 1, 1, 100, 20_000));
    }
    assertThat(RunResults.merge(records, -1, 4).counts()).isEqualTo(RunResults.merge(records, -1, 1).counts())
        .isEqualTo(new Counts(400, 0, 0, 0, 0, 400, 200, 200, 0));
  }
}
