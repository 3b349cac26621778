package dev.constellation.orchestrator;

import java.util.Map;

/**
 * An {@link OrchestratorClient} for tests: every call fails with {@link UnsupportedOperationException}
 * naming it; a test overrides the calls it expects.
 */
abstract class UnexpectedCallsClient implements OrchestratorClient {

  private static UnsupportedOperationException unexpected(String call) {
    return new UnsupportedOperationException(call + " is not expected by this test");
  }

  @Override
  public RunStatus register(String runId, String region, String agentId) throws OrchestratorException {
    throw unexpected("register");
  }

  @Override
  public RunStatus abort(String runId, String reason) throws OrchestratorException {
    throw unexpected("abort");
  }

  @Override
  public RunStatus end(String runId, String region, String agentId, Map<String, Long> summary)
      throws OrchestratorException {
    throw unexpected("end");
  }

  @Override
  public RunStatus reset(RunSetup setup) throws OrchestratorException {
    throw unexpected("reset");
  }

  @Override
  public RunStatus status(String runId) throws OrchestratorException {
    throw unexpected("status");
  }
}
