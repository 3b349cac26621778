package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.JdkHttpEngine;
import dev.constellation.agent.results.Counts;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own account (its "done" line and {@code <agentId>.result.json}) counts what the
 * records count, by the one definition in {@link Counts}, in every workload model, and equals what
 * the script ran and the server received (issue 14, item 2).
 */
class AgentCountsTest {

  /** Iterations the script ran, counted by the script itself. */
  static final AtomicLong RAN = new AtomicLong();

  @TempDir Path dir;

  @VirtualUser(name = "counted")
  public static class Counted {
    private Http http;

    @Iteration
    void run() {
      RAN.incrementAndGet();
      http.get("/counted");
    }
  }

  /** Counted, but its teardown throws: a failed teardown is not an iteration. */
  @VirtualUser(name = "counted")
  public static class BadTeardown extends Counted {
    @dev.constellation.api.AfterVirtualUser
    void logOut() {
      throw new IllegalStateException("session already gone");
    }
  }

  @BeforeEach
  void reset() {
    RAN.set(0);
  }

  private AgentConfig config(int vus, Duration duration, String rate, String stages, String url) {
    return new AgentConfig("counts", "local", 0, 1, vus, duration, Duration.ofSeconds(5), url, List.of(), dir, Map.of(),
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500), 100, "", Duration.ofMinutes(1), rate, stages, HttpEngines.DEFAULT);
  }

  /** Runs the agent, writes its result file as AgentMain does, and checks line, file and records agree. */
  private AgentResult runAndReconcile(AgentConfig c, TestTargets.Counting target) throws Exception {
    return runAndReconcile(c, target, Counted.class);
  }

  private AgentResult runAndReconcile(AgentConfig c, TestTargets.Counting target, Class<?> script) throws Exception {
    AgentResult r;
    try (JdkHttpEngine engine = new JdkHttpEngine(c.connectTimeout())) {
      r = new Agent(c, List.of(ScriptDefinition.of(script)), engine, new LocalDirectoryStore(dir).sink(c.agentId()),
          StartGate.immediate()).run();
    }
    java.nio.file.Files.writeString(dir.resolve(c.agentId() + AgentMain.RESULT_SUFFIX), AgentMain.resultJson(c, r, 0, null, null));
    Counts fromRecords = Counts.of(new LocalDirectoryStore(dir).readRun("counts"));
    JsonNode file = new ObjectMapper().readTree(dir.resolve(c.agentId() + AgentMain.RESULT_SUFFIX).toFile());
    String line = AgentMain.doneLine(c.agentId(), r);
    System.out.println(line);

    assertThat(r.counts()).as("the agent's account = the records' counts").isEqualTo(fromRecords);
    assertThat(file.path("requests").asLong()).isEqualTo(fromRecords.requests());
    assertThat(file.path("iterations").asLong()).isEqualTo(fromRecords.iterations());
    assertThat(file.path("iterationFailures").asLong()).isEqualTo(fromRecords.iterationFailures());
    assertThat(file.path("started").asLong()).isEqualTo(fromRecords.started());
    assertThat(file.path("dropped").asLong()).isEqualTo(fromRecords.dropped());
    assertThat(line).contains(fromRecords.describe());
    // and what happened: the script's own count and the server's
    assertThat(fromRecords.iterations()).as("iterations = what the script ran").isEqualTo(RAN.get()).isPositive();
    assertThat(fromRecords.requests()).as("requests = what the server received").isEqualTo(target.requests()).isEqualTo(RAN.get());
    assertThat(fromRecords.requestFailures()).isZero();
    assertThat(fromRecords.iterationFailures()).isZero();
    return r;
  }

  @Test
  void closedModelWithFixedVirtualUsers() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 10)) {
      AgentResult r = runAndReconcile(config(3, Duration.ofSeconds(1), "", "", target.url()), target);
      assertThat(r.started() + r.dropped() + r.late()).as("no schedule in the closed model").isZero();
      assertThat(AgentMain.doneLine("local-0", r)).doesNotContain("schedule");
    }
  }

  @Test
  void aFailedTeardownIsNotAnIteration() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 10)) {
      AgentResult r = runAndReconcile(config(2, Duration.ofMillis(500), "", "", target.url()), target, BadTeardown.class);
      assertThat(r.teardownFailures()).isEqualTo(2);
      assertThat(AgentMain.doneLine("local-0", r)).contains("2 VU teardowns failed");
    }
  }

  @Test
  void closedModelWithStages() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 10)) {
      AgentResult r = runAndReconcile(config(1, Duration.ofSeconds(99), "", "500ms:3,500ms:0", target.url()), target);
      assertThat(r.started() + r.dropped()).isZero();
    }
  }

  @Test
  void openModelAtAConstantRate() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 5)) {
      // 50 iterations/s for 1 s: exactly 50, all started (as many VUs as arrivals).
      AgentResult r = runAndReconcile(config(50, Duration.ofSeconds(1), "50", "", target.url()), target);
      assertThat(r.iterations()).isEqualTo(50);
      assertThat(r.requests()).isEqualTo(50);
      assertThat(r.started()).isEqualTo(50);
      assertThat(r.dropped()).isZero();
      assertThat(AgentMain.doneLine("local-0", r)).contains("50 requests (0 failed), 50 iterations (0 failed, 0 interrupted); schedule: 50 started, 0 dropped");
    }
  }

  @Test
  void openModelWithAVirtualUserCapThatDropsIterations() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 300)) {
      // 50 iterations/s for 1 s, 2 VUs, each iteration 300 ms: most arrivals find every VU busy.
      AgentResult r = runAndReconcile(config(2, Duration.ofSeconds(1), "50", "", target.url()), target);
      assertThat(r.started() + r.dropped()).as("every arrival is started or dropped").isEqualTo(50);
      assertThat(r.dropped()).isGreaterThan(30);
      assertThat(r.iterations()).as("dropped iterations are not iterations, nor failed ones").isEqualTo(r.started());
      assertThat(r.iterationFailures()).isZero();
    }
  }

  @Test
  void openModelWithStagedRates() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 5)) {
      // 0 -> 40/s over 1 s (20 arrivals), then 40/s for 1 s (40): exactly 60.
      AgentResult r = runAndReconcile(config(60, Duration.ofSeconds(99), "1s:40,1s:40", "", target.url()), target);
      assertThat(r.started()).isEqualTo(60);
      assertThat(r.iterations()).isEqualTo(60);
      assertThat(r.requests()).isEqualTo(60);
    }
  }
}
