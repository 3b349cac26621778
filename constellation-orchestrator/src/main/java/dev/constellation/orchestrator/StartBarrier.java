package dev.constellation.orchestrator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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

  /**
   * A barrier with the system clock.
   *
   * @param client the orchestrator
   * @param pollInterval how often to poll {@code test-init}, e.g. {@link #DEFAULT_POLL_INTERVAL}
   * @param giveUpAfter how long {@link #await} may wait for a start (or an abort) before it fails
   */
  public StartBarrier(OrchestratorClient client, Duration pollInterval, Duration giveUpAfter) {
    this(client, pollInterval, giveUpAfter, Clock.systemUTC());
  }

  StartBarrier(OrchestratorClient client, Duration pollInterval, Duration giveUpAfter, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval is " + pollInterval + "; use a positive duration");
    }
    if (giveUpAfter.isNegative() || giveUpAfter.isZero()) {
      throw new IllegalArgumentException("giveUpAfter is " + giveUpAfter + "; use a positive duration");
    }
    this.pollInterval = pollInterval;
    this.giveUpAfter = giveUpAfter;
    this.clock = clock;
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
    long giveUpAt = System.nanoTime() + giveUpAfter.toNanos();
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
      long left = giveUpAt - System.nanoTime();
      if (left <= 0) {
        throw giveUp(runId, agentId, state, lastFailure);
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(wait, left));
      if (giveUpAt - System.nanoTime() <= 0) {
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
    long target = System.nanoTime() + remaining;
    while (true) {
      long left = target - System.nanoTime();
      if (left <= 0) {
        break;
      }
      if (left > COARSE_SLEEP_MARGIN_NANOS) {
        TimeUnit.NANOSECONDS.sleep(left - COARSE_SLEEP_MARGIN_NANOS);
      } else if (left > SPIN_NANOS) {
        LockSupport.parkNanos(left - SPIN_NANOS);
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting for the start at " + startAt);
        }
      } else {
        Thread.onSpinWait();
      }
    }
    Instant woke = clock.instant(); // read before 'new Start' can load a class
    return new Start(startAt, woke);
  }

  private static long jitter(long nanos) {
    return (long) (nanos * ThreadLocalRandom.current().nextDouble(0.75, 1.25));
  }
}
