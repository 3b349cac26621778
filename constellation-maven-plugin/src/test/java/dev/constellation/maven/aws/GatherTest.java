package dev.constellation.maven.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.timestream.TimestreamResultsStore;
import dev.constellation.awsfake.FakeAws;
import dev.constellation.maven.run.RunLog;
import dev.constellation.orchestrator.RegionStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/** The bookkeeping of the incremental gather: each unit written once, late units copied at the end, bounded waits. */
class GatherTest {

  @TempDir Path dir;
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  final RunLog log = new RunLog() {
    @Override
    public void info(String line) {}

    @Override
    public void warn(String line) {
      warnings.add(line);
    }
  };

  /** A store whose units become visible at given reads; every read returns every visible unit, known or not. */
  static final class Scripted implements Gather.Source {
    final Map<String, List<IntervalRecord>> units = new LinkedHashMap<>();
    final Map<String, Integer> visibleFromRead = new LinkedHashMap<>();
    final Set<String> onlyInWholeReads = new HashSet<>();
    int reads;
    boolean lag;

    @Override
    public boolean extrasLag() {
      return lag;
    }

    Scripted unit(String key, int fromRead, IntervalRecord... records) {
      units.put(key, List.of(records));
      visibleFromRead.put(key, fromRead);
      return this;
    }

    @Override
    public List<Gather.Unit> fresh(Set<String> known, boolean whole) {
      reads++;
      List<Gather.Unit> out = new ArrayList<>();
      units.forEach((k, r) -> {
        if (visibleFromRead.get(k) <= reads && (whole || !onlyInWholeReads.contains(k))) {
          out.add(new Gather.Unit(k, r)); // known ones too: the gather must not write them again
        }
      });
      return out;
    }

    @Override
    public String describe() {
      return "scripted";
    }

    @Override
    public String reportCommand() {
      return "none";
    }
  }

  static IntervalRecord http(String region, String agent, long start, long count) {
    return new IntervalRecord(IntervalRecord.FORMAT_VERSION, "run-1", region, agent, "S", "GET /", IntervalRecord.KIND_HTTP,
        start, 1000, count, 0, Map.of("200", count), Map.of(), 10 * count, IntervalRecord.encode(IntervalRecord.newHistogram()));
  }

  static Map<String, RegionStatus> reported(String region, long requests) {
    return Map.of(region, new RegionStatus(1, 1, 1, Map.of("requests", requests, "iterations", 0L)));
  }

  private List<IntervalRecord> local() throws IOException {
    return new LocalDirectoryStore(dir).readRun("run-1");
  }

  @Test
  void eachPollAppendsOnlyWhatArrivedSinceTheLastOneAndNothingTwice() throws Exception {
    Scripted store = new Scripted()
        .unit("a/0", 1, http("eu-west-1", "a", 1000, 5))
        .unit("a/1", 2, http("eu-west-1", "a", 2000, 7), http("eu-west-1", "a", 2000, 1))
        .unit("b/0", 3, http("eu-west-1", "b", 1000, 3));
    Gather gather = new Gather(store, dir, log);

    assertThat(gather.poll()).hasSize(1);
    assertThat(local()).extracting(IntervalRecord::count).containsExactly(5L);
    assertThat(gather.poll()).hasSize(2);
    assertThat(gather.poll()).hasSize(1);
    assertThat(gather.poll()).isEmpty();

    assertThat(local()).extracting(IntervalRecord::count).containsExactlyInAnyOrder(5L, 7L, 1L, 3L);
    assertThat(Files.readAllLines(dir.resolve("a.jsonl"))).hasSize(3);
    assertThat(gather.finish(reported("eu-west-1", 16), 0, 0, () -> 0)).isEqualTo(4);
    assertThat(local()).as("the final read writes nothing copied before").hasSize(4);
    assertThat(warnings).isEmpty();
  }

  @Test
  void aUnitThatAppearsOnlyAfterTheRunIsCopiedByTheFinalReadsUntilTheTotalsAddUp() throws Exception {
    Scripted store = new Scripted()
        .unit("a/0", 1, http("us-east-2", "a", 1000, 5))
        .unit("a/1", 4, http("us-east-2", "a", 2000, 9)); // listed late, on the second final read
    Gather gather = new Gather(store, dir, log);
    gather.poll();
    AtomicLong clock = new AtomicLong();

    long copied = gather.finish(reported("us-east-2", 14), 10_000, 100, () -> clock.addAndGet(100));

    assertThat(copied).isEqualTo(2);
    assertThat(local()).extracting(IntervalRecord::count).containsExactlyInAnyOrder(5L, 9L);
    assertThat(store.reads).as("one poll and final reads until the totals add up").isEqualTo(4);
    assertThat(warnings).isEmpty();
  }

  @Test
  void aRecentOnlyPollMissesAnOldLateUnitAndTheWholeReadAtTheEndCopiesItOnce() throws Exception {
    Scripted store = new Scripted()
        .unit("a/0", 1, http("us-east-2", "a", 1000, 5))
        .unit("a/9", 1, http("us-east-2", "a", 500, 2));
    store.onlyInWholeReads.add("a/9");
    Gather gather = new Gather(store, dir, log);
    assertThat(gather.poll()).hasSize(1);

    AtomicLong clock = new AtomicLong();
    gather.finish(reported("us-east-2", 7), 1_000, 10, () -> clock.addAndGet(100));

    assertThat(local()).extracting(IntervalRecord::count).containsExactlyInAnyOrder(5L, 2L);
  }

  @Test
  void recordsThatNeverAddUpAreWaitedForOnlyWithinTheBudgetAndNamed() throws Exception {
    Scripted store = new Scripted().unit("a/0", 1, http("eu-west-1", "a", 1000, 5));
    Gather gather = new Gather(store, dir, log);
    AtomicLong clock = new AtomicLong();

    gather.finish(reported("eu-west-1", 6), 1_000, 100, () -> clock.addAndGet(100));

    assertThat(store.reads).isBetween(9, 11);
    assertThat(warnings).singleElement().asString()
        .contains("do not add up to what the agents reported")
        .contains("eu-west-1: 5 of 6 requests, 0 of 0 iterations");
    assertThat(local()).hasSize(1);
  }

  @Test
  void aRegionWhoseAgentsDidNotAllReportIsNotWaitedFor() {
    Gather gather = new Gather(new Scripted(), dir, log);
    assertThat(gather.shortfall(Map.of("eu-west-1", new RegionStatus(2, 2, 1, Map.of("requests", 10L))))).isEmpty();
    assertThat(gather.shortfall(Map.of("eu-west-1", new RegionStatus(1, 1, 1, Map.of("requests", 10L)))))
        .containsExactly("eu-west-1: 0 of 10 requests, 0 of 0 iterations");
  }

  @Test
  void timestreamRowsVisibleOnlyAfterADelayArriveOnceThroughPollsAndTheFinalReads() throws Exception {
    try (FakeAws aws = FakeAws.start()) {
      aws.timestream().customer(true).queryPageSize(7);
      URI endpoint = aws.endpoint();
      try (TimestreamWriteClient write = TimestreamWriteClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
              .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
              .httpClient(UrlConnectionHttpClient.create()).build();
          TimestreamQueryClient query = TimestreamQueryClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
              .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
              .httpClient(UrlConnectionHttpClient.create()).build();
          TimestreamResultsStore store = new TimestreamResultsStore(write, query, "constellation", "intervals")) {
        store.ensureDatabaseAndTable();
        List<IntervalRecord> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          first.add(http("us-east-1", "a", 1_790_000_000_000L + 1000L * i, i + 1));
        }
        first.add(http("us-east-1", "a", 1_790_000_004_000L, 100)); // two records of one second: seq keeps them apart
        try (ResultsSink sink = store.sink("a", SinkPolicy.defaults())) {
          sink.write(first);
          Gather gather = new Gather(new Gather.TimestreamSource(store, "us-east-1", "run-1"), dir, log);
          assertThat(gather.poll()).hasSize(6);
          aws.timestream().visibilityDelay(Duration.ofMillis(1500));
          sink.write(List.of(http("us-east-1", "a", 1_790_000_005_000L, 40)));
          assertThat(gather.poll()).as("not visible yet").isEmpty();
          store.putAgentResult("run-1", "us-east-1", "a", "{\"agentId\":\"a\",\"startSkewMs\":3}", 1_790_000_010_000L);
          long copied = gather.finish(reported("us-east-1", 15 + 100 + 40), 20_000, 200, System::currentTimeMillis);
          assertThat(copied).isEqualTo(7);
          assertThat(dir.resolve("a.result.json")).hasContent("{\"agentId\":\"a\",\"startSkewMs\":3}");
        }
        assertThat(local()).extracting(IntervalRecord::count).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 100L, 40L);
        assertThat(warnings).isEmpty();
      }
    }
  }

  @Test
  void eachAgentsTimestreamFactsRowBecomesItsResultFileEvenWhenVisibleOnlyAfterTheRecords() throws Exception {
    try (FakeAws aws = FakeAws.start()) {
      aws.timestream().customer(true);
      URI endpoint = aws.endpoint();
      try (TimestreamWriteClient write = TimestreamWriteClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
              .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
              .httpClient(UrlConnectionHttpClient.create()).build();
          TimestreamQueryClient query = TimestreamQueryClient.builder().region(Region.US_EAST_1).endpointOverride(endpoint)
              .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
              .httpClient(UrlConnectionHttpClient.create()).build();
          TimestreamResultsStore store = new TimestreamResultsStore(write, query, "constellation", "intervals")) {
        store.ensureDatabaseAndTable();
        for (String agent : List.of("eu-west-1-0", "eu-west-1-1")) {
          try (ResultsSink sink = store.sink(agent, SinkPolicy.defaults())) {
            sink.write(List.of(http("eu-west-1", agent, 1_790_000_000_000L, 10)));
          }
        }
        // a facts row longer than one 2 KB Timestream record travels in parts and is joined back byte for byte
        String long0 = "{\"agentId\":\"eu-west-1-0\",\"startSkewMs\":41,\"clockOffsetMs\":-7,\"note\":\"" + "x".repeat(3000) + "\"}";
        store.putAgentResult("run-1", "eu-west-1", "eu-west-1-0", long0, 1_790_000_020_000L);
        aws.timestream().visibilityDelay(Duration.ofMillis(1200)); // the second agent's row is visible only after the records add up
        store.putAgentResult("run-1", "eu-west-1", "eu-west-1-1", "{\"agentId\":\"eu-west-1-1\",\"startSkewMs\":2}", 1_790_000_021_000L);
        Gather gather = new Gather(new Gather.TimestreamSource(store, "us-east-1", "run-1"), dir, log);

        gather.finish(Map.of("eu-west-1", new RegionStatus(2, 2, 2, Map.of("requests", 20L, "iterations", 0L))), 20_000, 100,
            System::currentTimeMillis);

        assertThat(dir.resolve("eu-west-1-0.result.json")).hasContent(long0);
        assertThat(dir.resolve("eu-west-1-1.result.json")).hasContent("{\"agentId\":\"eu-west-1-1\",\"startSkewMs\":2}");
        assertThat(warnings).isEmpty();
        assertThat(dev.constellation.maven.local.AgentResults.read(dir, "eu-west-1-0")).containsEntry("startSkewMs", 41L);
      }
    }
  }

  @Test
  void anAgentThatLeftNoFactsRowIsWaitedForBrieflyThenNamed() throws Exception {
    Scripted store = new Scripted().unit("a/0", 1, http("eu-west-1", "a", 1000, 5));
    store.lag = true;
    Gather gather = new Gather(store, dir, log);
    AtomicLong clock = new AtomicLong();

    gather.finish(reported("eu-west-1", 5), 60_000, 100, () -> clock.addAndGet(100));

    assertThat(clock.get()).as("bounded by EXTRAS_BUDGET_MS, not by the gather's budget").isLessThan(Gather.EXTRAS_BUDGET_MS + 1_000);
    assertThat(warnings).singleElement().asString().startsWith("no facts (start skew, clock offset, generator health) of a in scripted");
  }
}
