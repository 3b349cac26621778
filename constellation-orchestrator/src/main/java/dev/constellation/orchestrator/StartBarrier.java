package dev.constellation.orchestrator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;

/**
 * What an agent runs before it sends load: register, poll until the run is {@code STARTED}, then
 * sleep until the start time with sub-10 ms precision. It fails closed: a failed poll is retried
 * with back-off, never taken as a start, and when no start is known by the give-up time, or the
 * run is {@code ABORTED} (by its deadline, or by the runner's {@code test-abort}, whose reason the
 * exception names), {@link #await} throws instead of returning.
 *
 * @since 0.1.0
 */
public final class StartBarrier {

  /** The default poll interval of {@code test-init}: 200 ms (with ±25% jitter). */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final long COARSE_SLEEP_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  /** Refusals that no retry can change. */
  private static final Set<String> PERMANENT = Set.of(OrchestratorException.BAD_REQUEST,
      OrchestratorException.UNKNOWN_ACTION, OrchestratorException.UNKNOWN_REGION,
      OrchestratorException.AGENT_NOT_EXPECTED, OrchestratorException.NOT_REGISTERED);

  private final OrchestratorClient client;
  private final Duration pollInterval;
  private final Duration giveUpAfter;
  private final Clock clock;
  private final Ticker ticker;
  private final DoubleSupplier random;

  /**
   * The monotonic time the barrier measures and waits on. The system's by default; tests give one
   * that moves only when the barrier waits, so the waits can be checked to the nanosecond.
   */
  interface Ticker {

    /** Now, in nanoseconds of a monotonic clock (as {@link System#nanoTime()}). */
    long nanoTime();

    /** Sleeps about {@code nanos} (the coarse wait; may return late). */
    void sleep(long nanos) throws InterruptedException;

    /** Parks up to {@code nanos}; returns early, with the thread's interrupt flag set, when interrupted. */
    void park(long nanos);

    /** One turn of the final busy wait. */
    void spin();

    /** {@link System#nanoTime()}, {@link TimeUnit#sleep}, {@link LockSupport#parkNanos}, {@link Thread#onSpinWait()}. */
    Ticker SYSTEM = new Ticker() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleep(long nanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(nanos);
      }

      @Override
      public void park(long nanos) {
        LockSupport.parkNanos(nanos);
      }

      @Override
      public void spin() {
        Thread.onSpinWait();
      }
    };
  }

  /**
   * A barrier with the system clock.
   *
   * @param client the orchestrator
   * @param pollInterval how often to poll {@code test-init}, e.g. {@link #DEFAULT_POLL_INTERVAL}
   * @param giveUpAfter how long {@link #await} may wait for a start (or an abort) before it fails
   */
  public StartBarrier(OrchestratorClient client, Duration pollInterval, Duration giveUpAfter) {
    this(client, pollInterval, giveUpAfter, Clock.systemUTC(), Ticker.SYSTEM, defaultRandom());
  }

  /** Uniform in [0, 1), for the jitter of each wait. */
  static DoubleSupplier defaultRandom() {
    return () -> ThreadLocalRandom.current().nextDouble();
  }

  /**
   * A barrier on the given time sources (for tests).
   *
   * @param clock the wall clock the start time ({@code startAt}, epoch ms) is read against
   * @param ticker the monotonic time the barrier measures and waits on
   * @param random uniform in [0, 1): where each wait falls within ±25% of its nominal length
   */
  StartBarrier(OrchestratorClient client, Duration pollInterval, Duration giveUpAfter, Clock clock,
      Ticker ticker, DoubleSupplier random) {
    this.client = Objects.requireNonNull(client, "client");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval is " + pollInterval + "; use a positive duration");
    }
    if (giveUpAfter.isNegative() || giveUpAfter.isZero()) {
      throw new IllegalArgumentException("giveUpAfter is " + giveUpAfter + "; use a positive duration");
    }
    this.pollInterval = pollInterval;
    this.giveUpAfter = giveUpAfter;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The start this agent woke up for.
   *
   * @param startAt the start time the orchestrator fixed, epoch ms
   * @param wokeAt when this agent's clock said it woke up
   */
  public record Start(long startAt, Instant wokeAt) {

    /** How late the wake-up was (negative if early). */
    public Duration lateness() {
      return Duration.between(Instant.ofEpochMilli(startAt), wokeAt);
    }
  }

  /**
   * Registers, waits for the start time and sleeps until it.
   *
   * @param runId the run
   * @param region this agent's region
   * @param agentId this agent
   * @return the start time and the measured wake-up time
   * @throws OrchestratorException {@code aborted} when the run was aborted; {@code unreachable}
   *     (naming the address) when no start was known within the give-up time; the orchestrator's
   *     own code when it refused this agent. In every case: send no load.
   * @throws InterruptedException when interrupted while waiting
   */
  public Start await(String runId, String region, String agentId)
      throws OrchestratorException, InterruptedException {
    long giveUpAt = ticker.nanoTime() + giveUpAfter.toNanos();
    long backoff = pollInterval.toNanos();
    OrchestratorException lastFailure = null;
    boolean registered = false;
    StartState state = null;
    while (true) {
      try {
        if (!registered) {
          state = client.register(runId, region, agentId).startState();
          registered = true;
        } else {
          state = client.poll(runId);
        }
        lastFailure = null;
        backoff = pollInterval.toNanos();
      } catch (OrchestratorException e) {
        if (PERMANENT.contains(e.code())) {
          throw e;
        }
        lastFailure = e;
      }
      if (state != null && lastFailure == null) {
        if (state.state() == RunState.STARTED) {
          return sleepUntil(state.startAt());
        }
        if (state.state() == RunState.ABORTED && state.abortReason() != null) {
          throw new OrchestratorException(OrchestratorException.ABORTED, "run '" + runId
              + "' was aborted (test-abort at " + client.address() + "): " + state.abortReason()
              + "; this agent sends no load");
        }
        if (state.state() == RunState.ABORTED) {
          throw new OrchestratorException(OrchestratorException.ABORTED, "run '" + runId
              + "' was aborted by the orchestrator at " + client.address() + ": not every agent"
              + " registered before the deadline " + Instant.ofEpochMilli(state.deadline())
              + "; this agent sends no load. Check why other agents did not start (logs, quotas),"
              + " or raise the registration deadline");
        }
      }
      long wait = lastFailure == null ? jitter(pollInterval.toNanos()) : jitter(backoff);
      if (lastFailure != null) {
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
      }
      long left = giveUpAt - ticker.nanoTime();
      if (left <= 0) {
        throw giveUp(runId, agentId, state, lastFailure);
      }
      ticker.sleep(Math.min(wait, left));
      if (giveUpAt - ticker.nanoTime() <= 0) {
        throw giveUp(runId, agentId, state, lastFailure);
      }
    }
  }

  private OrchestratorException giveUp(
      String runId, String agentId, StartState last, OrchestratorException lastFailure) {
    String why = lastFailure != null
        ? "the last request failed: " + lastFailure.getMessage()
        : "the run is still " + (last == null ? "unknown" : last.state());
    return new OrchestratorException(OrchestratorException.UNREACHABLE,
        "agent '" + agentId + "' got no start for run '" + runId + "' from the orchestrator at "
            + client.address() + " within " + giveUpAfter + "; " + why
            + ". The agent did not start the test. Check that the orchestrator is running, that the"
            + " agent was given its right address, and that the run was reset (test-reset)",
        lastFailure);
  }

  /** Sleeps until startAt: coarse sleep to ~20 ms before, then park and spin on nanoTime. */
  private Start sleepUntil(long startAt) throws InterruptedException {
    Instant now = clock.instant();
    long remaining = (startAt * 1_000_000L)
        - (now.getEpochSecond() * 1_000_000_000L + now.getNano());
    long target = ticker.nanoTime() + remaining;
    while (true) {
      long left = target - ticker.nanoTime();
      if (left <= 0) {
        break;
      }
      if (left > COARSE_SLEEP_MARGIN_NANOS) {
        ticker.sleep(left - COARSE_SLEEP_MARGIN_NANOS);
      } else if (left > SPIN_NANOS) {
        ticker.park(left - SPIN_NANOS);
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting for the start at " + startAt);
        }
      } else {
        ticker.spin();
      }
    }
    Instant woke = clock.instant(); // read before 'new Start' can load a class
    return new Start(startAt, woke);
  }

  /** {@code nanos} ±25%: uniform in [0.75, 1.25) × nanos. */
  private long jitter(long nanos) {
    return (long) (nanos * (0.75 + 0.5 * random.getAsDouble()));
  }
}
