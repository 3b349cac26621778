package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportWriterTest {

  @TempDir
  Path dir;

  private final SampleRun run = new SampleRun(30, 11);
  private final RunResults results = run.results();
  private final List<ThresholdResult> thresholds = Thresholds.parse(List.of(
      "p(95) < 1s", "[POST /orders] p(95) < 100ms", "[region=us-east-1] error_rate < 50%", "[GET /nope] max < 1s"))
      .evaluate(results);

  @Test
  void summaryJsonHasEveryContractKey() throws IOException {
    ReportFiles files = ReportWriter.write(dir, run.facts, results, thresholds);
    JsonNode s = new ObjectMapper().readTree(files.summaryJson().toFile());

    assertThat(s.get("runId").asText()).isEqualTo("run-20261127-1000");
    assertThat(s.get("startedAt").asText()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(s.get("durationMs").asLong()).isEqualTo(30_000);
    assertStatsShape(s.get("totals"));
    assertThat(s.get("totals").get("requests").asLong()).isEqualTo(results.totals().requests());
    assertThat(s.get("totals").get("latencyMs").get("p95").asDouble()).isEqualTo(results.totals().p95());
    assertThat(s.get("regions").fieldNames()).toIterable().containsExactly("eu-west-1", "us-east-1");
    for (JsonNode r : s.get("regions")) {
      assertStatsShape(r);
      assertThat(r.get("agents").asInt()).isEqualTo(2);
      assertThat(r.get("vus").asInt()).isEqualTo(50);
      assertThat(r.has("startSkewMs")).isTrue();
    }
    assertThat(s.get("requests").fieldNames()).toIterable()
        .containsExactlyInAnyOrder("GET /items/{id}", "POST /orders", SampleRun.HOSTILE);
    for (JsonNode r : s.get("requests")) {
      assertStatsShape(r);
      assertThat(r.get("statusCodes").isObject()).isTrue();
      assertThat(r.get("errors").isObject()).isTrue();
    }
    assertThat(s.get("iterations").get("BrowseAndBuy").get("requests").asLong()).isEqualTo(30 * 4 * 3);
    assertThat(s.get("errors").isObject()).isTrue();
    assertThat(s.get("statusCodes").get("200").asLong()).isPositive();
    assertThat(s.get("thresholds")).hasSize(4);
    for (JsonNode t : s.get("thresholds")) {
      assertThat(t.has("expression")).isTrue();
      assertThat(t.has("actual")).isTrue();
      assertThat(t.get("passed").isBoolean()).isTrue();
    }
    assertThat(s.get("thresholds").get(0).get("expression").asText()).isEqualTo("p(95) < 1s");
    assertThat(s.get("thresholds").get(3).get("actual").isNull()).isTrue();
    assertThat(s.get("passed").asBoolean()).isFalse();
  }

  private static void assertStatsShape(JsonNode n) {
    assertThat(n.get("requests").isIntegralNumber()).isTrue();
    assertThat(n.get("failures").isIntegralNumber()).isTrue();
    assertThat(n.get("rps").isNumber()).isTrue();
    for (String k : List.of("p50", "p90", "p95", "p99", "max", "mean")) {
      assertThat(n.get("latencyMs").get(k).isNumber()).as(k).isTrue();
    }
  }

  @Test
  void junitXmlIsWellFormedWithOneTestCasePerThreshold() throws Exception {
    ReportFiles files = ReportWriter.write(dir, run.facts, results, thresholds);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(files.junitXml().toFile());
    Element suite = doc.getDocumentElement();
    assertThat(suite.getTagName()).isEqualTo("testsuite");
    assertThat(suite.getAttribute("name")).isEqualTo("constellation.thresholds");
    assertThat(suite.getAttribute("tests")).isEqualTo("4");
    long failed = thresholds.stream().filter(t -> !t.passed()).count();
    assertThat(suite.getAttribute("failures")).isEqualTo(Long.toString(failed));
    NodeList cases = suite.getElementsByTagName("testcase");
    assertThat(cases.getLength()).isEqualTo(4);
    Element notRecorded = (Element) cases.item(3);
    assertThat(notRecorded.getAttribute("name")).isEqualTo("[GET /nope] max < 1s");
    assertThat(((Element) notRecorded.getElementsByTagName("failure").item(0)).getAttribute("message"))
        .contains("was not recorded");
    assertThat(((Element) cases.item(0)).getElementsByTagName("failure").getLength()).isZero();
  }

  @Test
  void junitXmlWithoutThresholdsIsAnEmptySuite() throws Exception {
    ReportFiles files = ReportWriter.write(dir, run.facts, results, List.of());
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(files.junitXml().toFile());
    assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("0");
    assertThat(doc.getElementsByTagName("testcase").getLength()).isZero();
  }

  @Test
  void requestsCsvHasAHeaderAndOneQuotedRowPerName() throws IOException {
    ReportFiles files = ReportWriter.write(dir, run.facts, results, thresholds);
    List<String> lines = Files.readAllLines(files.requestsCsv());
    assertThat(lines.get(0)).isEqualTo("name,requests,failures,error_pct,rps,p50_ms,p90_ms,p95_ms,p99_ms,max_ms,mean_ms,"
        + "new_connections,tls_handshakes,tls_resumed,connect_p50_ms,connect_p95_ms,connect_p99_ms,connect_max_ms,"
        + "tls_p50_ms,tls_p95_ms,tls_p99_ms,tls_max_ms");
    assertThat(lines).hasSize(4);
    Stats orders = results.request("POST /orders").orElseThrow();
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("POST /orders," + orders.requests() + "," + orders.failures() + ","));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\"GET /search?q=</script><script>alert(1)</script>&x=\"\"'\","));
  }

  @Test
  void htmlEscapesRequestNamesInMarkupAndInTheInlineJson() throws IOException {
    ReportFiles files = ReportWriter.write(dir, run.facts, results, thresholds);
    String html = Files.readString(files.indexHtml(), StandardCharsets.UTF_8);
    assertThat(html).doesNotContain("<script>alert(1)");
    assertThat(html).contains("GET /search?q=&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;x=&quot;&#39;");
    // only our own three script elements open and close
    assertThat(count(html, "<script")).isEqualTo(3);
    assertThat(count(html, "</script>")).isEqualTo(3);
    Matcher data = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL)
        .matcher(html);
    assertThat(data.find()).isTrue();
    JsonNode json = new ObjectMapper().readTree(data.group(1));
    assertThat(json.get("regions")).hasSize(2);
    assertThat(json.get("x")).hasSize(30);
    assertThat(json.get("spectrum").get(0).get("name").asText()).isEqualTo("all regions");
  }

  @Test
  void htmlIsSelfContained() throws IOException {
    ReportFiles files = ReportWriter.write(dir, run.facts, results, thresholds);
    String html = Files.readString(files.indexHtml(), StandardCharsets.UTF_8);
    assertThat(html).doesNotContainPattern("(?i)<script[^>]+src=").doesNotContainPattern("(?i)<link[^>]+href=");
    assertThat(html).contains("uPlot").contains("data-charts-rendered");
  }

  @Test
  void aBaselineAddsPerRequestDeltasToThePageAndTheSummary() throws IOException {
    Path before = dir.resolve("before");
    SampleRun earlier = new SampleRun(30, 99);
    RunResults earlierResults = earlier.results();
    ReportWriter.write(before, earlier.facts, earlierResults, List.of());
    Path now = dir.resolve("now");

    ReportFiles files = ReportWriter.write(now, run.facts, results, thresholds, before);

    JsonNode b = new ObjectMapper().readTree(files.summaryJson().toFile()).get("baseline");
    JsonNode orders = b.get("requests").get("POST /orders");
    double expected = results.request("POST /orders").orElseThrow().p95()
        - earlierResults.request("POST /orders").orElseThrow().p95();
    assertThat(orders.get("p95DeltaMs").asDouble()).isCloseTo(expected, org.assertj.core.api.Assertions.within(0.001));
    assertThat(orders.get("baselineRps").asDouble()).isCloseTo(earlierResults.request("POST /orders").orElseThrow().rps(),
        org.assertj.core.api.Assertions.within(0.001));
    assertThat(orders.get("status").asText()).isEqualTo("both");
    assertThat(b.get("runId").asText()).isEqualTo("run-20261127-1000");
    String html = Files.readString(files.indexHtml());
    assertThat(html).contains("id=\"baseline\"").contains("Compared with baseline");
  }

  @Test
  void aMissingBaselineIsReportedWithWhereToPointIt() {
    assertThatThrownBy(() -> ReportWriter.write(dir, run.facts, results, thresholds, dir.resolve("nowhere")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nowhere")
        .hasMessageContaining("previous run's summary.json");
  }

  @Test
  void anEmptyRunStillWritesEveryFile() throws IOException {
    RunFacts facts = new RunFacts("empty", run.facts.startedAt(), 0, "", java.util.Map.of());
    ReportFiles files = ReportWriter.write(dir, facts, RunResults.merge(List.of()), List.of());
    assertThat(files.indexHtml()).exists();
    assertThat(Files.readString(files.indexHtml())).contains("No requests were recorded.");
    assertThat(new ObjectMapper().readTree(files.summaryJson().toFile()).get("totals").get("requests").asLong()).isZero();
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
