package dev.constellation.agent;

import dev.constellation.agent.http.HttpEngines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.http.JdkHttpEngine;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staged arrival rates over 20 s: the agent starts what the schedule says, when it says. */
class ArrivalRateIT {

  @TempDir Path dir;

  @VirtualUser
  public static class Get {
    private Http http;

    @Iteration
    void run() {
      http.get("/rate");
    }
  }

  @Test
  void achievesAStagedRateOverTwentySeconds() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 20)) {
      // 0 -> 40/s over 5 s (100 iterations), then 40/s for 15 s (600 iterations).
      AgentConfig c = new AgentConfig("rate", "local", 0, 1, 50, Duration.ofSeconds(20), Duration.ofSeconds(5), target.url(),
          List.of(), dir, Map.of(), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1), 100, "",
          Duration.ofMinutes(1), "5s:40,15s:40", "", HttpEngines.DEFAULT);
      long t0 = System.nanoTime();
      AgentResult r;
      try (JdkHttpEngine engine = new JdkHttpEngine(c.connectTimeout())) {
        r = new Agent(c, List.of(ScriptDefinition.of(Get.class)), engine, new LocalDirectoryStore(dir).sink(c.agentId()),
            StartGate.immediate()).run();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      List<IntervalRecord> records = new LocalDirectoryStore(dir).readRun("rate");
      long started = records.stream().filter(x -> x.kind().equals(IntervalRecord.KIND_SCHEDULE)).mapToLong(IntervalRecord::count).sum();
      long dropped = records.stream().filter(x -> x.kind().equals(IntervalRecord.KIND_SCHEDULE)).mapToLong(IntervalRecord::failures).sum();
      long steadyPhase = records.stream()
          .filter(x -> x.kind().equals(IntervalRecord.KIND_ITERATION) && x.startMs() >= r.startAt() + 6_000 && x.startMs() < r.startAt() + 19_000)
          .mapToLong(IntervalRecord::count).sum();
      double steadyRate = steadyPhase / 13.0;
      System.out.printf("arrival rate: %d started, %d dropped in %.2f s; steady phase %.2f/s (target 40/s)%n", started, dropped, seconds, steadyRate);

      assertThat(started).isEqualTo(700);
      assertThat(dropped).isZero();
      assertThat(target.requests()).isEqualTo(700);
      assertThat(steadyRate).isBetween(40 * 0.98, 40 * 1.02);
    }
  }
}
