package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every action checks its run, region and agent ids before it touches the store: blank, longer
 * than 200 characters, or a region with '#' (the store's member separator) is a bad-request that
 * names the field and the fix; 200 characters are accepted.
 */
class OrchestratorInputTest {

  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final CountingStore store = new CountingStore(new InMemoryRunStateStore());
  private final Orchestrator orchestrator = new Orchestrator(store, clock);

  private interface Action {
    void run(String runId, String region, String agentId) throws OrchestratorException;
  }

  private void refused(Action action, String runId, String region, String agentId, String... inMessage) {
    assertThatThrownBy(() -> action.run(runId, region, agentId))
        .isInstanceOfSatisfying(OrchestratorException.class,
            e -> assertThat(e.code()).isEqualTo(OrchestratorException.BAD_REQUEST))
        .hasMessageContainingAll(inMessage);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"register", "end"})
  void blankOverlongAndHashIdsAreRefusedByEveryAgentAction(String name) throws Exception {
    orchestrator.reset(new RunSetup("r1", Map.of("us-east-1", 1), 1_000, 60_000));
    Action action = name.equals("register")
        ? (r, g, a) -> orchestrator.register(r, g, a)
        : (r, g, a) -> orchestrator.end(r, g, a, Map.of("requests", 1L));
    String tooLong = "x".repeat(201);
    refused(action, " ", "us-east-1", "a", "runId is missing or blank");
    refused(action, tooLong, "us-east-1", "a", "runId is 201 characters long; use at most 200");
    refused(action, "r1", "", "a", "region is missing or blank");
    refused(action, "r1", tooLong, "a", "region is 201 characters long");
    refused(action, "r1", "us#east-1", "a", "region 'us#east-1' contains '#'");
    refused(action, "r1", "#us-east-1", "a", "region '#us-east-1' contains '#'");
    refused(action, "r1", "us-east-1", null, "agentId is missing or blank");
    refused(action, "r1", "us-east-1", tooLong, "agentId is 201 characters long");
    assertThat(orchestrator.init("r1").registered()).as("nothing was written").isZero();
  }

  @Test
  void idsOfExactlyTwoHundredCharactersAreAccepted() throws Exception {
    String run = "r".repeat(200);
    String region = "g".repeat(200);
    String agent = "a".repeat(200);
    orchestrator.reset(new RunSetup(run, Map.of(region, 1), 1_000, 60_000));
    assertThat(orchestrator.register(run, region, agent).state()).isEqualTo(RunState.STARTED);
    assertThat(orchestrator.end(run, region, agent, Map.of("requests", 3L)).complete()).isTrue();
  }

  @Test
  void initAndResetCheckTheirIdsToo() {
    refused((r, g, a) -> orchestrator.init(r), "", null, null, "runId is missing or blank");
    refused((r, g, a) -> orchestrator.reset(new RunSetup("r1", Map.of(g, 1), 1_000, 60_000)), null, "eu#1", null,
        "region 'eu#1' contains '#'");
    refused((r, g, a) -> orchestrator.reset(new RunSetup("r1", Map.of(g, 0), 1_000, 60_000)), null, "eu-west-1", null,
        "expected.eu-west-1 is 0; every region needs at least 1 agent");
  }
}
