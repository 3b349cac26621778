package dev.constellation.orchestrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The JSON wire format of the orchestrator actions, both directions (see docs/orchestrator.md). */
final class Wire {

  static final String AGG_RECORD = "agg-record";
  static final String TEST_INIT = "test-init";
  static final String TEST_END = "test-end";
  static final String TEST_RESET = "test-reset";
  static final String TEST_ABORT = "test-abort";
  /** {@code test-init} with {@code "view":"start"}: an agent waiting for the start (may be cached). */
  static final String VIEW_START = "start";

  static final ObjectMapper JSON = new ObjectMapper();

  private Wire() {}

  static ObjectNode request(String action, String runId) {
    ObjectNode n = JSON.createObjectNode();
    n.put("action", action);
    n.put("runId", runId);
    return n;
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON " + node, e);
    }
  }

  static ObjectNode status(RunStatus s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("runId", s.runId());
    n.put("state", s.state().name());
    if (s.startAt() > 0) {
      n.put("startAt", s.startAt());
    } else {
      n.putNull("startAt");
    }
    n.put("deadline", s.deadline());
    n.put("serverTime", s.serverTime());
    n.put("complete", s.complete());
    n.put("expected", s.expected());
    n.put("registered", s.registered());
    n.put("ended", s.ended());
    if (s.abortReason() != null) {
      n.put("abortReason", s.abortReason());
    }
    ObjectNode regions = n.putObject("regions");
    s.regions().forEach((name, r) -> {
      ObjectNode rn = regions.putObject(name);
      rn.put("expected", r.expected());
      rn.put("registered", r.registered());
      rn.put("ended", r.ended());
      rn.put("complete", r.complete());
      ObjectNode totals = rn.putObject("totals");
      r.totals().forEach(totals::put);
    });
    return n;
  }

  static ObjectNode error(String code, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", code);
    n.put("message", message);
    return n;
  }

  /** Parses a reply: a status, or an error turned into its exception. */
  static RunStatus parseReply(String json, String from) throws OrchestratorException {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw notAnOrchestrator(from, "a reply that is not JSON: " + abbreviate(json), e);
    }
    if (n == null || !n.isObject()) {
      throw notAnOrchestrator(from, "a reply that is not a JSON object: " + abbreviate(json), null);
    }
    if (n.hasNonNull("error")) {
      throw new OrchestratorException(n.get("error").asText(), n.path("message").asText());
    }
    try {
      Map<String, RegionStatus> regions = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.get("regions").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode r = e.getValue();
        Map<String, Long> totals = new TreeMap<>();
        r.path("totals").fields().forEachRemaining(t -> totals.put(t.getKey(), t.getValue().asLong()));
        regions.put(e.getKey(), new RegionStatus(
            r.get("expected").asInt(), r.get("registered").asInt(), r.get("ended").asInt(), totals));
      }
      return new RunStatus(n.get("runId").asText(), RunState.valueOf(n.get("state").asText()),
          n.path("startAt").asLong(0), n.get("deadline").asLong(), n.path("serverTime").asLong(0),
          regions, n.hasNonNull("abortReason") ? n.get("abortReason").asText() : null);
    } catch (RuntimeException e) {
      throw notAnOrchestrator(from, "a reply without the status fields: " + abbreviate(json), e);
    }
  }

  private static OrchestratorException notAnOrchestrator(String from, String what, Throwable cause) {
    return new OrchestratorException(OrchestratorException.UNREACHABLE,
        "the orchestrator at " + from + " sent " + what
            + "; check that this address is a Constellation orchestrator", cause);
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
