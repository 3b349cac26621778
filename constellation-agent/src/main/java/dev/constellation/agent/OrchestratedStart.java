package dev.constellation.agent;

import dev.constellation.orchestrator.OrchestratorClient;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.StartBarrier;
import dev.constellation.orchestrator.http.HttpOrchestratorClient;
import dev.constellation.orchestrator.lambda.LambdaOrchestratorClient;
import java.net.URI;
import java.time.Duration;

/** The start gate of an agent in a coordinated run: register, wait for the orchestrator's start, sleep until it. */
final class OrchestratedStart implements StartGate {

  private final OrchestratorClient client;
  private final AgentConfig config;
  private volatile StartBarrier.Start start;

  OrchestratedStart(OrchestratorClient client, AgentConfig config) {
    this.client = client;
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
    try {
      start = new StartBarrier(client, StartBarrier.DEFAULT_POLL_INTERVAL, config.startTimeout())
          .await(config.runId(), config.region(), config.agentId());
      return start.startAt();
    } catch (OrchestratorException e) {
      throw new AbortedException(e.getMessage());
    }
  }

  /** How late this agent woke up after the start time, in microseconds; 0 before the start. */
  long wakeLatenessMicros() {
    StartBarrier.Start s = start;
    return s == null ? 0 : s.lateness().toNanos() / 1000;
  }

  /** Reports the agent's end, retrying briefly: the run waits for it. */
  void reportEnd(AgentResult r) throws InterruptedException {
    java.util.Map<String, Long> summary = new java.util.LinkedHashMap<>();
    summary.put("requests", r.requests());
    summary.put("failures", r.failures());
    summary.put("iterations", r.iterations());
    summary.put("iterationFailures", r.iterationFailures());
    summary.put("interrupted", r.interrupted());
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
