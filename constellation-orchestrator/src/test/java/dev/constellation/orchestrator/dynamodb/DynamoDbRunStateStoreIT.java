package dev.constellation.orchestrator.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.orchestrator.ConcurrentRegistration;
import dev.constellation.orchestrator.Orchestrator;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.RunState;
import dev.constellation.orchestrator.RunStatus;
import dev.constellation.testservices.Dynalite;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbRunStateStoreIT {

  private static Dynalite dynalite;
  private static DynamoDbClient dynamo;
  private static DynamoDbRunStateStore store;

  @BeforeAll
  static void startDynalite() throws Exception {
    dynalite = Dynalite.start();
    dynamo = dynalite.client();
    store = new DynamoDbRunStateStore(dynamo, "constellation-runs");
    store.ensureTable();
  }

  @AfterAll
  static void stopDynalite() throws Exception {
    if (dynamo != null) {
      dynamo.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
  }

  @Test
  void createsTheTableOnceAndFindsItAfterwards() {
    DynamoDbRunStateStore other = new DynamoDbRunStateStore(dynamo, "constellation-other");
    assertThat(other.ensureTable()).isTrue();
    assertThat(other.ensureTable()).isFalse();
    assertThat(dynamo.describeTable(b -> b.tableName("constellation-other")).table()
        .billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
  }

  @Test
  void keepsAllOfAHundredConcurrentRegistrationsAndWritesOneStartTimeInEachOfTwentyRuns()
      throws Exception {
    long t0 = System.nanoTime();
    ConcurrentRegistration.check(store, 100, 20);
    System.out.printf("dynalite: 20 runs x 100 concurrent agg-record in %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void abortsARunAtItsDeadlineWhenAnAgentNeverRegisters() throws Exception {
    Orchestrator orchestrator = new Orchestrator(store, Clock.systemUTC());
    orchestrator.reset(new RunSetup("abort-1", Map.of("us-east-1", 1, "eu-central-1", 1), 100, 300));
    assertThat(orchestrator.register("abort-1", "us-east-1", "a").state()).isEqualTo(RunState.WAITING);

    Thread.sleep(350);
    assertThat(orchestrator.init("abort-1").state()).isEqualTo(RunState.ABORTED);
    RunStatus late = orchestrator.register("abort-1", "eu-central-1", "b");
    assertThat(late.state()).isEqualTo(RunState.ABORTED);
    assertThat(late.registered()).isEqualTo(1);
    assertThat(late.startAt()).isZero();
  }

  @Test
  void completesRegionsAndTheRunAsAgentsEnd() throws Exception {
    Orchestrator orchestrator = new Orchestrator(store, Clock.systemUTC());
    orchestrator.reset(new RunSetup("end-1", Map.of("us-east-1", 2, "eu-central-1", 1), 100, 60_000));
    orchestrator.register("end-1", "us-east-1", "a");
    orchestrator.register("end-1", "us-east-1", "b");
    assertThat(orchestrator.register("end-1", "eu-central-1", "c").state())
        .isEqualTo(RunState.STARTED);

    orchestrator.end("end-1", "us-east-1", "a", Map.of("requests", 100L, "failures", 2L));
    RunStatus s = orchestrator.end("end-1", "us-east-1", "b", Map.of("requests", 50L));
    assertThat(s.regions().get("us-east-1").complete()).isTrue();
    assertThat(s.regions().get("us-east-1").totals())
        .containsEntry("requests", 150L).containsEntry("failures", 2L);
    assertThat(s.complete()).isFalse();

    s = orchestrator.end("end-1", "eu-central-1", "c", Map.of("requests", 7L));
    RunStatus again = orchestrator.end("end-1", "eu-central-1", "c", Map.of("requests", 7L));
    assertThat(s.complete()).isTrue();
    assertThat(again.ended()).isEqualTo(3);
    assertThat(again.regions().get("eu-central-1").totals()).containsEntry("requests", 7L);
  }

  @Test
  void capsEachRegionAtItsExpectedCountAtomically() throws Exception {
    Orchestrator orchestrator = new Orchestrator(store, Clock.systemUTC());
    orchestrator.reset(new RunSetup("cap-1", Map.of("us-east-1", 1, "eu-central-1", 1), 100, 60_000));
    orchestrator.register("cap-1", "us-east-1", "a");

    assertThatThrownBy(() -> orchestrator.register("cap-1", "us-east-1", "extra"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.AGENT_NOT_EXPECTED));
    assertThatThrownBy(() -> orchestrator.end("cap-1", "us-east-1", "extra", Map.of()))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.NOT_REGISTERED));
    assertThatThrownBy(() -> orchestrator.register("cap-1", "us-west-9", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNKNOWN_REGION));
    assertThat(dynamo.getItem(b -> b.tableName("constellation-runs").consistentRead(true)
        .key(Map.of("runId", AttributeValue.fromS("cap-1")))).item())
        .doesNotContainKey("ready@us-west-9")
        .containsKey("ready@us-east-1");
    assertThat(orchestrator.init("cap-1").state()).isEqualTo(RunState.WAITING);
    assertThat(orchestrator.register("cap-1", "us-east-1", "a").registered()).isEqualTo(1);
  }

  @Test
  void abortKeepsTheReasonAndStaysAbortedWithTheFirstReason() throws Exception {
    Orchestrator orchestrator = new Orchestrator(store, Clock.systemUTC());
    orchestrator.reset(new RunSetup("test-abort-1", Map.of("us-east-1", 2), 100, 60_000));
    orchestrator.register("test-abort-1", "us-east-1", "a");

    RunStatus aborted = orchestrator.abort("test-abort-1", "agent us-east-1/b exited with code 2");
    assertThat(aborted.state()).isEqualTo(RunState.ABORTED);
    assertThat(aborted.abortReason()).isEqualTo("agent us-east-1/b exited with code 2");
    assertThat(aborted.registered()).isEqualTo(1);
    assertThat(orchestrator.abort("test-abort-1", "second").abortReason())
        .isEqualTo("agent us-east-1/b exited with code 2");
    RunStatus late = orchestrator.register("test-abort-1", "us-east-1", "b");
    assertThat(late.state()).isEqualTo(RunState.ABORTED);
    assertThat(late.abortReason()).isEqualTo("agent us-east-1/b exited with code 2");
    assertThat(dynamo.getItem(b -> b.tableName("constellation-runs").consistentRead(true)
        .key(Map.of("runId", AttributeValue.fromS("test-abort-1")))).item().get("abortReason").s())
        .isEqualTo("agent us-east-1/b exited with code 2");

    RunStatus fresh = orchestrator.reset(new RunSetup("test-abort-1", Map.of("us-east-1", 1), 100, 60_000));
    assertThat(fresh.abortReason()).isNull();
    assertThat(store.get("test-abort-1").orElseThrow().abortReason()).isNull();
  }

  @Test
  void abortAfterTheStartKeepsTheStartTimeAndAnUnknownRunIsRefused() throws Exception {
    Orchestrator orchestrator = new Orchestrator(store, Clock.systemUTC());
    orchestrator.reset(new RunSetup("test-abort-2", Map.of("us-east-1", 1), 100, 60_000));
    long startAt = orchestrator.register("test-abort-2", "us-east-1", "a").startAt();

    RunStatus aborted = orchestrator.abort("test-abort-2", "stopped by the user");
    assertThat(aborted.state()).isEqualTo(RunState.ABORTED);
    assertThat(aborted.startAt()).isEqualTo(startAt);
    assertThat(orchestrator.init("test-abort-2").state()).isEqualTo(RunState.ABORTED);

    assertThat(store.abort("never-reset", "why")).isEmpty();
    assertThatThrownBy(() -> orchestrator.abort("never-reset", "why"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNKNOWN_RUN));
    assertThat(dynamo.getItem(b -> b.tableName("constellation-runs").consistentRead(true)
        .key(Map.of("runId", AttributeValue.fromS("never-reset")))).item()).isEmpty();
  }
}
