package dev.constellation.agent;

import dev.constellation.orchestrator.OrchestratorClient;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.RunStatus;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An orchestrator client that, on every answer, estimates how far this agent's clock is from the
 * orchestrator's: {@code offset = local clock at the answer − serverTime − round trip / 2}
 * (Cristian's method), keeping the estimate of the shortest round trip, whose error is at most
 * half of it. A positive offset means this agent's clock is ahead.
 */
final class ClockProbe implements OrchestratorClient {

  /**
   * One estimate.
   *
   * @param offsetMs local − orchestrator, milliseconds (positive: this clock is ahead)
   * @param roundTripMs the round trip of the request it came from, milliseconds
   */
  record Offset(long offsetMs, long roundTripMs) {}

  private final OrchestratorClient delegate;
  private final LongSupplier wallMillis;
  private final LongSupplier monoNanos;
  private volatile Offset best;

  ClockProbe(OrchestratorClient delegate) {
    this(delegate, System::currentTimeMillis, System::nanoTime);
  }

  ClockProbe(OrchestratorClient delegate, LongSupplier wallMillis, LongSupplier monoNanos) {
    this.delegate = delegate;
    this.wallMillis = wallMillis;
    this.monoNanos = monoNanos;
  }

  /** The estimate from the shortest round trip so far, or null before any answer with a server time. */
  Offset offset() {
    return best;
  }

  private RunStatus measure(Call call) throws OrchestratorException {
    long sent = monoNanos.getAsLong();
    RunStatus status = call.run();
    long roundTripNanos = monoNanos.getAsLong() - sent;
    long local = wallMillis.getAsLong();
    if (status.serverTime() > 0) {
      long roundTripMs = Math.round(roundTripNanos / 1e6);
      long offset = local - status.serverTime() - Math.round(roundTripNanos / 2e6);
      Offset current = best;
      if (current == null || roundTripMs < current.roundTripMs()) {
        best = new Offset(offset, roundTripMs);
      }
    }
    return status;
  }

  @FunctionalInterface
  private interface Call {
    RunStatus run() throws OrchestratorException;
  }

  @Override
  public RunStatus register(String runId, String region, String agentId) throws OrchestratorException {
    return measure(() -> delegate.register(runId, region, agentId));
  }

  @Override
  public RunStatus end(String runId, String region, String agentId, Map<String, Long> summary) throws OrchestratorException {
    return measure(() -> delegate.end(runId, region, agentId, summary));
  }

  @Override
  public RunStatus reset(RunSetup setup) throws OrchestratorException {
    return measure(() -> delegate.reset(setup));
  }

  @Override
  public RunStatus status(String runId) throws OrchestratorException {
    return measure(() -> delegate.status(runId));
  }

  @Override
  public RunStatus startStatus(String runId) throws OrchestratorException {
    return measure(() -> delegate.startStatus(runId));
  }

  @Override
  public RunStatus abort(String runId, String reason) throws OrchestratorException {
    return measure(() -> delegate.abort(runId, reason));
  }

  @Override
  public String address() {
    return delegate.address();
  }
}
