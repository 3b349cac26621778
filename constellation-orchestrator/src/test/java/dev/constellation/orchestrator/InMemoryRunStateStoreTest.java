package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@link RunStateStore} contract, each condition at its boundary, on the in-memory store. */
class InMemoryRunStateStoreTest {

  private static final long DEADLINE = 1_800_000_030_000L;
  private final InMemoryRunStateStore store = new InMemoryRunStateStore();

  private void reset(Map<String, Integer> expected) {
    store.put(new RunRecord("r1", expected, Set.of(), Set.of(), Map.of(), RunState.WAITING, 0,
        DEADLINE - 30_000, DEADLINE, 2_000));
  }

  private RunRecord run() {
    return store.get("r1").orElseThrow();
  }

  @Test
  void keepsAllOfAHundredConcurrentRegistrationsAndWritesOneStartTimeInEachOfTwentyRuns()
      throws Exception {
    ConcurrentRegistration.check(new InMemoryRunStateStore(), 100, 20);
  }

  @Test
  void registersUntilTheDeadlineButNotAtIt() {
    reset(Map.of("us-east-1", 2));

    assertThat(store.addReady("r1", "us-east-1", "a", DEADLINE - 1)).get()
        .extracting(RunRecord::ready).isEqualTo(Set.of("us-east-1#a"));
    assertThat(store.addReady("r1", "us-east-1", "b", DEADLINE)).isEmpty();
    assertThat(run().ready()).containsExactly("us-east-1#a");
  }

  @Test
  void registersUpToTheRegionsCountAndTheSameAgentTwiceChangesNothing() {
    reset(Map.of("us-east-1", 1, "eu-central-1", 1));

    assertThat(store.addReady("r1", "us-east-1", "a", 0)).isPresent();
    assertThat(store.addReady("r1", "us-east-1", "b", 0)).as("region full").isEmpty();
    assertThat(store.addReady("r1", "us-east-1", "a", 0)).as("again").get()
        .extracting(RunRecord::ready).isEqualTo(Set.of("us-east-1#a"));
    assertThat(store.addReady("r1", "ap-south-1", "c", 0)).as("region not expected").isEmpty();
    assertThat(store.addReady("r2", "us-east-1", "a", 0)).as("no such run").isEmpty();
    assertThat(run().ready()).containsExactly("us-east-1#a");
  }

  @Test
  void startsOnlyWhenEveryAgentIsReadyAndOnlyOnce() {
    reset(Map.of("us-east-1", 2));
    store.addReady("r1", "us-east-1", "a", 0);

    assertThat(store.tryStart("r1", DEADLINE + 5)).as("one of two ready").isFalse();
    assertThat(run().state()).isEqualTo(RunState.WAITING);
    assertThat(run().startAt()).isZero();

    store.addReady("r1", "us-east-1", "b", 0);
    assertThat(store.tryStart("r1", DEADLINE + 5)).isTrue();
    assertThat(run().state()).isEqualTo(RunState.STARTED);
    assertThat(run().startAt()).isEqualTo(DEADLINE + 5);

    assertThat(store.tryStart("r1", DEADLINE + 9)).as("second start").isFalse();
    assertThat(run().startAt()).isEqualTo(DEADLINE + 5);
    assertThat(store.tryStart("r2", DEADLINE + 9)).as("no such run").isFalse();
    assertThat(store.addReady("r1", "us-east-1", "a", 0)).as("registering after the start").isEmpty();
  }

  @Test
  void abortsAtTheDeadlineNotBeforeOnlyARunShortOfAgents() {
    reset(Map.of("us-east-1", 2));
    store.addReady("r1", "us-east-1", "a", 0);

    assertThat(store.tryAbort("r1", DEADLINE - 1)).as("before the deadline").isFalse();
    assertThat(run().state()).isEqualTo(RunState.WAITING);
    assertThat(store.tryAbort("r1", DEADLINE)).as("at the deadline").isTrue();
    assertThat(run().state()).isEqualTo(RunState.ABORTED);
    assertThat(run().abortReason()).isNull();
    assertThat(store.tryAbort("r1", DEADLINE + 1)).as("again").isFalse();
    assertThat(store.tryAbort("r2", DEADLINE)).as("no such run").isFalse();
  }

  @Test
  void neverAbortsARunWhoseAgentsAreAllReadyOrThatStarted() {
    reset(Map.of("us-east-1", 1));
    store.addReady("r1", "us-east-1", "a", 0);
    assertThat(store.tryAbort("r1", DEADLINE + 1)).as("all ready, not started yet").isFalse();

    assertThat(store.tryStart("r1", DEADLINE + 2)).isTrue();
    assertThat(store.tryAbort("r1", DEADLINE + 10)).as("started").isFalse();
    assertThat(run().state()).isEqualTo(RunState.STARTED);
  }

  @Test
  void anAbortKeepsItsFirstReasonAndAStartedRunsStartTime() {
    reset(Map.of("us-east-1", 1));
    store.addReady("r1", "us-east-1", "a", 0);
    store.tryStart("r1", DEADLINE + 2);

    assertThat(store.abort("r1", "agent us-east-1/a exited with code 2")).get()
        .satisfies(r -> {
          assertThat(r.state()).isEqualTo(RunState.ABORTED);
          assertThat(r.abortReason()).isEqualTo("agent us-east-1/a exited with code 2");
          assertThat(r.startAt()).isEqualTo(DEADLINE + 2);
        });
    assertThat(store.abort("r1", "later")).get().extracting(RunRecord::abortReason)
        .isEqualTo("agent us-east-1/a exited with code 2");
    assertThat(store.abort("r2", "x")).isEmpty();
  }

  @Test
  void endsOnlyRegisteredAgentsAndKeepsTheirLatestSummary() {
    reset(Map.of("us-east-1", 2));
    store.addReady("r1", "us-east-1", "a", 0);

    assertThat(store.addDone("r1", "us-east-1", "b", Map.of("requests", 1L))).as("not registered").isEmpty();
    assertThat(store.addDone("r1", "us-east-1", "a", Map.of("requests", 3L))).get()
        .extracting(RunRecord::done).isEqualTo(Set.of("us-east-1#a"));
    assertThat(store.addDone("r1", "us-east-1", "a", Map.of("requests", 4L))).get()
        .extracting(RunRecord::summaries).isEqualTo(Map.of("us-east-1#a", Map.of("requests", 4L)));
    assertThat(store.addDone("r2", "us-east-1", "a", Map.of())).isEmpty();
  }
}
