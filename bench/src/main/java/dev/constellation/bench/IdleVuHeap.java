package dev.constellation.bench;

import dev.constellation.agent.Agent;
import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.StartGate;
import dev.constellation.agent.http.HttpEngine;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.script.ScriptDefinition;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Heap per idle VU: used heap after full GCs with N VUs parked in {@code VuContext.pause}, minus the
 * same agent setup with no VUs started (classes loaded, engine and recording created), divided by N.
 *
 * <p>Usage: {@code java -cp ... dev.constellation.bench.IdleVuHeap [vus, default 10000]}
 */
public final class IdleVuHeap {

  private IdleVuHeap() {}

  public static void main(String[] args) throws Exception {
    int vus = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path dir = Files.createTempDirectory("idle-vu-heap");
    List<ScriptDefinition> scripts = List.of(ScriptDefinition.of(IdlePause.class));
    try (HttpEngine engine = HttpEngines.create(HttpEngines.DEFAULT, Duration.ofSeconds(5))) {
      // Warm-up run with 1 VU so that every class the agent needs is loaded before the baseline.
      runAndMeasure(engine, dir, scripts, 1);
      long baseline = usedAfterGc();
      long[] loaded = runAndMeasure(engine, dir, scripts, vus);
      long used = loaded[0];
      System.out.printf("java %s, %d VUs parked in pause after %d ms%n", Runtime.version(), vus, loaded[1]);
      System.out.printf("used heap after GC: baseline (0 VUs) %.1f MB, with %d VUs %.1f MB%n", baseline / 1e6, vus, used / 1e6);
      System.out.printf("heap per idle VU: %.0f bytes (%.1f KB)%n", (used - baseline) / (double) vus, (used - baseline) / 1024.0 / vus);
    }
  }

  /** Starts an agent with {@code vus} idle VUs, measures used heap once all are parked, stops it. */
  private static long[] runAndMeasure(HttpEngine engine, Path dir, List<ScriptDefinition> scripts, int vus) throws Exception {
    IdlePause.PAUSED.set(0);
    AgentConfig config = new AgentConfig("heap", "local", 0, 1, vus, Duration.ofMinutes(5), Duration.ofSeconds(1),
        "http://127.0.0.1:9", List.of(), dir, Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), 100,
        "", Duration.ofMinutes(1), "", "", HttpEngines.DEFAULT);
    Agent agent = new Agent(config, scripts, engine, new LocalDirectoryStore(dir).sink("heap-" + vus), StartGate.immediate());
    Thread runner = new Thread(() -> {
      try {
        agent.run();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }, "agent");
    long start = System.nanoTime();
    runner.start();
    long deadline = start + Duration.ofSeconds(120).toNanos();
    while (IdlePause.PAUSED.get() < vus) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + IdlePause.PAUSED.get() + " of " + vus + " VUs reached their pause within 120 s");
      }
      Thread.sleep(50);
    }
    long parkedMs = (System.nanoTime() - start) / 1_000_000;
    Thread.sleep(1_500); // the flusher writes its interval; VUs are parked
    long used = usedAfterGc();
    if (!agent.stopAndWait(30_000)) {
      throw new IllegalStateException("agent did not stop within 30 s");
    }
    runner.join(30_000);
    return new long[] {used, parkedMs};
  }

  static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
