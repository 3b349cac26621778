package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** CloudWatch Logs (awsJson1_1, Logs_20140328): log groups, retention, tags (map form). */
final class Logs {

  /** PutRetentionPolicy's allowed values (CloudWatch Logs API reference). */
  static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180,
      365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

  static final class Group {
    final String name;
    final String arn;
    final long creationTime = System.currentTimeMillis();
    Integer retention;
    final Map<String, String> tags = new LinkedHashMap<>();

    Group(String name, String arn) {
      this.name = name;
      this.arn = arn;
    }
  }

  private final FakeAws fake;
  private final Map<String, TreeMap<String, Group>> groups = new HashMap<>();

  Logs(FakeAws fake) {
    this.fake = fake;
  }

  TreeMap<String, Group> region(String region) {
    return groups.computeIfAbsent(region, k -> new TreeMap<>());
  }

  List<FakeResource> resources() {
    List<FakeResource> out = new ArrayList<>();
    groups.forEach((region, m) -> m.values().forEach(g -> out.add(new FakeResource("logs", region,
        "log-group", g.name, g.arn, g.name, Map.copyOf(g.tags)))));
    return out;
  }

  Group create(String region, String name, Map<String, String> tags) {
    if (!name.matches("[\\.\\-_/#A-Za-z0-9]{1,512}")) {
      throw AwsError.badRequest("InvalidParameterException", "1 validation error detected: Value '"
          + name + "' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular"
          + " expression pattern: [\\.\\-_/#A-Za-z0-9]+");
    }
    if (region(region).containsKey(name)) {
      throw AwsError.badRequest("ResourceAlreadyExistsException", "The specified log group already exists");
    }
    Group g = new Group(name, "arn:aws:logs:" + region + ":" + fake.accountId() + ":log-group:" + name);
    g.tags.putAll(tags);
    region(region).put(name, g);
    return g;
  }

  private Group group(String region, String name) {
    Group g = region(region).get(name);
    if (g == null) {
      throw AwsError.badRequest("ResourceNotFoundException", "The specified log group does not exist.");
    }
    return g;
  }

  private Group byArn(String region, String arn) {
    String a = arn.endsWith(":*") ? arn.substring(0, arn.length() - 2) : arn;
    return region(region).values().stream().filter(g -> g.arn.equals(a)).findFirst()
        .orElseThrow(() -> AwsError.badRequest("ResourceNotFoundException",
            "The specified resource does not exist: " + arn));
  }

  Resp handle(String op, Req req) {
    JsonNode in = Js.parse(req.body);
    String region = req.region;
    ObjectNode out = Js.obj();
    switch (op) {
      case "CreateLogGroup" -> create(region, Js.str(in, "logGroupName", "InvalidParameterException"),
          Js.tagMap(in, "tags"));
      case "DescribeLogGroups" -> {
        String prefix = Js.opt(in, "logGroupNamePrefix");
        int limit = in.path("limit").asInt(50);
        ArrayNode a = out.putArray("logGroups");
        region(region).values().stream().filter(g -> prefix == null || g.name.startsWith(prefix))
            .limit(limit).forEach(g -> {
              ObjectNode o = a.addObject().put("logGroupName", g.name).put("creationTime", g.creationTime)
                  .put("metricFilterCount", 0).put("arn", g.arn + ":*").put("storedBytes", 0)
                  .put("logGroupClass", "STANDARD").put("logGroupArn", g.arn);
              if (g.retention != null) {
                o.put("retentionInDays", g.retention);
              }
            });
      }
      case "PutRetentionPolicy" -> {
        Group g = group(region, Js.str(in, "logGroupName", "InvalidParameterException"));
        int days = in.path("retentionInDays").asInt(-1);
        if (!RETENTION_DAYS.contains(days)) {
          throw AwsError.badRequest("InvalidParameterException", "1 validation error detected: Value '"
              + days + "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum"
              + " value set: " + RETENTION_DAYS);
        }
        g.retention = days;
      }
      case "DeleteRetentionPolicy" -> group(region, Js.str(in, "logGroupName", "InvalidParameterException"))
          .retention = null;
      case "DeleteLogGroup" -> region(region).remove(
          group(region, Js.str(in, "logGroupName", "InvalidParameterException")).name);
      case "ListTagsLogGroup" -> out.set("tags", Js.mapNode(
          group(region, Js.str(in, "logGroupName", "InvalidParameterException")).tags));
      case "TagLogGroup" -> group(region, Js.str(in, "logGroupName", "InvalidParameterException"))
          .tags.putAll(Js.tagMap(in, "tags"));
      case "UntagLogGroup" -> Js.strings(in, "tags").forEach(
          group(region, Js.str(in, "logGroupName", "InvalidParameterException")).tags::remove);
      case "ListTagsForResource" -> out.set("tags", Js.mapNode(
          byArn(region, Js.str(in, "resourceArn", "InvalidParameterException")).tags));
      case "TagResource" -> byArn(region, Js.str(in, "resourceArn", "InvalidParameterException"))
          .tags.putAll(Js.tagMap(in, "tags"));
      case "UntagResource" -> Js.strings(in, "tagKeys").forEach(
          byArn(region, Js.str(in, "resourceArn", "InvalidParameterException")).tags::remove);
      default -> throw AwsError.badRequest("UnknownOperationException",
          "The fake does not model CloudWatch Logs operation " + op);
    }
    return Protocol.json11(out);
  }
}
