package dev.constellation.agent;

import dev.constellation.agent.http.HttpEngines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.http.JdkHttpEngine;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.agent.script.ScriptException;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {

  @TempDir Path dir;

  @VirtualUser(name = "get item")
  public static class GetItem {
    private Http http;

    @Iteration
    void run() {
      http.get("/items/42");
    }
  }

  @VirtualUser
  public static class Fails {
    private final Http http;

    public Fails(Http http) {
      this.http = http;
    }

    @Iteration
    void run(VuContext vu) {
      http.get("/orders/" + vu.iteration()).expectStatus(200);
    }
  }

  @VirtualUser
  public static class BrokenConstructor {
    public BrokenConstructor() {
      throw new IllegalStateException("no test data");
    }

    @Iteration
    void run() {}
  }

  @VirtualUser
  public static class Sleeper {
    @Iteration
    void run(VuContext vu) throws InterruptedException {
      Thread.sleep(60_000);
    }
  }

  private AgentConfig config(String baseUrl, int vus, Duration duration) {
    return new AgentConfig("run-1", "local", 0, 1, vus, duration, Duration.ofSeconds(5), baseUrl, List.of(), dir,
        Map.of(), Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(200), 500, "", Duration.ofMinutes(1), "", "", HttpEngines.DEFAULT);
  }

  private AgentConfig open(String baseUrl, int vus, String rate, Duration duration) {
    return new AgentConfig("run-1", "local", 0, 1, vus, duration, Duration.ofSeconds(5), baseUrl, List.of(), dir,
        Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(200), 500, "", Duration.ofMinutes(1), rate, "", HttpEngines.DEFAULT);
  }

  private AgentResult run(AgentConfig c, Class<?> script) throws Exception {
    LocalDirectoryStore store = new LocalDirectoryStore(c.resultsDir());
    try (JdkHttpEngine engine = new JdkHttpEngine(c.connectTimeout())) {
      return new Agent(c, List.of(ScriptDefinition.of(script)), engine, store.sink(c.agentId()), StartGate.immediate()).run();
    }
  }

  private List<IntervalRecord> records() throws Exception {
    return new LocalDirectoryStore(dir).readRun("run-1");
  }

  private static long sum(List<IntervalRecord> rs, String kind, java.util.function.ToLongFunction<IntervalRecord> f) {
    return rs.stream().filter(r -> r.kind().equals(kind)).mapToLong(f).sum();
  }

  @Test
  void recordsExactlyTheRequestsTheServerSaw() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 5)) {
      AgentResult result = run(config(target.url(), 8, Duration.ofMillis(1500)), GetItem.class);
      List<IntervalRecord> records = records();

      assertThat(sum(records, IntervalRecord.KIND_HTTP, IntervalRecord::count)).isEqualTo(target.requests()).isPositive();
      assertThat(result.requests()).isEqualTo(target.requests());
      assertThat(records).filteredOn(r -> r.kind().equals(IntervalRecord.KIND_HTTP)).extracting(IntervalRecord::name)
          .containsOnly("GET /items/{id}");
      assertThat(sum(records, IntervalRecord.KIND_HTTP, IntervalRecord::failures)).isZero();
      Histogram all = IntervalRecord.newHistogram();
      records.stream().filter(r -> r.kind().equals(IntervalRecord.KIND_HTTP)).forEach(r -> all.add(r.decodeHistogram()));
      assertThat(all.getTotalCount()).isEqualTo(target.requests());
      assertThat(all.getValueAtPercentile(50) / 1000.0).isBetween(5.0, 40.0);
      assertThat(records).allMatch(r -> r.region().equals("local") && r.agentId().equals("local-0") && r.runId().equals("run-1"));
      assertThat(records).as("the closed model keeps no separate service times").noneMatch(r -> r.kind().equals(IntervalRecord.KIND_SERVICE));
    }
  }

  @Test
  void countsServerErrorsAsFailedRequestsAndFailedIterations() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(500, 0)) {
      run(config(target.url(), 2, Duration.ofMillis(500)), Fails.class);
      List<IntervalRecord> records = records();

      long requests = sum(records, IntervalRecord.KIND_HTTP, IntervalRecord::count);
      assertThat(requests).isEqualTo(target.requests()).isPositive();
      assertThat(sum(records, IntervalRecord.KIND_HTTP, IntervalRecord::failures)).isEqualTo(requests);
      assertThat(statusCounts(records)).containsOnlyKeys("500");
      assertThat(iterationErrors(records)).containsOnlyKeys("AssertionError");
      long failedIterations = sum(records, IntervalRecord.KIND_ITERATION, IntervalRecord::failures);
      assertThat(records).filteredOn(r -> r.kind().equals(IntervalRecord.KIND_ITERATION)).flatExtracting(r -> r.messages().keySet())
          .containsOnly("AssertionError: GET /orders/{id}: expected status [200] but was 500");
      assertThat(records.stream().filter(r -> r.kind().equals(IntervalRecord.KIND_ITERATION))
          .mapToLong(r -> r.messages().values().stream().mapToLong(Long::longValue).sum()).sum()).isEqualTo(failedIterations).isPositive();
    }
  }

  @Test
  void countsRefusedConnectionsUnderTheirOwnTypeAndCarriesOn() throws Exception {
    AgentResult r = run(config(TestTargets.refusingUrl(), 2, Duration.ofSeconds(2)), GetItem.class);
    List<IntervalRecord> records = records();
    assertThat(errorTypes(records)).containsOnlyKeys("connection_refused");
    assertThat(iterationErrors(records)).containsOnlyKeys("connection_refused");
    // Carries on: more iterations than virtual users (a virtual user went on after a failed
    // iteration), every one of them failed and counted, and the run ends normally.
    long iterations = sum(records, IntervalRecord.KIND_ITERATION, IntervalRecord::count);
    assertThat(iterations).isGreaterThan(2);
    assertThat(sum(records, IntervalRecord.KIND_ITERATION, IntervalRecord::failures)).isEqualTo(iterations);
    assertThat(iterationErrors(records)).containsEntry("connection_refused", iterations);
    assertThat(r.interrupted()).isZero();
  }

  @Test
  void countsResetsUnderTheirOwnType() throws Exception {
    try (TestTargets.Raw target = new TestTargets.Raw(true)) {
      run(config(target.url(), 2, Duration.ofMillis(300)), GetItem.class);
      assertThat(errorTypes(records())).containsOnlyKeys("connection_reset");
    }
  }

  @Test
  void countsTimeoutsUnderTheirOwnType() throws Exception {
    try (TestTargets.Raw target = new TestTargets.Raw(false)) {
      run(config(target.url(), 2, Duration.ofMillis(600)), GetItem.class);
      assertThat(errorTypes(records())).containsOnlyKeys("timeout");
    }
  }

  @Test
  void aConstructorThatThrowsStopsTheRunBeforeLoadWithTheClassNamed() {
    assertThatThrownBy(() -> run(config("", 3, Duration.ofSeconds(1)), BrokenConstructor.class))
        .isInstanceOf(ScriptException.class)
        .hasMessageContaining("constructor of " + BrokenConstructor.class.getName())
        .hasMessageContaining("no test data");
  }

  @Test
  void interruptsIterationsThatOutliveTheGracefulStop() throws Exception {
    AgentConfig c = new AgentConfig("run-1", "local", 0, 1, 2, Duration.ofMillis(200), Duration.ofMillis(100), "", List.of(), dir,
        Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(200), 500, "", Duration.ofMinutes(1), "", "", HttpEngines.DEFAULT);
    long t0 = System.nanoTime();
    AgentResult r = run(c, Sleeper.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(r.interrupted()).isEqualTo(2);
    assertThat(iterationErrors(records())).containsEntry("interrupted", 2L);
  }

  @ParameterizedTest(name = "target answering in {0} ms")
  @ValueSource(ints = {1, 30})
  void startsIterationsAtTheScheduledRateForAFastAndASlowerTarget(int targetMillis) throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, targetMillis)) {
      run(open(target.url(), 10, "50", Duration.ofSeconds(2)), GetItem.class);
      List<IntervalRecord> records = records();
      assertThat(sum(records, IntervalRecord.KIND_ITERATION, IntervalRecord::count)).isEqualTo(100);
      assertThat(target.requests()).isEqualTo(100);
      assertThat(sum(records, IntervalRecord.KIND_SCHEDULE, IntervalRecord::failures)).as("dropped").isZero();
      assertThat(sum(records, IntervalRecord.KIND_SERVICE, IntervalRecord::count)).as("service times, one per request").isEqualTo(100);
    }
  }

  @Test
  void dropsAndCountsIterationsWhenEveryVirtualUserIsBusy() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 200)) {
      run(open(target.url(), 2, "50", Duration.ofSeconds(1)), GetItem.class);
      List<IntervalRecord> records = records();
      long started = sum(records, IntervalRecord.KIND_SCHEDULE, IntervalRecord::count);
      long dropped = sum(records, IntervalRecord.KIND_SCHEDULE, IntervalRecord::failures);
      assertThat(started + dropped).isEqualTo(50);
      assertThat(dropped).isGreaterThan(30);
      assertThat(merge(records, IntervalRecord.KIND_SCHEDULE, IntervalRecord::errors)).containsEntry("dropped", dropped);
      assertThat(target.requests()).isEqualTo(started);
    }
  }

  @Test
  void rampsTheNumberOfActiveVirtualUsersThroughTheStages() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 20)) {
      AgentConfig ramped = new AgentConfig("run-1", "local", 0, 1, 1, Duration.ofSeconds(99), Duration.ofSeconds(5), target.url(),
          List.of(), dir.resolve("ramped"), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(200), 500, "",
          Duration.ofMinutes(1), "", "1s:8,1s:8,1s:0", HttpEngines.DEFAULT);
      assertThat(ramped.vuCount()).isEqualTo(8);
      assertThat(ramped.loadDuration()).isEqualTo(Duration.ofSeconds(3));
      run(ramped, GetItem.class);
      long rampedRequests = target.requests();
      run(config(target.url(), 8, Duration.ofSeconds(3)), GetItem.class);
      long fixedRequests = target.requests() - rampedRequests;
      // 0 -> 8 VUs over 1 s, 8 for 1 s, 8 -> 0 over 1 s: two thirds of the VU-seconds of 8 VUs for 3 s.
      double share = (double) rampedRequests / fixedRequests;
      System.out.printf("stages: ramped %d, fixed %d requests, share %.2f%n", rampedRequests, fixedRequests, share);
      assertThat(share).as("ramped %d vs fixed %d requests", rampedRequests, fixedRequests).isBetween(0.5, 0.8);
      assertThat(new LocalDirectoryStore(dir.resolve("ramped")).readRun("run-1").stream()
          .filter(r -> r.kind().equals(IntervalRecord.KIND_HTTP)).mapToLong(IntervalRecord::count).sum()).isEqualTo(rampedRequests);
    }
  }

  @Test
  void splitsVirtualUsersByWeight() {
    @SuppressWarnings("unused")
    List<ScriptDefinition> two = List.of(ScriptDefinition.of(GetItem.class), ScriptDefinition.of(Fails.class));
    assertThat(Agent.split(10, two)).containsExactly(5, 5);
    assertThat(Agent.split(3, two)).containsExactly(2, 1);
  }

  private static Map<String, Long> statusCounts(List<IntervalRecord> rs) {
    return merge(rs, IntervalRecord.KIND_HTTP, IntervalRecord::statusCodes);
  }

  private static Map<String, Long> errorTypes(List<IntervalRecord> rs) {
    return merge(rs, IntervalRecord.KIND_HTTP, IntervalRecord::errors);
  }

  private static Map<String, Long> iterationErrors(List<IntervalRecord> rs) {
    return merge(rs, IntervalRecord.KIND_ITERATION, IntervalRecord::errors);
  }

  private static Map<String, Long> merge(List<IntervalRecord> rs, String kind, java.util.function.Function<IntervalRecord, Map<String, Long>> f) {
    return rs.stream().filter(r -> r.kind().equals(kind)).flatMap(r -> f.apply(r).entrySet().stream())
        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.summingLong(Map.Entry::getValue)));
  }
}
