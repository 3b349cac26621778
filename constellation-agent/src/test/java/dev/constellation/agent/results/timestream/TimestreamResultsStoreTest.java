package dev.constellation.agent.results.timestream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.reliable.FakeTicker;
import dev.constellation.agent.results.reliable.ReliableSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.reliable.TestRecords;
import dev.constellation.awsfake.Call;
import dev.constellation.awsfake.FakeAws;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/**
 * The Timestream store against the one Timestream fake of the project ({@code FakeAws}, which stores
 * what is written and answers the store's query), with the SDK's own retries off so every retry is
 * the sink's.
 */
class TimestreamResultsStoreTest {

  private static final String RETRYABLE_REASON = "The record timestamp is outside the time range of the memory store: "
      + "its retention was changed moments ago; ingest again once the new window is in effect.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeAws aws;
  private TimestreamWriteClient write;
  private TimestreamQueryClient query;
  private TimestreamResultsStore store;
  private final FakeTicker ticker = new FakeTicker();

  @BeforeEach
  void start() throws IOException {
    aws = FakeAws.start();
    aws.timestream().customer(true);
    write = TimestreamWriteClient.builder().region(Region.US_EAST_1).endpointOverride(aws.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
    query = queryClient(aws.endpoint());
    store = new TimestreamResultsStore(write, query, "constellation", "intervals");
    store.ensureDatabaseAndTable();
    aws.journal().clear();
  }

  @AfterEach
  void stop() {
    write.close();
    query.close();
    aws.close();
  }

  static TimestreamQueryClient queryClient(URI endpoint) {
    return TimestreamQueryClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private List<IntervalRecord> writeRun(String agent, int flushes, int perFlush) throws IOException {
    return writeRun(agent, flushes, perFlush, false);
  }

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

  private static String identity(JsonNode record) {
    Map<String, String> dims = new TreeMap<>();
    record.path("Dimensions").forEach(d -> dims.put(d.path("Name").asText(), d.path("Value").asText()));
    return dims + "@" + record.path("Time").asText() + "/" + record.path("MeasureName").asText();
  }

  private void assertEveryRecordStoredExactlyOnce(List<IntervalRecord> written) throws IOException {
    List<JsonNode> accepted = aws.timestream().accepted();
    Map<String, Integer> times = new HashMap<>();
    for (JsonNode r : accepted) {
      assertThat(r.path("Dimensions").size()).isPositive();
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
    assertThat(aws.journal().calls("timestream", "WriteRecords"))
        .allSatisfy(c -> assertThat(json(c.body()).path("Records").size()).isBetween(1, 100));
    assertThat(store.readRun("run-1")).containsExactlyInAnyOrderElementsOf(written);
    assertThat(accepted.size()).isGreaterThan(written.size()); // large histograms were split
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError(body, e);
    }
  }

  @Test
  void storesEveryRecordExactlyOnceWhileThirtyPercentOfWritesAreThrottled() throws IOException {
    aws.timestream().throttle(0.30);
    List<IntervalRecord> written = writeRun("agent-1", 6, 40);

    assertEveryRecordStoredExactlyOnce(written);
    int writes = aws.journal().calls("timestream", "WriteRecords").size();
    int throttled = aws.timestream().throttledWrites();
    assertThat((double) throttled / writes).isBetween(0.15, 0.45);
    assertThat(ticker.sleeps()).hasSize(throttled);
  }

  @Test
  void resendsOnlyTheRecordsTimestreamRejectedForAPassingReason() throws IOException {
    aws.timestream().reject(0.05, RETRYABLE_REASON);
    List<IntervalRecord> written = writeRun("agent-2", 4, 40);

    assertEveryRecordStoredExactlyOnce(written);
    assertThat(aws.timestream().rejectedWrites()).isGreaterThan(2);
  }

  @Test
  void survivesThrottlingAndRejectionsTogether() throws IOException {
    aws.timestream().throttle(0.3).reject(0.03, RETRYABLE_REASON);
    List<IntervalRecord> written = writeRun("agent-3", 5, 30);
    assertEveryRecordStoredExactlyOnce(written);
  }

  @Test
  void reportsRecordsTimestreamRefusesForGoodAtClose() throws IOException {
    aws.timestream().reject(1.0, "Duplicate data: a record with the same dimensions, timestamp and measure name has other measure values");
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
    assertThat(store.readRun("run-1")).containsExactlyInAnyOrderElementsOf(stored);
  }

  @Test
  void readsARunBackThroughPaginatedQueriesExactlyAsWritten() throws IOException {
    aws.timestream().throttle(0.2).reject(0.02, RETRYABLE_REASON).queryPageSize(7);
    List<IntervalRecord> written = writeRun("agent-5", 3, 25);
    writeRunOf("run-2", "agent-9"); // another run in the same table is not read
    int rows = (int) aws.timestream().accepted().stream().map(TimestreamResultsStoreTest::identity)
        .filter(i -> i.contains("run=run-1,")).distinct().count();

    List<IntervalRecord> read = store.readRun("run-1");

    assertThat(read).containsExactlyInAnyOrderElementsOf(written);
    for (IntervalRecord r : read) {
      IntervalRecord original = written.stream().filter(w -> w.equals(r)).findFirst().orElseThrow();
      assertThat(r.histogram()).isEqualTo(original.histogram());
      assertThat(r.decodeHistogram()).isEqualTo(original.decodeHistogram());
    }
    List<Call> queries = aws.journal().calls("timestream", "Query");
    // records without connection measures: the query naming those columns is refused once, then
    // the query of before answers with an empty first page and pages of 7 rows
    assertThat(queries).as("a refused query, an empty first page, then pages of 7 rows").hasSize(2 + Math.max(1, (rows + 6) / 7));
    assertThat(json(queries.get(0).body()).path("QueryString").asText())
        .contains("WHERE \"run\" = 'run-1' AND measure_name = 'interval'");
  }

  private void writeRunOf(String runId, String agent) throws IOException {
    try (ResultsSink s = store.sink(agent, SinkPolicy.defaults(), ticker, new SplittableRandom(4))) {
      s.write(TestRecords.flush(runId, "eu-west-1", agent, 0, 3));
    }
  }

  @Test
  void connectionTimesRoundTripThroughTheTableExactlyAsWritten() throws IOException {
    List<IntervalRecord> written = writeRun("agent-7", 2, 9, true);
    assertThat(written).allSatisfy(r -> assertThat(r.connections()).isNotNull());

    assertThat(store.readRun("run-1")).containsExactlyInAnyOrderElementsOf(written);
  }

  @Test
  void aTableThatNeverReceivedAConnectionMeasureIsReadWithTheColumnsItHas() throws IOException {
    List<IntervalRecord> written = writeRun("agent-8", 1, 6);

    List<IntervalRecord> read = store.readRun("run-1");

    assertThat(read).containsExactlyInAnyOrderElementsOf(written);
    assertThat(read).allSatisfy(r -> assertThat(r.connections()).isNull());
    // the first query named the connection columns and was refused; the second did not name them
    List<String> queries = aws.journal().calls("timestream", "Query").stream()
        .map(c -> json(c.body()).path("QueryString").asText("")).filter(q -> !q.isEmpty()).toList();
    assertThat(queries.get(0)).contains("\"tls_hist\"");
    assertThat(queries.stream().filter(q -> q.contains("tls_hist"))).as("one refused query named them").hasSize(1);
    assertThat(queries.subList(1, queries.size())).as("then an empty first page and the rows").hasSize(2)
        .allSatisfy(q -> assertThat(q).doesNotContain("tls_hist"));
  }

  @Test
  void aRecordWithAMissingPartIsReportedInsteadOfReturnedDamaged() throws IOException {
    List<IntervalRecord> written = writeRun("agent-6", 1, 4);
    assertThat(written.get(0).histogram().length()).isGreaterThan(2048);
    assertThat(aws.timestream().dropWhere("part", "1")).isPositive();

    assertThatThrownBy(() -> store.readRun("run-1")).isInstanceOf(IOException.class)
        .hasMessageContaining("are missing parts")
        .hasMessageContaining("read again in a few seconds");
    TimestreamResultsStore.Snapshot soFar = store.readRunSoFar("run-1", -1);
    assertThat(soFar.incomplete()).as("records left out, not returned damaged").isPositive();
    assertThat(soFar.records()).hasSize(written.size() - soFar.incomplete());
    assertThat(soFar.records()).allSatisfy((key, r) -> assertThat(key).startsWith("eu-west-1/agent-6/"));
  }

  @Test
  void readsOnlyTheIntervalsFromAGivenStartWhenAskedTo() throws IOException {
    List<IntervalRecord> written = writeRun("agent-8", 2, 5);
    long from = written.get(6).startMs();

    TimestreamResultsStore.Snapshot recent = store.readRunSoFar("run-1", from);

    assertThat(recent.records().values()).containsExactlyInAnyOrderElementsOf(
        written.stream().filter(r -> r.startMs() >= from).toList());
    assertThat(recent.records().keySet()).contains("eu-west-1/agent-8/9");
  }

  @Test
  void aStoreCreatedFromTheEnvironmentReachesTheEndpointItNames() throws IOException {
    Map<String, String> env = Map.of(TimestreamResultsStore.ENDPOINT_ENV, aws.endpoint().toString(),
        "AWS_ACCESS_KEY_ID", "AKIDTEST", "AWS_SECRET_ACCESS_KEY", "secret");
    try (TimestreamResultsStore fromEnv = TimestreamResultsStore.create("us-east-1", "constellation", "intervals", env::get)) {
      fromEnv.checkTable();
    }
    assertThat(aws.journal().calls("timestream", "DescribeTable")).hasSize(1);
  }

  @Test
  void createsTheDatabaseAndTableWithMagneticWritesAndTheManagedTagAndAcceptsThemExisting() throws IOException {
    store.ensureDatabaseAndTable(); // both exist: ConflictException, accepted

    List<Call> creates = aws.journal().calls("timestream", "CreateTable");
    assertThat(creates).hasSize(1);
    assertThat(creates.get(0).body()).contains("\"EnableMagneticStoreWrites\":true")
        .contains("\"MemoryStoreRetentionPeriodInHours\":24").contains("constellation:managed");
    assertThat(aws.resources("timestream")).extracting(r -> r.type() + " " + r.name() + " " + r.tags())
        .containsExactlyInAnyOrder("database constellation {constellation:managed=true}",
            "table intervals {constellation:managed=true}");
  }
}
