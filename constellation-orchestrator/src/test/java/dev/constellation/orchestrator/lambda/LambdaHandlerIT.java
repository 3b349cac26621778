package dev.constellation.orchestrator.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.testservices.Dynalite;
import dev.constellation.orchestrator.dynamodb.DynamoDbRunStateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

class LambdaHandlerIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Dynalite dynalite;
  private static DynamoDbClient dynamo;
  private static LambdaHandler handler;

  @BeforeAll
  static void start() throws Exception {
    dynalite = Dynalite.start();
    dynamo = dynalite.client();
    new DynamoDbRunStateStore(dynamo, "runs-table").ensureTable();
    handler = new LambdaHandler(Map.of("CONSTELLATION_TABLE", "runs-table", "AWS_REGION", "us-east-1"),
        region -> {
          assertThat(region).isEqualTo(Region.US_EAST_1);
          return dynamo;
        });
  }

  @AfterAll
  static void stop() throws Exception {
    if (dynamo != null) {
      dynamo.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
  }

  private static JsonNode invoke(String payload) throws Exception {
    return invoke(handler, payload);
  }

  private static JsonNode invoke(LambdaHandler handler, String payload) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void runsAWholeRunThroughTheInvocationPayloads() throws Exception {
    JsonNode reset = invoke("{\"action\":\"test-reset\",\"runId\":\"lambda-1\","
        + "\"expected\":{\"us-east-2\":1,\"eu-west-1\":1},\"startBufferMs\":10000}");
    assertThat(reset.get("state").asText()).isEqualTo("WAITING");

    invoke("{\"action\":\"agg-record\",\"runId\":\"lambda-1\",\"region\":\"us-east-2\",\"agentId\":\"t-1\"}");
    JsonNode started = invoke(
        "{\"action\":\"agg-record\",\"runId\":\"lambda-1\",\"region\":\"eu-west-1\",\"agentId\":\"t-2\"}");
    assertThat(started.get("state").asText()).isEqualTo("STARTED");
    long startAt = started.get("startAt").asLong();
    assertThat(startAt).isGreaterThan(started.get("serverTime").asLong() + 9_000);

    JsonNode init = invoke("{\"action\":\"test-init\",\"runId\":\"lambda-1\"}");
    assertThat(init.get("startAt").asLong()).isEqualTo(startAt);

    invoke("{\"action\":\"test-end\",\"runId\":\"lambda-1\",\"region\":\"us-east-2\",\"agentId\":\"t-1\","
        + "\"summary\":{\"requests\":10,\"failures\":0}}");
    JsonNode end = invoke("{\"action\":\"test-end\",\"runId\":\"lambda-1\",\"region\":\"eu-west-1\","
        + "\"agentId\":\"t-2\",\"summary\":{\"requests\":20,\"failures\":3}}");
    assertThat(end.get("complete").asBoolean()).isTrue();
    assertThat(end.at("/regions/eu-west-1/totals/failures").asLong()).isEqualTo(3);

    assertThat(dynamo.getItem(b -> b.tableName("runs-table")
        .key(Map.of("runId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("lambda-1")))
        .consistentRead(true)).item().get("ready").ss())
        .containsExactlyInAnyOrder("us-east-2#t-1", "eu-west-1#t-2");
  }

  @Test
  void testAbortAbortsAWaitingRunWithItsReason() throws Exception {
    invoke("{\"action\":\"test-reset\",\"runId\":\"lambda-abort\",\"expected\":{\"us-east-2\":2}}");
    invoke("{\"action\":\"agg-record\",\"runId\":\"lambda-abort\",\"region\":\"us-east-2\",\"agentId\":\"t-1\"}");

    JsonNode aborted = invoke("{\"action\":\"test-abort\",\"runId\":\"lambda-abort\","
        + "\"reason\":\"task t-2 stopped: CannotPullContainerError\"}");
    assertThat(aborted.get("state").asText()).isEqualTo("ABORTED");
    assertThat(aborted.get("abortReason").asText()).isEqualTo("task t-2 stopped: CannotPullContainerError");

    JsonNode poll = invoke("{\"action\":\"test-init\",\"runId\":\"lambda-abort\",\"view\":\"start\"}");
    assertThat(poll.get("state").asText()).isEqualTo("ABORTED");
    assertThat(poll.get("abortReason").asText()).isEqualTo("task t-2 stopped: CannotPullContainerError");
  }

  @Test
  void answersStartPollsOfAStartedRunWithoutReadingDynamoDb() throws Exception {
    AtomicInteger getItems = new AtomicInteger();
    DynamoDbClient counted = dynalite.client(new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof GetItemRequest) {
          getItems.incrementAndGet();
        }
      }
    });
    try {
      LambdaHandler container = new LambdaHandler(
          Map.of("CONSTELLATION_TABLE", "runs-table", "AWS_REGION", "us-east-1"), region -> counted);
      String poll = "{\"action\":\"test-init\",\"runId\":\"lambda-g13\",\"view\":\"start\"}";
      invoke(container, "{\"action\":\"test-reset\",\"runId\":\"lambda-g13\",\"expected\":{\"us-east-2\":1}}");
      assertThat(invoke(container, poll).get("state").asText()).isEqualTo("WAITING");
      assertThat(invoke(container, poll).get("state").asText()).isEqualTo("WAITING");
      assertThat(getItems).as("a waiting run: every poll reads").hasValue(2);

      long startAt = invoke(container,
          "{\"action\":\"agg-record\",\"runId\":\"lambda-g13\",\"region\":\"us-east-2\",\"agentId\":\"t-1\"}")
          .get("startAt").asLong();
      int afterStart = getItems.get();
      for (int i = 0; i < 20; i++) {
        JsonNode s = invoke(container, poll);
        assertThat(s.get("state").asText()).isEqualTo("STARTED");
        assertThat(s.get("startAt").asLong()).isEqualTo(startAt);
      }
      assertThat(getItems).as("20 start polls of a started run: one read, then the cache").hasValue(afterStart + 1);

      invoke(container, "{\"action\":\"test-init\",\"runId\":\"lambda-g13\"}");
      assertThat(getItems).as("the whole status still reads").hasValue(afterStart + 2);

      // An abort through this container drops its cached start.
      invoke(container, "{\"action\":\"test-abort\",\"runId\":\"lambda-g13\",\"reason\":\"stop\"}");
      assertThat(invoke(container, poll).get("state").asText()).isEqualTo("ABORTED");
    } finally {
      counted.close();
    }
  }

  @Test
  void answersAnUnknownRunAsAnErrorPayload() throws Exception {
    JsonNode reply = invoke("{\"action\":\"test-init\",\"runId\":\"never-reset\"}");
    assertThat(reply.get("error").asText()).isEqualTo("unknown-run");
    assertThat(reply.get("message").asText()).contains("never-reset").contains("test-reset");
  }

  @Test
  void refusesToStartWithoutItsTableVariableNamingIt() {
    assertThatThrownBy(() -> new LambdaHandler(Map.of("AWS_REGION", "us-east-1"), region -> dynamo))
        .hasMessageContaining("CONSTELLATION_TABLE is not set");
  }
}
