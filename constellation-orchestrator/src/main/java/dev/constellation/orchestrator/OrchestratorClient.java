package dev.constellation.orchestrator;

import java.util.Map;

/**
 * How agents and the plugin talk to an orchestrator, wherever it runs (local HTTP server or
 * Lambda). Every method is one request; failures, including an unreachable orchestrator, are
 * {@link OrchestratorException}s, never a default answer.
 *
 * @since 0.1.0
 */
public interface OrchestratorClient {

  /**
   * Registers an agent as ready ({@code agg-record}); repeating it is harmless.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent, unique within its region
   * @return the run's status; {@code ABORTED} means: send no load
   * @throws OrchestratorException when the orchestrator refused or could not be reached
   */
  RunStatus register(String runId, String region, String agentId) throws OrchestratorException;

  /**
   * Polls the start state ({@code test-init}).
   *
   * @param runId the run
   * @return the state, start time (once started) and registration deadline
   * @throws OrchestratorException when the orchestrator refused or could not be reached
   */
  default StartState poll(String runId) throws OrchestratorException {
    return startStatus(runId).startState();
  }

  /**
   * The status as an agent waiting for the start needs it ({@code test-init} with
   * {@code "view":"start"}): state, start time, deadline and abort reason are exact, the per-region
   * counts may be those of when the run started (the Lambda orchestrator answers a started run
   * from memory). Use {@link #status} for counts.
   *
   * @param runId the run
   * @return the status
   * @throws OrchestratorException when the orchestrator refused or could not be reached
   */
  default RunStatus startStatus(String runId) throws OrchestratorException {
    return status(runId);
  }

  /**
   * Aborts a run ({@code test-abort}): agents waiting for its start stop at their next poll and
   * name the reason; a started run is marked {@code ABORTED} too (agents already sending load are
   * not told; the runner stops their tasks). Repeating it is harmless: the first reason stays.
   *
   * @param runId the run
   * @param reason why, in words an operator understands (non-blank, at most
   *     {@value Orchestrator#MAX_REASON_LENGTH} characters)
   * @return the run's status, {@code ABORTED} with {@link RunStatus#abortReason()}
   * @throws OrchestratorException {@code unknown-run} when there is no such run, {@code bad-request}
   *     for a blank reason, or when the orchestrator could not be reached
   */
  RunStatus abort(String runId, String reason) throws OrchestratorException;

  /**
   * Reports that an agent finished ({@code test-end}); repeating it is harmless.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param summary the agent's counters, e.g. {@code requests} and {@code failures}
   * @return the run's status, with per-region ended counts
   * @throws OrchestratorException when the orchestrator refused or could not be reached
   */
  RunStatus end(String runId, String region, String agentId, Map<String, Long> summary)
      throws OrchestratorException;

  /**
   * Creates or resets a run ({@code test-reset}).
   *
   * @param setup the run id, agents per region, start buffer and registration deadline
   * @return the new run's status
   * @throws OrchestratorException when the orchestrator refused or could not be reached
   */
  RunStatus reset(RunSetup setup) throws OrchestratorException;

  /**
   * The whole status of a run (a {@code test-init} request): state, start time, and per region
   * the expected, registered and ended agents, and whether it is complete.
   *
   * @param runId the run
   * @return the status
   * @throws OrchestratorException when the orchestrator refused or could not be reached
   */
  RunStatus status(String runId) throws OrchestratorException;

  /** Where this client sends its requests, for messages (a URL, or a Lambda function name). */
  String address();
}
