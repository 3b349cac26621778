package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class OrchestratorActionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final OrchestratorActions actions =
      new OrchestratorActions(new Orchestrator(new InMemoryRunStateStore(), clock));

  private JsonNode call(String json) throws Exception {
    return JSON.readTree(actions.handle(json));
  }

  @Test
  void runsTheFourActionsOnTheWire() throws Exception {
    JsonNode reset = call("{\"action\":\"test-reset\",\"runId\":\"r1\","
        + "\"expected\":{\"us-east-1\":1,\"eu-central-1\":1},\"startBufferMs\":2000,"
        + "\"registrationDeadlineMs\":30000}");
    assertThat(reset.get("state").asText()).isEqualTo("WAITING");
    assertThat(reset.get("startAt").isNull()).isTrue();
    assertThat(reset.get("deadline").asLong()).isEqualTo(clock.millis() + 30_000);
    assertThat(reset.get("expected").asInt()).isEqualTo(2);

    call("{\"action\":\"agg-record\",\"runId\":\"r1\",\"region\":\"us-east-1\",\"agentId\":\"a\"}");
    JsonNode init = call("{\"action\":\"test-init\",\"runId\":\"r1\"}");
    assertThat(init.get("state").asText()).isEqualTo("WAITING");
    assertThat(init.at("/regions/us-east-1/registered").asInt()).isEqualTo(1);

    JsonNode started = call(
        "{\"action\":\"agg-record\",\"runId\":\"r1\",\"region\":\"eu-central-1\",\"agentId\":\"b\"}");
    assertThat(started.get("state").asText()).isEqualTo("STARTED");
    assertThat(started.get("startAt").asLong()).isEqualTo(clock.millis() + 2_000);

    call("{\"action\":\"test-end\",\"runId\":\"r1\",\"region\":\"us-east-1\",\"agentId\":\"a\","
        + "\"summary\":{\"requests\":3,\"failures\":1}}");
    JsonNode end = call("{\"action\":\"test-end\",\"runId\":\"r1\",\"region\":\"eu-central-1\","
        + "\"agentId\":\"b\",\"summary\":{\"requests\":4}}");
    assertThat(end.get("complete").asBoolean()).isTrue();
    assertThat(end.at("/regions/us-east-1/ended").asInt()).isEqualTo(1);
    assertThat(end.at("/regions/us-east-1/totals/failures").asLong()).isEqualTo(1);
    assertThat(end.at("/regions/eu-central-1/totals/requests").asLong()).isEqualTo(4);
  }

  @Test
  void namesAMissingField() throws Exception {
    JsonNode reply = call("{\"action\":\"agg-record\",\"runId\":\"r1\",\"agentId\":\"a\"}");
    assertThat(reply.get("error").asText()).isEqualTo("bad-request");
    assertThat(reply.get("message").asText()).contains("'region' is missing");
  }

  @Test
  void namesAFieldOfTheWrongType() throws Exception {
    JsonNode reply = call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":\"two\"}}");
    assertThat(reply.get("error").asText()).isEqualTo("bad-request");
    assertThat(reply.get("message").asText()).contains("'expected.us-east-1' is \"two\"");
  }

  @Test
  void listsTheKnownActionsForAnUnknownOne() throws Exception {
    JsonNode reply = call("{\"action\":\"start-now\",\"runId\":\"r1\"}");
    assertThat(reply.get("error").asText()).isEqualTo("unknown-action");
    assertThat(reply.get("message").asText()).contains("'start-now'")
        .contains("agg-record, test-init, test-end, test-reset");
  }

  @Test
  void answersABodyThatIsNotJsonWithAnExample() throws Exception {
    JsonNode reply = call("action=test-init");
    assertThat(reply.get("error").asText()).isEqualTo("bad-request");
    assertThat(reply.get("message").asText()).contains("not JSON").contains("\"action\":\"test-init\"");
  }

  @Test
  void turnsAFailingStoreIntoAnInternalErrorTheCallerCanRetry() throws Exception {
    RunStateStore broken = new CountingStore(new InMemoryRunStateStore()) {
      @Override
      public java.util.Optional<RunRecord> get(String runId) {
        throw new IllegalStateException("throttled");
      }
    };
    OrchestratorActions failing = new OrchestratorActions(new Orchestrator(broken, clock));
    JsonNode reply = JSON.readTree(failing.handle("{\"action\":\"test-init\",\"runId\":\"r1\"}"));
    assertThat(reply.get("error").asText()).isEqualTo("internal");
    assertThat(reply.get("message").asText()).contains("throttled").contains("retried");
  }

  @Test
  void clientsTurnErrorRepliesIntoExceptionsWithTheCode() {
    InProcessClient client = new InProcessClient(actions);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.poll("missing"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo("unknown-run"))
        .hasMessageContaining("test-reset");
  }

  @Test
  void testAbortAbortsWithItsReasonOnTheWire() throws Exception {
    call("{\"action\":\"test-reset\",\"runId\":\"r1\",\"expected\":{\"us-east-1\":2}}");
    JsonNode aborted = call("{\"action\":\"test-abort\",\"runId\":\"r1\",\"reason\":\"agent exited with code 2\"}");
    assertThat(aborted.get("state").asText()).isEqualTo("ABORTED");
    assertThat(aborted.get("abortReason").asText()).isEqualTo("agent exited with code 2");
    JsonNode poll = call("{\"action\":\"test-init\",\"runId\":\"r1\",\"view\":\"start\"}");
    assertThat(poll.get("state").asText()).isEqualTo("ABORTED");
    assertThat(poll.get("abortReason").asText()).isEqualTo("agent exited with code 2");

    JsonNode noReason = call("{\"action\":\"test-abort\",\"runId\":\"r1\"}");
    assertThat(noReason.get("error").asText()).isEqualTo("bad-request");
    assertThat(noReason.get("message").asText()).isEqualTo("field 'reason' is missing; add it as a string");
  }

  @Test
  void aStatusWithoutAbortHasNoReasonFieldAndAnUnknownViewIsRefused() throws Exception {
    JsonNode reset = call("{\"action\":\"test-reset\",\"runId\":\"r2\",\"expected\":{\"us-east-1\":1}}");
    assertThat(reset.has("abortReason")).isFalse();
    JsonNode bad = call("{\"action\":\"test-init\",\"runId\":\"r2\",\"view\":\"all\"}");
    assertThat(bad.get("error").asText()).isEqualTo("bad-request");
    assertThat(bad.get("message").asText()).isEqualTo("field 'view' is \"all\"; use \"start\" (an agent waiting"
        + " for the start) or leave it out (the whole status)");
    JsonNode unknown = call("{\"action\":\"test-stop\",\"runId\":\"r2\"}");
    assertThat(unknown.get("message").asText()).endsWith("test-reset, test-abort");
  }
}
