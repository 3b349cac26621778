package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OrchestratorTest {

  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final CountingStore store = new CountingStore(new InMemoryRunStateStore());
  private final Orchestrator orchestrator = new Orchestrator(store, clock);

  private void reset(Map<String, Integer> expected) throws OrchestratorException {
    orchestrator.reset(new RunSetup("r1", expected, 3_000, 60_000));
  }

  @Test
  void startsAtNowPlusTheBufferWhenTheLastExpectedAgentRegisters() throws Exception {
    reset(Map.of("us-east-1", 2, "eu-central-1", 1));

    assertThat(orchestrator.register("r1", "us-east-1", "a").state()).isEqualTo(RunState.WAITING);
    clock.advance(100);
    assertThat(orchestrator.register("r1", "eu-central-1", "c").state()).isEqualTo(RunState.WAITING);
    clock.advance(100);
    RunStatus last = orchestrator.register("r1", "us-east-1", "b");

    assertThat(last.state()).isEqualTo(RunState.STARTED);
    assertThat(last.startAt()).isEqualTo(clock.millis() + 3_000);
    assertThat(last.registered()).isEqualTo(3);
    assertThat(store.startsWritten("r1")).isEqualTo(1);
  }

  @Test
  void keepsTheFirstStartTimeWhenPolledAndRegisteredAgainLater() throws Exception {
    reset(Map.of("us-east-1", 1));
    long startAt = orchestrator.register("r1", "us-east-1", "a").startAt();
    clock.advance(10_000);

    assertThat(orchestrator.init("r1").startAt()).isEqualTo(startAt);
    assertThat(orchestrator.register("r1", "us-east-1", "a").startAt()).isEqualTo(startAt);
    assertThat(store.startsWritten("r1")).isEqualTo(1);
  }

  @Test
  void registeringTheSameAgentTwiceCountsItOnce() throws Exception {
    reset(Map.of("us-east-1", 2));
    orchestrator.register("r1", "us-east-1", "a");
    RunStatus again = orchestrator.register("r1", "us-east-1", "a");

    assertThat(again.registered()).isEqualTo(1);
    assertThat(again.state()).isEqualTo(RunState.WAITING);
  }

  @Test
  void rejectsAnUnknownRegionNamingTheExpectedOnes() throws Exception {
    reset(Map.of("us-east-1", 1, "eu-central-1", 1));

    assertThatThrownBy(() -> orchestrator.register("r1", "us-east-9", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNKNOWN_REGION))
        .hasMessageContaining("'us-east-9'")
        .hasMessageContaining("[eu-central-1, us-east-1]")
        .hasMessageContaining("test-reset");
  }

  @Test
  void rejectsAnAgentBeyondItsRegionsCountAndKeepsTheOthersWaiting() throws Exception {
    reset(Map.of("us-east-1", 1, "eu-central-1", 1));
    orchestrator.register("r1", "us-east-1", "a");

    assertThatThrownBy(() -> orchestrator.register("r1", "us-east-1", "intruder"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.AGENT_NOT_EXPECTED))
        .hasMessageContaining("'intruder'")
        .hasMessageContaining("expects 1 agent(s)")
        .hasMessageContaining("[a]");
    RunStatus status = orchestrator.init("r1");
    assertThat(status.state()).isEqualTo(RunState.WAITING);
    assertThat(status.registered()).isEqualTo(1);
  }

  @Test
  void rejectsAnUnknownRunWithTheFix() {
    assertThatThrownBy(() -> orchestrator.init("nope"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNKNOWN_RUN))
        .hasMessageContaining("'nope'")
        .hasMessageContaining("test-reset");
  }

  @Test
  void abortsAtTheDeadlineWhenAnAgentNeverRegisters() throws Exception {
    reset(Map.of("us-east-1", 2));
    orchestrator.register("r1", "us-east-1", "a");
    clock.advance(59_999);
    assertThat(orchestrator.init("r1").state()).isEqualTo(RunState.WAITING);

    clock.advance(1);
    RunStatus polled = orchestrator.init("r1");
    assertThat(polled.state()).isEqualTo(RunState.ABORTED);
    assertThat(polled.startAt()).isZero();
    assertThat(orchestrator.register("r1", "us-east-1", "late").state()).isEqualTo(RunState.ABORTED);
    assertThat(orchestrator.init("r1").registered()).isEqualTo(1);
    assertThat(store.startsWritten("r1")).isZero();
  }

  @Test
  void startsARunWhoseAgentsAllRegisteredEvenWhenFirstPolledAfterTheDeadline() throws Exception {
    reset(Map.of("us-east-1", 1));
    // A registrant that crashed between its registration and the start decision.
    store.addReady("r1", "us-east-1", "a", clock.millis());
    clock.advance(120_000);

    RunStatus polled = orchestrator.init("r1");
    assertThat(polled.state()).isEqualTo(RunState.STARTED);
    assertThat(polled.startAt()).isEqualTo(clock.millis() + 3_000);
  }

  @Test
  void completesARegionWhenAllItsAgentsEndAndTheRunWhenAllRegionsDo() throws Exception {
    reset(Map.of("us-east-1", 2, "eu-central-1", 1));
    orchestrator.register("r1", "us-east-1", "a");
    orchestrator.register("r1", "us-east-1", "b");
    orchestrator.register("r1", "eu-central-1", "c");

    orchestrator.end("r1", "us-east-1", "a", Map.of("requests", 10L, "failures", 1L));
    RunStatus s = orchestrator.end("r1", "us-east-1", "b", Map.of("requests", 5L, "failures", 0L));
    assertThat(s.regions().get("us-east-1").complete()).isTrue();
    assertThat(s.regions().get("us-east-1").totals()).containsEntry("requests", 15L)
        .containsEntry("failures", 1L);
    assertThat(s.regions().get("eu-central-1").complete()).isFalse();
    assertThat(s.complete()).isFalse();

    s = orchestrator.end("r1", "eu-central-1", "c", Map.of("requests", 7L));
    assertThat(s.complete()).isTrue();
    assertThat(s.ended()).isEqualTo(3);

    RunStatus again = orchestrator.end("r1", "eu-central-1", "c", Map.of("requests", 7L));
    assertThat(again.ended()).isEqualTo(3);
    assertThat(again.regions().get("eu-central-1").totals()).containsEntry("requests", 7L);
  }

  @Test
  void rejectsTheEndOfAnAgentThatNeverRegistered() throws Exception {
    reset(Map.of("us-east-1", 2));
    orchestrator.register("r1", "us-east-1", "a");

    assertThatThrownBy(() -> orchestrator.end("r1", "us-east-1", "ghost", Map.of()))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.NOT_REGISTERED))
        .hasMessageContaining("'ghost'")
        .hasMessageContaining("agg-record");
  }

  @Test
  void rejectsNegativeSummaryCounters() throws Exception {
    reset(Map.of("us-east-1", 1));
    orchestrator.register("r1", "us-east-1", "a");

    assertThatThrownBy(() -> orchestrator.end("r1", "us-east-1", "a", Map.of("requests", -1L)))
        .hasMessageContaining("summary.requests is -1");
  }

  @Test
  void resetStartsTheRunAfreshWithANewDeadline() throws Exception {
    reset(Map.of("us-east-1", 1));
    orchestrator.register("r1", "us-east-1", "a");
    clock.advance(5_000);

    RunStatus fresh = orchestrator.reset(new RunSetup("r1", Map.of("us-east-1", 2), 1_000, 10_000));
    assertThat(fresh.state()).isEqualTo(RunState.WAITING);
    assertThat(fresh.registered()).isZero();
    assertThat(fresh.deadline()).isEqualTo(clock.millis() + 10_000);
    assertThat(fresh.expected()).isEqualTo(2);
  }

  @Test
  void resetRejectsBadValuesNamingTheField() {
    assertThatThrownBy(() -> orchestrator.reset(RunSetup.of("r1", Map.of())))
        .hasMessageContaining("expected is empty");
    assertThatThrownBy(() -> orchestrator.reset(RunSetup.of("r1", Map.of("us-east-1", 0))))
        .hasMessageContaining("expected.us-east-1 is 0");
    assertThatThrownBy(() -> orchestrator.reset(new RunSetup("r1", Map.of("us-east-1", 1), -1, 10)))
        .hasMessageContaining("startBufferMs is -1");
    assertThatThrownBy(() -> orchestrator.reset(new RunSetup("r1", Map.of("us-east-1", 1), 0, 0)))
        .hasMessageContaining("registrationDeadlineMs is 0");
    assertThatThrownBy(() -> orchestrator.reset(RunSetup.of(" ", Map.of("us-east-1", 1))))
        .hasMessageContaining("runId is missing or blank");
  }
}
