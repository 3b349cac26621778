package dev.constellation.agent.results.reliable;

import java.time.Duration;

/** Time as the retry logic sees it: a monotonic clock and a way to wait. Tests pass a fake one. */
public interface Ticker {

  /**
   * The current monotonic time.
   *
   * @return nanoseconds from an arbitrary origin
   */
  long nanoTime();

  /**
   * Waits.
   *
   * @param duration how long
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * The real clock.
   *
   * @return a ticker over {@link System#nanoTime()} and {@link Thread#sleep(long, int)}
   */
  static Ticker system() {
    return new Ticker() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
      }
    };
  }
}
