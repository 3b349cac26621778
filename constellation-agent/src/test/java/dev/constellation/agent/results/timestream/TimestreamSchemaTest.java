package dev.constellation.agent.results.timestream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.reliable.TestRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValue;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;

class TimestreamSchemaTest {

  private static List<Map<String, String>> rows(List<TimestreamSchema.Part> parts) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (TimestreamSchema.Part p : parts) {
      Map<String, String> row = new HashMap<>();
      p.record().dimensions().forEach(d -> row.put(d.name(), d.value()));
      p.record().measureValues().forEach(m -> row.put(m.name(), m.value()));
      row.put(TimestreamSchema.C_START, p.record().time());
      rows.add(row);
    }
    return rows;
  }

  private static int size(TimestreamSchema.Part p) {
    int size = 8 + p.record().measureName().length();
    for (var d : p.record().dimensions()) {
      size += TimestreamSchema.utf8(d.name()) + TimestreamSchema.utf8(d.value());
    }
    for (MeasureValue m : p.record().measureValues()) {
      size += TimestreamSchema.utf8(m.name()) + (m.type() == MeasureValueType.BIGINT ? 8 : TimestreamSchema.utf8(m.value()));
    }
    return size;
  }

  @Test
  void aSmallRecordIsOneMultiMeasureRecord() throws IOException {
    IntervalRecord r = TestRecords.record("r1", "eu-west-1", "a1", "GET /", 1_790_000_000_000L, 30, 1);
    List<TimestreamSchema.Part> parts = TimestreamSchema.encode(r, 0, 2048);
    assertThat(parts).hasSize(1);
    assertThat(parts.get(0).record().measureName()).isEqualTo("interval");
    assertThat(parts.get(0).record().time()).isEqualTo("1790000000000");
    assertThat(parts.get(0).record().measureValues()).extracting(MeasureValue::name)
        .containsExactly("format_version", "count", "failures", "bytes", "length_ms", "status", "errors", "hist", "parts");
    assertThat(TimestreamSchema.decode(rows(parts))).containsExactly(r);
  }

  @Test
  void failureMessagesTravelInTheErrorsMeasureAndComeBackApart() throws IOException {
    IntervalRecord plain = TestRecords.record("r1", "eu-west-1", "a1", "GET /", 1_790_000_000_000L, 30, 1);
    IntervalRecord r = new IntervalRecord(plain.version(), plain.runId(), plain.region(), plain.agentId(), plain.script(), plain.name(),
        plain.kind(), plain.startMs(), plain.lengthMs(), plain.count(), plain.failures(), plain.statusCodes(), plain.errors(),
        plain.bytes(), plain.histogram(), Map.of("timeout: request timed out", 1L, "connection_refused: {n}.{n}.{n}.{n}:{n}", 2L));
    List<TimestreamSchema.Part> parts = TimestreamSchema.encode(r, 0, 2048);
    assertThat(TimestreamSchema.decode(rows(parts))).containsExactly(r);
  }

  @Test
  void aLargeHistogramIsSplitIntoPartsUnderTwoKilobytesAndJoinedBackByteForByte() throws IOException {
    IntervalRecord r = TestRecords.record("r1", "eu-west-1", "a1", "GET /items/{id}", 1_790_000_000_000L, 50_000, 9);
    assertThat(r.histogram().length()).isGreaterThan(3 * 2048);
    List<TimestreamSchema.Part> parts = TimestreamSchema.encode(r, 17, 2048);
    assertThat(parts.size()).isGreaterThan(3);
    for (TimestreamSchema.Part p : parts) {
      assertThat(size(p)).isLessThanOrEqualTo(2048 - TimestreamSchema.SAFETY_BYTES).isEqualTo(p.estimatedBytes());
      assertThat(p.record().dimensions()).extracting(d -> d.name())
          .containsExactly("run", "region", "agent", "script", "name", "kind", "seq", "part");
    }
    List<Map<String, String>> rows = rows(parts);
    java.util.Collections.reverse(rows);
    IntervalRecord back = TimestreamSchema.decode(rows).get(0);
    assertThat(back).isEqualTo(r);
    assertThat(back.histogram()).isEqualTo(r.histogram());
  }

  @Test
  void manyErrorTypesWithNonAsciiNamesAreSplitOnWholeCharacters() throws IOException {
    Map<String, Long> errors = new HashMap<>();
    for (int i = 0; i < 120; i++) {
      errors.put("com.example.Fehler\u00fcberl\u00e4ufe\uD83D\uDE00Exception" + i, (long) i);
    }
    IntervalRecord base = TestRecords.record("r1", "eu-west-1", "a1", "POST /orders", 1_790_000_000_000L, 100, 2);
    IntervalRecord r = new IntervalRecord(1, "r1", "eu-west-1", "a1", "Checkout", "POST /orders", "iteration",
        base.startMs(), 1000, 100, 100, Map.of(), errors, 0, base.histogram());
    List<TimestreamSchema.Part> parts = TimestreamSchema.encode(r, 3, 2048);
    assertThat(parts.size()).isGreaterThan(3);
    parts.forEach(p -> assertThat(size(p)).isLessThanOrEqualTo(2048));
    assertThat(TimestreamSchema.decode(rows(parts))).containsExactly(r);
  }

  @Test
  void aRequestNameTooLongForARecordIsAnErrorNamingTheFix() {
    IntervalRecord r = TestRecords.record("r1", "eu-west-1", "a1", "x".repeat(1990), 1_790_000_000_000L, 10, 2);
    assertThatThrownBy(() -> TimestreamSchema.encode(r, 0, 2048)).isInstanceOf(IOException.class)
        .hasMessageContaining("does not fit in a 2048-byte Timestream record")
        .hasMessageContaining("shorten the request name");
  }

  @Test
  void connectionTimesAreMeasuresOfTheirOwnSplitLikeTheHistogramAndComeBackByteForByte() throws IOException {
    IntervalRecord plain = TestRecords.record("r1", "eu-west-1", "a1", "GET /", 1_790_000_000_000L, 30, 1);
    IntervalRecord small = plain.withConnections(TestRecords.connections(3, 7));
    List<TimestreamSchema.Part> parts = TimestreamSchema.encode(small, 0, 2048);
    assertThat(parts).hasSize(1);
    assertThat(parts.get(0).record().measureValues()).extracting(MeasureValue::name)
        .containsExactly("format_version", "count", "failures", "bytes", "length_ms", "connections", "tls_resumed", "status", "errors",
            "hist", "connect_hist", "tls_hist", "parts");
    assertThat(TimestreamSchema.decode(rows(parts))).containsExactly(small);

    IntervalRecord large = plain.withConnections(TestRecords.connections(20_000, 8));
    parts = TimestreamSchema.encode(large, 1, 2048);
    assertThat(parts.size()).isGreaterThan(2);
    assertThat(parts).allSatisfy(p -> assertThat(size(p)).isLessThanOrEqualTo(2048 - TimestreamSchema.SAFETY_BYTES));
    assertThat(TimestreamSchema.decode(rows(parts))).containsExactly(large);

    IntervalRecord none = plain.withConnections(IntervalRecord.Connections.NONE);
    parts = TimestreamSchema.encode(none, 2, 2048);
    assertThat(parts.get(0).record().measureValues()).extracting(MeasureValue::name).contains("connections").doesNotContain("connect_hist");
    assertThat(TimestreamSchema.decode(rows(parts))).containsExactly(none);
  }

  @Test
  void theQueryWithoutConnectionsNamesOnlyTheColumnsOfBefore() {
    assertThat(TimestreamSchema.query("db", "t", "r")).contains("\"connections\", \"tls_resumed\", \"connect_hist\", \"tls_hist\" FROM");
    assertThat(TimestreamSchema.queryWithoutConnections("db", "t", "r", -1)).doesNotContain("connect").doesNotContain("tls")
        .contains("\"hist\", \"parts\" FROM");
  }

  @Test
  void theQuerySelectsOneRunAndEscapesQuotes() {
    assertThat(TimestreamSchema.query("db", "t", "it's"))
        .startsWith("SELECT \"run\", ")
        .contains("to_milliseconds(time) AS start_ms")
        .contains("FROM \"db\".\"t\"")
        .endsWith("WHERE \"run\" = 'it''s' AND measure_name = 'interval'");
  }

  @Test
  void scriptMeasurementsOfEveryKindRoundTripByteForByte() throws IOException {
    dev.constellation.agent.record.Recording recording = new dev.constellation.agent.record.Recording("r-1", "eu-west-1", "eu-west-1-0", 100);
    dev.constellation.agent.record.VuMetrics vu = new dev.constellation.agent.record.VuMetrics(recording, "Shop", () -> 0);
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 3000; i++) {
      vu.group("checkout", () -> vu.check("cart has items", random.nextInt(10) > 0, "AssertionError: cart " + random.nextInt(9) + " is empty"));
      vu.counter("orders").add(random.nextInt(5));
      vu.trend("queue_depth").record(random.nextInt(1_000_000));
    }
    recording.feeder("Shop", "users").add(12);
    List<IntervalRecord> records = recording.drain(1_795_780_800_000L, 1000);
    assertThat(records).extracting(IntervalRecord::kind).containsExactlyInAnyOrder(IntervalRecord.KIND_GROUP, IntervalRecord.KIND_CHECK,
        IntervalRecord.KIND_COUNTER, IntervalRecord.KIND_TREND, IntervalRecord.KIND_FEEDER);
    long seq = 0;
    for (IntervalRecord r : records) {
      List<TimestreamSchema.Part> parts = TimestreamSchema.encode(r, seq++, 2048 - 64);
      assertThat(TimestreamSchema.decode(rows(parts))).as(r.kind()).containsExactly(r);
      assertThat(dev.constellation.agent.results.IntervalRecordCodec.fromJsonLine(dev.constellation.agent.results.IntervalRecordCodec.toJsonLine(r)))
          .as(r.kind()).isEqualTo(r);
    }
  }
}
