package dev.constellation.awsfake;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One decoded request: what the service handlers see. */
final class Req {

  final String service;
  final String region;
  final String method;
  final String path;
  final Map<String, List<String>> query;
  final byte[] body;
  private final Function<String, String> headers;

  Req(String service, String region, String method, String url, byte[] body,
      Function<String, String> headers) {
    this.service = service;
    this.region = region;
    this.method = method;
    int q = url.indexOf('?');
    this.path = q < 0 ? url : url.substring(0, q);
    this.query = q < 0 ? Map.of() : parsePairs(url.substring(q + 1));
    this.body = body == null ? new byte[0] : body;
    this.headers = headers;
  }

  String header(String name) {
    return headers.apply(name);
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  String queryParam(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Parses {@code a=1&b=2} (URL-encoded) keeping order and repeated keys. */
  static Map<String, List<String>> parsePairs(String text) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }
}
