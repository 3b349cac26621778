package dev.constellation.awsfake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An awsQuery / ec2Query form body. Lists are {@code Name.member.N} (awsQuery) or {@code Name.N}
 * (ec2Query), numbered from 1; structures nest with dots.
 */
final class Form {

  private final Map<String, String> values = new LinkedHashMap<>();

  Form(String body) {
    Req.parsePairs(body).forEach((k, v) -> values.put(k, v.get(0)));
  }

  String get(String name) {
    return values.get(name);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null || v.isEmpty()) {
      throw AwsError.badRequest("MissingParameter",
          "The request must contain the parameter " + name);
    }
    return v;
  }

  boolean bool(String name) {
    return "true".equalsIgnoreCase(values.get(name));
  }

  /** The N in {@code prefix.1...}, {@code prefix.2...}: the list's element prefixes. */
  List<String> list(String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 1; ; i++) {
      String p = prefix + "." + i;
      String pd = p + ".";
      boolean any = values.containsKey(p)
          || values.keySet().stream().anyMatch(k -> k.startsWith(pd));
      if (!any) {
        return out;
      }
      out.add(p);
    }
  }

  /** The scalar values of a list ({@code prefix.1=a&prefix.2=b}). */
  List<String> values(String prefix) {
    return list(prefix).stream().map(values::get).filter(v -> v != null).toList();
  }

  /** A tag list: {@code prefix.N.Key} / {@code prefix.N.Value}. */
  Map<String, String> tags(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : list(prefix)) {
      String k = values.get(p + ".Key");
      if (k != null) {
        out.put(k, values.getOrDefault(p + ".Value", ""));
      }
    }
    return out;
  }
}
