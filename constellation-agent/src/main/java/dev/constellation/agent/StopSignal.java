package dev.constellation.agent;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Tells virtual users to stop starting iterations; wakes those in think time. */
final class StopSignal {

  private final CountDownLatch latch = new CountDownLatch(1);
  private volatile boolean stopped;

  void stop() {
    stopped = true;
    latch.countDown();
  }

  boolean stopped() {
    return stopped;
  }

  /** Waits for the duration or until stopped; keeps the thread's interrupt status. */
  void awaitFor(Duration d) {
    try {
      latch.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
