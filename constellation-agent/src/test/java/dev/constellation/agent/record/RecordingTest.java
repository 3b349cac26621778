package dev.constellation.agent.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RecordingTest {

  private static Map<String, IntervalRecord> byKindAndName(List<IntervalRecord> records) {
    return records.stream().collect(Collectors.toMap(r -> r.kind() + " " + r.script() + " " + r.name(), Function.identity()));
  }

  @Test
  void everyKindIsDrainedOnceAsARecordOfTheRunRegionAgentAndInterval() {
    Recording recording = new Recording("run-7", "eu-west-1", "eu-west-1-2", 10);
    recording.http("Shop", "GET /").recordResponse(1_000, 200, 5);
    recording.retries("Shop", "GET /").recordFailure(300, "connection_closed");
    recording.iterations("Shop").recordSuccess(2_000);
    recording.schedule("Shop").recordDropped();
    recording.teardowns("Shop").recordFailure(0, "IllegalStateException");
    recording.group("Shop", "checkout").recordSuccess(1_500);
    recording.check("Shop", "has items").recordCheck(true, null);
    recording.counter("Shop", "orders").add(3);
    recording.trend("Shop", "depth").recordValue(7);
    recording.feeder("Shop", "users").add(1);
    List<IntervalRecord> out = recording.drain(1_795_780_800_000L, 1_000);
    Map<String, IntervalRecord> all = byKindAndName(out);
    assertThat(all.keySet()).containsExactlyInAnyOrder("http Shop GET /", "retry Shop GET /", "iteration Shop Shop",
        "schedule Shop Shop", "teardown Shop Shop", "group Shop checkout", "check Shop has items", "counter Shop orders",
        "trend Shop depth", "feeder Shop users");
    assertThat(out).allSatisfy(r -> {
      assertThat(r.runId()).isEqualTo("run-7");
      assertThat(r.region()).isEqualTo("eu-west-1");
      assertThat(r.agentId()).isEqualTo("eu-west-1-2");
      assertThat(r.startMs()).isEqualTo(1_795_780_800_000L);
      assertThat(r.lengthMs()).isEqualTo(1_000);
      assertThat(r.version()).isEqualTo(IntervalRecord.FORMAT_VERSION);
    });
    assertThat(all.get("retry Shop GET /").errors()).isEqualTo(Map.of("connection_closed", 1L));
    assertThat(all.get("schedule Shop Shop").failures()).isEqualTo(1);
    assertThat(all.get("counter Shop orders").count()).isEqualTo(3);
    assertThat(recording.drain(0, 1_000)).as("drained once").isEmpty();
  }

  @Test
  void aRecorderIsMadeOncePerScriptAndName() {
    Recording recording = new Recording("r", "local", "local-0", 10);
    assertThat(recording.http("A", "GET /")).isSameAs(recording.http("A", "GET /")).isNotSameAs(recording.http("B", "GET /"));
    assertThat(recording.retries("A", "GET /")).isSameAs(recording.retries("A", "GET /")).isNotSameAs(recording.http("A", "GET /"));
    assertThat(recording.iterations("A")).isSameAs(recording.iterations("A")).isNotSameAs(recording.iterations("B"));
    assertThat(recording.schedule("A")).isSameAs(recording.schedule("A"));
    assertThat(recording.teardowns("A")).isSameAs(recording.teardowns("A"));
    assertThat(recording.group("A", "g")).isSameAs(recording.group("A", "g")).isNotSameAs(recording.group("B", "g"));
    assertThat(recording.check("A", "g")).isSameAs(recording.check("A", "g")).isNotSameAs(recording.group("A", "g"));
    assertThat(recording.counter("A", "g")).isSameAs(recording.counter("A", "g"));
    assertThat(recording.trend("A", "g")).isSameAs(recording.trend("A", "g"));
    assertThat(recording.feeder("A", "g")).isSameAs(recording.feeder("A", "g"));
    assertThat(recording.http("A", "GET /x").name()).isEqualTo("GET /x");
  }

  @Test
  void requestNamesPastTheLimitAreRecordedAsOtherNamesOverEveryScript() {
    Recording recording = new Recording("r", "local", "local-0", 2);
    MetricRecorder a = recording.http("A", "GET /1");
    recording.http("A", "GET /1");
    recording.http("B", "GET /2");
    MetricRecorder third = recording.http("A", "GET /3");
    MetricRecorder fourth = recording.http("B", "GET /4");
    assertThat(recording.http("A", "GET /1")).isSameAs(a);
    assertThat(third.name()).isEqualTo(Recording.OVERFLOW_NAME);
    assertThat(fourth.name()).isEqualTo(Recording.OVERFLOW_NAME);
    assertThat(recording.http("A", "GET /5")).isSameAs(third);
    assertThat(fourth).isNotSameAs(third);
    third.recordResponse(1_000, 200, 0);
    recording.http("A", "GET /6").recordResponse(1_000, 200, 0);
    Map<String, IntervalRecord> all = byKindAndName(recording.drain(0, 1_000));
    assertThat(all.keySet()).containsExactly("http A " + Recording.OVERFLOW_NAME);
    assertThat(all.get("http A " + Recording.OVERFLOW_NAME).count()).isEqualTo(2);
    assertThat(all.get("http A " + Recording.OVERFLOW_NAME).kind()).isEqualTo(IntervalRecord.KIND_HTTP);
  }

  @Test
  void groupsChecksCountersTrendsAndFeedersAreBoundedPerKind() {
    Recording recording = new Recording("r", "local", "local-0", 2);
    recording.http("A", "GET /1");
    recording.http("A", "GET /2");
    assertThat(recording.group("A", "g1").name()).isEqualTo("g1");
    assertThat(recording.group("B", "g2").name()).isEqualTo("g2");
    assertThat(recording.group("A", "g3").name()).isEqualTo(Recording.OVERFLOW_NAME);
    assertThat(recording.group("A", "g4")).isSameAs(recording.group("A", "g3"));
    assertThat(recording.group("A", "g1").name()).isEqualTo("g1");
    assertThat(recording.check("A", "c1").name()).isEqualTo("c1");
    assertThat(recording.check("A", "c2").name()).isEqualTo("c2");
    assertThat(recording.check("A", "c3").name()).isEqualTo(Recording.OVERFLOW_NAME);
    assertThat(recording.counter("A", "n1").name()).isEqualTo("n1");
    assertThat(recording.trend("A", "t1").name()).isEqualTo("t1");
    assertThat(recording.feeder("A", "f1").name()).isEqualTo("f1");
    recording.group("A", "g5").recordSuccess(10);
    recording.check("A", "c4").recordCheck(false, null);
    Map<String, IntervalRecord> all = byKindAndName(recording.drain(0, 1_000));
    assertThat(all.keySet()).containsExactlyInAnyOrder("group A " + Recording.OVERFLOW_NAME, "check A " + Recording.OVERFLOW_NAME);
    assertThat(all.get("check A " + Recording.OVERFLOW_NAME).failures()).isEqualTo(1);
  }

  @Test
  void serviceAndConnectionTimesAreKeptForRequestNamesOnlyIncludingOtherNames() {
    Recording recording = new Recording("r", "local", "local-0", 1, true, true);
    recording.http("A", "GET /1").recordResponse(2_000, 1_500, 200, 0, 300, -1, false);
    recording.http("A", "GET /2").recordResponse(2_000, 1_500, 200, 0, 400, -1, false);
    recording.iterations("A").recordFailure(3_000, 2_500, "x", null, 500, -1, false);
    recording.retries("A", "GET /1").recordFailure(3_000, 2_500, "connection_closed", null, 600, -1, false);
    Map<String, IntervalRecord> all = byKindAndName(recording.drain(0, 1_000));
    assertThat(all.keySet()).containsExactlyInAnyOrder("http A GET /1", "service A GET /1", "http A " + Recording.OVERFLOW_NAME,
        "service A " + Recording.OVERFLOW_NAME, "iteration A A", "retry A GET /1");
    assertThat(all.get("http A GET /1").connections().opened()).isEqualTo(1);
    assertThat(all.get("http A " + Recording.OVERFLOW_NAME).connections().opened()).isEqualTo(1);
    assertThat(all.get("iteration A A").connections()).isNull();
    assertThat(all.get("retry A GET /1").connections()).isNull();

    Recording closed = new Recording("r", "local", "local-0", 1);
    closed.http("A", "GET /1").recordResponse(2_000, 1_500, 200, 0, 300, -1, false);
    closed.http("A", "GET /2").recordResponse(2_000, 1_500, 200, 0, 300, -1, false);
    Map<String, IntervalRecord> plain = byKindAndName(closed.drain(0, 1_000));
    assertThat(plain.keySet()).containsExactlyInAnyOrder("http A GET /1", "http A " + Recording.OVERFLOW_NAME);
    assertThat(plain.values()).allSatisfy(r -> assertThat(r.connections()).isNull());
    Recording serviceOnly = new Recording("r", "local", "local-0", 5, true);
    serviceOnly.http("A", "GET /1").recordResponse(2_000, 1_500, 200, 0, 300, -1, false);
    Map<String, IntervalRecord> open = byKindAndName(serviceOnly.drain(0, 1_000));
    assertThat(open.keySet()).containsExactlyInAnyOrder("http A GET /1", "service A GET /1");
    assertThat(open.get("http A GET /1").connections()).isNull();
  }

  @Test
  void theFirstRequestIsTheFirstOneAfterTheStartAndIsKept() throws Exception {
    Recording recording = new Recording("r", "local", "local-0", 10);
    assertThat(recording.firstRequestAt()).isEqualTo(-1);
    recording.requestStarting();
    assertThat(recording.firstRequestAt()).as("a setup request before the start").isEqualTo(-1);
    long before = System.currentTimeMillis();
    recording.started();
    recording.requestStarting();
    long after = System.currentTimeMillis();
    long first = recording.firstRequestAt();
    assertThat(first).isBetween(before, after);
    Thread.sleep(20);
    recording.requestStarting();
    assertThat(recording.firstRequestAt()).isEqualTo(first);
  }
  @Test
  void theFirstNamePastTheLimitWarnsOncePerKindNamingTheLimitAndTheName() {
    List<String> warnings = new ArrayList<>();
    Recording recording = new Recording("r", "local", "local-0", 1, false, false, warnings::add);
    recording.http("A", "GET /1");
    recording.group("A", "g1");
    recording.check("A", "c1");
    assertThat(warnings).isEmpty();
    recording.http("A", "GET /2");
    recording.http("B", "GET /3");
    recording.group("A", "g2");
    recording.group("A", "g3");
    recording.check("A", "c2");
    recording.counter("A", "n1");
    recording.counter("A", "n2");
    assertThat(warnings).containsExactly(
        "more than 1 distinct request names (the latest: \"GET /2\"); further names are recorded as \"(other names)\". "
            + "Give requests with ids in their URL a fixed name with Request.name(...)",
        "more than 1 distinct group names (the latest: \"g2\"); further names are recorded as \"(other names)\"",
        "more than 1 distinct check names (the latest: \"c2\"); further names are recorded as \"(other names)\"",
        "more than 1 distinct counter names (the latest: \"n2\"); further names are recorded as \"(other names)\"");
  }
}
