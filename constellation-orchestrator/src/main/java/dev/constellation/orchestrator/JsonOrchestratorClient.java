package dev.constellation.orchestrator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * An {@link OrchestratorClient} that writes each call as the orchestrator's JSON request and reads
 * its JSON reply; subclasses only carry the bytes ({@link #exchange}).
 *
 * @since 0.1.0
 */
public abstract class JsonOrchestratorClient implements OrchestratorClient {

  /** For subclasses. */
  protected JsonOrchestratorClient() {}

  /**
   * Sends one JSON request and returns the JSON reply.
   *
   * @param jsonRequest the request object
   * @return the reply object, a status or an error
   * @throws OrchestratorException {@code unreachable} when the request could not be delivered or
   *     answered; the message names {@link #address()} and what to check
   */
  protected abstract String exchange(String jsonRequest) throws OrchestratorException;

  @Override
  public RunStatus register(String runId, String region, String agentId)
      throws OrchestratorException {
    ObjectNode req = Wire.request(Wire.AGG_RECORD, runId);
    req.put("region", region);
    req.put("agentId", agentId);
    return call(req);
  }

  @Override
  public RunStatus end(String runId, String region, String agentId, Map<String, Long> summary)
      throws OrchestratorException {
    ObjectNode req = Wire.request(Wire.TEST_END, runId);
    req.put("region", region);
    req.put("agentId", agentId);
    ObjectNode s = req.putObject("summary");
    summary.forEach(s::put);
    return call(req);
  }

  @Override
  public RunStatus reset(RunSetup setup) throws OrchestratorException {
    ObjectNode req = Wire.request(Wire.TEST_RESET, setup.runId());
    ObjectNode expected = req.putObject("expected");
    setup.expected().forEach(expected::put);
    req.put("startBufferMs", setup.startBufferMs());
    req.put("registrationDeadlineMs", setup.registrationDeadlineMs());
    return call(req);
  }

  @Override
  public RunStatus status(String runId) throws OrchestratorException {
    return call(Wire.request(Wire.TEST_INIT, runId));
  }

  @Override
  public RunStatus startStatus(String runId) throws OrchestratorException {
    ObjectNode req = Wire.request(Wire.TEST_INIT, runId);
    req.put("view", Wire.VIEW_START);
    return call(req);
  }

  @Override
  public RunStatus abort(String runId, String reason) throws OrchestratorException {
    ObjectNode req = Wire.request(Wire.TEST_ABORT, runId);
    req.put("reason", reason);
    return call(req);
  }

  private RunStatus call(ObjectNode request) throws OrchestratorException {
    return Wire.parseReply(exchange(Wire.write(request)), address());
  }
}
