package dev.constellation.agent;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Bounds an agent's lifetime: a daemon thread that, when the agent is still running after
 * {@link AgentConfig#maxLifetime()}, prints one line saying so, stops the agent with a final flush
 * (at most {@code stopWait}) and ends the JVM with {@link AgentMain#EXIT_LIFETIME}. A hang can then
 * never leave a task running (and billed).
 */
final class Lifetime {

  /** What the watchdog stops: the agent, waiting at most the given time for its final flush. */
  @FunctionalInterface
  interface Stoppable {
    boolean stopAndWait(long millis) throws InterruptedException;
  }

  private Lifetime() {}

  /**
   * Starts the watchdog.
   *
   * @param config the agent's configuration (id, lifetime and its parts for the message)
   * @param lifetime how long the agent may run
   * @param agent what to stop
   * @param done counted down when the agent's main work ended; then the watchdog does nothing
   * @param stopWait how long to wait for the stop
   * @param fatal prints the one error line ({@code Console::fatal} in production)
   * @param exit ends the process with a code ({@code Runtime.getRuntime()::halt} in production)
   * @return the thread, started
   */
  static Thread watch(AgentConfig config, Duration lifetime, Stoppable agent, CountDownLatch done, Duration stopWait,
      java.util.function.Consumer<String> fatal, IntConsumer exit) {
    Thread t = new Thread(() -> {
      try {
        if (done.await(lifetime.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
        fatal.accept("agent " + config.agentId() + " is still running after its lifetime of " + Durations.format(lifetime)
            + " (--startTimeout " + Durations.format(config.startTimeout()) + " + load " + Durations.format(config.loadDuration())
            + " + --gracefulStop " + Durations.format(config.gracefulStop()) + " + "
            + Durations.format(AgentConfig.STORE_AND_REPORT_ALLOWANCE) + " to store results) and stops itself so that no"
            + " task is left running. Check what hangs: iterations that ignore interrupts, --requestTimeout, or the results store");
        agent.stopAndWait(stopWait.toMillis());
        done.await(5, TimeUnit.SECONDS);
        exit.accept(AgentMain.EXIT_LIFETIME);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "constellation-lifetime");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
