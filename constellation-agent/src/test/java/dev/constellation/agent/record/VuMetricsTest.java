package dev.constellation.agent.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.api.Counter;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Trend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
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
  @Test
  void aGroupsHistogramHoldsItsDurationInMicrosecondsWhetherItPassedOrThrew() {
    vu.group("slow", () -> {
      sleep(30);
      return null;
    });
    assertThatThrownBy(() -> vu.group("slow", () -> {
      sleep(20);
      throw new IllegalStateException("gone");
    })).hasMessage("gone");
    IntervalRecord slow = drain(IntervalRecord.KIND_GROUP).get("slow");
    Histogram h = slow.decodeHistogram();
    assertThat(slow.count()).isEqualTo(2);
    assertThat(h.getMinValue()).isBetween(20_000L, 10_000_000L);
    assertThat(h.getMaxValue()).isBetween(30_000L, 10_000_000L);
  }

  @Test
  void aGroupThatThrowsCountsTheHttpErrorTypeOrTheExceptionTypeWithItsMessage() {
    assertThatThrownBy(() -> vu.group("pay", () -> {
      throw new HttpFailure("timeout", "POST /pay", "request timed out after 5000 ms", null);
    })).isInstanceOf(HttpFailure.class);
    assertThatThrownBy(() -> vu.group("pay", () -> {
      throw new AssertionError();
    })).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> vu.group("pay", () -> {
      throw new IllegalArgumentException("bad card 4111");
    })).isInstanceOf(IllegalArgumentException.class);
    IntervalRecord pay = drain(IntervalRecord.KIND_GROUP).get("pay");
    assertThat(pay.count()).isEqualTo(3);
    assertThat(pay.failures()).isEqualTo(3);
    assertThat(pay.errors()).isEqualTo(Map.of("timeout", 1L, "AssertionError", 1L, "IllegalArgumentException", 1L));
    assertThat(pay.messages()).isEqualTo(Map.of("HttpFailure: POST /pay: timeout: request timed out after {n} ms", 1L,
        "AssertionError", 1L, "IllegalArgumentException: bad card {n}", 1L));
  }

  @Test
  void aFailedCheckFailsEveryGroupAroundItButNotAGroupThatRanBeforeOrAfterIt() {
    vu.group("outer", () -> {
      vu.check("early", false, "no");
      vu.group("inner-ok", () -> null);
      return null;
    });
    vu.group("after", () -> null);
    vu.group("outer", () -> {
      vu.group("inner", () -> vu.check("late", false, null));
      return null;
    });
    vu.group("outer", () -> {
      vu.group("inner", () -> {
        failedRequests.incrementAndGet();
        return null;
      });
      return null;
    });
    Map<String, IntervalRecord> groups = drain(IntervalRecord.KIND_GROUP);
    assertThat(groups.keySet()).containsExactlyInAnyOrder("outer", "outer::inner-ok", "after", "outer::inner");
    assertThat(groups.get("outer").failures()).isEqualTo(3);
    assertThat(groups.get("outer").errors()).isEqualTo(Map.of("check_failed", 2L, "request_failed", 1L));
    assertThat(groups.get("outer::inner-ok").failures()).as("the check failed before the inner group began").isZero();
    assertThat(groups.get("after").failures()).isZero();
    assertThat(groups.get("outer::inner").count()).isEqualTo(2);
    assertThat(groups.get("outer::inner").errors()).isEqualTo(Map.of("check_failed", 1L, "request_failed", 1L));
  }

  @Test
  void namesAreRequiredAndGroupNamesMayNotHoldTheSeparator() {
    assertThatThrownBy(() -> vu.group(null, () -> null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("group(null): give the group a name");
    assertThatThrownBy(() -> vu.group(" ", () -> null)).hasMessage("group(\" \"): give the group a name");
    assertThatThrownBy(() -> vu.group("a::b", () -> null)).hasMessage(
        "group(\"a::b\"): a group name may not hold \"::\", which separates nested groups; nest a group inside the other instead");
    assertThatThrownBy(() -> vu.group("a", null)).isInstanceOf(NullPointerException.class).hasMessage("block");
    assertThatThrownBy(() -> vu.check("", true, null)).hasMessage("check(\"\"): give the check a name");
    assertThatThrownBy(() -> vu.check(null, () -> { })).hasMessage("check(null): give the check a name");
    assertThatThrownBy(() -> vu.counter(null)).hasMessage("counter(null): give the counter a name");
    assertThatThrownBy(() -> vu.trend("\t")).hasMessage("trend(\"\t\"): give the trend a name");
    assertThat(recording.drain(0, 1000)).as("nothing was recorded").isEmpty();
  }

  @Test
  void countersAndTrendsAreOnePerNameAndRefuseNegativeValuesNamingThem() {
    Counter orders = vu.counter("orders");
    assertThat(vu.counter("orders")).isSameAs(orders);
    assertThat(orders.name()).isEqualTo("orders");
    Trend depth = vu.trend("queue_depth");
    assertThat(vu.trend("queue_depth")).isSameAs(depth);
    assertThat(depth.name()).isEqualTo("queue_depth");
    assertThatThrownBy(() -> orders.add(-2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("counter \"orders\": add(-2): a counter only grows; add 0 or more");
    assertThatThrownBy(() -> depth.record(-3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trend \"queue_depth\": record(-3): trends hold values from 0 to 3600000000; shift negative values or count them in a counter");
    depth.record(0);
    depth.record(Trend.MAX_VALUE + 1);
    orders.add(0);
    Map<String, IntervalRecord> all = recording.drain(0, 1000).stream()
        .collect(Collectors.toMap(IntervalRecord::kind, Function.identity()));
    assertThat(all.keySet()).containsExactly(IntervalRecord.KIND_TREND);
    Histogram h = all.get(IntervalRecord.KIND_TREND).decodeHistogram();
    assertThat(h.getMinValue()).isZero();
    assertThat(h.getMaxValue()).isEqualTo(h.highestEquivalentValue(Trend.MAX_VALUE));
    assertThat(h.getTotalCount()).isEqualTo(2);
  }

  @Test
  void aCheckReturnsWhetherItPassedAndRecordsUnderTheScript() {
    assertThat(vu.check("ok", false, "nope")).isFalse();
    assertThat(vu.check("ok", true, "ignored")).isTrue();
    assertThat(vu.check("plain", () -> {
      throw new AssertionError();
    })).isFalse();
    Map<String, IntervalRecord> checks = drain(IntervalRecord.KIND_CHECK);
    assertThat(checks.get("ok").script()).isEqualTo("Shop");
    assertThat(checks.get("ok").count()).isEqualTo(2);
    assertThat(checks.get("ok").failures()).isEqualTo(1);
    assertThat(checks.get("ok").messages()).isEqualTo(Map.of("nope", 1L));
    assertThat(checks.get("plain").messages()).isEqualTo(Map.of("AssertionError", 1L));
  }

  @Test
  void aFailedCheckFailsTheGroupsAroundItAlsoWhenAnInnerGroupThrew() {
    vu.group("outer", () -> {
      vu.check("early", false, null);
      try {
        vu.group("inner", () -> {
          throw new IllegalStateException("x");
        });
      } catch (IllegalStateException expected) {
        // the script carries on
      }
      return null;
    });
    vu.group("outer2", () -> {
      try {
        vu.group("inner", () -> {
          vu.check("late", false, null);
          throw new IllegalStateException("y");
        });
      } catch (IllegalStateException expected) {
        // the script carries on
      }
      return null;
    });
    Map<String, IntervalRecord> groups = drain(IntervalRecord.KIND_GROUP);
    assertThat(groups.get("outer").errors()).isEqualTo(Map.of("check_failed", 1L));
    assertThat(groups.get("outer2").errors()).isEqualTo(Map.of("check_failed", 1L));
    assertThat(groups.get("outer::inner").errors()).isEqualTo(Map.of("IllegalStateException", 1L));
    assertThat(groups.get("outer2::inner").errors()).isEqualTo(Map.of("IllegalStateException", 1L));
  }

  @Test
  void aCheckWithoutANameIsRefusedBeforeItsAssertionsRun() {
    AtomicBoolean ran = new AtomicBoolean();
    assertThatThrownBy(() -> vu.check(" ", () -> ran.set(true))).hasMessage("check(\" \"): give the check a name");
    assertThat(ran).isFalse();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
