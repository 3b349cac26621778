package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.orchestrator.OrchestratorClient;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.RunState;
import dev.constellation.orchestrator.RunStatus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClockProbeTest {

  /** An orchestrator whose clock runs {@code behind} ms behind ours and whose answers take the queued round trips. */
  private static final class SlowOrchestrator implements OrchestratorClient {
    final AtomicLong wall = new AtomicLong(1_800_000_000_000L);
    final AtomicLong mono = new AtomicLong(0);
    final Deque<long[]> trips = new ArrayDeque<>(); // {ms to the server, ms back}
    final long behind;

    SlowOrchestrator(long behind) {
      this.behind = behind;
    }

    @Override
    public RunStatus status(String runId) {
      long[] t = trips.removeFirst();
      advance(t[0]);
      long serverTime = wall.get() - behind;
      advance(t[1]);
      return new RunStatus(runId, RunState.WAITING, 0, 0, serverTime, Map.of());
    }

    private void advance(long ms) {
      wall.addAndGet(ms);
      mono.addAndGet(ms * 1_000_000L);
    }

    @Override
    public RunStatus register(String runId, String region, String agentId) {
      return status(runId);
    }

    @Override
    public RunStatus end(String runId, String region, String agentId, Map<String, Long> summary) {
      return status(runId);
    }

    @Override
    public RunStatus reset(RunSetup setup) {
      return status(setup.runId());
    }

    @Override
    public RunStatus abort(String runId, String reason) {
      return status(runId);
    }

    @Override
    public String address() {
      return "test";
    }
  }

  @Test
  void estimatesTheOffsetAsLocalMinusServerTimeMinusHalfTheRoundTripFromTheShortestTrip() throws Exception {
    SlowOrchestrator o = new SlowOrchestrator(250);
    ClockProbe probe = new ClockProbe(o, o.wall::get, o.mono::get);
    assertThat(probe.offset()).isNull();
    o.trips.add(new long[] {40, 40});
    probe.register("r", "us-east-1", "a");
    // symmetric 80 ms round trip: local at the answer - serverTime = 250 + 40, minus 40 -> exactly 250
    assertThat(probe.offset()).isEqualTo(new ClockProbe.Offset(250, 80));
    o.trips.add(new long[] {300, 10}); // a slow, lopsided trip: a worse estimate, not taken
    probe.poll("r");
    assertThat(probe.offset()).isEqualTo(new ClockProbe.Offset(250, 80));
    o.trips.add(new long[] {5, 3});
    probe.poll("r");
    assertThat(probe.offset()).isEqualTo(new ClockProbe.Offset(250 + 3 - 4, 8));
  }

  @Test
  void aClockBehindTheOrchestratorsGivesANegativeOffset() throws Exception {
    SlowOrchestrator o = new SlowOrchestrator(-1200);
    ClockProbe probe = new ClockProbe(o, o.wall::get, o.mono::get);
    o.trips.add(new long[] {10, 10});
    probe.status("r");
    assertThat(probe.offset()).isEqualTo(new ClockProbe.Offset(-1200, 20));
  }
}
