package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.constellation.agent.results.IntervalRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connect and TLS handshake times in the report: merged from the records of two agents in two
 * regions as histograms (never averaged), per request name and in total, in summary.json,
 * requests.csv, index.html and the console; "not measured" when no record carried them.
 */
class ConnectionReportTest {

  @TempDir
  Path dir;

  private static final long T = 1_795_780_800_000L;

  private static String encode(long... micros) {
    Histogram h = IntervalRecord.newHistogram();
    for (long v : micros) {
      h.recordValue(v);
    }
    return IntervalRecord.encode(h);
  }

  /**
   * Agent 1 (eu-west-1): GET /a opened 2 connections (connect 100 and 300 µs, handshakes 1,000 and
   * 1,800 µs, one resumed). Agent 2 (us-east-1): GET /a opened 3 (connect 200, 400, 1,900 µs;
   * handshakes 500, 600, 700 µs, two resumed), in two intervals; GET /b reused connections only.
   */
  private static List<IntervalRecord> twoAgents() {
    return List.of(
        TestRecords.http("eu-west-1", "eu-west-1-0", "GET /a", T, 5_000, 6_000, 7_000)
            .withConnections(new IntervalRecord.Connections(2, encode(100, 300), 1, encode(1_000, 1_800))),
        TestRecords.http("us-east-1", "us-east-1-0", "GET /a", T, 4_000, 4_500)
            .withConnections(new IntervalRecord.Connections(2, encode(200, 400), 1, encode(500, 600))),
        TestRecords.http("us-east-1", "us-east-1-0", "GET /a", T + 1000, 4_200)
            .withConnections(new IntervalRecord.Connections(1, encode(1_900), 1, encode(700))),
        TestRecords.http("us-east-1", "us-east-1-0", "GET /b", T + 1000, 900, 950)
            .withConnections(IntervalRecord.Connections.NONE));
  }

  @Test
  void connectionsOfTwoAgentsMergeAsHistogramsPerNameAndInTotal() {
    RunResults results = RunResults.merge(twoAgents());
    ConnectionStats a = results.connections().get("GET /a");
    assertThat(a.newConnections()).isEqualTo(5);
    assertThat(a.tlsHandshakes()).isEqualTo(5);
    assertThat(a.tlsResumed()).isEqualTo(3);
    // the merged histogram's percentiles: 100, 200, 300, 400, 1900 µs; not an average of the agents' own
    assertThat(a.connectMs(50)).isEqualTo(0.3);
    assertThat(a.connectMaxMs()).isEqualTo(1.9);
    assertThat(a.tlsHandshakeMs(50)).isEqualTo(0.7);
    assertThat(a.tlsHandshakeMaxMs()).isEqualTo(1.8);
    ConnectionStats b = results.connections().get("GET /b");
    assertThat(b.newConnections()).isZero();
    assertThat(b.tlsHandshakes()).isZero();
    ConnectionStats all = results.connectionTotals().orElseThrow();
    assertThat(all.newConnections()).isEqualTo(5);
    assertThat(all.connectHistogram().getTotalCount()).isEqualTo(5);
    // merging on four threads over time slices gives the same figures
    RunResults parallel = RunResults.merge(twoAgents(), -1, 4);
    assertThat(parallel.connections().get("GET /a").connectHistogram()).isEqualTo(a.connectHistogram());
    assertThat(parallel.connections().get("GET /a").tlsResumed()).isEqualTo(3);
  }

  @Test
  void summaryJsonCarriesTheFieldsPerNameAndInTotal() {
    RunResults results = RunResults.merge(twoAgents());
    JsonNode o = SummaryJson.build(new RunFacts("run-1", Instant.EPOCH, 2000, "", Map.of()), results, List.of(), null);
    assertThat(o.get("connectionTimes").asText()).isEqualTo("measured");
    JsonNode a = o.get("requests").get("GET /a");
    assertThat(a.get("newConnections").asLong()).isEqualTo(5);
    assertThat(a.get("tlsHandshakes").asLong()).isEqualTo(5);
    assertThat(a.get("tlsResumed").asLong()).isEqualTo(3);
    assertThat(a.get("connectMs").get("p50").asDouble()).isEqualTo(0.3);
    assertThat(a.get("connectMs").get("p95").asDouble()).isEqualTo(1.9);
    assertThat(a.get("connectMs").get("p99").asDouble()).isEqualTo(1.9);
    assertThat(a.get("connectMs").get("max").asDouble()).isEqualTo(1.9);
    assertThat(a.get("tlsHandshakeMs").get("p50").asDouble()).isEqualTo(0.7);
    assertThat(a.get("tlsHandshakeMs").get("max").asDouble()).isEqualTo(1.8);
    JsonNode b = o.get("requests").get("GET /b");
    assertThat(b.get("newConnections").asLong()).isZero();
    assertThat(b.has("connectMs")).isFalse();
    assertThat(b.has("tlsHandshakeMs")).isFalse();
    assertThat(o.get("totals").get("newConnections").asLong()).isEqualTo(5);
    assertThat(o.get("totals").get("connectMs").get("max").asDouble()).isEqualTo(1.9);
  }

  @Test
  void recordsWithoutConnectionFieldsAreNotMeasuredNotZero() throws Exception {
    List<IntervalRecord> jdk = List.of(TestRecords.http("eu-west-1", "eu-west-1-0", "GET /a", T, 5_000, 6_000));
    RunResults results = RunResults.merge(jdk);
    assertThat(results.connections()).isEmpty();
    assertThat(results.connectionTotals()).isEmpty();
    RunFacts facts = new RunFacts("run-1", Instant.EPOCH, 1000, "", Map.of());
    JsonNode o = SummaryJson.build(facts, results, List.of(), null);
    assertThat(o.get("connectionTimes").asText()).isEqualTo("not measured by the jdk engine");
    assertThat(o.get("requests").get("GET /a").has("newConnections")).isFalse();
    assertThat(o.get("totals").has("newConnections")).isFalse();
    ReportFiles files = ReportWriter.write(dir, facts, results, List.of());
    assertThat(Files.readString(files.indexHtml(), StandardCharsets.UTF_8)).contains("Connect and TLS handshake times: not measured by the jdk engine");
    assertThat(Files.readAllLines(files.requestsCsv()).get(1)).endsWith(",,,,,,,,,,,");
    assertThat(ConsoleSummary.render(facts, results, List.of())).contains("Connections: connect and TLS handshake times not measured by the jdk engine");
  }

  @Test
  void theCsvThePageAndTheConsoleShowTheMergedFigures() throws Exception {
    RunResults results = RunResults.merge(twoAgents());
    RunFacts facts = new RunFacts("run-1", Instant.EPOCH, 2000, "", Map.of());
    ReportFiles files = ReportWriter.write(dir, facts, results, List.of());
    List<String> csv = Files.readAllLines(files.requestsCsv());
    assertThat(csv.get(0)).endsWith(",new_connections,tls_handshakes,tls_resumed,connect_p50_ms,connect_p95_ms,connect_p99_ms,"
        + "connect_max_ms,tls_p50_ms,tls_p95_ms,tls_p99_ms,tls_max_ms");
    assertThat(csv.get(1)).startsWith("GET /a,").endsWith(",5,5,3,0.300,1.900,1.900,1.900,0.700,1.800,1.800,1.800");
    assertThat(csv.get(2)).startsWith("GET /b,").endsWith(",0,0,0,,,,,,,,");
    String html = Files.readString(files.indexHtml(), StandardCharsets.UTF_8);
    assertThat(html).contains("<h3 id=\"connections\">New connections</h3>").contains("part of the latency above");
    assertThat(ConsoleSummary.render(facts, results, List.of()))
        .contains("Connections: 5 new, connect p95 1.90 ms max 1.90 ms; TLS handshakes 5 (3 resumed), p95 1.80 ms max 1.80 ms");
  }
}
