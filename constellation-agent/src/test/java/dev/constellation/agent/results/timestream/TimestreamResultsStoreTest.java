package dev.constellation.agent.results.timestream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.reliable.FakeTicker;
import dev.constellation.agent.results.reliable.ReliableSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.reliable.TestRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

class TimestreamResultsStoreTest {

  private static final String WRITE = "Timestream_20181101.WriteRecords";
  private static final String QUERY = "Timestream_20181101.Query";
  private static final String RETRYABLE_REASON = "The record timestamp is outside the time range of the memory store: "
      + "its retention was changed moments ago; ingest again once the new window is in effect.";

  private final TimestreamFake fake = new TimestreamFake();
  private WireMockServer wm;
  private TimestreamWriteClient write;
  private TimestreamQueryClient query;
  private TimestreamResultsStore store;
  private final FakeTicker ticker = new FakeTicker();

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(fake));
    wm.start();
    wm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(WRITE))
        .willReturn(aResponse().withTransformers(TimestreamFake.NAME)));
    wm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(QUERY))
        .willReturn(aResponse().withTransformers(TimestreamFake.NAME)));
    write = TimestreamFake.writeClient(wm.port());
    query = TimestreamFake.queryClient(wm.port());
    store = new TimestreamResultsStore(write, query, "constellation", "intervals");
  }

  @AfterEach
  void stop() {
    write.close();
    query.close();
    wm.stop();
  }

  private List<IntervalRecord> writeRun(String agent, int flushes, int perFlush) throws IOException {
    return writeRun(agent, flushes, perFlush, false);
  }

  /** The columns of a table that received connection measures. */
  private static final List<String> ALL_COLUMNS = List.of("run", "region", "agent", "script", "name", "kind", "seq", "part", "start_ms",
      "format_version", "count", "failures", "bytes", "length_ms", "status", "errors", "hist", "parts",
      "connections", "tls_resumed", "connect_hist", "tls_hist");

  private List<IntervalRecord> writeRun(String agent, int flushes, int perFlush, boolean connections) throws IOException {
    List<IntervalRecord> written = new ArrayList<>();
    ReliableSink<TimestreamResultsStore.Batch> sink = store.sink(agent, SinkPolicy.defaults(), ticker, new SplittableRandom(3));
    try (ResultsSink s = sink) {
      for (int f = 0; f < flushes; f++) {
        List<IntervalRecord> flush = TestRecords.flush("run-1", "eu-west-1", agent, f, perFlush);
        if (connections) {
          flush = flush.stream().map(r -> r.withConnections(TestRecords.connections(r.count() / 3, r.startMs()))).toList();
        }
        written.addAll(flush);
        s.write(flush);
      }
    }
    return written;
  }

  /** Every Timestream record the fake accepted, in order, from WireMock's request journal. */
  private List<JsonNode> acceptedRecords() {
    List<ServeEvent> events = new ArrayList<>(wm.getAllServeEvents());
    events.sort((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()));
    List<JsonNode> accepted = new ArrayList<>();
    for (ServeEvent e : events) {
      if (!WRITE.equals(e.getRequest().getHeader("X-Amz-Target"))) {
        continue;
      }
      JsonNode records = TimestreamFake.read(e.getRequest().getBodyAsString()).path("Records");
      assertThat(records.size()).isBetween(1, 100);
      int status = e.getResponse().getStatus();
      Set<Integer> refused = new HashSet<>();
      if (status == 419) {
        TimestreamFake.read(e.getResponse().getBodyAsString()).path("RejectedRecords")
            .forEach(r -> refused.add(r.path("RecordIndex").asInt()));
      } else if (status != 200) {
        continue;
      }
      for (int i = 0; i < records.size(); i++) {
        if (!refused.contains(i)) {
          accepted.add(records.get(i));
        }
      }
    }
    return accepted;
  }

  private static String identity(JsonNode record) {
    Map<String, String> dims = new TreeMap<>();
    record.path("Dimensions").forEach(d -> dims.put(d.path("Name").asText(), d.path("Value").asText()));
    return dims + "@" + record.path("Time").asText() + "/" + record.path("MeasureName").asText();
  }

  private void assertEveryRecordStoredExactlyOnce(List<IntervalRecord> written) throws IOException {
    List<JsonNode> accepted = acceptedRecords();
    Map<String, Integer> times = new HashMap<>();
    for (JsonNode r : accepted) {
      times.merge(identity(r), 1, Integer::sum);
      int size = 8 + r.path("MeasureName").asText().length();
      for (JsonNode d : r.path("Dimensions")) {
        size += TimestreamSchema.utf8(d.path("Name").asText()) + TimestreamSchema.utf8(d.path("Value").asText());
      }
      for (JsonNode m : r.path("MeasureValues")) {
        size += TimestreamSchema.utf8(m.path("Name").asText())
            + ("BIGINT".equals(m.path("Type").asText()) ? 8 : TimestreamSchema.utf8(m.path("Value").asText()));
      }
      assertThat(size).as("size of %s", identity(r)).isLessThanOrEqualTo(2048);
    }
    assertThat(times.values()).as("no Timestream record accepted twice").containsOnly(1);
    List<IntervalRecord> joined = TimestreamSchema.decode(TimestreamFake.rowsOf(accepted));
    assertThat(joined).containsExactlyInAnyOrderElementsOf(written);
    assertThat(accepted.size()).isGreaterThan(written.size()); // large histograms were split
  }

  @Test
  void storesEveryRecordExactlyOnceWhileThirtyPercentOfWritesAreThrottled() throws IOException {
    fake.throttle(0.30);
    List<IntervalRecord> written = writeRun("agent-1", 6, 40);

    assertEveryRecordStoredExactlyOnce(written);
    List<ServeEvent> writes = wm.getAllServeEvents().stream()
        .filter(e -> WRITE.equals(e.getRequest().getHeader("X-Amz-Target"))).toList();
    long throttled = writes.stream().filter(e -> e.getResponse().getStatus() == 400).count();
    assertThat((double) throttled / writes.size()).isBetween(0.15, 0.45);
    assertThat(ticker.sleeps()).hasSize((int) throttled);
  }

  @Test
  void resendsOnlyTheRecordsTimestreamRejectedForAPassingReason() throws IOException {
    fake.reject(0.05, RETRYABLE_REASON);
    List<IntervalRecord> written = writeRun("agent-2", 4, 40);

    assertEveryRecordStoredExactlyOnce(written);
    long partial = wm.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 419).count();
    assertThat(partial).isGreaterThan(2);
  }

  @Test
  void survivesThrottlingAndRejectionsTogether() throws IOException {
    fake.throttle(0.3).reject(0.03, RETRYABLE_REASON);
    List<IntervalRecord> written = writeRun("agent-3", 5, 30);
    assertEveryRecordStoredExactlyOnce(written);
  }

  @Test
  void reportsRecordsTimestreamRefusesForGoodAtClose() throws IOException {
    fake.reject(1.0, "Duplicate data: a record with the same dimensions, timestamp and measure name has other measure values");
    ReliableSink<TimestreamResultsStore.Batch> sink = store.sink("agent-4", SinkPolicy.defaults(), ticker, new SplittableRandom(3));
    sink.write(TestRecords.flush("run-1", "eu-west-1", "agent-4", 0, 3));
    assertThatThrownBy(sink::close).isInstanceOf(IOException.class)
        .hasMessageContaining("3 interval records were not stored in Timestream table constellation.intervals")
        .hasMessageContaining("Timestream rejected the record: Duplicate data");
    assertThat(ticker.sleeps()).isEmpty();
  }

  @Test
  void aRecordTooLargeForTimestreamCostsOnlyItselfAndIsReportedAtClose() throws IOException {
    List<IntervalRecord> flush = new ArrayList<>(TestRecords.flush("run-1", "eu-west-1", "agent-7", 0, 4));
    IntervalRecord huge = TestRecords.record("run-1", "eu-west-1", "agent-7", "x".repeat(1990), 1_790_000_000_000L, 10, 4);
    flush.add(2, huge);
    ReliableSink<TimestreamResultsStore.Batch> sink = store.sink("agent-7", SinkPolicy.defaults(), ticker, new SplittableRandom(3));
    sink.write(flush);
    assertThatThrownBy(sink::close).isInstanceOf(IOException.class)
        .hasMessageContaining("1 interval records were not stored")
        .hasMessageContaining("shorten the request name");
    List<IntervalRecord> stored = new ArrayList<>(flush);
    stored.remove(huge);
    assertThat(TimestreamSchema.decode(TimestreamFake.rowsOf(acceptedRecords()))).containsExactlyInAnyOrderElementsOf(stored);
  }

  @Test
  void readsARunBackThroughPaginatedQueriesExactlyAsWritten() throws IOException {
    fake.throttle(0.2).reject(0.02, RETRYABLE_REASON);
    List<IntervalRecord> written = writeRun("agent-5", 3, 25);
    List<Map<String, String>> rows = TimestreamFake.rowsOf(acceptedRecords());
    java.util.Collections.shuffle(rows, new java.util.Random(5)); // Timestream promises no order
    fake.rows(ALL_COLUMNS, rows, 7);

    List<IntervalRecord> read = store.readRun("run-1");

    assertThat(read).containsExactlyInAnyOrderElementsOf(written);
    for (IntervalRecord r : read) {
      IntervalRecord original = written.stream().filter(w -> w.equals(r)).findFirst().orElseThrow();
      assertThat(r.histogram()).isEqualTo(original.histogram());
      assertThat(r.decodeHistogram()).isEqualTo(original.decodeHistogram());
    }
    int pages = 2 + rows.size() / 7;
    wm.verify(pages, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(QUERY))
        .withRequestBody(containing("WHERE \\\"run\\\" = 'run-1' AND measure_name = 'interval'")));
  }

  @Test
  void connectionTimesRoundTripThroughTheTableExactlyAsWritten() throws IOException {
    List<IntervalRecord> written = writeRun("agent-7", 2, 9, true);
    assertThat(written).allSatisfy(r -> assertThat(r.connections()).isNotNull());
    fake.rows(ALL_COLUMNS, TimestreamFake.rowsOf(acceptedRecords()), 5);

    assertThat(store.readRun("run-1")).containsExactlyInAnyOrderElementsOf(written);
  }

  @Test
  void aTableThatNeverReceivedAConnectionMeasureIsReadWithTheColumnsItHas() throws IOException {
    List<IntervalRecord> written = writeRun("agent-8", 1, 6);
    fake.rows(List.of("run", "region", "agent", "script", "name", "kind", "seq", "part", "start_ms", "format_version",
        "count", "failures", "bytes", "length_ms", "status", "errors", "hist", "parts"), TimestreamFake.rowsOf(acceptedRecords()), 50);

    List<IntervalRecord> read = store.readRun("run-1");

    assertThat(read).containsExactlyInAnyOrderElementsOf(written);
    assertThat(read).allSatisfy(r -> assertThat(r.connections()).isNull());
    // the first query named the connection columns and was refused; the second did not
    wm.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(QUERY))
        .withRequestBody(containing("tls_hist")));
  }

  @Test
  void aRecordWithAMissingPartIsReportedInsteadOfReturnedDamaged() throws IOException {
    List<IntervalRecord> written = writeRun("agent-6", 1, 4);
    List<JsonNode> accepted = new ArrayList<>(acceptedRecords());
    accepted.removeIf(r -> identity(r).contains("part=1"));
    assertThat(written.get(0).histogram().length()).isGreaterThan(2048);
    fake.rows(List.of("run", "region", "agent", "script", "name", "kind", "seq", "part", "start_ms", "format_version",
        "count", "failures", "bytes", "length_ms", "status", "errors", "hist", "parts"), TimestreamFake.rowsOf(accepted), 50);

    assertThatThrownBy(() -> store.readRun("run-1")).isInstanceOf(IOException.class)
        .hasMessageContaining("are missing parts")
        .hasMessageContaining("read again in a few seconds");
  }

  @Test
  void createsTheDatabaseAndTableWithMagneticWritesAndTheManagedTag() throws IOException {
    wm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("Timestream_20181101.CreateDatabase"))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", TimestreamFake.JSON_10)
            .withBody("{\"__type\":\"ConflictException\",\"Message\":\"The database constellation already exists.\"}")));
    wm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("Timestream_20181101.CreateTable"))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", TimestreamFake.JSON_10)
            .withBody("{\"Table\":{\"TableName\":\"intervals\",\"DatabaseName\":\"constellation\",\"TableStatus\":\"ACTIVE\"}}")));

    store.ensureDatabaseAndTable();

    wm.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("Timestream_20181101.CreateTable"))
        .withRequestBody(containing("\"EnableMagneticStoreWrites\":true"))
        .withRequestBody(containing("\"MemoryStoreRetentionPeriodInHours\":24"))
        .withRequestBody(containing("constellation:managed")));
  }
}
