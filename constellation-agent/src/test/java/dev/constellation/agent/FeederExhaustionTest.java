package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.JdkHttpEngine;
import dev.constellation.agent.results.Counts;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.api.Feeder;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an agent does when a unique feeder runs out: counted every time, and as the feeder says. */
class FeederExhaustionTest {

  static final Set<String> TAKEN = ConcurrentHashMap.newKeySet();

  @TempDir
  Path dir;

  @VirtualUser(name = "stop")
  @Feeder(name = "rows", file = "agent-rows.csv", strategy = Feeder.Strategy.UNIQUE, whenExhausted = Feeder.WhenExhausted.STOP_VU)
  public static class StopVu {
    @Iteration
    void run(VuContext vu) {
      assertThat(TAKEN.add(vu.feed("rows").get("id"))).isTrue();
    }
  }

  @VirtualUser(name = "fail")
  @Feeder(name = "rows", file = "agent-rows.csv", strategy = Feeder.Strategy.UNIQUE, whenExhausted = Feeder.WhenExhausted.FAIL_ITERATION)
  public static class FailIteration {
    @Iteration
    void run(VuContext vu) {
      vu.feed("rows");
      vu.pause(Duration.ofMillis(20));
    }
  }

  @VirtualUser(name = "end")
  @Feeder(name = "rows", file = "agent-rows.csv", strategy = Feeder.Strategy.UNIQUE, whenExhausted = Feeder.WhenExhausted.END_RUN)
  public static class EndRun {
    /** When a VU last asked for a row: the last ask is the one that found the feeder exhausted. */
    static final java.util.concurrent.atomic.AtomicLong LAST_ASK = new java.util.concurrent.atomic.AtomicLong();

    @Iteration
    void run(VuContext vu) {
      LAST_ASK.accumulateAndGet(System.currentTimeMillis(), Math::max);
      vu.feed("rows");
      vu.pause(Duration.ofMillis(20));
    }
  }

  private AgentResult result;

  private List<IntervalRecord> run(Class<?> script, int vus, Duration duration) throws Exception {
    AgentConfig c = new AgentConfig("feed", "local", 0, 1, vus, duration, Duration.ofSeconds(5), "", List.of(), dir, Map.of(),
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500), 100, "", Duration.ofMinutes(1), "", "", HttpEngines.DEFAULT);
    try (JdkHttpEngine engine = new JdkHttpEngine(c.connectTimeout())) {
      result = new Agent(c, List.of(ScriptDefinition.of(script)), engine, new LocalDirectoryStore(dir).sink(c.agentId()),
          StartGate.immediate()).run();
    }
    return new LocalDirectoryStore(dir).readRun("feed");
  }

  private static long sum(List<IntervalRecord> records, String kind, java.util.function.ToLongFunction<IntervalRecord> f) {
    return records.stream().filter(r -> r.kind().equals(kind)).mapToLong(f).sum();
  }

  @Test
  void stopVuStopsEachVuAndTheAgentEndsWhenAllHaveStopped() throws Exception {
    TAKEN.clear();
    long t0 = System.nanoTime();
    List<IntervalRecord> records = run(StopVu.class, 4, Duration.ofSeconds(30));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    assertThat(TAKEN).hasSize(50);
    Counts counts = Counts.of(records);
    assertThat(counts.iterations()).isEqualTo(50);
    assertThat(counts.iterationFailures()).isZero();
    assertThat(sum(records, IntervalRecord.KIND_FEEDER, IntervalRecord::count)).isEqualTo(50);
    assertThat(sum(records, IntervalRecord.KIND_FEEDER, IntervalRecord::failures)).as("one exhausted ask per VU").isEqualTo(4);
    // the load ended when the last VU stopped, not at the planned 30 s
    assertThat(result.loadEndAt() - result.startAt()).isBetween(0L, 15_000L);
    assertThat(result.loadEndAt()).isLessThanOrEqualTo(result.endAt());
  }

  @Test
  void endRunEndsTheAgentsLoadWhenTheFeederRunsOutAndReportsWhen() throws Exception {
    EndRun.LAST_ASK.set(0);
    List<IntervalRecord> records = run(EndRun.class, 1, Duration.ofSeconds(30));
    assertThat(sum(records, IntervalRecord.KIND_FEEDER, IntervalRecord::count)).isEqualTo(50);
    // 50 rows, 1 VU, 20 ms of think time: about 1 s of load of the planned 30 s
    long loadMs = result.loadEndAt() - result.startAt();
    assertThat(loadMs).isBetween(900L, 15_000L);
    // the end is the moment the exhausted ask ended the run (the main loop wakes at once), before the graceful stop
    assertThat(result.loadEndAt()).isBetween(EndRun.LAST_ASK.get(), EndRun.LAST_ASK.get() + 200);
    assertThat(result.loadEndAt()).isLessThanOrEqualTo(result.endAt());
  }

  @Test
  void failIterationCountsAFailedIterationAndTheVuGoesOn() throws Exception {
    List<IntervalRecord> records = run(FailIteration.class, 2, Duration.ofMillis(1500));
    Counts counts = Counts.of(records);
    long exhausted = sum(records, IntervalRecord.KIND_FEEDER, IntervalRecord::failures);
    assertThat(sum(records, IntervalRecord.KIND_FEEDER, IntervalRecord::count)).isEqualTo(50);
    assertThat(exhausted).isPositive();
    assertThat(counts.iterations()).isEqualTo(50 + exhausted);
    assertThat(counts.iterationFailures()).isEqualTo(exhausted);
    // nothing ended this load early: it lasted exactly the planned 1.5 s
    assertThat(result.loadEndAt() - result.startAt()).isEqualTo(1_500);
    assertThat(records.stream().filter(r -> r.kind().equals(IntervalRecord.KIND_ITERATION)).flatMap(r -> r.errors().keySet().stream()))
        .containsOnly("FeederExhaustedException");
  }
}
