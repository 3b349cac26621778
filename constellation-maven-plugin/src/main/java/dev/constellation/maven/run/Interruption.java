package dev.constellation.maven.run;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during a run. A JVM shutdown hook, installed for the whole run: on SIGINT (or SIGTERM)
 * to the build it marks the run interrupted, runs every registered stop action (the local
 * runner stops its agents, which flush what they recorded), and then holds the JVM open until
 * the run has written the report of the partial run ({@link #close()}), at most the given wait.
 * The JVM then exits with the signal's status (130 for SIGINT), so the build does not pass.
 */
public final class Interruption implements AutoCloseable {

  private final RunLog log;
  private final Duration maxWait;
  private final List<Runnable> stops = new CopyOnWriteArrayList<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;
  private volatile boolean interrupted;

  private Interruption(RunLog log, Duration maxWait, boolean install) {
    this.log = log;
    this.maxWait = maxWait;
    this.hook = new Thread(this::interrupt, "constellation-interrupt");
    if (install) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
  }

  /**
   * Installs the shutdown hook.
   *
   * @param log where the interruption is announced
   * @param maxWait how long the hook waits for the stop and the report before the JVM exits anyway
   * @return the installed interruption; {@link #close()} removes it
   */
  public static Interruption install(RunLog log, Duration maxWait) {
    return new Interruption(log, maxWait, true);
  }

  /**
   * An interruption without a shutdown hook, triggered only by {@link #interrupt()} (tests).
   *
   * @param log where the interruption is announced
   * @param maxWait how long {@link #interrupt()} waits for {@link #close()}
   * @return the interruption
   */
  public static Interruption manual(RunLog log, Duration maxWait) {
    return new Interruption(log, maxWait, false);
  }

  /**
   * Registers how to stop the run's agents; called on interruption, in registration order. When
   * the run is already interrupted, the action runs at once.
   *
   * @param stop the action; it returns when the agents have ended
   */
  public void onInterrupt(Runnable stop) {
    stops.add(stop);
    if (interrupted) {
      stop.run();
    }
  }

  /** Whether the run was interrupted. */
  public boolean interrupted() {
    return interrupted;
  }

  /**
   * What the hook does: marks the run interrupted, stops the agents, and waits for the run to
   * finish its report.
   */
  public void interrupt() {
    if (interrupted) {
      return;
    }
    interrupted = true;
    log.warn("interrupted: stopping the agents (each flushes what it recorded), then writing the report of the partial run");
    for (Runnable stop : stops) {
      try {
        stop.run();
      } catch (RuntimeException e) {
        log.warn("stopping the agents failed: " + e);
      }
    }
    try {
      if (!finished.await(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("the report of the interrupted run was not written within " + maxWait.toSeconds() + " s; rebuild it with "
            + "mvn constellation:report");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The run has written everything: lets an interrupted JVM exit and removes the hook. */
  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException | IllegalArgumentException alreadyRunningOrNotInstalled) {
      // the JVM is shutting down and the hook is running (it was waiting for this), or it was never installed
    }
  }
}
