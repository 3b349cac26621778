package dev.constellation.agent.results.reliable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReliableSinkTest {

  private final FakeTicker ticker = new FakeTicker();

  /** Failures a fake store throws: transient ones are retried with backoff. */
  static final class StoreDown extends Exception {
    final boolean transientFailure;

    StoreDown(String message, boolean transientFailure) {
      super(message);
      this.transientFailure = transientFailure;
    }
  }

  /** A store of batches of up to three records whose answer to each call a test scripts. */
  static final class FakeStore implements Transport<List<IntervalRecord>> {
    final List<IntervalRecord> stored = new ArrayList<>();
    final List<List<IntervalRecord>> calls = new ArrayList<>();
    BiFunction<Integer, List<IntervalRecord>, Object> behaviour = (n, b) -> null;

    @Override
    public String target() {
      return "fake://store";
    }

    @Override
    public List<List<IntervalRecord>> batches(List<IntervalRecord> records) {
      List<List<IntervalRecord>> out = new ArrayList<>();
      for (int i = 0; i < records.size(); i += 3) {
        out.add(List.copyOf(records.subList(i, Math.min(records.size(), i + 3))));
      }
      return out;
    }

    @Override
    public List<IntervalRecord> records(List<IntervalRecord> batch) {
      return batch;
    }

    @Override
    public long bytes(List<IntervalRecord> batch) {
      return 100L * batch.size();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Outcome<List<IntervalRecord>> send(List<IntervalRecord> batch) throws Exception {
      calls.add(batch);
      Object answer = behaviour.apply(calls.size(), batch);
      if (answer instanceof Exception e) {
        throw e;
      }
      if (answer instanceof Outcome<?> o) {
        Outcome<List<IntervalRecord>> outcome = (Outcome<List<IntervalRecord>>) o;
        List<IntervalRecord> notStored = new ArrayList<>();
        outcome.retry().forEach(notStored::addAll);
        outcome.rejected().forEach(r -> notStored.add(r.record()));
        for (IntervalRecord r : batch) {
          if (notStored.stream().noneMatch(x -> x == r)) {
            stored.add(r);
          }
        }
        return outcome;
      }
      stored.addAll(batch);
      return Outcome.stored();
    }

    @Override
    public boolean isTransient(Exception failure) {
      return failure instanceof StoreDown s && s.transientFailure;
    }
  }

  private ReliableSink<List<IntervalRecord>> sink(FakeStore store, SinkPolicy policy) {
    return new ReliableSink<>(store, policy, "agent-1", ticker, new SplittableRandom(7));
  }

  private static List<IntervalRecord> records(int flush, int n) {
    return TestRecords.flush("r1", "eu-west-1", "agent-1", flush, n).stream()
        .map(r -> new IntervalRecord(r.version(), r.runId(), r.region(), r.agentId(), r.script(), r.name(), r.kind(),
            r.startMs(), r.lengthMs(), r.count(), r.failures(), r.statusCodes(), r.errors(), r.bytes(), "AAAA"))
        .toList();
  }

  private static void assertStoredExactlyOnce(FakeStore store, List<IntervalRecord> written) {
    Map<IntervalRecord, Integer> times = new IdentityHashMap<>();
    store.stored.forEach(r -> times.merge(r, 1, Integer::sum));
    assertThat(times).hasSize(written.size());
    assertThat(times.values()).containsOnly(1);
    written.forEach(r -> assertThat(times).containsKey(r));
  }

  @Test
  void retriesEveryThrottledCallOnceAfterABackoffAndStoresEveryRecordExactlyOnce() throws IOException {
    FakeStore store = new FakeStore();
    SplittableRandom dice = new SplittableRandom(42);
    List<Integer> throttled = new ArrayList<>();
    store.behaviour = (n, b) -> {
      if (dice.nextInt(10) < 3) {
        throttled.add(n);
        return new StoreDown("ThrottlingException: rate exceeded", true);
      }
      return null;
    };
    List<IntervalRecord> written = new ArrayList<>();
    try (ReliableSink<List<IntervalRecord>> sink = sink(store, SinkPolicy.defaults())) {
      for (int flush = 0; flush < 20; flush++) {
        List<IntervalRecord> batch = records(flush, 10);
        written.addAll(batch);
        sink.write(batch);
      }
    }
    assertStoredExactlyOnce(store, written);
    // 20 flushes of 10 records in batches of 3: 80 batches stored, each once; every throttled call
    // is retried: it costs exactly one more call, of the same batch, after one backoff sleep.
    assertThat(throttled).hasSizeGreaterThan(10);
    assertThat(store.calls).hasSize(80 + throttled.size());
    for (int n : throttled) {
      assertThat(store.calls.get(n)).as("call %d retries the batch of throttled call %d", n + 1, n)
          .containsExactlyElementsOf(store.calls.get(n - 1));
    }
    assertThat(ticker.sleeps()).hasSize(throttled.size());
  }

  @Test
  void backoffDoublesFromTheBaseDelayWithJitterAndStopsAtTheCap() {
    ReliableSink<List<IntervalRecord>> sink = sink(new FakeStore(),
        SinkPolicy.defaults().withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5)));
    for (int i = 0; i < 200; i++) {
      assertThat(sink.delay(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(sink.delay(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
      assertThat(sink.delay(4)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
      assertThat(sink.delay(9)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
      assertThat(sink.delay(80)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
    }
    for (int attempt = 1; attempt <= 200; attempt++) {
      assertThat(sink.delay(attempt)).as("attempt %d", attempt)
          .isBetween(Duration.ofMillis(Math.min(5000, 100L << Math.min(attempt - 1, 20)) / 2), Duration.ofSeconds(5));
    }
    assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> sink.delay(3)).distinct().count()).isGreaterThan(10);
  }

  @Test
  void buffersWhileTheStoreIsDownAndCatchesUpInOrderOnALaterWrite() throws IOException {
    FakeStore store = new FakeStore();
    long upAgainAt = Duration.ofSeconds(30).toNanos();
    store.behaviour = (n, b) -> ticker.nanoTime() < upAgainAt ? new StoreDown("SdkClientException: Connection refused", true) : null;
    List<IntervalRecord> written = new ArrayList<>();
    try (ReliableSink<List<IntervalRecord>> sink = sink(store, SinkPolicy.defaults())) {
      for (int flush = 0; flush < 5; flush++) {
        long before = ticker.nanoTime();
        List<IntervalRecord> batch = records(flush, 4);
        written.addAll(batch);
        sink.write(batch);
        assertThat(ticker.nanoTime() - before).isLessThanOrEqualTo(Duration.ofSeconds(5).toNanos());
        if (ticker.nanoTime() < upAgainAt) {
          assertThat(sink.bufferedRecords()).isEqualTo(written.size() - store.stored.size()).isPositive();
        }
        ticker.advance(Duration.ofSeconds(5));
      }
      assertThat(ticker.nanoTime()).isGreaterThan(upAgainAt);
      assertThat(sink.bufferedRecords()).isZero();
      assertThat(sink.bufferedBytes()).isZero();
    }
    assertStoredExactlyOnce(store, written);
    assertThat(store.stored).containsExactlyElementsOf(written);
  }

  @Test
  void closeRetriesForItsBudgetThenNamesTheCountTheErrorAndTheFallbackFile(@TempDir Path dir) throws IOException {
    FakeStore store = new FakeStore();
    store.behaviour = (n, b) -> new StoreDown("S3Exception: Service Unavailable (503)", true);
    ReliableSink<List<IntervalRecord>> sink = sink(store, SinkPolicy.defaults().withFallbackDir(dir.resolve("unsent")));
    List<IntervalRecord> written = new ArrayList<>(records(0, 7));
    sink.write(written);
    long before = ticker.nanoTime();

    assertThatThrownBy(sink::close)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("7 interval records were not stored in fake://store")
        .hasMessageContaining("after retrying for 60 s")
        .hasMessageContaining("S3Exception: Service Unavailable (503)")
        .hasMessageContaining(dir.resolve("unsent").resolve("unstored-agent-1.jsonl").toString());

    Duration closing = Duration.ofNanos(ticker.nanoTime() - before);
    assertThat(closing).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));
    List<String> lines = Files.readAllLines(dir.resolve("unsent").resolve("unstored-agent-1.jsonl"), StandardCharsets.UTF_8);
    assertThat(lines.stream().map(IntervalRecordCodec::fromJsonLine).toList()).containsExactlyInAnyOrderElementsOf(written);
  }

  @Test
  void closeWithoutAFallbackDirectorySaysHowToKeepTheRecords() throws IOException {
    FakeStore store = new FakeStore();
    store.behaviour = (n, b) -> new StoreDown("ThrottlingException", true);
    ReliableSink<List<IntervalRecord>> sink = sink(store, SinkPolicy.defaults().withCloseBudget(Duration.ofSeconds(3)));
    sink.write(records(0, 2));
    assertThatThrownBy(sink::close).isInstanceOf(IOException.class)
        .hasMessageContaining("2 interval records were not stored")
        .hasMessageContaining("after retrying for 3 s")
        .hasMessageContaining("no fallback directory is configured");
  }

  @Test
  void aLastingErrorIsNotRetriedInALoopButTheRecordsWaitForTheNextWrite() throws IOException {
    FakeStore store = new FakeStore();
    store.behaviour = (n, b) -> n <= 1 ? new StoreDown("AccessDenied", false) : null;
    List<IntervalRecord> first = records(0, 3);
    List<IntervalRecord> second = records(1, 3);
    try (ReliableSink<List<IntervalRecord>> sink = sink(store, SinkPolicy.defaults())) {
      sink.write(first);
      assertThat(store.calls).hasSize(1);
      assertThat(ticker.sleeps()).isEmpty();
      assertThat(sink.bufferedRecords()).isEqualTo(3);
      sink.write(second);
    }
    assertThat(store.stored).containsExactlyElementsOf(concat(first, second));
  }

  @Test
  void aLastingErrorAtCloseFailsAtOnceWithoutWaitingForTheBudget() throws IOException {
    FakeStore store = new FakeStore();
    store.behaviour = (n, b) -> new StoreDown("NoSuchBucket: The specified bucket does not exist", false);
    ReliableSink<List<IntervalRecord>> sink = sink(store, SinkPolicy.defaults());
    sink.write(records(0, 3));
    assertThatThrownBy(sink::close).isInstanceOf(IOException.class)
        .hasMessageContaining("3 interval records were not stored")
        .hasMessageContaining("NoSuchBucket");
    assertThat(ticker.sleeps()).isEmpty();
  }

  @Test
  void aFullBufferRefusesNewRecordsWithAnErrorAndKeepsThemInTheFallbackFile(@TempDir Path dir) throws IOException {
    FakeStore store = new FakeStore();
    store.behaviour = (n, b) -> new StoreDown("ServiceUnavailable", true);
    SinkPolicy policy = SinkPolicy.defaults().withBufferLimits(1_000_000, 10).withFallbackDir(dir)
        .withCloseBudget(Duration.ofSeconds(1));
    ReliableSink<List<IntervalRecord>> sink = sink(store, policy);
    sink.write(records(0, 6));
    List<IntervalRecord> overflow = records(1, 6);
    assertThatThrownBy(() -> sink.write(overflow)).isInstanceOf(IOException.class)
        .hasMessageContaining("6 interval records were not stored: the results buffer for fake://store is full")
        .hasMessageContaining("6 records")
        .hasMessageContaining("ServiceUnavailable")
        .hasMessageContaining(dir.resolve("unstored-agent-1.jsonl").toString());
    assertThat(sink.bufferedRecords()).isEqualTo(6);
    assertThatThrownBy(sink::close).isInstanceOf(IOException.class).hasMessageContaining("6 interval records were not stored");
    List<IntervalRecord> inFile = Files.readAllLines(dir.resolve("unstored-agent-1.jsonl")).stream()
        .map(IntervalRecordCodec::fromJsonLine).toList();
    assertThat(inFile).hasSize(12).containsAll(overflow).containsAll(records(0, 6));
  }

  @Test
  void resendsOnlyWhatTheStoreAskedToResendAndReportsWhatItRefusedForGood() throws IOException {
    FakeStore store = new FakeStore();
    store.behaviour = (n, b) -> {
      if (n == 1) { // first call: record 0 refused for good, record 1 to resend, record 2 stored
        return new Transport.Outcome<>(List.of(List.of(b.get(1))),
            List.of(new Transport.Rejection(b.get(0), "duplicate with other values")));
      }
      return null;
    };
    List<IntervalRecord> written = records(0, 3);
    ReliableSink<List<IntervalRecord>> sink = sink(store, SinkPolicy.defaults());
    sink.write(written);
    assertThat(store.calls).hasSize(2);
    assertThat(store.calls.get(1)).containsExactly(written.get(1));
    assertThat(store.stored).containsExactlyInAnyOrder(written.get(1), written.get(2));
    assertThat(ticker.sleeps()).hasSize(1);
    assertThatThrownBy(sink::close).isInstanceOf(IOException.class)
        .hasMessageContaining("1 interval records were not stored")
        .hasMessageContaining("1 were refused by the store: 1 x duplicate with other values");
  }

  @Test
  void writingAfterCloseIsAnError() throws IOException {
    ReliableSink<List<IntervalRecord>> sink = sink(new FakeStore(), SinkPolicy.defaults());
    sink.close();
    assertThatThrownBy(() -> sink.write(records(0, 1))).isInstanceOf(IOException.class).hasMessageContaining("closed");
  }

  private static List<IntervalRecord> concat(List<IntervalRecord> a, List<IntervalRecord> b) {
    List<IntervalRecord> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
