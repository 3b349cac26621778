package dev.constellation.agent;

import dev.constellation.agent.runtime.Console;
import dev.constellation.orchestrator.OrchestratorClient;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.StartBarrier;
import dev.constellation.orchestrator.http.HttpOrchestratorClient;
import dev.constellation.orchestrator.lambda.LambdaOrchestratorClient;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The start gate of an agent in a coordinated run: register, wait for the orchestrator's start,
 * sleep until it. Every answer also measures this agent's clock offset to the orchestrator.
 */
final class OrchestratedStart implements StartGate {

  private final ClockProbe client;
  private final AgentConfig config;
  private volatile StartBarrier.Start start;
  private volatile Thread waiter;
  private volatile boolean cancelled;

  OrchestratedStart(OrchestratorClient client, AgentConfig config) {
    this.client = new ClockProbe(client);
    this.config = config;
  }

  /** The client for an orchestrator address as {@link AgentConfig#orchestrator()} writes it. */
  static OrchestratorClient client(String address) {
    if (address.startsWith("lambda:")) {
      String[] p = address.split(":");
      return LambdaOrchestratorClient.create(p[1], p[2], p.length > 3 ? p[3] : null);
    }
    return new HttpOrchestratorClient(URI.create(address), Duration.ofSeconds(10));
  }

  @Override
  public long awaitStart() throws InterruptedException {
    waiter = Thread.currentThread();
    try {
      if (cancelled) {
        throw new InterruptedException("stopped before the start");
      }
      start = new StartBarrier(client, config.pollInterval(), config.startTimeout())
          .await(config.runId(), config.region(), config.agentId());
      return start.startAt();
    } catch (OrchestratorException e) {
      throw new AbortedException(e.code() + ": " + e.getMessage());
    } finally {
      waiter = null;
    }
  }

  /** Stops a wait for the start (SIGTERM before the start): the waiting thread gets an InterruptedException. */
  void cancel() {
    cancelled = true;
    Thread t = waiter;
    if (t != null) {
      t.interrupt();
    }
  }

  /** Whether the start came (load may have been sent). */
  boolean started() {
    return start != null;
  }

  /** How late this agent woke up after the start time, in microseconds; 0 before the start. */
  long wakeLatenessMicros() {
    StartBarrier.Start s = start;
    return s == null ? 0 : s.lateness().toNanos() / 1000;
  }

  /** One line about the clock offset, or null when no answer carried a server time. */
  String clockLine() {
    ClockProbe.Offset o = client.offset();
    return o == null ? null : "clock offset to the orchestrator " + (o.offsetMs() >= 0 ? "+" : "") + o.offsetMs()
        + " ms (local - serverTime - round trip/2; positive: this clock is ahead; round trip " + o.roundTripMs() + " ms)";
  }

  /** The clock offset estimate, or null when no answer carried a server time. */
  ClockProbe.Offset clockOffset() {
    return client.offset();
  }

  /**
   * The agent's counters and facts for {@code test-end}: whole numbers ≥ 0 as the wire requires
   * (docs/orchestrator.md), so a signed clock offset travels as {@code clockAheadMs} or
   * {@code clockBehindMs}.
   *
   * @param r what the agent did
   * @return counter name → value, in a fixed order
   */
  Map<String, Long> summary(AgentResult r) {
    Map<String, Long> summary = new LinkedHashMap<>();
    summary.put("requests", r.requests());
    summary.put("failures", r.failures());
    summary.put("iterations", r.iterations());
    summary.put("iterationFailures", r.iterationFailures());
    summary.put("interrupted", r.interrupted());
    summary.put("startSkewMs", Math.max(0, r.firstRequestAt() < 0 ? 0 : r.firstRequestAt() - r.startAt()));
    summary.put("wakeLatenessMicros", Math.max(0, wakeLatenessMicros()));
    summary.put("maxCpuPercent", Math.max(0, r.maxCpuPercent()));
    summary.put("maxSchedulingLagMs", Math.max(0, r.maxSchedulingLagMs()));
    summary.put("saturatedSeconds", Math.max(0, r.saturatedSeconds()));
    ClockProbe.Offset o = clockOffset();
    if (o != null) {
      summary.put("clockAheadMs", Math.max(0, o.offsetMs()));
      summary.put("clockBehindMs", Math.max(0, -o.offsetMs()));
      summary.put("clockRoundTripMs", Math.max(0, o.roundTripMs()));
    }
    return summary;
  }

  /** Reports the agent's end, retrying briefly: the run waits for it. */
  void reportEnd(AgentResult r) throws InterruptedException {
    Map<String, Long> summary = summary(r);
    OrchestratorException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        client.end(config.runId(), config.region(), config.agentId(), summary);
        return;
      } catch (OrchestratorException e) {
        last = e;
        Thread.sleep(200L << attempt);
      }
    }
    Console.warn("agent " + config.agentId() + " could not report its end to " + client.address() + ": " + last.getMessage()
        + "; its results are stored all the same");
  }
}
