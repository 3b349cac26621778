package dev.constellation.agent.results.reliable;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import dev.constellation.agent.results.ResultsSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A results sink over a remote store that batches, retries with exponential backoff and jitter,
 * buffers (bounded) while the store is away, and at close names every record it could not store.
 * Single-threaded, like every {@link ResultsSink}.
 *
 * @param <B> the store's batch type
 */
public final class ReliableSink<B> implements ResultsSink {

  private final Transport<B> transport;
  private final SinkPolicy policy;
  private final String label;
  private final Ticker ticker;
  private final RandomGenerator random;

  private final ArrayDeque<B> pending = new ArrayDeque<>();
  private final Map<IntervalRecord, Integer> pendingRecords = new IdentityHashMap<>();
  private final Map<IntervalRecord, String> rejected = new IdentityHashMap<>();
  private final List<String> fallbackFiles = new ArrayList<>();
  private long pendingBytes;
  private int failuresInARow;
  private String lastError = "none";
  private boolean closed;

  /**
   * A sink with the real clock.
   *
   * @param transport the store
   * @param policy retry and buffer limits
   * @param label names the fallback file, usually the agent id
   */
  public ReliableSink(Transport<B> transport, SinkPolicy policy, String label) {
    this(transport, policy, label, Ticker.system(), new SplittableRandom());
  }

  /**
   * A sink with an injected clock and jitter source, for tests.
   *
   * @param transport the store
   * @param policy retry and buffer limits
   * @param label names the fallback file, usually the agent id
   * @param ticker the clock and sleeper
   * @param random the jitter source
   */
  public ReliableSink(Transport<B> transport, SinkPolicy policy, String label, Ticker ticker, RandomGenerator random) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.label = Objects.requireNonNull(label, "label");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Interval records waiting for a retry. */
  public int bufferedRecords() {
    return pendingRecords.size();
  }

  /** Bytes waiting for a retry. */
  public long bufferedBytes() {
    return pendingBytes;
  }

  @Override
  public void write(List<IntervalRecord> records) throws IOException {
    if (closed) {
      throw new IOException("results sink for " + transport.target() + " is closed; " + records.size()
          + " records arrived after close()");
    }
    if (records.isEmpty()) {
      return;
    }
    List<B> fresh = encode(records);
    long deadline = ticker.nanoTime() + policy.writeBudget().toNanos();
    long freshBytes = 0;
    for (B b : fresh) {
      freshBytes += transport.bytes(b);
    }
    if (!fits(freshBytes, records.size())) {
      drain(deadline, false);
    }
    if (!fits(freshBytes, records.size())) {
      String message = records.size() + " interval records were not stored: the results buffer for " + transport.target()
          + " is full (" + pendingRecords.size() + " records, " + pendingBytes + " bytes waiting; limits "
          + policy.maxBufferedRecords() + " records, " + policy.maxBufferedBytes() + " bytes) because the store keeps failing: "
          + lastError;
      throw new IOException(message + keepInFallback(records));
    }
    for (B b : fresh) {
      enqueueLast(b);
    }
    drain(deadline, false);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = ticker.nanoTime() + policy.closeBudget().toNanos();
    drain(deadline, true);
    Set<IntervalRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<IntervalRecord> lost = new ArrayList<>();
    for (B b : pending) { // in the order they were written
      for (IntervalRecord r : transport.records(b)) {
        if (seen.add(r)) {
          lost.add(r);
        }
      }
    }
    for (IntervalRecord r : rejected.keySet()) {
      if (seen.add(r)) {
        lost.add(r);
      }
    }
    if (lost.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder();
    message.append(lost.size()).append(" interval records were not stored in ").append(transport.target());
    if (!pendingRecords.isEmpty()) {
      message.append("; ").append(pendingRecords.size()).append(" still failed after retrying for ")
          .append(policy.closeBudget().toSeconds()).append(" s at close; last error: ").append(lastError);
    }
    if (!rejected.isEmpty()) {
      message.append("; ").append(rejected.size()).append(" were refused by the store: ").append(reasons());
    }
    if (!fallbackFiles.isEmpty()) {
      message.append("; records the full buffer could not take earlier are in ").append(String.join(", ", fallbackFiles));
    }
    throw new IOException(message + keepInFallback(lost));
  }

  /** Encodes a flush; when that fails, encodes record by record so one bad record costs only itself. */
  private List<B> encode(List<IntervalRecord> records) throws IOException {
    try {
      return transport.batches(records);
    } catch (IOException whole) {
      if (records.size() == 1) {
        throw new IOException("1 interval record was not stored in " + transport.target() + ": " + whole.getMessage(), whole);
      }
      List<B> out = new ArrayList<>();
      for (IntervalRecord r : records) {
        try {
          out.addAll(transport.batches(List.of(r)));
        } catch (IOException one) {
          rejected.put(r, one.getMessage());
        }
      }
      return out;
    }
  }

  private String reasons() {
    Map<String, Integer> byReason = new LinkedHashMap<>();
    for (String reason : rejected.values()) {
      byReason.merge(reason, 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    byReason.forEach((reason, n) -> parts.add(n + " x " + reason));
    return String.join("; ", parts);
  }

  private boolean fits(long bytes, int records) {
    return pendingBytes + bytes <= policy.maxBufferedBytes()
        && pendingRecords.size() + (long) records <= policy.maxBufferedRecords();
  }

  /** Sends pending batches in order until none is left, the deadline is near, or a lasting error stops it. */
  private void drain(long deadline, boolean closing) {
    while (!pending.isEmpty()) {
      B batch = pending.peekFirst();
      Transport.Outcome<B> outcome;
      try {
        outcome = transport.send(batch);
      } catch (Exception e) {
        lastError = describe(e);
        if (!transport.isTransient(e)) {
          return; // retried at the next write, and once more at close
        }
        if (!backOff(deadline)) {
          return;
        }
        continue;
      }
      dequeueFirst();
      for (Transport.Rejection r : outcome.rejected()) {
        rejected.put(r.record(), r.reason());
      }
      List<B> retry = new ArrayList<>(outcome.retry());
      Collections.reverse(retry);
      retry.forEach(this::enqueueFirst);
      if (retry.isEmpty()) {
        failuresInARow = 0;
      } else {
        lastError = "the store asked to resend " + retry.size() + " batch(es) of " + transport.target();
        if (!backOff(deadline)) {
          return;
        }
      }
    }
  }

  /** Waits before the next attempt; false when that would pass the deadline or the thread is interrupted. */
  private boolean backOff(long deadline) {
    failuresInARow++;
    Duration delay = delay(failuresInARow);
    if (ticker.nanoTime() + delay.toNanos() > deadline) {
      return false;
    }
    try {
      ticker.sleep(delay);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lastError = lastError + " (retrying was interrupted)";
      return false;
    }
  }

  /** Exponential backoff with "equal jitter": half the capped delay, plus a random part of the other half. */
  Duration delay(int attempt) {
    long base = policy.baseDelay().toNanos();
    long cap = policy.maxDelay().toNanos();
    int doublings = Math.max(0, attempt - 1);
    long exp = doublings >= Long.numberOfLeadingZeros(base) - 1 ? cap : Math.min(cap, base << doublings);
    long half = exp / 2;
    return Duration.ofNanos(half + random.nextLong(exp - half + 1));
  }

  private void enqueueLast(B b) {
    pending.addLast(b);
    account(b, 1);
  }

  private void enqueueFirst(B b) {
    pending.addFirst(b);
    account(b, 1);
  }

  private void dequeueFirst() {
    account(pending.removeFirst(), -1);
  }

  private void account(B b, int sign) {
    pendingBytes += sign * transport.bytes(b);
    for (IntervalRecord r : transport.records(b)) {
      pendingRecords.merge(r, sign, (a, c) -> a + c == 0 ? null : a + c);
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** Writes records to the fallback directory when there is one; returns the sentence for the message. */
  private String keepInFallback(List<IntervalRecord> records) {
    Path dir = policy.fallbackDir();
    if (dir == null) {
      return "; no fallback directory is configured (set the results fallback directory to keep such records in a local file)";
    }
    Path file = dir.resolve("unstored-" + safe(label) + ".jsonl");
    try {
      Files.createDirectories(dir);
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        for (IntervalRecord r : records) {
          out.write(IntervalRecordCodec.toJsonLine(r));
          out.write('\n');
        }
      }
      if (!fallbackFiles.contains(file.toString())) {
        fallbackFiles.add(file.toString());
      }
      return "; they were written to the fallback file " + file;
    } catch (IOException e) {
      return "; writing them to the fallback file " + file + " failed too: " + describe(e);
    }
  }

  private static String safe(String s) {
    String cleaned = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return cleaned.isEmpty() ? "agent" : cleaned;
  }
}
