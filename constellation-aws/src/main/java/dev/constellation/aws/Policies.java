package dev.constellation.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IAM policy documents, kept as JSON files under {@code dev/constellation/aws/policies/} (quoted in
 * docs/aws.md) with {@code {{placeholders}}} filled from the installation, the partition and the
 * account. Least privilege: each role can touch only its installation's resources (AWS-DEPLOY §2.7).
 */
public final class Policies {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z]+)}}");

  private final Map<String, String> values;

  /**
   * Policies for one installation in one account.
   *
   * @param installation names
   * @param partition {@code aws}, {@code aws-cn} or {@code aws-us-gov}
   * @param account the 12-digit account id
   */
  public Policies(Installation installation, String partition, String account) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("partition", partition);
    v.put("account", account);
    v.put("home", installation.homeRegion());
    v.put("repository", installation.repository());
    v.put("agentLogGroup", installation.agentLogGroup());
    v.put("function", installation.function());
    v.put("functionLogGroup", installation.functionLogGroup());
    v.put("bucket", installation.bucket(account));
    v.put("table", installation.table());
    v.put("timestreamDatabase", installation.timestreamDatabase());
    v.put("timestreamTable", installation.timestreamTable());
    this.values = Map.copyOf(v);
  }

  /** The trust policy of a role (who may assume it; with the confused-deputy conditions). */
  public String trust(Installation.Role role) {
    return render(role.principal().startsWith("lambda") ? "trust-lambda.json" : "trust-ecs-tasks.json");
  }

  /**
   * The inline permission policy of a role.
   *
   * @param role the role
   * @param timestream whether results go to Timestream (task role only; else S3)
   * @return the JSON document
   */
  public String permissions(Installation.Role role, boolean timestream) {
    return switch (role) {
      case EXECUTION -> render("execution-role.json");
      case TASK -> render(timestream ? "task-role-timestream.json" : "task-role-s3.json");
      case ORCHESTRATOR -> render("orchestrator-role.json");
    };
  }

  /** The policy the person running init/run/teardown needs (docs/aws.md), for the default installation name. */
  public String operator() {
    return render("operator.json");
  }

  /**
   * Reads a template and fills it in.
   *
   * @param file the file name under {@code policies/}
   * @return the JSON text
   * @throws IllegalStateException when a placeholder has no value (a bug in the template)
   */
  String render(String file) {
    String template;
    try (InputStream in = Policies.class.getResourceAsStream("policies/" + file)) {
      if (in == null) {
        throw new IllegalStateException("policy template " + file + " is missing from the class path");
      }
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("policy template " + file + " uses an unknown placeholder {{" + m.group(1) + "}}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return compact(out.toString());
  }

  /**
   * Whether two policy documents say the same thing: JSON equality, so member order and white space
   * do not matter. IAM returns documents URL-encoded (IAM API reference, GetRolePolicy); such input is
   * decoded first.
   *
   * @param a a document, plain or URL-encoded
   * @param b another
   * @return true when equal as JSON
   */
  public static boolean same(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    try {
      return parse(a).equals(parse(b));
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * How a policy document differs from the wanted one, by statement {@code Sid}: which statements
   * are missing, which differ and which are extra; for the run's out-of-date check.
   *
   * @param have the document in the account, plain or URL-encoded; null when there is none
   * @param want the document this version ships
   * @return e.g. {@code "statement ResultsS3 differs; statement Logs is missing"}, or an empty string when they are the same
   */
  public static String differences(String have, String want) {
    if (have == null) {
      return "there is no such policy";
    }
    if (same(have, want)) {
      return "";
    }
    Map<String, JsonNode> a;
    Map<String, JsonNode> b;
    try {
      a = statements(parse(have));
      b = statements(parse(want));
    } catch (JsonProcessingException e) {
      return "the document in the account is not JSON";
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    b.forEach((sid, st) -> {
      if (!a.containsKey(sid)) {
        out.add("statement " + sid + " is missing");
      } else if (!a.get(sid).equals(st)) {
        out.add("statement " + sid + " differs");
      }
    });
    a.keySet().stream().filter(sid -> !b.containsKey(sid)).forEach(sid -> out.add("statement " + sid + " is extra"));
    return out.isEmpty() ? "the document differs outside its statements" : String.join("; ", out);
  }

  private static Map<String, JsonNode> statements(JsonNode doc) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode st = doc.path("Statement");
    java.util.List<JsonNode> list = new java.util.ArrayList<>();
    if (st.isArray()) {
      st.forEach(list::add);
    } else if (st.isObject()) {
      list.add(st);
    }
    for (int i = 0; i < list.size(); i++) {
      out.put(list.get(i).path("Sid").asText("#" + (i + 1)), list.get(i));
    }
    return out;
  }

  private static JsonNode parse(String doc) throws JsonProcessingException {
    String s = doc.trim();
    if (!s.startsWith("{")) {
      s = URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
    return JSON.readTree(s);
  }

  private static String compact(String json) {
    try {
      return JSON.writeValueAsString(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a policy template is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
