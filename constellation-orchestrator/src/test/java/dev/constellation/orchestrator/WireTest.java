package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Both directions of the wire (docs/orchestrator.md): what {@link JsonOrchestratorClient} sends
 * for each call arrives whole at {@link OrchestratorActions}, the optional fields default as
 * documented, and a reply that is not an orchestrator's is refused naming the address.
 */
class WireTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final OrchestratorActions actions =
      new OrchestratorActions(new Orchestrator(new InMemoryRunStateStore(), clock));
  private final InProcessClient client = new InProcessClient(actions);

  /** A client whose "orchestrator" answers one fixed body. */
  private static OrchestratorClient answering(String body) {
    return new JsonOrchestratorClient() {
      @Override
      protected String exchange(String jsonRequest) {
        return body;
      }

      @Override
      public String address() {
        return "https://example.invalid/orchestrator";
      }
    };
  }

  private JsonNode call(String json) throws Exception {
    return JSON.readTree(actions.handle(json));
  }

  @Test
  void resetCarriesTheStartBufferAndTheRegistrationDeadline() throws Exception {
    RunStatus reset = client.reset(new RunSetup("r1", Map.of("us-east-1", 1), 1_234, 5_678));
    assertThat(reset.deadline()).isEqualTo(clock.millis() + 5_678);
    assertThat(reset.regions()).containsOnlyKeys("us-east-1");
    assertThat(reset.regions().get("us-east-1").expected()).isEqualTo(1);

    assertThat(client.register("r1", "us-east-1", "a").startAt()).isEqualTo(clock.millis() + 1_234);
  }

  @Test
  void endCarriesTheAgentAndItsSummaryIntoTheRegionsTotals() throws Exception {
    client.reset(new RunSetup("r1", Map.of("us-east-1", 1, "eu-central-1", 1), 100, 60_000));
    client.register("r1", "us-east-1", "a");
    client.register("r1", "eu-central-1", "b");

    RunStatus ended = client.end("r1", "us-east-1", "a", Map.of("requests", 3L, "failures", 1L));

    assertThat(ended.regions().get("us-east-1").ended()).isEqualTo(1);
    assertThat(ended.regions().get("us-east-1").totals()).isEqualTo(Map.of("requests", 3L, "failures", 1L));
    assertThat(ended.regions().get("eu-central-1").ended()).isZero();
    assertThat(ended.regions().get("eu-central-1").totals()).isEmpty();
  }

  @Test
  void theOptionalFieldsOfTestResetDefaultAsDocumented() throws Exception {
    JsonNode reset = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":1},"
        + "\"startBufferMs\":null}");
    assertThat(reset.get("deadline").asLong())
        .isEqualTo(clock.millis() + RunSetup.DEFAULT_REGISTRATION_DEADLINE_MS);
    JsonNode started = call("{\"action\":\"agg-record\",\"runId\":\"r1\",\"region\":\"us-east-1\",\"agentId\":\"a\"}");
    assertThat(started.get("startAt").asLong()).isEqualTo(clock.millis() + RunSetup.DEFAULT_START_BUFFER_MS);
  }

  @Test
  void aNumberFieldThatIsNotAWholeNumberIsRefusedNamingIt() throws Exception {
    JsonNode text = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":1},"
        + "\"startBufferMs\":\"2000\"}");
    assertThat(text.get("error").asText()).isEqualTo("bad-request");
    assertThat(text.get("message").asText())
        .isEqualTo("field 'startBufferMs' is \"2000\"; it must be a whole number of milliseconds");
    JsonNode fraction = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":1},"
        + "\"registrationDeadlineMs\":1.5}");
    assertThat(fraction.get("message").asText())
        .isEqualTo("field 'registrationDeadlineMs' is 1.5; it must be a whole number of milliseconds");
    JsonNode huge = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":1},"
        + "\"startBufferMs\":100000000000000000000}");
    assertThat(huge.get("message").asText()).startsWith("field 'startBufferMs' is 100000000000000000000;");
  }

  @Test
  void expectedIsRequiredAndEachCountMustFitAnAgentCount() throws Exception {
    JsonNode missing = call("{\"action\":\"test-reset\",\"runId\":\"r1\"}");
    assertThat(missing.get("error").asText()).isEqualTo("bad-request");
    assertThat(missing.get("message").asText()).isEqualTo(
        "field 'expected' is missing; add an object of whole numbers, e.g. {\"us-east-1\": 2}");
    JsonNode notAnObject = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":[2]}");
    assertThat(notAnObject.get("message").asText())
        .isEqualTo("field 'expected' is [2]; it must be an object of whole numbers");
    JsonNode tooMany = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":2147483648}}");
    assertThat(tooMany.get("message").asText())
        .isEqualTo("expected.us-east-1 is 2147483648; that is too many agents");
    JsonNode mostAllowed = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":2147483647}}");
    assertThat(mostAllowed.has("error")).as(mostAllowed.toString()).isFalse();
    assertThat(mostAllowed.get("expected").asLong()).isEqualTo(2147483647L);
  }

  @Test
  void theSummaryOfTestEndIsOptionalButMustBeAnObjectOfWholeNumbers() throws Exception {
    call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":1}}");
    call("{\"action\":\"agg-record\",\"runId\":\"r1\",\"region\":\"us-east-1\",\"agentId\":\"a\"}");

    JsonNode notAnObject = call("{\"action\":\"test-end\",\"runId\":\"r1\",\"region\":\"us-east-1\","
        + "\"agentId\":\"a\",\"summary\":3}");
    assertThat(notAnObject.get("message").asText())
        .isEqualTo("field 'summary' is 3; it must be an object of whole numbers");
    JsonNode fraction = call("{\"action\":\"test-end\",\"runId\":\"r1\",\"region\":\"us-east-1\","
        + "\"agentId\":\"a\",\"summary\":{\"requests\":2.5}}");
    assertThat(fraction.get("message").asText())
        .isEqualTo("field 'summary.requests' is 2.5; it must be a whole number");

    JsonNode without = call("{\"action\":\"test-end\",\"runId\":\"r1\",\"region\":\"us-east-1\",\"agentId\":\"a\"}");
    assertThat(without.get("complete").asBoolean()).isTrue();
    assertThat(without.at("/regions/us-east-1/totals").size()).isZero();
  }

  @Test
  void anEmptyOrNullBodyIsABadRequest() throws Exception {
    assertThat(JSON.readTree(actions.handle(null)).get("error").asText()).isEqualTo("bad-request");
    JsonNode array = call("[1]");
    assertThat(array.get("message").asText())
        .isEqualTo("the request is not a JSON object; send e.g. {\"action\":\"test-init\",\"runId\":\"r1\"}");
    JsonNode reset = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":1}}");
    assertThat(reset.get("state").asText()).isEqualTo("WAITING");
    JsonNode whole = call("{\"action\":\"test-init\",\"runId\":\"r1\",\"view\":null}");
    assertThat(whole.has("regions")).as("the whole status").isTrue();
  }

  @Test
  void aReplyThatIsNotJsonIsRefusedNamingTheAddress() {
    assertThatThrownBy(() -> answering("<html>Bad gateway</html>").status("r1"))
        .isInstanceOfSatisfying(OrchestratorException.class, e -> {
          assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE);
          assertThat(e.getCause()).isNotNull();
        })
        .hasMessage("the orchestrator at https://example.invalid/orchestrator sent a reply that is not"
            + " JSON: <html>Bad gateway</html>; check that this address is a Constellation orchestrator");
  }

  @Test
  void aReplyThatIsNotAnObjectOrLacksTheStatusFieldsIsRefused() {
    assertThatThrownBy(() -> answering("[\"STARTED\"]").poll("r1"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE))
        .hasMessage("the orchestrator at https://example.invalid/orchestrator sent a reply that is not"
            + " a JSON object: [\"STARTED\"]; check that this address is a Constellation orchestrator");
    assertThatThrownBy(() -> answering("{\"state\":\"STARTED\"}").poll("r1"))
        .isInstanceOfSatisfying(OrchestratorException.class, e -> {
          assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE);
          assertThat(e.getCause()).isNotNull();
        })
        .hasMessageContaining("sent a reply without the status fields: {\"state\":\"STARTED\"};");
  }

  @Test
  void aLongReplyIsCutAtTwoHundredCharactersInTheMessage() {
    String body = "x".repeat(250);
    assertThatThrownBy(() -> answering(body).status("r1"))
        .hasMessageContaining("not JSON: " + "x".repeat(200) + "...; check");
    assertThat(Wire.abbreviate("y".repeat(200))).isEqualTo("y".repeat(200));
    assertThat(Wire.abbreviate("y".repeat(201))).isEqualTo("y".repeat(200) + "...");
  }

  @Test
  void readsARegionsTotalsFromAReply() throws Exception {
    RunStatus s = answering("{\"runId\":\"r1\",\"state\":\"STARTED\",\"startAt\":1700000003000,"
        + "\"deadline\":1700000060000,\"serverTime\":1700000000500,\"regions\":{\"us-east-1\":{"
        + "\"expected\":2,\"registered\":2,\"ended\":1,\"totals\":{\"requests\":7,\"failures\":2}}}}")
        .status("r1");

    assertThat(s.state()).isEqualTo(RunState.STARTED);
    assertThat(s.startAt()).isEqualTo(1_700_000_003_000L);
    assertThat(s.serverTime()).isEqualTo(1_700_000_000_500L);
    assertThat(s.abortReason()).isNull();
    assertThat(s.regions().get("us-east-1").totals()).isEqualTo(Map.of("requests", 7L, "failures", 2L));
    assertThat(s.regions().get("us-east-1").registered()).isEqualTo(2);
    assertThat(s.regions().get("us-east-1").ended()).isEqualTo(1);
  }

  @Test
  void aClientWithoutAStartViewPollsTheWholeStatus() throws Exception {
    RunStatus status = new RunStatus("r1", RunState.STARTED, 1_700_000_003_000L, 1_700_000_060_000L,
        1_700_000_000_000L, Map.of(), null);
    OrchestratorClient plain = new UnexpectedCallsClient() {
      @Override
      public RunStatus status(String runId) {
        return status;
      }

      @Override
      public String address() {
        return "plain";
      }
    };

    assertThat(plain.startStatus("r1")).isSameAs(status);
    assertThat(plain.poll("r1")).isEqualTo(new StartState(RunState.STARTED, 1_700_000_003_000L,
        1_700_000_060_000L, null));
  }
}
