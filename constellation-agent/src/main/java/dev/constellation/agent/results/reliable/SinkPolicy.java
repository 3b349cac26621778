package dev.constellation.agent.results.reliable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How hard a remote results sink tries before it gives up, and how much it may hold meanwhile.
 *
 * @param writeBudget the longest one {@code write} call keeps retrying before it buffers what is left
 *     and returns
 * @param closeBudget the longest {@code close} keeps retrying buffered records (default 60 s)
 * @param baseDelay the first backoff delay; each further failure in a row doubles it
 * @param maxDelay the longest backoff delay
 * @param maxBufferedBytes the most encoded bytes held while the store cannot be written (default 256 MiB)
 * @param maxBufferedRecords the most interval records held while the store cannot be written
 * @param fallbackDir where records that could not be stored are written as JSON lines at the end,
 *     or {@code null} for nowhere
 */
public record SinkPolicy(
    Duration writeBudget,
    Duration closeBudget,
    Duration baseDelay,
    Duration maxDelay,
    long maxBufferedBytes,
    long maxBufferedRecords,
    Path fallbackDir) {

  public SinkPolicy {
    Objects.requireNonNull(writeBudget, "writeBudget");
    Objects.requireNonNull(closeBudget, "closeBudget");
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (baseDelay.isNegative() || baseDelay.isZero() || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("backoff delays must satisfy 0 < baseDelay <= maxDelay, got baseDelay="
          + baseDelay + " maxDelay=" + maxDelay);
    }
    if (writeBudget.isNegative() || closeBudget.isNegative()) {
      throw new IllegalArgumentException("retry budgets must not be negative, got writeBudget=" + writeBudget
          + " closeBudget=" + closeBudget);
    }
    if (maxBufferedBytes <= 0 || maxBufferedRecords <= 0) {
      throw new IllegalArgumentException("buffer limits must be positive, got maxBufferedBytes=" + maxBufferedBytes
          + " maxBufferedRecords=" + maxBufferedRecords);
    }
  }

  /**
   * The defaults: 5 s per write, 60 s at close, backoff 100 ms doubling up to 5 s,
   * at most 256 MiB or 1 000 000 records buffered, no fallback directory.
   *
   * @return the default policy
   */
  public static SinkPolicy defaults() {
    return new SinkPolicy(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMillis(100),
        Duration.ofSeconds(5), 256L * 1024 * 1024, 1_000_000L, null);
  }

  /**
   * This policy with another close budget.
   *
   * @param budget how long {@code close} may retry
   * @return the new policy
   */
  public SinkPolicy withCloseBudget(Duration budget) {
    return new SinkPolicy(writeBudget, budget, baseDelay, maxDelay, maxBufferedBytes, maxBufferedRecords, fallbackDir);
  }

  /**
   * This policy with another per-write budget.
   *
   * @param budget how long one {@code write} may retry
   * @return the new policy
   */
  public SinkPolicy withWriteBudget(Duration budget) {
    return new SinkPolicy(budget, closeBudget, baseDelay, maxDelay, maxBufferedBytes, maxBufferedRecords, fallbackDir);
  }

  /**
   * This policy with other backoff delays.
   *
   * @param base the first delay
   * @param max the longest delay
   * @return the new policy
   */
  public SinkPolicy withBackoff(Duration base, Duration max) {
    return new SinkPolicy(writeBudget, closeBudget, base, max, maxBufferedBytes, maxBufferedRecords, fallbackDir);
  }

  /**
   * This policy with other buffer limits.
   *
   * @param bytes the most encoded bytes buffered
   * @param records the most interval records buffered
   * @return the new policy
   */
  public SinkPolicy withBufferLimits(long bytes, long records) {
    return new SinkPolicy(writeBudget, closeBudget, baseDelay, maxDelay, bytes, records, fallbackDir);
  }

  /**
   * This policy with a fallback directory.
   *
   * @param dir where unstored records are written at the end, or {@code null} for nowhere
   * @return the new policy
   */
  public SinkPolicy withFallbackDir(Path dir) {
    return new SinkPolicy(writeBudget, closeBudget, baseDelay, maxDelay, maxBufferedBytes, maxBufferedRecords, dir);
  }
}
