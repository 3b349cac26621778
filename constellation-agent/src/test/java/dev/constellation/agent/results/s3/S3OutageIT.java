package dev.constellation.agent.results.s3;

import dev.constellation.testservices.S3rver;
import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.reliable.TestRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 goes away in the middle of a run (s3rver stopped, then restarted on the same port and directory)
 * while the agent keeps flushing every second: nothing is lost and nothing is stored twice.
 */
class S3OutageIT {

  @TempDir
  Path tmp;

  @Test
  void anOutageOfSeveralSecondsLosesNoRecord() throws Exception {
    survives(Duration.ofSeconds(6));
  }

  /** The full 60-second outage; takes about 70 s, so it runs only with -Dconstellation.it.longOutage=true. */
  @Test
  @EnabledIfSystemProperty(named = "constellation.it.longOutage", matches = "true")
  void aSixtySecondOutageLosesNoRecord() throws Exception {
    survives(Duration.ofSeconds(60));
  }

  private void survives(Duration outage) throws Exception {
    try (S3rver server = S3rver.start(tmp.resolve("s3")); S3Client s3 = server.client()) {
      S3ResultsStore store = new S3ResultsStore(s3, "results", false, 4, 1000);
      store.ensureBucket("us-east-1");
      SinkPolicy policy = SinkPolicy.defaults().withWriteBudget(Duration.ofMillis(500))
          .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
      List<IntervalRecord> written = new ArrayList<>();
      int flush = 0;
      long wroteDuringOutage;
      try (ResultsSink sink = store.sink("run-1", "eu-west-1", "agent-1", policy)) {
        for (; flush < 3; flush++) {
          written.addAll(write(sink, flush));
        }
        server.stop();
        long until = System.nanoTime() + outage.toNanos();
        int before = flush;
        while (System.nanoTime() < until) {
          written.addAll(write(sink, flush++));
          Thread.sleep(500);
        }
        wroteDuringOutage = flush - before;
        server.start();
        for (int i = 0; i < 2; i++) {
          written.addAll(write(sink, flush++));
        }
      }
      assertThat(wroteDuringOutage).isGreaterThanOrEqualTo(outage.toSeconds() / 2);
      List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket("results")).contents().stream().map(S3Object::key).toList();
      assertThat(keys).hasSize(flush);
      assertThat(store.readRun("run-1")).hasSize(written.size()).containsExactlyInAnyOrderElementsOf(written);
    }
  }

  private static List<IntervalRecord> write(ResultsSink sink, int flush) throws IOException {
    List<IntervalRecord> records = TestRecords.flush("run-1", "eu-west-1", "agent-1", flush, 5);
    sink.write(records);
    return records;
  }
}
