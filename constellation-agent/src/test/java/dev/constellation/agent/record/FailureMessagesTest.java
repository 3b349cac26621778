package dev.constellation.agent.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailureMessagesTest {

  @Test
  void foldsIdsAndNumbersButKeepsStatuses() {
    assertThat(FailureMessages.fold("GET /items/{id}: expected status [200] but was 503"))
        .isEqualTo("GET /items/{id}: expected status [200] but was 503");
    assertThat(FailureMessages.fold("order 81723 of user 5f0c2a9e77b1 not found after 1.25 s"))
        .isEqualTo("order {n} of user {id} not found after {n}.{n} s");
    assertThat(FailureMessages.fold("session 3f2504e0-4f89-11d3-9a0c-0305e82c3301 expired"))
        .isEqualTo("session {id} expired");
    assertThat(FailureMessages.fold("connect to 127.0.0.1:40123 timed out after 2000 ms"))
        .isEqualTo("connect to {n}.{n}.{n}.{n}:{n} timed out after {n} ms");
    assertThat(FailureMessages.fold("item-42\n\n  missing")).isEqualTo("item-{n} missing");
    assertThat(FailureMessages.fold(null)).isEqualTo(FailureMessages.NONE);
    assertThat(FailureMessages.fold("   ")).isEqualTo(FailureMessages.NONE);
  }

  @Test
  void cutsLongMessages() {
    String folded = FailureMessages.fold("x".repeat(100_000));
    assertThat(folded).hasSize(FailureMessages.MAX_LENGTH + 1).endsWith("\u2026");
    assertThat(FailureMessages.fold("word ".repeat(100))).hasSize(FailureMessages.MAX_LENGTH + 1);
  }

  @Test
  void keepsAtMostTwentyDistinctMessagesPerInterval() {
    FailureMessages m = new FailureMessages();
    for (int i = 0; i < 30; i++) {
      m.add("failure kind " + (char) ('a' + i % 26) + (char) ('a' + i / 26));
    }
    m.add("failure kind aa");
    Map<String, Long> drained = m.drain();
    assertThat(drained).hasSize(FailureMessages.MAX_DISTINCT + 1).containsEntry("failure kind aa", 2L)
        .containsEntry(FailureMessages.OTHER, 10L);
    assertThat(m.drain()).isEmpty();
  }

  @Test
  void messagesThatDifferOnlyInNumbersGroupInTheRecordAndSurviveTheJsonLine() throws Exception {
    MetricRecorder r = new MetricRecorder("Checkout", "Checkout", IntervalRecord.KIND_ITERATION);
    for (int i = 0; i < 5; i++) {
      r.recordFailure(1000, -1, "AssertionError", "AssertionError: cart " + (1000 + i) + " is empty");
    }
    r.recordFailure(1000, -1, "AssertionError", "AssertionError: GET /cart: expected status [200] but was 503");
    r.recordSuccess(500);
    List<IntervalRecord> out = new ArrayList<>();
    r.drainInto(out, "run", "local", "local-0", 0, 1000, new MetricRecorder.Scratch());
    IntervalRecord rec = out.get(0);
    assertThat(rec.messages()).containsOnly(
        Map.entry("AssertionError: GET /cart: expected status [200] but was 503", 1L),
        Map.entry("AssertionError: cart {n} is empty", 5L));
    String line = IntervalRecordCodec.toJsonLine(rec);
    assertThat(IntervalRecordCodec.fromJsonLine(line)).isEqualTo(rec);
    com.fasterxml.jackson.databind.node.ObjectNode json =
        (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
    json.remove("messages");
    String old = json.toString();
    assertThat(old).doesNotContain("messages");
    assertThat(IntervalRecordCodec.fromJsonLine(old).messages()).isEmpty();
  }
}
