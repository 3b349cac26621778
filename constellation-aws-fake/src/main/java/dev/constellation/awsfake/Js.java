package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON helpers shared by the JSON protocols. */
final class Js {

  static final ObjectMapper M = new ObjectMapper();

  private Js() {}

  static ObjectNode obj() {
    return M.createObjectNode();
  }

  static ArrayNode arr() {
    return M.createArrayNode();
  }

  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return obj();
    }
    try {
      return M.readTree(body);
    } catch (IOException e) {
      throw AwsError.badRequest("SerializationException", "The request body is not JSON: " + e.getMessage());
    }
  }

  static String write(JsonNode node) {
    try {
      return M.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A required string member; the modelled error names it. */
  static String str(JsonNode in, String field, String errorCode) {
    JsonNode v = in.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw AwsError.badRequest(errorCode, "1 validation error detected: Value null at '" + field
          + "' failed to satisfy constraint: Member must not be null");
    }
    return v.asText();
  }

  static String opt(JsonNode in, String field) {
    JsonNode v = in.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static List<String> strings(JsonNode in, String field) {
    List<String> out = new ArrayList<>();
    JsonNode v = in.get(field);
    if (v != null && v.isArray()) {
      v.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  /** Tags as a list of {keyName: k, valueName: v} objects (ECS: key/value, ECR: Key/Value). */
  static Map<String, String> tagList(JsonNode in, String field, String keyName, String valueName) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode v = in.get(field);
    if (v != null && v.isArray()) {
      for (JsonNode t : v) {
        out.put(t.path(keyName).asText(), t.path(valueName).asText(""));
      }
    }
    return out;
  }

  static ArrayNode tagArray(Map<String, String> tags, String keyName, String valueName) {
    ArrayNode a = arr();
    tags.forEach((k, v) -> a.addObject().put(keyName, k).put(valueName, v));
    return a;
  }

  /** Tags as a JSON map (Logs, Lambda). */
  static Map<String, String> tagMap(JsonNode in, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode v = in.get(field);
    if (v != null && v.isObject()) {
      v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  static ObjectNode mapNode(Map<String, String> map) {
    ObjectNode o = obj();
    map.forEach(o::put);
    return o;
  }

  /** Checks that a policy document is JSON; the error code is the service's. */
  static void requireJson(String doc, int status, String code, String what) {
    try {
      JsonNode n = M.readTree(doc);
      if (n == null || !n.isObject()) {
        throw new IOException("not a JSON object");
      }
    } catch (IOException e) {
      throw new AwsError(status, code, what + " is not valid JSON: " + e.getMessage());
    }
  }
}
