package dev.constellation.agent.results.s3;

import dev.constellation.testservices.S3rver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.reliable.TestRecords;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3ResultsStoreIT {

  @TempDir
  Path tmp;
  private S3rver server;
  private S3Client s3;
  private S3ResultsStore store;

  @BeforeEach
  void start() throws IOException {
    server = S3rver.start(tmp.resolve("s3"));
    s3 = server.client();
    store = new S3ResultsStore(s3, "constellation-results", false, 4, 4); // small pages: listing must paginate
    store.ensureBucket("us-east-1");
  }

  @AfterEach
  void stop() {
    s3.close();
    server.close();
  }

  private List<String> keys() {
    return s3.listObjectsV2Paginator(b -> b.bucket("constellation-results")).contents().stream().map(S3Object::key).toList();
  }

  @Test
  void keepsEachAgentsResultBesideItsRecordsAndReadsThemPerAgentWhileRecordReadersSkipThem() throws IOException {
    for (int i = 0; i < 5; i++) { // more than a listing page (4)
      store.putAgentObject("run-a", "eu-west-1", "eu-west-1-" + i, S3ResultsStore.AGENT_OBJECT, "{\"agentIndex\":" + i + "}");
      store.putAgentObject("run-a", "eu-west-1", "eu-west-1-" + i, S3ResultsStore.RESULT_OBJECT, "{\"requests\":" + i + "}");
    }
    store.putAgentObject("run-b", "eu-west-1", "eu-west-1-0", S3ResultsStore.RESULT_OBJECT, "{\"requests\":99}");
    assertThat(keys()).contains("runs/run-a/eu-west-1/eu-west-1-3/result.json", "runs/run-a/eu-west-1/eu-west-1-3/agent.json");
    assertThat(store.readAgentResults("run-a")).containsExactly(
        Map.entry("eu-west-1/eu-west-1-0", "{\"requests\":0}"), Map.entry("eu-west-1/eu-west-1-1", "{\"requests\":1}"),
        Map.entry("eu-west-1/eu-west-1-2", "{\"requests\":2}"), Map.entry("eu-west-1/eu-west-1-3", "{\"requests\":3}"),
        Map.entry("eu-west-1/eu-west-1-4", "{\"requests\":4}"));
    assertThat(store.readRun("run-a")).isEmpty();
  }

  @Test
  void aMissingBucketIsReportedWithS3sErrorCode() {
    S3ResultsStore missing = new S3ResultsStore(s3, "no-such-bucket");
    assertThatThrownBy(() -> missing.putAgentObject("r", "eu-west-1", "a", S3ResultsStore.AGENT_OBJECT, "{}"))
        .isInstanceOfSatisfying(S3ResultsStore.StoreException.class, e -> assertThat(e.code()).isEqualTo("NoSuchBucket"))
        .hasMessageStartingWith("cannot write s3://no-such-bucket/runs/r/eu-west-1/a/agent.json: ");
  }

  @Test
  void writesOneGzipJsonLinesObjectPerFlushAndReadsTheRunBackExactly() throws IOException {
    List<IntervalRecord> written = new ArrayList<>();
    for (int agent = 0; agent < 3; agent++) {
      try (ResultsSink sink = store.sink("run-1", "eu-west-1", "agent-" + agent, SinkPolicy.defaults())) {
        for (int flush = 0; flush < 4; flush++) {
          List<IntervalRecord> records = TestRecords.flush("run-1", "eu-west-1", "agent-" + agent, flush, 6);
          written.addAll(records);
          sink.write(records);
        }
        sink.write(List.of()); // an empty flush writes no object
      }
    }
    try (ResultsSink other = store.sink("run-2", "us-east-1", "agent-0", SinkPolicy.defaults())) {
      other.write(TestRecords.flush("run-2", "us-east-1", "agent-0", 0, 3));
    }

    assertThat(keys()).hasSize(13).contains(
        "runs/run-1/eu-west-1/agent-0/00000000.jsonl.gz",
        "runs/run-1/eu-west-1/agent-2/00000003.jsonl.gz",
        "runs/run-2/us-east-1/agent-0/00000000.jsonl.gz");
    byte[] object = s3.getObjectAsBytes(b -> b.bucket("constellation-results")
        .key("runs/run-1/eu-west-1/agent-1/00000002.jsonl.gz")).asByteArray();
    String text = new String(new GZIPInputStream(new ByteArrayInputStream(object)).readAllBytes(), StandardCharsets.UTF_8);
    assertThat(text.lines().map(IntervalRecordCodec::fromJsonLine).toList())
        .containsExactlyElementsOf(TestRecords.flush("run-1", "eu-west-1", "agent-1", 2, 6));

    List<IntervalRecord> read = store.readRun("run-1");
    assertThat(read).containsExactlyInAnyOrderElementsOf(written);
    assertThat(store.readRun("run-3")).isEmpty();
  }

  @Test
  void connectionTimesTravelThroughS3ExactlyAsWritten() throws IOException {
    List<IntervalRecord> written = TestRecords.flush("run-9", "eu-west-1", "agent-0", 0, 6).stream()
        .map(r -> r.withConnections(TestRecords.connections(r.count() / 4, r.startMs()))).toList();
    try (ResultsSink sink = store.sink("run-9", "eu-west-1", "agent-0", SinkPolicy.defaults())) {
      sink.write(written);
    }
    List<IntervalRecord> read = store.readRun("run-9");
    assertThat(read).containsExactlyInAnyOrderElementsOf(written);
    assertThat(read).allSatisfy(r -> assertThat(r.connections()).isNotNull());
  }

  @Test
  void aDamagedObjectIsAnErrorNamingItsKey() {
    s3.putObject(b -> b.bucket("constellation-results").key("runs/run-7/eu-west-1/agent-0/00000000.jsonl.gz"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("not gzip"));
    assertThatThrownBy(() -> store.readRun("run-7")).isInstanceOf(IOException.class)
        .hasMessageContaining("s3://constellation-results/runs/run-7/eu-west-1/agent-0/00000000.jsonl.gz is not gzip'd JSON lines");
  }

  @Test
  void creatingTheBucketAgainIsHarmless() throws IOException {
    store.ensureBucket("us-east-1");
    assertThat(s3.listBuckets().buckets()).extracting(b -> b.name()).containsExactly("constellation-results");
  }

  @Test
  void closeWhileS3IsDownNamesTheUnstoredRecordsAndKeepsThemInTheFallbackFile() throws IOException {
    SinkPolicy policy = SinkPolicy.defaults().withWriteBudget(Duration.ofMillis(300)).withCloseBudget(Duration.ofSeconds(2))
        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400)).withFallbackDir(tmp.resolve("fallback"));
    ResultsSink sink = store.sink("run-1", "eu-west-1", "agent-9", policy);
    List<IntervalRecord> stored = TestRecords.flush("run-1", "eu-west-1", "agent-9", 0, 3);
    sink.write(stored);
    server.stop();
    List<IntervalRecord> lost = TestRecords.flush("run-1", "eu-west-1", "agent-9", 1, 5);
    sink.write(lost);

    assertThatThrownBy(sink::close).isInstanceOf(IOException.class)
        .hasMessageContaining("5 interval records were not stored in s3://constellation-results/runs/run-1/eu-west-1/agent-9/")
        .hasMessageContaining("after retrying for 2 s")
        .hasMessageContaining("fallback file " + tmp.resolve("fallback").resolve("unstored-agent-9.jsonl"));
    assertThat(Files.readAllLines(tmp.resolve("fallback").resolve("unstored-agent-9.jsonl")).stream()
        .map(IntervalRecordCodec::fromJsonLine).toList()).containsExactlyElementsOf(lost);
    server.start();
    assertThat(store.readRun("run-1")).containsExactlyElementsOf(stored);
  }
}
