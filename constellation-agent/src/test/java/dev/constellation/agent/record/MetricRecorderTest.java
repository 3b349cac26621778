package dev.constellation.agent.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import java.util.ArrayList;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class MetricRecorderTest {

  private final MetricRecorder.Scratch scratch = new MetricRecorder.Scratch();

  private List<IntervalRecord> drain(MetricRecorder r) {
    List<IntervalRecord> out = new ArrayList<>();
    r.drainInto(out, "run", "local", "local-0", 0, 1000, scratch);
    return out;
  }

  @Test
  void aBusyStripeMakesTheNextWriterAddOneInsteadOfWaiting() throws Exception {
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, true);
    assertThat(r.stripeCount()).isEqualTo(1);
    MetricRecorder.Stripe held = r.acquire();
    try {
      Thread other = new Thread(() -> r.recordResponse(2_000, 1_500, 200, 10));
      other.start();
      other.join(10_000);
      assertThat(other.isAlive()).as("a writer must not wait for a busy stripe while it can add one").isFalse();
      assertThat(r.stripeCount()).isEqualTo(2);
    } finally {
      held.release();
    }
    r.recordResponse(40_000, 100, 503, 5);
    List<IntervalRecord> out = drain(r);
    IntervalRecord http = out.get(0);
    assertThat(http.count()).isEqualTo(2);
    assertThat(http.failures()).isEqualTo(1);
    assertThat(http.bytes()).isEqualTo(15);
    assertThat(http.statusCodes()).containsEntry("200", 1L).containsEntry("503", 1L);
    Histogram h = http.decodeHistogram();
    assertThat(h.getMinValue()).isEqualTo(h.lowestEquivalentValue(2_000));
    assertThat(h.getMaxValue()).isEqualTo(h.highestEquivalentValue(40_000));
    IntervalRecord service = out.get(1);
    assertThat(service.kind()).isEqualTo(IntervalRecord.KIND_SERVICE);
    assertThat(service.count()).isEqualTo(2);
    assertThat(drain(r)).as("a drained interval is not reported again").isEmpty();
  }

  @Test
  void concurrentWritersAndDrainsLoseNothingAndCountNothingTwice() throws Exception {
    MetricRecorder r = new MetricRecorder("s", "GET /items/{id}", IntervalRecord.KIND_HTTP, true);
    int threads = 8;
    int perThread = 200_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          if (i % 100 == 99) {
            r.recordFailure(5_000_000, 4_000_000, "timeout");
          } else {
            r.recordResponse(100 + (i + id) % 1_000, 50, i % 10 == 0 ? 500 : 200, 3);
          }
        }
      });
      w.start();
      writers.add(w);
    }
    List<IntervalRecord> all = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    go.countDown();
    Thread watcher = new Thread(() -> {
      for (Thread w : writers) {
        try {
          w.join();
        } catch (InterruptedException e) {
          return;
        }
      }
      done.set(true);
    });
    watcher.start();
    while (!done.get()) {
      all.addAll(drain(r));
      Thread.sleep(1);
    }
    all.addAll(drain(r));

    long total = (long) threads * perThread;
    long timeouts = (long) threads * (perThread / 100);
    long responses = total - timeouts;
    long fiveHundreds = 0;
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        if (i % 100 != 99 && i % 10 == 0) {
          fiveHundreds++;
        }
      }
    }
    List<IntervalRecord> http = all.stream().filter(x -> x.kind().equals(IntervalRecord.KIND_HTTP)).toList();
    List<IntervalRecord> service = all.stream().filter(x -> x.kind().equals(IntervalRecord.KIND_SERVICE)).toList();
    assertThat(http.size()).as("drains that ran while writers wrote").isGreaterThan(1);
    assertThat(http.stream().mapToLong(IntervalRecord::count).sum()).isEqualTo(total);
    Histogram merged = new Histogram(3);
    http.forEach(x -> merged.add(x.decodeHistogram()));
    assertThat(merged.getTotalCount()).isEqualTo(total);
    assertThat(merged.getMaxValue()).isEqualTo(merged.highestEquivalentValue(5_000_000));
    assertThat(service.stream().mapToLong(IntervalRecord::count).sum()).isEqualTo(total);
    assertThat(http.stream().mapToLong(IntervalRecord::bytes).sum()).isEqualTo(responses * 3);
    assertThat(http.stream().mapToLong(x -> x.statusCodes().getOrDefault("200", 0L)).sum()).isEqualTo(responses - fiveHundreds);
    assertThat(http.stream().mapToLong(x -> x.statusCodes().getOrDefault("500", 0L)).sum()).isEqualTo(fiveHundreds);
    assertThat(http.stream().mapToLong(x -> x.errors().getOrDefault("timeout", 0L)).sum()).isEqualTo(timeouts);
    assertThat(http.stream().mapToLong(IntervalRecord::failures).sum()).isEqualTo(timeouts + fiveHundreds);
    assertThat(r.stripeCount()).isLessThanOrEqualTo(MetricRecorder.MAX_STRIPES);
  }

  @Test
  void namesDrainedWithTheSameScratchKeepTheirOwnValues() {
    MetricRecorder fast = new MetricRecorder("s", "GET /fast", IntervalRecord.KIND_HTTP, true);
    MetricRecorder slow = new MetricRecorder("s", "GET /slow", IntervalRecord.KIND_HTTP, true);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 100; i++) {
        fast.recordResponse(1_000 + i, 900, 200, 1);
        slow.recordResponse(2_000_000 + i, 1_900_000, 200, 1);
      }
      List<IntervalRecord> f = drain(fast);
      List<IntervalRecord> s = drain(slow);
      assertThat(f.get(0).decodeHistogram().getMaxValue()).isLessThan(1_200);
      assertThat(f.get(0).count()).isEqualTo(100);
      assertThat(f.get(1).decodeHistogram().getMaxValue()).isLessThan(1_000);
      assertThat(s.get(0).decodeHistogram().getMinValue()).isGreaterThan(1_990_000);
      assertThat(s.get(0).count()).isEqualTo(100);
      assertThat(s.get(1).decodeHistogram().getMinValue()).isGreaterThan(1_890_000);
    }
  }

  @Test
  void valuesBeyondTheRangeAreClampedNotLost() {
    MetricRecorder r = new MetricRecorder("s", "s", IntervalRecord.KIND_ITERATION);
    r.recordSuccess(0);
    r.recordSuccess(IntervalRecord.HIGHEST_TRACKABLE_MICROS * 10);
    IntervalRecord x = drain(r).get(0);
    assertThat(x.count()).isEqualTo(2);
    Histogram h = x.decodeHistogram();
    assertThat(h.getMinValue()).isEqualTo(1);
    assertThat(h.getMaxValue()).isEqualTo(h.highestEquivalentValue(IntervalRecord.HIGHEST_TRACKABLE_MICROS));
  }
  private static Histogram decode(String encoded) throws Exception {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
  }

  private static long[] values(Histogram h) {
    List<Long> out = new ArrayList<>();
    h.recordedValues().forEach(v -> {
      for (long k = 0; k < v.getCountAtValueIteratedTo(); k++) {
        out.add(h.lowestEquivalentValue(v.getValueIteratedTo()));
      }
    });
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] lowest(Histogram h, long... values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = h.lowestEquivalentValue(values[i]);
    }
    return out;
  }

  @Test
  void responsesAreCountedByStatusFrom0To599AndFailFrom400WithTheirBytes() throws Exception {
    MetricRecorder r = new MetricRecorder("Shop", "GET /", IntervalRecord.KIND_HTTP);
    r.recordResponse(1_000, 200, 10);
    r.recordResponse(2_000, 399, 20);
    r.recordResponse(3_000, 400, 30);
    r.recordResponse(4_000, 599, 40);
    r.recordResponse(5_000, 600, 50);
    r.recordResponse(6_000, -1, 60);
    List<IntervalRecord> out = new ArrayList<>();
    r.drainInto(out, "run-1", "eu-west-1", "eu-west-1-0", 1_795_780_800_000L, 1_000, scratch);
    assertThat(out).hasSize(1);
    IntervalRecord x = out.get(0);
    assertThat(x).isEqualTo(new IntervalRecord(IntervalRecord.FORMAT_VERSION, "run-1", "eu-west-1", "eu-west-1-0", "Shop", "GET /",
        IntervalRecord.KIND_HTTP, 1_795_780_800_000L, 1_000, 6, 3, Map.of("200", 1L, "399", 1L, "400", 1L, "599", 1L), Map.of(), 210,
        x.histogram(), Map.of(), null));
    Histogram h = x.decodeHistogram();
    assertThat(values(h)).containsExactly(lowest(h, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000));
    assertThat(h.getValueAtPercentile(50)).isEqualTo(h.highestEquivalentValue(3_000));
  }

  @Test
  void serviceTimesAreKeptOnlyByRecordersThatKeepThemFromZeroOn() throws Exception {
    MetricRecorder open = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, true);
    open.recordService(300);
    open.recordResponse(2_000, 0, 200, 1);
    open.recordResponse(3_000, -1, 200, 1);
    open.recordFailure(4_000, 3_500, "timeout");
    open.recordFailure(5_000, 0, "timeout", "request timed out");
    open.recordFailure(6_000, -1, "timeout");
    List<IntervalRecord> out = drain(open);
    assertThat(out).extracting(IntervalRecord::kind).containsExactly(IntervalRecord.KIND_HTTP, IntervalRecord.KIND_SERVICE);
    assertThat(out.get(0).count()).isEqualTo(5);
    assertThat(out.get(0).failures()).isEqualTo(3);
    assertThat(out.get(0).errors()).isEqualTo(Map.of("timeout", 3L));
    assertThat(out.get(0).messages()).isEqualTo(Map.of("request timed out", 1L));
    IntervalRecord service = out.get(1);
    assertThat(service).isEqualTo(new IntervalRecord(IntervalRecord.FORMAT_VERSION, "run", "local", "local-0", "s", "GET /",
        IntervalRecord.KIND_SERVICE, 0, 1000, 4, 0, Map.of(), Map.of(), 0, service.histogram()));
    Histogram sv = service.decodeHistogram();
    assertThat(values(sv)).containsExactly(lowest(sv, 1, 1, 300, 3_500));

    MetricRecorder closed = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, false);
    closed.recordService(300);
    assertThat(drain(closed)).as("a recorder without service times ignores them").isEmpty();
    closed.recordResponse(2_000, 1_500, 200, 1);
    closed.recordFailure(3_000, 2_500, "timeout");
    assertThat(drain(closed)).singleElement().satisfies(x -> {
      assertThat(x.kind()).isEqualTo(IntervalRecord.KIND_HTTP);
      assertThat(values(x.decodeHistogram())).containsExactly(lowest(x.decodeHistogram(), 2_000, 3_000));
    });
    MetricRecorder onlyService = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, true);
    onlyService.recordService(700);
    assertThat(drain(onlyService)).singleElement().satisfies(x -> assertThat(x.kind()).isEqualTo(IntervalRecord.KIND_SERVICE));
  }

  @Test
  void startsMoreThan10MsLateAreLateAndDroppedStartsAreFailuresWithoutALatency() throws Exception {
    MetricRecorder r = new MetricRecorder("s", "s", IntervalRecord.KIND_SCHEDULE);
    r.recordStart(0);
    r.recordStart(5_000);
    r.recordStart(IntervalRecord.LATE_MICROS);
    r.recordStart(IntervalRecord.LATE_MICROS + 1);
    r.recordStart(250_000);
    r.recordDropped();
    r.recordDropped();
    IntervalRecord x = drain(r).get(0);
    assertThat(x.count()).isEqualTo(5);
    assertThat(x.failures()).isEqualTo(2);
    assertThat(x.errors()).isEqualTo(Map.of("late", 2L, "dropped", 2L));
    Histogram h = x.decodeHistogram();
    assertThat(values(h)).containsExactly(lowest(h, 1, 5_000, 10_000, 10_001, 250_000));
    r.recordDropped();
    IntervalRecord onlyDropped = drain(r).get(0);
    assertThat(onlyDropped.count()).isZero();
    assertThat(onlyDropped.failures()).isEqualTo(1);
    assertThat(onlyDropped.errors()).isEqualTo(Map.of("dropped", 1L));
  }

  @Test
  void checksCountEvaluationsAndKeepTheMessagesOfFailedOnesWithAnEmptyHistogram() {
    MetricRecorder r = new MetricRecorder("s", "cart has items", IntervalRecord.KIND_CHECK);
    r.recordCheck(true, "not kept: it passed");
    r.recordCheck(false, "expected 3 items but was 0");
    r.recordCheck(false, null);
    IntervalRecord x = drain(r).get(0);
    assertThat(x.count()).isEqualTo(3);
    assertThat(x.failures()).isEqualTo(2);
    assertThat(x.errors()).isEmpty();
    assertThat(x.messages()).isEqualTo(Map.of("expected {n} items but was {n}", 1L));
    assertThat(x.decodeHistogram().getTotalCount()).isZero();
  }

  @Test
  void countersAndFeedersCountWhatWasAddedAndAnIntervalThatAddedNothingWritesNoRecord() {
    MetricRecorder r = new MetricRecorder("s", "users", IntervalRecord.KIND_FEEDER);
    r.add(5);
    r.add(0);
    r.add(7);
    r.recordUncountedFailure("exhausted");
    r.recordUncountedFailure("exhausted");
    IntervalRecord x = drain(r).get(0);
    assertThat(x.count()).isEqualTo(12);
    assertThat(x.failures()).isEqualTo(2);
    assertThat(x.errors()).isEqualTo(Map.of("exhausted", 2L));
    assertThat(x.decodeHistogram().getTotalCount()).isZero();
    r.add(0);
    assertThat(drain(r)).isEmpty();
  }

  @Test
  void trendValuesAreKeptFromZeroAndCappedAtTheHighestTrackableValue() {
    MetricRecorder r = new MetricRecorder("s", "depth", IntervalRecord.KIND_TREND);
    r.recordValue(0);
    r.recordValue(-5);
    r.recordValue(1);
    r.recordValue(IntervalRecord.HIGHEST_TRACKABLE_MICROS * 2);
    IntervalRecord x = drain(r).get(0);
    assertThat(x.count()).isEqualTo(4);
    Histogram h = x.decodeHistogram();
    assertThat(values(h)).containsExactly(lowest(h, 0, 0, 1, IntervalRecord.HIGHEST_TRACKABLE_MICROS));
  }

  @Test
  void aDrainTakesEveryCountOnceAndTheNextIntervalStartsFromZero() {
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, true);
    r.recordResponse(1_000, 900, 503, 100);
    r.recordFailure(2_000, 1_900, "timeout", "request timed out");
    r.add(4);
    assertThat(drain(r)).hasSize(2);
    r.recordResponse(3_000, 2_900, 200, 7);
    List<IntervalRecord> out = drain(r);
    IntervalRecord x = out.get(0);
    assertThat(x.count()).isEqualTo(1);
    assertThat(x.failures()).isZero();
    assertThat(x.bytes()).isEqualTo(7);
    assertThat(x.statusCodes()).isEqualTo(Map.of("200", 1L));
    assertThat(x.errors()).isEmpty();
    assertThat(x.messages()).isEmpty();
    Histogram h = x.decodeHistogram();
    assertThat(values(h)).containsExactly(lowest(h, 3_000));
    Histogram sv = out.get(1).decodeHistogram();
    assertThat(values(sv)).containsExactly(lowest(sv, 2_900));
    assertThat(out.get(1).count()).isEqualTo(1);
    assertThat(drain(r)).isEmpty();
  }

  @Test
  void everyStripesCountsAreAddedUpAndItsHistogramsMergedBeforeAnyPercentile() throws Exception {
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, true);
    for (int i = 1; i <= 3; i++) {
      r.recordResponse(i * 1_000, i * 100, 200, 10);
    }
    r.recordFailure(9_000, 800, "timeout");
    r.add(2);
    MetricRecorder.Stripe held = r.acquire();
    try {
      Thread other = new Thread(() -> {
        for (int i = 4; i <= 6; i++) {
          r.recordResponse(i * 1_000, i * 100, 200, 10);
        }
        r.recordResponse(7_000, 700, 500, 1);
        r.recordFailure(8_000, 900, "timeout");
        r.add(3);
      });
      other.start();
      other.join(10_000);
      assertThat(other.isAlive()).isFalse();
    } finally {
      held.release();
    }
    assertThat(r.stripeCount()).isEqualTo(2);
    List<IntervalRecord> out = drain(r);
    IntervalRecord x = out.get(0);
    assertThat(x.count()).isEqualTo(9 + 5);
    assertThat(x.failures()).isEqualTo(3);
    assertThat(x.bytes()).isEqualTo(61);
    assertThat(x.statusCodes()).isEqualTo(Map.of("200", 6L, "500", 1L));
    assertThat(x.errors()).isEqualTo(Map.of("timeout", 2L));
    Histogram h = x.decodeHistogram();
    assertThat(values(h)).containsExactly(lowest(h, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000));
    assertThat(h.getValueAtPercentile(50)).isEqualTo(h.highestEquivalentValue(5_000));
    Histogram sv = out.get(1).decodeHistogram();
    assertThat(values(sv)).containsExactly(lowest(sv, 100, 200, 300, 400, 500, 600, 700, 800, 900));
  }

  @Test
  void oneWriterAtATimeKeepsOneStripe() {
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, true);
    for (int i = 0; i < 10_000; i++) {
      r.recordResponse(1_000, 900, 200, 1);
      r.recordFailure(1_000, 900, "timeout");
      r.recordSuccess(1_000);
      r.recordStart(5);
      r.recordDropped();
      r.recordValue(3);
      r.add(1);
      r.recordCheck(false, null);
      r.recordUncountedFailure("exhausted");
      r.recordService(5);
    }
    assertThat(r.stripeCount()).isEqualTo(1);
  }

  @Test
  void stripesStopAtTwiceTheProcessorsAndAWriterThenWaitsForAFreeOne() throws Exception {
    int processors = Runtime.getRuntime().availableProcessors();
    int expected = 1;
    while (expected < 2 * processors) {
      expected *= 2;
    }
    assertThat(MetricRecorder.MAX_STRIPES).isEqualTo(Math.min(32, expected));
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, false);
    List<MetricRecorder.Stripe> held = new ArrayList<>();
    try {
      for (int i = 0; i < MetricRecorder.MAX_STRIPES; i++) {
        held.add(r.acquire());
      }
      assertThat(r.stripeCount()).isEqualTo(MetricRecorder.MAX_STRIPES);
      assertThat(held).doesNotHaveDuplicates();
      Thread writer = new Thread(() -> r.recordResponse(1_000, 200, 1));
      writer.start();
      writer.join(300);
      assertThat(writer.isAlive()).as("every stripe is held and no more may be added: the writer waits").isTrue();
      assertThat(r.stripeCount()).isEqualTo(MetricRecorder.MAX_STRIPES);
      held.remove(0).release();
      writer.join(10_000);
      assertThat(writer.isAlive()).isFalse();
    } finally {
      held.forEach(MetricRecorder.Stripe::release);
    }
    assertThat(r.stripeCount()).isEqualTo(MetricRecorder.MAX_STRIPES);
    assertThat(drain(r).get(0).count()).isEqualTo(1);
  }

  @Test
  void connectionsAreRecordedOnlyByRecordersThatMeasureThem() throws Exception {
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, false, true);
    assertThat(drain(r)).as("nothing recorded, nothing opened: no record").isEmpty();
    r.recordResponse(1_000, -1, 200, 0, -1, -1, true);
    assertThat(drain(r).get(0).connections()).as("every request reused a connection").isEqualTo(IntervalRecord.Connections.NONE);
    r.recordResponse(5_000, -1, 200, 0, 800, 1_200, false);
    r.recordResponse(6_000, -1, 200, 0, 0, 0, true);
    r.recordResponse(6_500, -1, 200, 0, 700, -1, true);
    r.recordFailure(7_000, -1, "tls_error", "handshake failed", 900, -1, false);
    r.recordFailure(7_500, -1, "timeout", null, -1, -1, true);
    r.recordFailure(8_000, -1, "tls_error", null, 0, 0, true);
    IntervalRecord x = drain(r).get(0);
    assertThat(x.count()).isEqualTo(6);
    assertThat(x.messages()).isEqualTo(Map.of("handshake failed", 1L));
    IntervalRecord.Connections c = x.connections();
    assertThat(c.opened()).isEqualTo(5);
    assertThat(c.tlsResumed()).isEqualTo(2);
    Histogram connect = decode(c.connectHistogram());
    assertThat(values(connect)).containsExactly(lowest(connect, 1, 1, 700, 800, 900));
    Histogram tls = decode(c.tlsHistogram());
    assertThat(values(tls)).containsExactly(lowest(tls, 1, 1, 1_200));
    r.recordResponse(1_000, -1, 200, 0, 500, -1, false);
    IntervalRecord plain = drain(r).get(0);
    assertThat(plain.connections().opened()).isEqualTo(1);
    assertThat(plain.connections().tlsResumed()).isZero();
    assertThat(plain.connections().tlsHistogram()).as("plain http: no handshake").isNull();
    assertThat(values(decode(plain.connections().connectHistogram()))).containsExactly(lowest(connect, 500));
    r.recordResponse(1_000, -1, 200, 0, -1, -1, false);
    assertThat(drain(r).get(0).connections()).as("none opened this interval").isEqualTo(IntervalRecord.Connections.NONE);
    r.recordResponse(1_000, -1, 200, 0, 600, 2_000, true);
    IntervalRecord.Connections third = drain(r).get(0).connections();
    assertThat(third.opened()).isEqualTo(1);
    assertThat(third.tlsResumed()).isEqualTo(1);
    assertThat(values(decode(third.connectHistogram()))).as("nothing of earlier intervals").containsExactly(lowest(connect, 600));
    assertThat(values(decode(third.tlsHistogram()))).containsExactly(lowest(connect, 2_000));

    MetricRecorder notMeasuring = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, false, false);
    notMeasuring.recordResponse(5_000, -1, 200, 0, 800, 1_200, false);
    notMeasuring.recordFailure(7_000, -1, "tls_error", null, 900, -1, false);
    assertThat(drain(notMeasuring).get(0).connections()).as("not measured, as opposed to none opened").isNull();
  }
  @Test
  void aDrainWaitsForAWriterThatHoldsAStripeSoNoCountIsLost() throws Exception {
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP);
    MetricRecorder.Stripe held = r.acquire();
    List<IntervalRecord> out = new ArrayList<>();
    Thread flusher = new Thread(() -> r.drainInto(out, "run", "local", "local-0", 0, 1000, scratch));
    try {
      flusher.start();
      flusher.join(300);
      assertThat(flusher.isAlive()).as("the flusher waits while a writer holds the stripe").isTrue();
      held.latency.recordValue(1_234);
      held.statuses[200]++;
      held.anyStatus = true;
    } finally {
      held.release();
    }
    flusher.join(10_000);
    assertThat(flusher.isAlive()).isFalse();
    assertThat(out).singleElement().satisfies(x -> {
      assertThat(x.count()).isEqualTo(1);
      assertThat(x.statusCodes()).isEqualTo(Map.of("200", 1L));
    });
  }
  @Test
  void connectionTimesAreWrittenAndTakenUnderTheirLock() throws Exception {
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP, false, true);
    r.recordResponse(1_000, -1, 200, 0, 100, -1, false);
    MetricRecorder.Connections c = r.connections;
    c.lock();
    Thread writer = new Thread(() -> r.recordResponse(1_000, -1, 200, 0, 200, 300, false));
    List<IntervalRecord> out = new ArrayList<>();
    Thread flusher = new Thread(() -> r.drainInto(out, "run", "local", "local-0", 0, 1000, new MetricRecorder.Scratch()));
    try {
      writer.start();
      writer.join(300);
      assertThat(writer.isAlive()).as("a writer waits while the connections are locked").isTrue();
      flusher.start();
      flusher.join(300);
      assertThat(flusher.isAlive()).as("the flusher waits too").isTrue();
    } finally {
      c.release();
    }
    writer.join(10_000);
    flusher.join(10_000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(flusher.isAlive()).isFalse();
    long opened = out.get(0).connections().opened() + drain(r).stream().mapToLong(x -> x.connections().opened()).sum();
    assertThat(opened).isEqualTo(2);
  }

  @Test
  void aWriterThatFoundTheStripesAlreadyGrownUsesThemInsteadOfGrowingAgain() {
    MetricRecorder r = new MetricRecorder("s", "GET /", IntervalRecord.KIND_HTTP);
    MetricRecorder.Stripe[] one = r.grow(new MetricRecorder.Stripe[0]);
    assertThat(one).hasSize(1);
    MetricRecorder.Stripe[] two = r.grow(one);
    assertThat(two).hasSize(2).startsWith(one[0]);
    assertThat(r.grow(one)).as("stale view: another writer grew them").isSameAs(two);
    assertThat(r.stripeCount()).isEqualTo(2);
  }
}
