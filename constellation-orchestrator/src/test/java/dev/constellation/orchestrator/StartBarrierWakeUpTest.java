package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The start barrier on real time: agents wake within milliseconds of the start. A timing test:
 * on an overloaded machine it can fail, so PIT does not run it (pit.excludedTestClasses); the
 * waits themselves are checked exactly, on fake time, by {@link StartBarrierPacingTest}.
 */
class StartBarrierWakeUpTest {

  private final OrchestratorActions actions = new OrchestratorActions(
      new Orchestrator(new InMemoryRunStateStore(), Clock.systemUTC()));
  private final InProcessClient client = new InProcessClient(actions);

  @Test
  void wakesEveryAgentWithinMillisecondsOfTheStartTime() throws Exception {
    client.reset(new RunSetup("r1", Map.of("us-east-1", 2, "eu-central-1", 2), 400, 10_000));
    ExecutorService agents = Executors.newFixedThreadPool(4);
    try {
      List<Future<StartBarrier.Start>> starts = new ArrayList<>();
      String[][] who = {{"us-east-1", "a"}, {"us-east-1", "b"}, {"eu-central-1", "c"},
          {"eu-central-1", "d"}};
      for (String[] agent : who) {
        starts.add(agents.submit(() -> new StartBarrier(client, Duration.ofMillis(50),
            Duration.ofSeconds(10)).await("r1", agent[0], agent[1])));
      }
      starts.get(0).get(10, TimeUnit.SECONDS);
      long startAt = client.poll("r1").startAt();
      assertThat(startAt).isPositive();
      for (Future<StartBarrier.Start> f : starts) {
        StartBarrier.Start start = f.get(10, TimeUnit.SECONDS);
        long skewMicros = start.lateness().toNanos() / 1_000;
        System.out.printf("StartBarrier wake-up skew: %d us after startAt%n", skewMicros);
        assertThat(start.startAt()).isEqualTo(startAt);
        assertThat(start.lateness()).isBetween(Duration.ZERO, Duration.ofMillis(30));
      }
    } finally {
      agents.shutdownNow();
    }
  }
}
