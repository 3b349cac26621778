package dev.constellation.orchestrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The orchestrator's JSON front: one request object with an {@code action} field in, one JSON
 * object out (a run status, or {@code {"error": code, "message": text}}). The Lambda handler and
 * the local HTTP server both hand their bodies to {@link #handle(String)}.
 *
 * @since 0.1.0
 */
public final class OrchestratorActions {

  private final Orchestrator orchestrator;

  /**
   * Actions over an orchestrator.
   *
   * @param orchestrator the core that does the work
   */
  public OrchestratorActions(Orchestrator orchestrator) {
    this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
  }

  /**
   * Runs one action.
   *
   * @param jsonRequest e.g. {@code {"action":"test-init","runId":"r1"}}
   * @return the run status as JSON, or an error object; never throws for a bad request
   */
  public String handle(String jsonRequest) {
    try {
      return Wire.write(Wire.status(dispatch(jsonRequest)));
    } catch (OrchestratorException e) {
      return Wire.write(Wire.error(e.code(), e.getMessage()));
    } catch (RuntimeException e) {
      // A failing store (e.g. DynamoDB throttling) must reach the caller as an answer it can retry.
      return Wire.write(Wire.error(OrchestratorException.INTERNAL,
          "the orchestrator failed: " + e + "; the request can be retried"));
    }
  }

  private RunStatus dispatch(String jsonRequest) throws OrchestratorException {
    JsonNode req;
    try {
      req = Wire.JSON.readTree(jsonRequest == null ? "" : jsonRequest);
    } catch (JsonProcessingException e) {
      throw bad("the request is not JSON (" + e.getOriginalMessage() + "): "
          + Wire.abbreviate(String.valueOf(jsonRequest))
          + "; send an object such as {\"action\":\"test-init\",\"runId\":\"r1\"}");
    }
    if (req == null || !req.isObject()) {
      throw bad("the request is not a JSON object; send e.g. {\"action\":\"test-init\",\"runId\":\"r1\"}");
    }
    String action = text(req, "action");
    switch (action) {
      case Wire.AGG_RECORD:
        return orchestrator.register(text(req, "runId"), text(req, "region"), text(req, "agentId"));
      case Wire.TEST_INIT:
        JsonNode view = req.get("view");
        if (view == null || view.isNull()) {
          return orchestrator.init(text(req, "runId"));
        }
        if (!Wire.VIEW_START.equals(view.asText()) || !view.isTextual()) {
          throw bad("field 'view' is " + view + "; use \"" + Wire.VIEW_START
              + "\" (an agent waiting for the start) or leave it out (the whole status)");
        }
        return orchestrator.initStart(text(req, "runId"));
      case Wire.TEST_ABORT:
        return orchestrator.abort(text(req, "runId"), text(req, "reason"));
      case Wire.TEST_END:
        return orchestrator.end(text(req, "runId"), text(req, "region"), text(req, "agentId"),
            longs(req, "summary", false));
      case Wire.TEST_RESET:
        Map<String, Long> expected = longs(req, "expected", true);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
          if (e.getValue() > Integer.MAX_VALUE) {
            throw bad("expected." + e.getKey() + " is " + e.getValue() + "; that is too many agents");
          }
          counts.put(e.getKey(), e.getValue().intValue());
        }
        return orchestrator.reset(new RunSetup(text(req, "runId"), counts,
            optionalLong(req, "startBufferMs", RunSetup.DEFAULT_START_BUFFER_MS),
            optionalLong(req, "registrationDeadlineMs", RunSetup.DEFAULT_REGISTRATION_DEADLINE_MS)));
      default:
        throw new OrchestratorException(OrchestratorException.UNKNOWN_ACTION,
            "action '" + action + "' is unknown; use one of agg-record, test-init, test-end, test-reset,"
                + " test-abort");
    }
  }

  private static String text(JsonNode req, String field) throws OrchestratorException {
    JsonNode v = req.get(field);
    if (v == null || v.isNull()) {
      throw bad("field '" + field + "' is missing; add it as a string");
    }
    if (!v.isTextual()) {
      throw bad("field '" + field + "' is " + v + "; it must be a string");
    }
    return v.asText();
  }

  private static long optionalLong(JsonNode req, String field, long dflt) throws OrchestratorException {
    JsonNode v = req.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw bad("field '" + field + "' is " + v + "; it must be a whole number of milliseconds");
    }
    return v.asLong();
  }

  private static Map<String, Long> longs(JsonNode req, String field, boolean required)
      throws OrchestratorException {
    JsonNode v = req.get(field);
    Map<String, Long> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      if (required) {
        throw bad("field '" + field + "' is missing; add an object of whole numbers,"
            + " e.g. {\"us-east-1\": 2}");
      }
      return out;
    }
    if (!v.isObject()) {
      throw bad("field '" + field + "' is " + v + "; it must be an object of whole numbers");
    }
    var it = v.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong()) {
        throw bad("field '" + field + "." + e.getKey() + "' is " + e.getValue()
            + "; it must be a whole number");
      }
      out.put(e.getKey(), e.getValue().asLong());
    }
    return out;
  }

  private static OrchestratorException bad(String message) {
    return new OrchestratorException(OrchestratorException.BAD_REQUEST, message);
  }
}
