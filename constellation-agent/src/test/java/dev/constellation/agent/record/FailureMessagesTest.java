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
  @Test
  void keepsAThreeDigitNumberFrom100To599StandingAloneAndFoldsEveryOtherNumber() {
    assertThat(FailureMessages.fold("was 100")).isEqualTo("was 100");
    assertThat(FailureMessages.fold("was 599")).isEqualTo("was 599");
    assertThat(FailureMessages.fold("was 099")).isEqualTo("was {n}");
    assertThat(FailureMessages.fold("was 600")).isEqualTo("was {n}");
    assertThat(FailureMessages.fold("was 99")).isEqualTo("was {n}");
    assertThat(FailureMessages.fold("was 1000")).isEqualTo("was {n}");
    assertThat(FailureMessages.fold("was 5x3")).isEqualTo("was {n}x{n}");
    assertThat(FailureMessages.fold("was 50x")).isEqualTo("was {n}x");
    assertThat(FailureMessages.fold("was 2xx")).isEqualTo("was {n}xx");
    assertThat(FailureMessages.fold("took 200ms")).isEqualTo("took {n}ms");
    assertThat(FailureMessages.fold("retry 0 of 9")).isEqualTo("retry {n} of {n}");
    // a word is letters, digits and '_': a number inside one does not stand alone
    assertThat(FailureMessages.fold("a503 z503 A503 Z503 _503 0503 9503")).isEqualTo("a{n} z{n} A{n} Z{n} _{n} {n} {n}");
    // standing alone: a '.' or ':' next to it that is not followed (or preceded) by a digit
    assertThat(FailureMessages.fold("status 503.")).isEqualTo("status 503.");
    assertThat(FailureMessages.fold("status 503: unavailable")).isEqualTo("status 503: unavailable");
    assertThat(FailureMessages.fold("v.404 then x:500")).isEqualTo("v.404 then x:500");
    assertThat(FailureMessages.fold(":503")).isEqualTo(":503");
    assertThat(FailureMessages.fold("503")).isEqualTo("503");
    // part of a longer number: a version, an address, a time
    assertThat(FailureMessages.fold("version 404.1")).isEqualTo("version {n}.{n}");
    assertThat(FailureMessages.fold("host 10.200.3.4")).isEqualTo("host {n}.{n}.{n}.{n}");
    assertThat(FailureMessages.fold("1.200")).isEqualTo("{n}.{n}");
    assertThat(FailureMessages.fold("1:200")).isEqualTo("{n}:{n}");
    assertThat(FailureMessages.fold("at 12:300")).isEqualTo("at {n}:{n}");
    assertThat(FailureMessages.fold("port 404:8")).isEqualTo("port {n}:{n}");
  }

  @Test
  void foldsAWordOfEightOrMoreHexDigitsWithADigitIntoAnIdAndKeepsWordsWithoutDigits() {
    assertThat(FailureMessages.fold("token a1b2c3d4 bad")).isEqualTo("token {id} bad");
    assertThat(FailureMessages.fold("token A1B2C3D4E5 bad")).isEqualTo("token {id} bad");
    assertThat(FailureMessages.fold("F00DF00D f1e2d3c4 9a9a9a9a 0b0b0b0b")).isEqualTo("{id} {id} {id} {id}");
    assertThat(FailureMessages.fold("g1e2d3c4 G00DF00D")).isEqualTo("g{n}e{n}d{n}c{n} G{n}DF{n}D");
    assertThat(FailureMessages.fold("token a1b2c3d bad")).isEqualTo("token a{n}b{n}c{n}d bad");
    assertThat(FailureMessages.fold("token deadbeefcafe bad")).isEqualTo("token deadbeefcafe bad");
    assertThat(FailureMessages.fold("token a1b2c3d4g bad")).isEqualTo("token a{n}b{n}c{n}d{n}g bad");
    assertThat(FailureMessages.fold("id 1234-5678")).isEqualTo("id {id}");
    assertThat(FailureMessages.fold("id 12-34-56")).isEqualTo("id {n}-{n}-{n}");
    assertThat(FailureMessages.fold("user_42 missing")).isEqualTo("user_{n} missing");
    assertThat(FailureMessages.fold("cart 1234 is empty")).isEqualTo(FailureMessages.fold("cart 1235 is empty"))
        .isEqualTo("cart {n} is empty");
    // dashes end a word only inside it: trailing ones stay as they are
    assertThat(FailureMessages.fold("item-42-- gone")).isEqualTo("item-{n}-- gone");
    assertThat(FailureMessages.fold("--42--")).isEqualTo("--{n}--");
    assertThat(FailureMessages.fold("a-b-c")).isEqualTo("a-b-c");
    assertThat(FailureMessages.fold("got 503- again")).isEqualTo("got 503- again");
    assertThat(FailureMessages.fold("got 503-1")).isEqualTo("got {n}-{n}");
    assertThat(FailureMessages.fold("x=7;y=8")).isEqualTo("x={n};y={n}");
    assertThat(FailureMessages.fold("\u00e9t\u00e9 2026")).isEqualTo("\u00e9t\u00e9 {n}");
  }

  @Test
  void foldsEveryRunOfWhiteSpaceIntoOneSpaceAndStripsTheEnds() {
    assertThat(FailureMessages.fold(" \t a \t\r\n b\u2003c  ")).isEqualTo("a b c");
    assertThat(FailureMessages.fold("a\n")).isEqualTo("a");
    assertThat(FailureMessages.fold("")).isEqualTo(FailureMessages.NONE);
    assertThat(FailureMessages.fold("\n\t")).isEqualTo(FailureMessages.NONE);
  }

  @Test
  void cutsAtExactly200CharactersAndMarksTheCutWithAnEllipsis() {
    String exactly = "x".repeat(FailureMessages.MAX_LENGTH);
    assertThat(FailureMessages.fold(exactly)).isEqualTo(exactly);
    assertThat(FailureMessages.fold(exactly + "y")).isEqualTo(exactly + "\u2026");
    assertThat(FailureMessages.fold(exactly + " ")).isEqualTo(exactly);
    assertThat(FailureMessages.fold(exactly + " y")).isEqualTo(exactly + "\u2026");
    // folding first: 300 digits are one word of hex digits, and 7 digits one number
    assertThat(FailureMessages.fold("1".repeat(300))).isEqualTo("{id}");
    assertThat(FailureMessages.fold("x " + "1".repeat(7) + " " + "1".repeat(8))).isEqualTo("x {n} {id}");
    // a word that runs past the limit is cut inside it
    String almost = "y".repeat(FailureMessages.MAX_LENGTH - 2);
    assertThat(FailureMessages.fold(almost + " abcdefgh")).isEqualTo(almost + " a\u2026");
    assertThat(FailureMessages.fold(almost + " 12345")).isEqualTo(almost + " {\u2026");
    assertThat(FailureMessages.fold(almost + "ab")).isEqualTo(almost + "ab");
  }

  @Test
  void aDrainEmptiesTheIntervalSoTheNextOneKeepsTwentyNewMessagesAgain() {
    FailureMessages m = new FailureMessages();
    assertThat(m.drain()).isEmpty();
    for (int i = 0; i < FailureMessages.MAX_DISTINCT; i++) {
      m.add("first kind " + (char) ('a' + i));
    }
    m.add("first kind a");
    m.add("one too many");
    m.add(null);
    Map<String, Long> first = m.drain();
    assertThat(first).hasSize(FailureMessages.MAX_DISTINCT + 1).containsEntry("first kind a", 2L).containsEntry("first kind t", 1L)
        .containsEntry(FailureMessages.OTHER, 2L).doesNotContainKey("one too many").doesNotContainKey(FailureMessages.NONE);
    assertThat(List.copyOf(first.keySet())).isSorted();
    m.add("second kind");
    m.add("second kind");
    m.add("   ");
    assertThat(m.drain()).containsExactly(Map.entry(FailureMessages.NONE, 1L), Map.entry("second kind", 2L));
    for (int i = 0; i < FailureMessages.MAX_DISTINCT - 1; i++) {
      m.add("third kind " + (char) ('a' + i));
    }
    m.add("the twentieth");
    m.add("the twenty-first");
    assertThat(m.drain()).hasSize(FailureMessages.MAX_DISTINCT + 1).containsEntry("the twentieth", 1L)
        .containsEntry(FailureMessages.OTHER, 1L);
  }
}
