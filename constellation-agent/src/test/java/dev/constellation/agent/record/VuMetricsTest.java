package dev.constellation.agent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.results.IntervalRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class VuMetricsTest {

  private final Recording recording = new Recording("r", "local", "local-0", 100);
  private final AtomicLong failedRequests = new AtomicLong();
  private final VuMetrics vu = new VuMetrics(recording, "Shop", failedRequests::get);

  private Map<String, IntervalRecord> drain(String kind) {
    return recording.drain(0, 1000).stream().filter(r -> r.kind().equals(kind))
        .collect(Collectors.toMap(IntervalRecord::name, Function.identity()));
  }

  @Test
  void groupsNestAndFailWhenARequestOrACheckInsideFailedOrTheBlockThrew() {
    String result = vu.group("checkout", () -> vu.group("pay", () -> "paid"));
    assertThat(result).isEqualTo("paid");
    vu.group("checkout", () -> {
      failedRequests.incrementAndGet(); // a 503 inside
      return null;
    });
    vu.group("checkout", () -> vu.group("pay", () -> vu.check("card accepted", false, null)));
    assertThatThrownBy(() -> vu.group("checkout", () -> {
      throw new IllegalStateException("cart 12 is empty");
    })).isInstanceOf(IllegalStateException.class);
    Map<String, IntervalRecord> groups = drain(IntervalRecord.KIND_GROUP);
    assertThat(groups.keySet()).containsExactlyInAnyOrder("checkout", "checkout::pay");
    IntervalRecord checkout = groups.get("checkout");
    assertThat(checkout.count()).isEqualTo(4);
    assertThat(checkout.failures()).isEqualTo(3);
    assertThat(checkout.errors()).isEqualTo(Map.of("request_failed", 1L, "check_failed", 1L, "IllegalStateException", 1L));
    assertThat(checkout.messages()).containsKey("IllegalStateException: cart {n} is empty");
    assertThat(groups.get("checkout::pay").count()).isEqualTo(2);
    assertThat(groups.get("checkout::pay").failures()).isEqualTo(1);
    // a check failed outside any group afterwards fails no group
    vu.check("card accepted", true, null);
    assertThat(drain(IntervalRecord.KIND_GROUP)).isEmpty();
    assertThatThrownBy(() -> vu.group("a::b", () -> null)).hasMessageContaining("may not hold \"::\"");
  }

  @Test
  void checksCountPassesAndFailsWithTheAssertionMessageAndDoNotThrow() {
    assertThat(vu.check("cart has items", true, null)).isTrue();
    assertThat(vu.check("cart has items", () -> {
      throw new AssertionError("expected 3 items but was 0");
    })).isFalse();
    assertThat(vu.check("cart has items", () -> { })).isTrue();
    IntervalRecord c = drain(IntervalRecord.KIND_CHECK).get("cart has items");
    assertThat(c.count()).isEqualTo(3);
    assertThat(c.failures()).isEqualTo(1);
    assertThat(c.messages()).isEqualTo(Map.of("AssertionError: expected {n} items but was {n}", 1L));
    assertThatThrownBy(() -> vu.check("boom", () -> {
      throw new IllegalStateException("not an assertion");
    })).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void countersSumAndTrendsKeepEveryValueInOneHistogram() {
    vu.counter("orders").add(3);
    vu.counter("orders").increment();
    vu.counter("orders").add(0);
    List.of(0L, 5L, 5L, 17L, 1_000_000L).forEach(v -> vu.trend("queue_depth").record(v));
    Map<String, IntervalRecord> counters = drain(IntervalRecord.KIND_COUNTER);
    assertThat(counters.get("orders").count()).isEqualTo(4);
    assertThatThrownBy(() -> vu.counter("orders").add(-1)).hasMessageContaining("a counter only grows");
    assertThatThrownBy(() -> vu.trend("queue_depth").record(-1)).hasMessageContaining("trends hold values from 0");
    vu.trend("queue_depth").record(9);
    IntervalRecord t = drain(IntervalRecord.KIND_TREND).get("queue_depth");
    assertThat(t.count()).isEqualTo(1);
    Histogram h = t.decodeHistogram();
    assertThat(h.getMaxValue()).isEqualTo(9);
  }

  @Test
  void trendValuesSurviveTheRecordAsRecorded() {
    List.of(0L, 5L, 5L, 17L, 1_000_000L).forEach(v -> vu.trend("depth").record(v));
    IntervalRecord t = drain(IntervalRecord.KIND_TREND).get("depth");
    Histogram h = t.decodeHistogram();
    assertThat(t.count()).isEqualTo(5);
    assertThat(h.getMinValue()).isZero();
    assertThat(h.getValueAtPercentile(50)).isEqualTo(5);
    assertThat(h.highestEquivalentValue(h.getMaxValue())).isEqualTo(h.highestEquivalentValue(1_000_000));
  }
}
