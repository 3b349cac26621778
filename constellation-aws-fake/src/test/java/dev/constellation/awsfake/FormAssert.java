package dev.constellation.awsfake;

import java.util.LinkedHashMap;
import java.util.Map;

/** Form bodies compared as decoded maps (equality, not strings). */
final class FormAssert {

  private FormAssert() {}

  static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    Req.parsePairs(body).forEach((k, v) -> out.put(k, v.get(0)));
    return out;
  }
}
