package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The shared check: N agents register at once, all are kept, and one start time is written. */
public final class ConcurrentRegistration {

  private ConcurrentRegistration() {}

  /**
   * Registers {@code agents} agents over 4 regions at once in each of {@code runs} runs and checks
   * that none is lost and that every agent observes the one start time the store wrote.
   */
  public static void check(RunStateStore store, int agents, int runs) throws Exception {
    CountingStore counting = new CountingStore(store);
    Orchestrator orchestrator = new Orchestrator(counting, Clock.systemUTC());
    String[] regions = {"us-east-1", "eu-central-1", "ap-south-1", "sa-east-1"};
    ExecutorService pool = Executors.newFixedThreadPool(agents);
    try {
      for (int run = 0; run < runs; run++) {
        String runId = "concurrent-" + run + "-" + System.nanoTime();
        Map<String, Integer> expected = new java.util.HashMap<>();
        for (int i = 0; i < agents; i++) {
          expected.merge(regions[i % regions.length], 1, Integer::sum);
        }
        orchestrator.reset(new RunSetup(runId, expected, 3_000, 60_000));
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch registered = new CountDownLatch(agents);
        List<Future<Long>> observed = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
          String region = regions[i % regions.length];
          String agentId = "agent-" + i;
          observed.add(pool.submit(() -> {
            gate.await();
            RunStatus s;
            try {
              s = orchestrator.register(runId, region, agentId);
            } finally {
              registered.countDown();
            }
            if (s.state() == RunState.WAITING) {
              // Poll once everyone registered: the last registrant fixed the start before answering.
              registered.await();
              s = orchestrator.init(runId);
            }
            assertThat(s.state()).isEqualTo(RunState.STARTED);
            return s.startAt();
          }));
        }
        gate.countDown();
        Set<Long> startTimes = new HashSet<>();
        for (Future<Long> f : observed) {
          startTimes.add(f.get(30, TimeUnit.SECONDS));
        }
        RunStatus after = orchestrator.init(runId);
        assertThat(after.registered()).as("agents registered in %s", runId).isEqualTo(agents);
        assertThat(after.regions().values()).allSatisfy(r ->
            assertThat(r.registered()).isEqualTo(r.expected()));
        assertThat(startTimes).as("start times observed in %s", runId)
            .containsExactly(after.startAt());
        assertThat(counting.startsWritten(runId)).as("start times written in %s", runId)
            .isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
