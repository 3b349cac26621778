package dev.constellation.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent with --resultsStore timestream, against a loopback stand-in named by CONSTELLATION_TIMESTREAM_ENDPOINT. */
class TimestreamAgentTest {

  private static final String TARGET = "X-Amz-Target";
  private static final String JSON_10 = "application/x-amz-json-1.0";

  @TempDir Path dir;
  private WireMockServer timestream;

  @BeforeEach
  void start() {
    timestream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    timestream.start();
    timestream.stubFor(post(urlEqualTo("/")).withHeader(TARGET, equalTo("Timestream_20181101.WriteRecords"))
        .willReturn(aResponse().withHeader("Content-Type", JSON_10)
            .withBody("{\"RecordsIngested\":{\"Total\":1,\"MemoryStore\":1,\"MagneticStore\":0}}")));
  }

  @AfterEach
  void stop() {
    timestream.stop();
  }

  private int runAgent(String url) {
    Map<String, String> env = Map.of("CONSTELLATION_TIMESTREAM_ENDPOINT", "http://127.0.0.1:" + timestream.port(),
        "CONSTELLATION_RESULTS_STORE", "timestream", "CONSTELLATION_RESULTS_REGION", "eu-west-1",
        "CONSTELLATION_TIMESTREAM_DATABASE", "db1", "CONSTELLATION_TIMESTREAM_TABLE", "intervals1",
        "CONSTELLATION_FALLBACK_DIR", dir.resolve("fallback").toString());
    return AgentMain.run(new String[] {"--runId", "ts-run", "--vus", "2", "--duration", "1s", "--baseUrl", url,
        "--scripts", AgentProcessIT.Ping.class.getName()}, env::get);
  }

  @Test
  void checksTheTableThenWritesEveryRequestAndLeavesItsFactsInTheFallbackFolder() throws Exception {
    timestream.stubFor(post(urlEqualTo("/")).withHeader(TARGET, equalTo("Timestream_20181101.DescribeTable"))
        .willReturn(aResponse().withHeader("Content-Type", JSON_10)
            .withBody("{\"Table\":{\"DatabaseName\":\"db1\",\"TableName\":\"intervals1\",\"TableStatus\":\"ACTIVE\"}}")));
    try (TestTargets.Counting target = new TestTargets.Counting(200, 5)) {
      assertThat(runAgent(target.url())).isZero();
      ObjectMapper json = new ObjectMapper();
      assertThat(json.readTree(timestream.findAll(postRequestedFor(urlEqualTo("/"))
              .withHeader(TARGET, equalTo("Timestream_20181101.DescribeTable"))).get(0).getBodyAsString()))
          .isEqualTo(json.readTree("{\"DatabaseName\":\"db1\",\"TableName\":\"intervals1\"}"));
      long written = 0;
      for (LoggedRequest r : timestream.findAll(postRequestedFor(urlEqualTo("/"))
          .withHeader(TARGET, equalTo("Timestream_20181101.WriteRecords")))) {
        JsonNode body = json.readTree(r.getBodyAsString());
        assertThat(body.get("DatabaseName").asText()).isEqualTo("db1");
        assertThat(body.get("TableName").asText()).isEqualTo("intervals1");
        for (JsonNode record : body.get("Records")) {
          boolean http = false;
          for (JsonNode d : record.get("Dimensions")) {
            http |= d.get("Name").asText().equals("kind") && d.get("Value").asText().equals("http");
          }
          for (JsonNode m : record.path("MeasureValues")) {
            if (http && m.get("Name").asText().equals("count")) {
              written += m.get("Value").asLong();
            }
          }
        }
      }
      assertThat(written).as("requests written to Timestream vs served").isPositive().isEqualTo(target.requests());
      assertThat(dir.resolve("fallback").resolve("local-0" + AgentMain.RESULT_SUFFIX)).isRegularFile();
    }
  }

  @Test
  void aMissingTableEndsTheAgentBeforeAnyLoadWithCode2() throws Exception {
    timestream.stubFor(post(urlEqualTo("/")).withHeader(TARGET, equalTo("Timestream_20181101.DescribeTable"))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", JSON_10)
            .withBody("{\"__type\":\"ResourceNotFoundException\",\"Message\":\"The table intervals1 does not exist.\"}")));
    try (TestTargets.Counting target = new TestTargets.Counting(200, 0)) {
      assertThat(runAgent(target.url())).isEqualTo(AgentMain.EXIT_BAD_INPUT);
      assertThat(target.requests()).isZero();
      assertThat(timestream.findAll(postRequestedFor(urlEqualTo("/"))
          .withHeader(TARGET, equalTo("Timestream_20181101.WriteRecords")))).isEmpty();
    }
  }
}
