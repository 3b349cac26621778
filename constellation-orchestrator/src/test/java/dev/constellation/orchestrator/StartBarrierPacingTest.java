package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The barrier's waits, exactly: on a fake time that moves only when the barrier sleeps, parks or
 * spins (or when a scripted orchestrator call takes time), with the jitter's random draws chosen
 * by the test. docs/orchestrator.md: agents poll about every 200 ms with ±25% jitter, back off
 * (doubling, capped at 5 s) after failed polls, and sleep to the start time with sub-10 ms
 * precision (a coarse sleep to 20 ms before, a park to 2 ms before, then a spin).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS) // a mutant that loops forever on fake time
class StartBarrierPacingTest {

  private static final long MS = 1_000_000L;
  private static final long EPOCH_MS = 1_800_000_000_000L;

  /** Wall clock and monotonic time in one: both move only by the barrier's waits. */
  private static final class FakeTime extends Clock implements StartBarrier.Ticker {
    final List<String> events = new ArrayList<>();
    long nanos = 5_000_000_000L; // any origin: the barrier must use differences only
    long spinNanos = 500_000;
    boolean interruptParks;

    private void record(String event) {
      if (events.size() >= 10_000) { // a wait that never moves time: fail instead of looping
        throw new AssertionError("runaway wait loop: " + events.subList(0, 20));
      }
      events.add(event);
    }

    void advance(long n) {
      nanos += n;
    }

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public void sleep(long n) {
      record("sleep " + Duration.ofNanos(n));
      advance(n);
    }

    @Override
    public void park(long n) {
      record("park " + Duration.ofNanos(n));
      advance(n);
      if (interruptParks) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void spin() {
      record("spin");
      advance(spinNanos);
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(EPOCH_MS).plusNanos(nanos - 5_000_000_000L);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** An orchestrator that answers from a script: a state, or a failure; each call takes {@code callNanos}. */
  private static final class ScriptedClient extends UnexpectedCallsClient {
    private final FakeTime time;
    private final Deque<Object> script = new ArrayDeque<>();
    long callNanos;

    ScriptedClient(FakeTime time) {
      this.time = time;
    }

    ScriptedClient then(Object answer, int times) {
      for (int i = 0; i < times; i++) {
        script.add(answer);
      }
      return this;
    }

    private StartState next(String call) throws OrchestratorException {
      time.record(call);
      time.advance(callNanos);
      Object answer = script.isEmpty() ? WAITING : script.poll();
      if (answer instanceof OrchestratorException e) {
        throw e;
      }
      return (StartState) answer;
    }

    @Override
    public RunStatus register(String runId, String region, String agentId) throws OrchestratorException {
      StartState s = next("register");
      return new RunStatus(runId, s.state(), s.startAt(), s.deadline(), 0, Map.of(), s.abortReason());
    }

    @Override
    public StartState poll(String runId) throws OrchestratorException {
      return next("poll");
    }

    @Override
    public String address() {
      return "scripted";
    }
  }

  private static final StartState WAITING = new StartState(RunState.WAITING, 0, EPOCH_MS + 60_000);
  private static final OrchestratorException DOWN =
      new OrchestratorException(OrchestratorException.UNREACHABLE, "connection reset");

  private static StartState startedAt(long epochMs) {
    return new StartState(RunState.STARTED, epochMs, EPOCH_MS + 60_000);
  }

  private static DoubleSupplier draws(double... values) {
    Deque<Double> q = new ArrayDeque<>();
    for (double v : values) {
      q.add(v);
    }
    return () -> q.isEmpty() ? 0.5 : q.poll();
  }

  private final FakeTime time = new FakeTime();
  private final ScriptedClient client = new ScriptedClient(time);

  private StartBarrier barrier(long pollMs, long giveUpMs, DoubleSupplier random) {
    return new StartBarrier(client, Duration.ofMillis(pollMs), Duration.ofMillis(giveUpMs), time,
        time, random);
  }

  private static String sleep(long millis) {
    return "sleep " + Duration.ofMillis(millis);
  }

  private List<String> sleeps() {
    return time.events.stream().filter(e -> e.startsWith("sleep")).toList();
  }

  @Test
  void pollsEveryIntervalWithinPlusOrMinus25PercentByTheRandomDraw() throws Exception {
    client.then(WAITING, 5).then(startedAt(EPOCH_MS + 1_000_000), 1);
    // draws 0, .25, .5, .75, .999 (the real draw is below 1): 0.75×, 0.875×, 1×, 1.125×, 1.2495× the 200 ms interval
    StartBarrier b = barrier(200, 600_000, draws(0, 0.25, 0.5, 0.75, 0.999));
    time.spinNanos = MS;

    b.await("r1", "us-east-1", "a");

    assertThat(time.events.subList(0, 11)).containsExactly(
        "register", sleep(150), "poll", sleep(175), "poll", sleep(200), "poll", sleep(225),
        "poll", "sleep " + Duration.ofNanos(249_900_000), "poll");
  }

  @Test
  void theDefaultDrawIsUniformInZeroToOne() {
    // The public constructor's random source: every wait falls within ±25% of the interval, and
    // draws cover that whole range (10 000 draws: the chance of none below 0.01 is 0.99^10000).
    DoubleSupplier system = StartBarrier.defaultRandom();
    double min = 1;
    double max = 0;
    for (int i = 0; i < 10_000; i++) {
      double d = system.getAsDouble();
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isGreaterThanOrEqualTo(0).isLessThan(0.01);
    assertThat(max).isLessThan(1).isGreaterThan(0.99);
  }

  @Test
  void doublesTheWaitAfterEachFailedPollUpToFiveSecondsAndResetsItAfterASuccess() throws Exception {
    client.then(WAITING, 1).then(DOWN, 7).then(WAITING, 1).then(DOWN, 1)
        .then(startedAt(EPOCH_MS + 1_000_000), 1);
    StartBarrier b = barrier(200, 600_000, () -> 0.5); // no jitter: the nominal waits

    b.await("r1", "us-east-1", "a");

    // register ok, 7 failures (200, 400, ... capped at 5 s), a success (back to 200), a failure
    // (200: the backoff starts again from the interval), then the start
    assertThat(sleeps().subList(0, 10)).containsExactly(
        sleep(200), sleep(200), sleep(400), sleep(800), sleep(1_600), sleep(3_200), sleep(5_000),
        sleep(5_000), sleep(200), sleep(200));
    assertThat(time.events.stream().filter(e -> !e.startsWith("sleep")).limit(11))
        .containsExactly("register", "poll", "poll", "poll", "poll", "poll", "poll", "poll",
            "poll", "poll", "poll");
  }

  @Test
  void theBackoffIsJitteredToo() throws Exception {
    client.then(DOWN, 3).then(startedAt(EPOCH_MS + 1_000_000), 1);
    StartBarrier b = barrier(200, 600_000, () -> 0); // 0.75× every wait

    b.await("r1", "us-east-1", "a");

    assertThat(sleeps().subList(0, 3)).containsExactly(sleep(150), sleep(300), sleep(600));
    assertThat(time.events.subList(0, 4)).containsExactly("register", sleep(150), "register", sleep(300));
  }

  @Test
  void sleepsToTheStartCoarselyThenParksThenSpinsAndWakesExactlyOnTime() throws Exception {
    long startAt = EPOCH_MS + 1_000;
    client.then(startedAt(startAt), 1);
    time.advance(250_000); // now is 999.75 ms before the start: not on a millisecond

    StartBarrier.Start start = barrier(200, 10_000, () -> 0.5).await("r1", "us-east-1", "a");

    // coarse sleep to 20 ms before, park to 2 ms before, spin (0.5 ms a turn) to the start
    assertThat(time.events).containsExactly("register",
        "sleep " + Duration.ofNanos(979_750_000), "park " + Duration.ofMillis(18),
        "spin", "spin", "spin", "spin");
    assertThat(start.startAt()).isEqualTo(startAt);
    assertThat(start.wokeAt()).isEqualTo(Instant.ofEpochMilli(startAt));
    assertThat(start.lateness()).isEqualTo(Duration.ZERO);
  }

  @Test
  void parksOrSpinsOnlyForTheLastStretch() throws Exception {
    long startAt = EPOCH_MS + 15;
    client.then(startedAt(startAt), 1);
    time.spinNanos = 400_000;

    StartBarrier.Start start = barrier(200, 10_000, () -> 0.5).await("r1", "us-east-1", "a");

    // 15 ms left: no coarse sleep; park to 2 ms before; 5 turns of 0.4 ms reach the start
    assertThat(time.events).containsExactly("register", "park " + Duration.ofMillis(13),
        "spin", "spin", "spin", "spin", "spin");
    assertThat(start.lateness()).isEqualTo(Duration.ZERO);
  }

  @Test
  void theWaitsSwitchAtExactlyTwentyAndTwoMillisecondsBeforeTheStart() throws Exception {
    long startAt = EPOCH_MS + 20;
    client.then(startedAt(startAt), 1);
    time.spinNanos = 2 * MS; // a spin turn that lands exactly on the 2 ms boundary is not taken

    StartBarrier.Start start = barrier(200, 10_000, () -> 0.5).await("r1", "us-east-1", "a");

    // exactly 20 ms left is parked, not slept (a coarse sleep of 0); exactly 2 ms left is spun
    assertThat(time.events).containsExactly("register", "park " + Duration.ofMillis(18), "spin");
    assertThat(start.lateness()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aStartTimeAlreadyPastReturnsAtOnceWithTheLateness() throws Exception {
    client.then(startedAt(EPOCH_MS - 30), 1);

    StartBarrier.Start start = barrier(200, 10_000, () -> 0.5).await("r1", "us-east-1", "a");

    assertThat(time.events).containsExactly("register");
    assertThat(start.lateness()).isEqualTo(Duration.ofMillis(30));
  }

  @Test
  void anInterruptWhileParkedStopsTheWaitNamingTheStart() {
    client.then(startedAt(EPOCH_MS + 10), 1);
    time.interruptParks = true;
    StartBarrier b = barrier(200, 10_000, () -> 0.5);
    try {
      assertThatThrownBy(() -> b.await("r1", "us-east-1", "a"))
          .isInstanceOf(InterruptedException.class)
          .hasMessage("interrupted while waiting for the start at " + (EPOCH_MS + 10));
      assertThat(time.events).containsExactly("register", "park " + Duration.ofMillis(8));
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void givesUpAtTheGiveUpTimeShorteningTheLastWait() {
    client.then(WAITING, 100);
    StartBarrier b = barrier(200, 1_100, () -> 0.5);

    assertThatThrownBy(() -> b.await("r1", "us-east-1", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE))
        .hasMessage("agent 'a' got no start for run 'r1' from the orchestrator at scripted within"
            + " PT1.1S; the run is still WAITING. The agent did not start the test. Check that the"
            + " orchestrator is running, that the agent was given its right address, and that the"
            + " run was reset (test-reset)");
    // five full waits, then the 100 ms left; no poll after the give-up time
    assertThat(time.events).containsExactly("register", sleep(200), "poll", sleep(200), "poll",
        sleep(200), "poll", sleep(200), "poll", sleep(200), "poll", sleep(100));
  }

  @Test
  void givesUpWithoutAnotherWaitWhenACallEndsExactlyAtTheGiveUpTime() {
    client.callNanos = 500 * MS; // each call takes half a second
    StartBarrier b = barrier(200, 1_200, () -> 0.5);

    assertThatThrownBy(() -> b.await("r1", "us-east-1", "a"))
        .isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("the run is still WAITING");
    // register 0–500, wait 200, poll 700–1200: 0 left, so no wait of 0 and no further poll
    assertThat(time.events).containsExactly("register", sleep(200), "poll");
  }

  @Test
  void givesUpNamingTheLastFailureWhenEveryPollFailed() {
    client.then(DOWN, 100);
    StartBarrier b = barrier(200, 1_000, () -> 0.5);

    assertThatThrownBy(() -> b.await("r1", "us-east-1", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e -> {
          assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE);
          assertThat(e.getCause()).isSameAs(DOWN);
        })
        .hasMessageContaining("within PT1S; the last request failed: connection reset.");
    // 200, 400, then the 400 ms left of the second
    assertThat(time.events).containsExactly("register", sleep(200), "register", sleep(400),
        "register", sleep(400));
  }

  @Test
  void givesUpAtOnceWhenTheFirstCallOutlastsTheGiveUpTime() {
    client.callNanos = 2_000 * MS;
    client.then(DOWN, 1);
    StartBarrier b = barrier(200, 1_000, () -> 0.5);

    assertThatThrownBy(() -> b.await("r1", "us-east-1", "a"))
        .isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("within PT1S; the last request failed: connection reset.");
    assertThat(time.events).containsExactly("register");
  }

  @Test
  void aPermanentRefusalIsNotRetried() {
    client.then(new OrchestratorException(OrchestratorException.NOT_REGISTERED, "who?"), 1);
    StartBarrier b = barrier(200, 10_000, () -> 0.5);

    assertThatThrownBy(() -> b.await("r1", "us-east-1", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.NOT_REGISTERED));
    assertThat(time.events).containsExactly("register");
  }

  @Test
  void anUnknownRunIsRetriedSinceItsResetMayStillBeOnItsWay() throws Exception {
    client.then(new OrchestratorException(OrchestratorException.UNKNOWN_RUN, "no run r1"), 2)
        .then(startedAt(EPOCH_MS + 1_000_000), 1);

    StartBarrier.Start start = barrier(200, 600_000, () -> 0.5).await("r1", "us-east-1", "a");

    assertThat(start.startAt()).isEqualTo(EPOCH_MS + 1_000_000);
    assertThat(time.events.subList(0, 5)).containsExactly("register", sleep(200), "register",
        sleep(400), "register");
  }

  @Test
  void anAbortWithoutAReasonNamesTheRegistrationDeadline() {
    client.then(WAITING, 1).then(new StartState(RunState.ABORTED, 0, EPOCH_MS + 30_000), 1);
    StartBarrier b = barrier(200, 10_000, () -> 0.5);

    assertThatThrownBy(() -> b.await("r1", "us-east-1", "a"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.ABORTED))
        .hasMessage("run 'r1' was aborted by the orchestrator at scripted: not every agent registered"
            + " before the deadline " + Instant.ofEpochMilli(EPOCH_MS + 30_000) + "; this agent sends"
            + " no load. Check why other agents did not start (logs, quotas), or raise the"
            + " registration deadline");
    assertThat(time.events).containsExactly("register", sleep(200), "poll");
  }
}
