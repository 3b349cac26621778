package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.results.IntervalRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failure messages from several agents merged per script and request name, and shown in all three outputs. */
class FailureMessagesReportTest {

  private static final long T = 1_700_000_000_000L;

  @TempDir
  Path dir;

  private static IntervalRecord withMessages(IntervalRecord r, Map<String, Long> messages) {
    return new IntervalRecord(r.version(), r.runId(), r.region(), r.agentId(), r.script(), r.name(), r.kind(), r.startMs(),
        r.lengthMs(), r.count(), r.failures(), r.statusCodes(), r.errors(), r.bytes(), r.histogram(), messages);
  }

  private static final String EXPECTED_503 = "AssertionError: GET /cart: expected status [200] but was 503";

  private static List<IntervalRecord> records() {
    Map<String, Long> agent1 = new LinkedHashMap<>();
    agent1.put(EXPECTED_503, 30L);
    agent1.put("AssertionError: cart {n} has no items", 4L);
    for (int i = 0; i < 6; i++) {
      agent1.put("rare " + (char) ('a' + i), 1L);
    }
    return List.of(
        withMessages(TestRecords.iteration("eu", "eu-0", "Checkout", T, 40, Map.of("AssertionError", 40L), 50_000), agent1),
        withMessages(TestRecords.iteration("us", "us-0", "Checkout", T + 1000, 3, Map.of("AssertionError", 3L), 50_000),
            Map.of(EXPECTED_503, 3L)),
        withMessages(TestRecords.http("eu", "eu-0", "GET /cart", T, new long[] {1000}, 1, Map.of(), Map.of("timeout", 1L)),
            Map.of("timeout: request timed out", 1L)));
  }

  @Test
  void mergesAcrossAgentsKeepingTheTopMessagesAndSummingTheRest() {
    RunResults r = RunResults.merge(records());
    assertThat(r.iterations().get("Checkout").messages()).containsExactly(
        Map.entry(EXPECTED_503, 33L),
        Map.entry("AssertionError: cart {n} has no items", 4L),
        Map.entry("rare a", 1L), Map.entry("rare b", 1L), Map.entry("rare c", 1L),
        Map.entry("(3 other messages)", 3L));
    assertThat(r.request("GET /cart").orElseThrow().messages()).containsExactly(Map.entry("timeout: request timed out", 1L));
  }

  @Test
  void theConsoleSummaryJsonAndHtmlShowThem() throws IOException {
    RunResults r = RunResults.merge(records());
    RunFacts facts = new RunFacts("run-1", Instant.ofEpochMilli(T), 2000, "http://127.0.0.1:1",
        Map.of("eu", new RunFacts.RegionFacts(1, 1, Map.of(RunFacts.INSECURE_TLS, true)), "us", RunFacts.RegionFacts.of(1, 1)));
    String console = ConsoleSummary.render(facts, r, List.of());
    assertThat(console).contains("  Checkout (iterations): " + EXPECTED_503 + "  x33")
        .contains("  GET /cart: timeout: request timed out  x1")
        .contains("WARNING: INSECURE TLS");
    ReportFiles files = ReportWriter.write(dir, facts, r, List.of());
    JsonNode s = new ObjectMapper().readTree(files.summaryJson().toFile());
    assertThat(s.get("insecureTls").asBoolean()).isTrue();
    assertThat(s.get("iterations").get("Checkout").get("failureMessages").get(EXPECTED_503).asLong()).isEqualTo(33);
    assertThat(s.get("iterations").get("Checkout").get("failureMessages").fieldNames()).toIterable().first().isEqualTo(EXPECTED_503);
    assertThat(s.get("requests").get("GET /cart").get("failureMessages").get("timeout: request timed out").asLong()).isEqualTo(1);
    String html = Files.readString(files.indexHtml());
    assertThat(html).contains("id=\"failure-messages\"").contains("expected status [200] but was 503").contains("INSECURE TLS");
  }
}
