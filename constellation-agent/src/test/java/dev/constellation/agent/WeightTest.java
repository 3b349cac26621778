package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.JdkHttpEngine;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @VirtualUser(weight = 3)} beside a script of weight 1 gets three quarters of the load in
 * both workload models: of the VUs in the closed model, of the iterations in the open model.
 */
class WeightTest {

  static final Set<Integer> HEAVY_VUS = ConcurrentHashMap.newKeySet();
  static final Set<Integer> LIGHT_VUS = ConcurrentHashMap.newKeySet();
  static final AtomicLong HEAVY_RUNS = new AtomicLong();
  static final AtomicLong LIGHT_RUNS = new AtomicLong();

  @TempDir Path dir;

  @VirtualUser(name = "heavy", weight = 3)
  public static class Heavy {
    @Iteration
    void run(VuContext vu) {
      HEAVY_VUS.add(vu.vuIndex());
      HEAVY_RUNS.incrementAndGet();
      vu.pause(Duration.ofMillis(20));
    }
  }

  @VirtualUser(name = "light")
  public static class Light {
    @Iteration
    void run(VuContext vu) {
      LIGHT_VUS.add(vu.vuIndex());
      LIGHT_RUNS.incrementAndGet();
      vu.pause(Duration.ofMillis(20));
    }
  }

  @BeforeEach
  void reset() {
    HEAVY_VUS.clear();
    LIGHT_VUS.clear();
    HEAVY_RUNS.set(0);
    LIGHT_RUNS.set(0);
  }

  private AgentResult run(int vus, String rate) throws Exception {
    AgentConfig c = new AgentConfig("weights", "local", 0, 1, vus, Duration.ofSeconds(1), Duration.ofSeconds(5), "", List.of(), dir,
        Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500), 100, "", Duration.ofMinutes(1), rate, "",
        HttpEngines.DEFAULT);
    try (JdkHttpEngine engine = new JdkHttpEngine(c.connectTimeout())) {
      return new Agent(c, List.of(ScriptDefinition.of(Heavy.class), ScriptDefinition.of(Light.class)), engine,
          new LocalDirectoryStore(dir).sink(c.agentId()), StartGate.immediate()).run();
    }
  }

  private long iterations(String script) throws Exception {
    return new LocalDirectoryStore(dir).readRun("weights").stream()
        .filter(r -> r.kind().equals(IntervalRecord.KIND_ITERATION) && r.name().equals(script)).mapToLong(IntervalRecord::count).sum();
  }

  @Test
  void theClosedModelSplitsVirtualUsersByWeight() throws Exception {
    run(8, "");
    assertThat(HEAVY_VUS).as("VUs that ran the weight-3 script").hasSize(6);
    assertThat(LIGHT_VUS).as("VUs that ran the weight-1 script").hasSize(2);
    assertThat(HEAVY_VUS).doesNotContainAnyElementsOf(LIGHT_VUS);
  }

  @Test
  void theOpenModelSplitsIterationsByWeight() throws Exception {
    // 40 iterations/s for 1 s: 40 arrivals, 30 for the weight-3 script and 10 for the other.
    AgentResult r = run(40, "40");
    assertThat(r.started()).isEqualTo(40);
    assertThat(HEAVY_RUNS.get()).isEqualTo(30).isEqualTo(iterations("heavy"));
    assertThat(LIGHT_RUNS.get()).isEqualTo(10).isEqualTo(iterations("light"));
  }

  @Test
  void splitsAnyNumberOfVirtualUsersByWeightLargestRemainderFirst() {
    List<ScriptDefinition> scripts = List.of(ScriptDefinition.of(Heavy.class), ScriptDefinition.of(Light.class));
    assertThat(Agent.split(8, scripts)).containsExactly(6, 2);
    assertThat(Agent.split(5, scripts)).containsExactly(4, 1);
    assertThat(Agent.split(2, scripts)).containsExactly(2, 0);
  }
}
