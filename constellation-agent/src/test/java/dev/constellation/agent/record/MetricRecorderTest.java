package dev.constellation.agent.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import java.util.ArrayList;
import java.util.List;
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
}
