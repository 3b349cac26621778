package dev.constellation.agent.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.record.MetricRecorder;
import dev.constellation.agent.record.Recording;
import dev.constellation.agent.results.reliable.TestRecords;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The optional connection fields of http records: what the recorder puts in them, and their JSON-lines form. */
class ConnectionRecordsTest {

  private static Histogram decode(String encoded) throws Exception {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
  }

  @Test
  void theRecorderKeepsEachNewConnectionOnceBesideEveryRequest() throws Exception {
    Recording recording = new Recording("r", "eu-west-1", "eu-west-1-0", 10, false, true);
    MetricRecorder get = recording.http("Shop", "GET /");
    get.recordResponse(5_000, 5_000, 200, 20, 800, 1_900, false);
    get.recordResponse(1_000, 1_000, 200, 20, -1, -1, false);
    get.recordResponse(2_000, 2_000, 200, 20, 900, 1_500, true);
    get.recordFailure(9_000, 9_000, "tls_error", "tls_error: bad certificate", 700, -1, false);
    get.recordResponse(1_100, 200, 20);
    IntervalRecord r = recording.drain(0, 1000).get(0);
    assertThat(r.count()).isEqualTo(5);
    assertThat(r.decodeHistogram().getTotalCount()).isEqualTo(5);
    IntervalRecord.Connections c = r.connections();
    assertThat(c.opened()).isEqualTo(3);
    Histogram connect = decode(c.connectHistogram());
    assertThat(connect.getTotalCount()).isEqualTo(3);
    assertThat(connect.getMinValue()).isEqualTo(700);
    assertThat(connect.getMaxValue()).isEqualTo(900);
    Histogram tls = decode(c.tlsHistogram());
    assertThat(tls.getTotalCount()).isEqualTo(2);
    assertThat(tls.getMinValue()).isEqualTo(1_500);
    assertThat(tls.getMaxValue()).isEqualTo(1_900);
    assertThat(c.tlsResumed()).isEqualTo(1);

    // the next interval starts empty; a name that only reuses connections says 0, not "not measured"
    get.recordResponse(1_000, 1_000, 200, 20, -1, -1, false);
    IntervalRecord next = recording.drain(1000, 1000).get(0);
    assertThat(next.connections()).isEqualTo(IntervalRecord.Connections.NONE);
  }

  @Test
  void withoutAnEngineThatMeasuresRecordsCarryNoConnectionFields() {
    Recording recording = new Recording("r", "eu-west-1", "eu-west-1-0", 10, false, false);
    recording.http("Shop", "GET /").recordResponse(5_000, 5_000, 200, 20, 800, 3_000, false);
    IntervalRecord r = recording.drain(0, 1000).get(0);
    assertThat(r.connections()).isNull();
    assertThat(IntervalRecordCodec.toJsonLine(r)).doesNotContain("connect").doesNotContain("tls");
  }

  @Test
  void onlyHttpRecordsCarryThem() {
    Recording recording = new Recording("r", "eu-west-1", "eu-west-1-0", 10, true, true);
    recording.http("Shop", "GET /").recordResponse(5_000, 4_000, 200, 20, 800, 3_000, false);
    recording.iterations("Shop").recordSuccess(6_000);
    List<IntervalRecord> records = recording.drain(0, 1000);
    assertThat(records).extracting(IntervalRecord::kind).containsExactlyInAnyOrder("http", "service", "iteration");
    assertThat(records).filteredOn(r -> !r.kind().equals("http")).allSatisfy(r -> assertThat(r.connections()).isNull());
  }

  @Test
  void theJsonLineCarriesTheFieldsAndReadsBackExactly() {
    IntervalRecord plain = TestRecords.record("r", "eu-west-1", "a", "GET /", 1_790_000_000_000L, 40, 2);
    IntervalRecord r = plain.withConnections(TestRecords.connections(12, 4));
    String line = IntervalRecordCodec.toJsonLine(r);
    assertThat(line).contains("\"connections\":12,\"connectHist\":\"").contains("\"tlsHist\":\"").contains("\"tlsResumed\":4");
    assertThat(IntervalRecordCodec.fromJsonLine(line)).isEqualTo(r);

    IntervalRecord none = plain.withConnections(IntervalRecord.Connections.NONE);
    String noneLine = IntervalRecordCodec.toJsonLine(none);
    assertThat(noneLine).contains("\"connections\":0").doesNotContain("connectHist").doesNotContain("tlsHist");
    assertThat(IntervalRecordCodec.fromJsonLine(noneLine)).isEqualTo(none);
  }

  @Test
  void theLocalDirectoryStoreKeepsThemExactly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    List<IntervalRecord> written = TestRecords.flush("run-1", "local", "local-0", 0, 5).stream()
        .map(r -> r.withConnections(TestRecords.connections(r.count() / 2, r.startMs()))).toList();
    LocalDirectoryStore store = new LocalDirectoryStore(dir);
    try (ResultsSink sink = store.sink("local-0")) {
      sink.write(written);
    }
    assertThat(store.readRun("run-1")).containsExactlyElementsOf(written);
  }

  @Test
  void aLineWrittenBeforeTheFieldsExistedReadsAsNotMeasured() {
    String old = "{\"v\":1,\"runId\":\"r\",\"region\":\"eu-west-1\",\"agent\":\"a\",\"script\":\"S\",\"name\":\"GET /\",\"kind\":\"http\","
        + "\"start\":1795780800000,\"lengthMs\":1000,\"count\":1,\"failures\":0,\"status\":{\"200\":1},\"errors\":{},\"bytes\":2,"
        + "\"hist\":\"" + IntervalRecord.encode(IntervalRecord.newHistogram()) + "\"}";
    assertThat(IntervalRecordCodec.fromJsonLine(old).connections()).isNull();
  }

  @Test
  void aDamagedConnectionCountIsRefusedNamingTheField() {
    String bad = IntervalRecordCodec.toJsonLine(TestRecords.record("r", "eu-west-1", "a", "GET /", 0, 1, 1))
        .replace("\"hist\"", "\"connections\":\"many\",\"hist\"");
    assertThatThrownBy(() -> IntervalRecordCodec.fromJsonLine(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"connections\"");
  }
}
