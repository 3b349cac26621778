package dev.constellation.agent.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes and reads interval records as single JSON lines (format version 1). */
public final class IntervalRecordCodec {

  private static final ObjectMapper JSON = new ObjectMapper();

  private IntervalRecordCodec() {}

  /**
   * One record as one line of JSON, without the line break.
   *
   * @param r the record
   * @return the JSON text
   */
  public static String toJsonLine(IntervalRecord r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("v", r.version());
    o.put("runId", r.runId());
    o.put("region", r.region());
    o.put("agent", r.agentId());
    o.put("script", r.script());
    o.put("name", r.name());
    o.put("kind", r.kind());
    o.put("start", r.startMs());
    o.put("lengthMs", r.lengthMs());
    o.put("count", r.count());
    o.put("failures", r.failures());
    ObjectNode status = o.putObject("status");
    IntervalRecord.sorted(r.statusCodes()).forEach(status::put);
    ObjectNode errors = o.putObject("errors");
    IntervalRecord.sorted(r.errors()).forEach(errors::put);
    o.put("bytes", r.bytes());
    o.put("hist", r.histogram());
    if (!r.messages().isEmpty()) {
      ObjectNode messages = o.putObject("messages");
      IntervalRecord.sorted(r.messages()).forEach(messages::put);
    }
    IntervalRecord.Connections c = r.connections();
    if (c != null) {
      o.put("connections", c.opened());
      if (c.connectHistogram() != null) {
        o.put("connectHist", c.connectHistogram());
      }
      if (c.tlsHistogram() != null) {
        o.put("tlsHist", c.tlsHistogram());
        o.put("tlsResumed", c.tlsResumed());
      }
    }
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode interval record", e);
    }
  }

  /**
   * Parses one line written by {@link #toJsonLine(IntervalRecord)}.
   *
   * @param line the JSON text
   * @return the record
   * @throws IllegalArgumentException when the line is not a version-1 interval record
   */
  public static IntervalRecord fromJsonLine(String line) {
    JsonNode o;
    try {
      o = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an interval record (malformed JSON): " + abbreviate(line), e);
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("not an interval record (not a JSON object): " + abbreviate(line));
    }
    int version = o.path("v").asInt(-1);
    if (version != IntervalRecord.FORMAT_VERSION) {
      throw new IllegalArgumentException("interval record format version " + version + " is not supported (this build reads version "
          + IntervalRecord.FORMAT_VERSION + "); rebuild the report with the Constellation version that ran the test");
    }
    return new IntervalRecord(
        version,
        text(o, "runId"),
        text(o, "region"),
        text(o, "agent"),
        text(o, "script"),
        text(o, "name"),
        text(o, "kind"),
        o.path("start").asLong(),
        o.path("lengthMs").asLong(),
        o.path("count").asLong(),
        o.path("failures").asLong(),
        counts(o.path("status")),
        counts(o.path("errors")),
        o.path("bytes").asLong(),
        text(o, "hist"),
        counts(o.path("messages")),
        connections(o));
  }

  /** The optional connection fields (added within format version 1); null when the record has none. */
  private static IntervalRecord.Connections connections(JsonNode o) {
    JsonNode opened = o.get("connections");
    if (opened == null || opened.isNull()) {
      return null;
    }
    if (!opened.canConvertToLong() || opened.asLong() < 0) {
      throw new IllegalArgumentException("interval record has a \"connections\" field that is not a count: " + opened);
    }
    JsonNode connect = o.get("connectHist");
    JsonNode tls = o.get("tlsHist");
    return new IntervalRecord.Connections(opened.asLong(), connect == null ? null : connect.asText(),
        o.path("tlsResumed").asLong(0), tls == null ? null : tls.asText());
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("interval record lacks the text field \"" + field + "\"");
    }
    return v.asText();
  }

  private static Map<String, Long> counts(JsonNode node) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asLong());
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
