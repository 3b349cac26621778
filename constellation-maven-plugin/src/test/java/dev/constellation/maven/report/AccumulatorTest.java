package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merging interval records: counts add up, count maps merge by key, messages stay bounded. */
class AccumulatorTest {

  @Test
  void keepsTwoHundredDistinctMessagesAndCountsTheRestAsOtherMessages() {
    Accumulator a = new Accumulator();
    Map<String, Long> first = new LinkedHashMap<>();
    for (int i = 0; i < 199; i++) {
      first.put("m" + i, 1L);
    }
    a.addMessages(first);
    a.addMessages(Map.of("m200", 2L)); // the 200th distinct message is kept
    a.addMessages(Map.of("m201", 3L)); // the 201st is not
    a.addMessages(Map.of("m0", 4L, "m202", 5L)); // a known one still adds up

    assertThat(a.messages).hasSize(201);
    assertThat(a.messages.get("m200")).isEqualTo(2L);
    assertThat(a.messages.get("m0")).isEqualTo(5L);
    assertThat(a.messages).doesNotContainKeys("m201", "m202");
    assertThat(a.messages.get(Accumulator.OTHER_MESSAGES)).isEqualTo(8L);
  }

  @Test
  void addsCountsMapsMessagesAndTheHistogramOfAnother() {
    Accumulator a = new Accumulator();
    a.addCounts(10, 2, 1000, Map.of("200", 8L, "500", 2L), Map.of("timeout", 1L));
    a.histogram.recordValue(1_000);
    Accumulator b = new Accumulator();
    b.addCounts(5, 1, 500, Map.of("200", 4L, "404", 1L), Map.of("timeout", 2L, "reset", 1L));
    b.addMessages(Map.of("timeout: request timed out", 2L));
    b.histogram.recordValueWithCount(3_000, 2);

    a.add(b);

    assertThat(a.count).isEqualTo(15);
    assertThat(a.failures).isEqualTo(3);
    assertThat(a.bytes).isEqualTo(1500);
    assertThat(a.statusCodes).isEqualTo(Map.of("200", 12L, "500", 2L, "404", 1L));
    assertThat(a.errors).isEqualTo(Map.of("timeout", 3L, "reset", 1L));
    assertThat(a.messages).isEqualTo(Map.of("timeout: request timed out", 2L));
    assertThat(a.histogram.getTotalCount()).isEqualTo(3);
    assertThat(a.histogram.getCountAtValue(3_000)).isEqualTo(2);

    Stats s = a.toStats(5);
    assertThat(s.requests()).isEqualTo(15);
    assertThat(s.rps()).isEqualTo(3.0);
    assertThat(s.errorRate()).isEqualTo(0.2);
    assertThat(s.bytes()).isEqualTo(1500);
    assertThat(s.messages()).isEqualTo(Map.of("timeout: request timed out", 2L));
  }
}
