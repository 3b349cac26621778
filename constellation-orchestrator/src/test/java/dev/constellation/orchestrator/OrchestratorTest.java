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

  @Test
  void abortStopsAWaitingRunAndKeepsTheReasonForEveryLaterCaller() throws Exception {
    reset(Map.of("us-east-1", 2));
    orchestrator.register("r1", "us-east-1", "a");

    RunStatus aborted = orchestrator.abort("r1", "agent us-east-1/1 exited with code 2");
    assertThat(aborted.state()).isEqualTo(RunState.ABORTED);
    assertThat(aborted.abortReason()).isEqualTo("agent us-east-1/1 exited with code 2");
    assertThat(aborted.startAt()).isZero();

    assertThat(orchestrator.init("r1").startState())
        .isEqualTo(new StartState(RunState.ABORTED, 0, clock.millis() + 60_000, "agent us-east-1/1 exited with code 2"));
    RunStatus late = orchestrator.register("r1", "us-east-1", "b");
    assertThat(late.state()).isEqualTo(RunState.ABORTED);
    assertThat(late.registered()).isEqualTo(1);
    assertThat(store.startsWritten("r1")).isZero();
  }

  @Test
  void abortAfterTheStartMarksTheRunAbortedAndKeepsItsStartTime() throws Exception {
    reset(Map.of("us-east-1", 1));
    long startAt = orchestrator.register("r1", "us-east-1", "a").startAt();

    RunStatus aborted = orchestrator.abort("r1", "stopped by the user (Ctrl-C)");
    assertThat(aborted.state()).isEqualTo(RunState.ABORTED);
    assertThat(aborted.startAt()).isEqualTo(startAt);
    assertThat(aborted.complete()).isFalse();
    assertThat(orchestrator.init("r1").state()).isEqualTo(RunState.ABORTED);
  }

  @Test
  void abortingAgainKeepsTheFirstReason() throws Exception {
    reset(Map.of("us-east-1", 1));
    orchestrator.abort("r1", "first");
    RunStatus again = orchestrator.abort("r1", "second");
    assertThat(again.state()).isEqualTo(RunState.ABORTED);
    assertThat(again.abortReason()).isEqualTo("first");
  }

  @Test
  void aDeadlineAbortHasNoReasonAndAResetClearsAnAbort() throws Exception {
    orchestrator.reset(new RunSetup("r1", Map.of("us-east-1", 2), 0, 1_000));
    clock.advance(1_000);
    RunStatus expired = orchestrator.init("r1");
    assertThat(expired.state()).isEqualTo(RunState.ABORTED);
    assertThat(expired.abortReason()).isNull();

    reset(Map.of("us-east-1", 1));
    orchestrator.abort("r1", "why");
    RunStatus fresh = orchestrator.reset(new RunSetup("r1", Map.of("us-east-1", 1), 0, 1_000));
    assertThat(fresh.state()).isEqualTo(RunState.WAITING);
    assertThat(fresh.abortReason()).isNull();
  }

  @Test
  void abortRefusesAnUnknownRunAndABlankOrOverlongReason() {
    assertThatThrownBy(() -> orchestrator.abort("nope", "why"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNKNOWN_RUN))
        .hasMessageContaining("no run 'nope'");
    assertThatThrownBy(() -> orchestrator.abort("r1", " "))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.BAD_REQUEST))
        .hasMessageStartingWith("reason is missing or blank");
    assertThatThrownBy(() -> orchestrator.abort("r1", "x".repeat(2001)))
        .hasMessage("reason is 2001 characters long; use at most 2000");
  }

  @Test
  void withTheStartCacheAStartedRunsStartPollsReadTheStoreNoMore() throws Exception {
    CountingStore counted = new CountingStore(new InMemoryRunStateStore());
    Orchestrator cached = new Orchestrator(counted, clock, true);
    cached.reset(new RunSetup("r1", Map.of("us-east-1", 1), 3_000, 60_000));
    assertThat(cached.initStart("r1").state()).isEqualTo(RunState.WAITING);
    int beforeStart = counted.reads();
    assertThat(cached.initStart("r1").state()).isEqualTo(RunState.WAITING);
    assertThat(counted.reads()).as("a waiting run is read on every poll").isEqualTo(beforeStart + 1);

    long startAt = cached.register("r1", "us-east-1", "a").startAt();
    int afterStart = counted.reads();
    for (int i = 0; i < 50; i++) {
      clock.advance(100);
      RunStatus s = cached.initStart("r1");
      assertThat(s.state()).isEqualTo(RunState.STARTED);
      assertThat(s.startAt()).isEqualTo(startAt);
      assertThat(s.serverTime()).isEqualTo(clock.millis());
    }
    assertThat(counted.reads()).as("the first start poll reads, the next 49 do not").isEqualTo(afterStart + 1);

    cached.end("r1", "us-east-1", "a", Map.of("requests", 1L));
    assertThat(cached.init("r1").complete()).as("the whole status always reads").isTrue();

    cached.abort("r1", "stop");
    assertThat(cached.initStart("r1").state()).as("an abort drops the cached start").isEqualTo(RunState.ABORTED);
  }

  /** A write the test makes through the orchestrator inside a store read. */
  private interface Write {
    void to(Orchestrator orchestrator) throws OrchestratorException;
  }

  /**
   * A caching orchestrator with run r1 started (nothing cached yet) whose next store read runs
   * {@code write}: after the read, before the reader uses what it read.
   */
  private Orchestrator startedWithAWriteInsideTheNextRead(Write write) throws OrchestratorException {
    CountingStore counted = new CountingStore(new InMemoryRunStateStore());
    Orchestrator cached = new Orchestrator(counted, clock, true);
    cached.reset(new RunSetup("r1", Map.of("us-east-1", 1), 3_000, 60_000));
    cached.register("r1", "us-east-1", "a");
    counted.afterNextRead(() -> {
      try {
        write.to(cached);
      } catch (OrchestratorException e) {
        throw new AssertionError(e);
      }
    });
    return cached;
  }

  @Test
  void anAbortBetweenAStartPollsReadAndItsCachePutIsNotUndoneByThePoll() throws Exception {
    // The poll reads STARTED; the abort writes and drops the cache entry; then the poll goes on.
    Orchestrator cached =
        startedWithAWriteInsideTheNextRead(o -> o.abort("r1", "agent us-east-1/a exited with code 2"));

    assertThat(cached.initStart("r1").state()).as("the racing poll answers what it read").isEqualTo(RunState.STARTED);

    RunStatus after = cached.initStart("r1");
    assertThat(after.state()).as("a later poll sees the abort").isEqualTo(RunState.ABORTED);
    assertThat(after.abortReason()).isEqualTo("agent us-east-1/a exited with code 2");
  }

  @Test
  void aResetBetweenAStartPollsReadAndItsCachePutIsNotUndoneByThePoll() throws Exception {
    Orchestrator cached = startedWithAWriteInsideTheNextRead(
        o -> o.reset(new RunSetup("r1", Map.of("us-east-1", 2), 3_000, 60_000)));

    assertThat(cached.initStart("r1").state()).isEqualTo(RunState.STARTED);

    RunStatus after = cached.initStart("r1");
    assertThat(after.state()).as("a later poll sees the reset run").isEqualTo(RunState.WAITING);
    assertThat(after.registered()).isZero();
  }

  @Test
  void withoutTheStartCacheEveryStartPollReads() throws Exception {
    reset(Map.of("us-east-1", 1));
    orchestrator.register("r1", "us-east-1", "a");
    int before = store.reads();
    orchestrator.initStart("r1");
    orchestrator.initStart("r1");
    assertThat(store.reads()).isEqualTo(before + 2);
  }

  @Test
  void aFullRegionsRefusalNamesOnlyThatRegionsAgents() throws Exception {
    reset(Map.of("us-east-1", 1, "eu-central-1", 2));
    orchestrator.register("r1", "eu-central-1", "b");
    orchestrator.register("r1", "us-east-1", "a");

    assertThatThrownBy(() -> orchestrator.register("r1", "us-east-1", "intruder"))
        .hasMessageContaining("already has them all registered [a]; agent 'intruder' is not expected");
  }

  @Test
  void abortTakesAReasonOfExactlyTheLongestLengthAndChecksTheRunId() throws Exception {
    reset(Map.of("us-east-1", 1));
    assertThat(orchestrator.abort("r1", "x".repeat(2000)).abortReason()).hasSize(2000);

    for (String bad : new String[] {"", "r".repeat(201)}) {
      assertThatThrownBy(() -> orchestrator.abort(bad, "why"))
          .isInstanceOfSatisfying(OrchestratorException.class, e ->
              assertThat(e.code()).isEqualTo(OrchestratorException.BAD_REQUEST))
          .hasMessageContaining("runId");
    }
  }

  @Test
  void withTheStartCacheAResetDropsTheCachedStart() throws Exception {
    Orchestrator cached = new Orchestrator(store, clock, true);
    cached.reset(new RunSetup("r1", Map.of("us-east-1", 1), 3_000, 60_000));
    cached.register("r1", "us-east-1", "a");
    assertThat(cached.initStart("r1").state()).isEqualTo(RunState.STARTED);

    cached.reset(new RunSetup("r1", Map.of("us-east-1", 1), 3_000, 60_000));

    RunStatus again = cached.initStart("r1");
    assertThat(again.state()).isEqualTo(RunState.WAITING);
    assertThat(again.startAt()).isZero();
  }

  @Test
  void theStartCacheKeepsTheLast1024StartedRuns() throws Exception {
    Orchestrator cached = new Orchestrator(store, clock, true);
    for (int i = 0; i <= 1024; i++) { // 1025 runs, each started and cached in turn
      cached.reset(new RunSetup("r" + i, Map.of("us-east-1", 1), 3_000, 60_000));
      cached.register("r" + i, "us-east-1", "a");
      assertThat(cached.initStart("r" + i).state()).isEqualTo(RunState.STARTED);
    }
    int reads = store.reads();
    cached.initStart("r1"); // the eldest of the 1024 kept
    assertThat(store.reads()).as("r1 is still cached").isEqualTo(reads);
    cached.initStart("r0"); // the one dropped
    assertThat(store.reads()).as("r0 was dropped").isEqualTo(reads + 1);
  }

  @Test
  void initStartChecksTheRunIdWithOrWithoutTheCache() {
    for (Orchestrator o : new Orchestrator[] {orchestrator, new Orchestrator(store, clock, true)}) {
      assertThatThrownBy(() -> o.initStart(" "))
          .isInstanceOfSatisfying(OrchestratorException.class, e ->
              assertThat(e.code()).isEqualTo(OrchestratorException.BAD_REQUEST))
          .hasMessageContaining("runId");
    }
  }
}
