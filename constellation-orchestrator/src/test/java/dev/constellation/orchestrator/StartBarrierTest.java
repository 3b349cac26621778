package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartBarrierTest {

  private final OrchestratorActions actions = new OrchestratorActions(
      new Orchestrator(new InMemoryRunStateStore(), Clock.systemUTC()));
  private final InProcessClient client = new InProcessClient(actions);

  /** Fails the first {@code failures} polls as an unreachable orchestrator would. */
  private static final class FlakyClient extends InProcessClient {
    private final AtomicInteger failuresLeft;
    private final AtomicInteger polls = new AtomicInteger();

    FlakyClient(OrchestratorActions actions, int failures) {
      super(actions);
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public StartState poll(String runId) throws OrchestratorException {
      polls.incrementAndGet();
      if (failuresLeft.getAndDecrement() > 0) {
        throw new OrchestratorException(OrchestratorException.UNREACHABLE, "connection reset");
      }
      return super.poll(runId);
    }
  }

  @Test
  void waitsAboutThePollIntervalBetweenPollsOnRealTime() throws Exception {
    client.reset(new RunSetup("r1", Map.of("us-east-1", 2), 100, 60_000));
    FlakyClient counting = new FlakyClient(actions, 0);
    StartBarrier barrier = new StartBarrier(counting, Duration.ofMillis(50), Duration.ofSeconds(1));

    assertThatThrownBy(() -> barrier.await("r1", "us-east-1", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE));
    // waits of at least 37.5 ms (50 ms - 25%) in 1 s: at most 26 polls after the registration,
    // however loaded the machine (a wait can only be longer than asked)
    assertThat(counting.polls.get()).isBetween(1, 26);
  }

  @Test
  void throwsAbortedAndNeverStartsWhenAnAgentMissesTheDeadline() throws Exception {
    client.reset(new RunSetup("r1", Map.of("us-east-1", 2), 100, 300));
    StartBarrier barrier = new StartBarrier(client, Duration.ofMillis(50), Duration.ofSeconds(10));

    assertThatThrownBy(() -> barrier.await("r1", "us-east-1", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.ABORTED))
        .hasMessageContaining("run 'r1' was aborted")
        .hasMessageContaining("sends no load");
    assertThat(client.poll("r1").state()).isEqualTo(RunState.ABORTED);
  }

  @Test
  void retriesFailedPollsAndStartsOnlyFromTheOrchestratorsAnswer() throws Exception {
    client.reset(new RunSetup("r1", Map.of("us-east-1", 2), 200, 10_000));
    FlakyClient flaky = new FlakyClient(actions, 3);
    StartBarrier barrier = new StartBarrier(flaky, Duration.ofMillis(20), Duration.ofSeconds(10));
    ExecutorService agent = Executors.newSingleThreadExecutor();
    try {
      Future<StartBarrier.Start> start = agent.submit(() -> barrier.await("r1", "us-east-1", "a"));
      Thread.sleep(300);
      assertThat(start).isNotDone();
      client.register("r1", "us-east-1", "b");

      StartBarrier.Start s = start.get(10, TimeUnit.SECONDS);
      assertThat(s.startAt()).isEqualTo(client.poll("r1").startAt());
      assertThat(flaky.polls.get()).isGreaterThan(3);
    } finally {
      agent.shutdownNow();
    }
  }

  @Test
  void failsClosedNamingTheAddressWhenNoPollSucceedsBeforeGivingUp() throws Exception {
    client.reset(new RunSetup("r1", Map.of("us-east-1", 1, "eu-central-1", 1), 100, 10_000));
    FlakyClient down = new FlakyClient(actions, Integer.MAX_VALUE);
    StartBarrier barrier = new StartBarrier(down, Duration.ofMillis(20), Duration.ofMillis(500));

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> barrier.await("r1", "us-east-1", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE))
        .hasMessageContaining("orchestrator at in-process within PT0.5S")
        .hasMessageContaining("connection reset")
        .hasMessageContaining("did not start the test");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void failsAtOnceWhenTheOrchestratorRefusesThisAgent() throws Exception {
    client.reset(new RunSetup("r1", Map.of("us-east-1", 1), 100, 10_000));
    StartBarrier barrier = new StartBarrier(client, Duration.ofMillis(20), Duration.ofSeconds(30));

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> barrier.await("r1", "ap-south-1", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNKNOWN_REGION));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void aWaitingAgentStopsAtItsNextPollWhenTheRunIsAbortedAndNamesTheReason() throws Exception {
    client.reset(new RunSetup("r1", Map.of("us-east-1", 2), 100, 60_000));
    StartBarrier barrier = new StartBarrier(client, Duration.ofMillis(50), Duration.ofSeconds(30));
    ExecutorService agent = Executors.newSingleThreadExecutor();
    try {
      Future<StartBarrier.Start> start = agent.submit(() -> barrier.await("r1", "us-east-1", "a"));
      Thread.sleep(200);
      assertThat(start).isNotDone();
      long abortedAt = System.nanoTime();
      assertThat(client.abort("r1", "agent us-east-1/b exited with code 2").abortReason())
          .isEqualTo("agent us-east-1/b exited with code 2");

      assertThatThrownBy(() -> start.get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(OrchestratorException.class, e ->
              assertThat(e.code()).isEqualTo(OrchestratorException.ABORTED))
          .hasMessage("run 'r1' was aborted (test-abort at in-process): agent us-east-1/b exited with code 2;"
              + " this agent sends no load");
      long stoppedAfterMs = (System.nanoTime() - abortedAt) / 1_000_000;
      assertThat(stoppedAfterMs).as("stops within a poll interval or so").isLessThan(1_000);
    } finally {
      agent.shutdownNow();
    }
  }
}
