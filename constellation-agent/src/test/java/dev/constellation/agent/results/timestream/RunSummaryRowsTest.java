package dev.constellation.agent.results.timestream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.reliable.TestRecords;
import dev.constellation.awsfake.FakeAws;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.ValidationException;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/**
 * Run summary rows in the Timestream table (FakeAws's Timestream): written at a run's start and replaced at its end
 * (a higher Version), listed newest first page by page, read back with their texts joined across parts, and the
 * fake's SQL subset (ORDER BY, MaxRows) that the list uses, with what it refuses.
 */
class RunSummaryRowsTest {

  private FakeAws aws;
  private TimestreamWriteClient write;
  private TimestreamQueryClient query;
  private TimestreamResultsStore store;

  @BeforeEach
  void start() throws IOException {
    aws = FakeAws.start();
    aws.timestream().customer(true);
    write = TimestreamWriteClient.builder().region(Region.US_EAST_1).endpointOverride(aws.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
    query = TimestreamResultsStoreTest.queryClient(aws.endpoint());
    store = new TimestreamResultsStore(write, query, "constellation", "intervals");
    store.ensureDatabaseAndTable();
  }

  @AfterEach
  void stop() {
    write.close();
    query.close();
    aws.close();
  }

  private static RunSummary finished(String id, long start, long requests, long p95, String facts) {
    return new RunSummary(id, start, "completed", 30_000, 30_000, requests % 2 == 0, requests, requests / 10, p95, 50, 2,
        List.of("eu-west-1", "us-east-2"), facts, "[\"p(95) < 300ms\",\"error_rate < 1%\"]");
  }

  @Test
  void theEndsRowReplacesTheStartsAndTheListIsNewestFirstWithEveryNumber() throws IOException {
    long t0 = 1_795_780_800_000L;
    RunSummary running = new RunSummary("r-1", t0, RunSummary.RUNNING, 0, 60_000, false, 0, 0, -1, 50, 2,
        List.of("eu-west-1", "us-east-2"), "{\"runId\":\"r-1\",\"status\":\"running\"}", "[]");
    store.putRunSummary(running, 1000);
    assertThat(store.listRunSummaries(50, 20, id -> false).runs()).containsExactly(withoutTexts(running));
    RunSummary done = new RunSummary("r-1", t0, "completed", 60_000, 60_000, true, 1234, 5, 21_503, 50, 2,
        List.of("eu-west-1", "us-east-2"), "{\"runId\":\"r-1\",\"status\":\"completed\"}", "[\"p(95) < 300ms\"]");
    store.putRunSummary(done, 2000);
    store.putRunSummary(done, 2000); // a resent identical write is accepted again
    assertThatThrownBy(() -> store.putRunSummary(running, 1500)).as("an older version with other values is refused")
        .isInstanceOf(IOException.class).hasMessageContaining("refused the summary row of run r-1")
        .hasMessageContaining("different measure values");
    store.putRunSummary(finished("r-0", t0 - 3_600_000, 10, 1_000, "{}"), 5);
    store.putRunSummary(finished("r-2", t0 + 3_600_000, 20, 2_000, "{}"), 5);

    TimestreamResultsStore.RunList list = store.listRunSummaries(50, 20, id -> false);
    assertThat(list.runs()).extracting(RunSummary::runId).containsExactly("r-2", "r-1", "r-0");
    assertThat(list.runs().get(1)).isEqualTo(withoutTexts(done));
    assertThat(list.more()).isFalse();
    assertThat(store.readRunSummary("r-1")).contains(done);
    assertThat(store.readRunSummary("r-9")).isEmpty();
  }

  private static RunSummary withoutTexts(RunSummary s) {
    return new RunSummary(s.runId(), s.startMs(), s.status(), s.durationMs(), s.plannedDurationMs(), s.passed(), s.requests(),
        s.failures(), s.p95Micros(), s.vus(), s.agents(), s.regions(), "", "");
  }

  @Test
  void theListIsReadPageByPageAndSaysWhenThereAreMore() throws IOException {
    long t0 = 1_795_780_800_000L;
    for (int i = 0; i < 7; i++) {
      store.putRunSummary(finished("r-" + i, t0 + i * 60_000L, 100 + i, 1_000, "{}"), 1);
    }
    aws.journal().clear();
    TimestreamResultsStore.RunList three = store.listRunSummaries(3, 20, id -> id.equals("r-5"));
    assertThat(three.runs()).extracting(RunSummary::runId).as("newest first, a skipped run not counted").containsExactly("r-6", "r-4", "r-3");
    assertThat(three.more()).isTrue();
    List<String> bodies = aws.journal().calls("timestream", "Query").stream().map(c -> c.body()).toList();
    assertThat(bodies).allMatch(b -> b.contains("\"MaxRows\":3"));
    assertThat(bodies).as("an empty first page, then pages of at most 3 rows").hasSize(3);
    TimestreamResultsStore.RunList all = store.listRunSummaries(10, 20, id -> false);
    assertThat(all.runs()).hasSize(7);
    assertThat(all.more()).isFalse();
    assertThat(store.listRunSummaries(3, 1, id -> false).runs()).as("one page at most: the empty first page").isEmpty();
  }

  @Test
  void longFactsContinueInMorePartsAndAreJoinedBack() throws IOException {
    StringBuilder facts = new StringBuilder("{\"regions\":{");
    for (int i = 0; i < 60; i++) {
      facts.append(i == 0 ? "" : ",").append("\"region-").append(i).append("\":{\"agents\":3,\"vus\":150,\"startSkewMs\":12}");
    }
    String text = facts.append("}}").toString();
    RunSummary s = finished("r-long", 1_795_780_800_000L, 10, 1_000, text);
    List<software.amazon.awssdk.services.timestreamwrite.model.Record> records = RunRows.encode(s, 1, TimestreamSchema.MAX_RECORD_BYTES);
    assertThat(records.size()).as("%d bytes of facts", text.length()).isGreaterThanOrEqualTo(2);
    assertThat(RunRows.columnsOf(records.get(0))).containsKeys("run_status", "run_requests", "run_p95_us", "run_regions", "parts");
    store.putRunSummary(s, 1);
    assertThat(store.readRunSummary("r-long")).contains(s);
    aws.timestream().dropWhere("part", "1");
    assertThat(store.readRunSummary("r-long")).as("a part not visible: no summary rather than a damaged one").isEmpty();
  }

  @Test
  void aTableWithIntervalRowsButNoSummaryRowListsNothing() throws IOException {
    try (ResultsSink sink = store.sink("eu-west-1-0", SinkPolicy.defaults())) {
      sink.write(TestRecords.flush("r-crashed", "eu-west-1", "eu-west-1-0", 0, 3));
    }
    assertThat(store.listRunSummaries(50, 20, id -> false)).isEqualTo(new TimestreamResultsStore.RunList(List.of(), false));
    assertThat(store.readRunSummary("r-crashed")).isEmpty();
  }

  @Test
  void theFakeRefusesSqlItDoesNotModelAndColumnsTheTableLacks() throws IOException {
    store.putRunSummary(finished("r-1", 1_795_780_800_000L, 10, 1_000, "{}"), 1);
    for (String sql : List.of(
        "SELECT \"run\" FROM \"constellation\".\"intervals\" WHERE measure_name = 'run' ORDER BY \"run_vus\" + 1 DESC",
        "SELECT \"run\" FROM \"constellation\".\"intervals\" WHERE measure_name = 'run' ORDER BY \"no_such\"",
        "SELECT \"run\" FROM \"constellation\".\"intervals\" WHERE measure_name = 'run' LIMIT 5",
        "SELECT \"no_such\" FROM \"constellation\".\"intervals\" WHERE measure_name = 'run'")) {
      assertThatThrownBy(() -> query.query(b -> b.queryString(sql))).as(sql).isInstanceOf(ValidationException.class);
    }
    assertThatThrownBy(() -> query.query(b -> b.queryString(RunRows.listQuery("constellation", "intervals")).maxRows(1001)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("maxRows");
    Map<String, String> row = RunRows.columnsOf(RunRows.encode(finished("r-1", 1, 10, 1_000, "{}"), 1, 2048).get(0));
    assertThat(row).containsEntry("run_passed", "true").containsEntry("run_regions", "eu-west-1,us-east-2");
  }

  @Test
  void agentFactsRowsRoundTripAcrossPartsAndAPartNotVisibleLeavesTheAgentOut() throws IOException {
    assertThat(store.readAgentResults("r-1")).as("a table no facts row was written to").isEmpty();
    String big = "{\"agentId\":\"eu-west-1-0\",\"note\":\"" + "é".repeat(1500) + "\"}";
    store.putAgentResult("r-1", "eu-west-1", "eu-west-1-0", big, 1_795_780_900_000L);
    store.putAgentResult("r-1", "eu-west-1", "eu-west-1-0", big, 1_795_780_900_000L); // resent: accepted, not doubled
    store.putAgentResult("r-1", "us-east-2", "us-east-2-0", "{\"agentId\":\"us-east-2-0\",\"startSkewMs\":4}", 1_795_780_900_000L);
    store.putAgentResult("r-2", "us-east-2", "us-east-2-0", "{}", 1_795_780_900_000L);
    assertThat(store.readAgentResults("r-1")).containsExactly(Map.entry("eu-west-1/eu-west-1-0", big),
        Map.entry("us-east-2/us-east-2-0", "{\"agentId\":\"us-east-2-0\",\"startSkewMs\":4}"));
    aws.timestream().dropWhere("part", "1");
    assertThat(store.readAgentResults("r-1")).containsOnlyKeys("us-east-2/us-east-2-0");
  }
}
