package dev.constellation.maven.aws;

/**
 * Paces calls: at most {@code burst} at once, refilled at {@code perSecond}. {@link #take()} waits
 * until a token is there. Used for {@code RunTask} at 10 calls per second per region, half of
 * ECS's 20 calls per second per account and region (AWS "Amazon ECS service quotas" / "Fargate
 * throttling quotas"), so two runs at once still stay under it.
 */
public final class TokenBucket {

  /** RunTask calls per second per region. */
  public static final double RUN_TASK_PER_SECOND = 10;

  private final double perSecond;
  private final double burst;
  private final Clock clock;
  private double tokens;
  private long last;

  /** Time and sleeping, replaceable in tests. */
  public interface Clock {
    /** Monotonic nanoseconds. */
    long nanoTime();

    /** Sleeps. */
    void sleepNanos(long nanos) throws InterruptedException;

    /** The system's clock. */
    Clock SYSTEM = new Clock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleepNanos(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
      }
    };
  }

  /**
   * A full bucket.
   *
   * @param perSecond refill rate, tokens per second (more than 0)
   * @param burst capacity, 1 or more
   * @param clock time source
   */
  public TokenBucket(double perSecond, double burst, Clock clock) {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("a token bucket needs a rate above 0 and a burst of 1 or more");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.nanoTime();
  }

  /** Takes one token, waiting for it. */
  public synchronized void take() throws InterruptedException {
    while (true) {
      long now = clock.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      clock.sleepNanos((long) Math.ceil((1 - tokens) / perSecond * 1e9));
    }
  }
}
