package dev.constellation.awsfake;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One response: status, headers, body bytes. */
final class Resp {

  final int status;
  final Map<String, String> headers = new LinkedHashMap<>();
  final byte[] body;

  Resp(int status, String contentType, byte[] body) {
    this.status = status;
    this.body = body;
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
  }

  Resp(int status, String contentType, String body) {
    this(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  Resp header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
