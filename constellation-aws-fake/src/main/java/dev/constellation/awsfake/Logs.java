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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudWatch Logs (awsJson1_1, Logs_20140328): log groups, retention, tags (map form), log streams
 * and their events. Task output arrives here as the {@code awslogs} driver would send it (one event
 * per line, stdout and stderr in one stream); {@code GetLogEvents}, {@code FilterLogEvents} and
 * {@code DescribeLogStreams} read it back with the reference's paging rules.
 */
final class Logs {

  /** One stored event; {@code seq} is unique in its group and orders events of one stream. */
  record Event(long seq, long timestamp, String message, long ingestionTime) {}

  static final class LogStream {
    final String name;
    final String arn;
    final long creationTime = System.currentTimeMillis();
    final List<Event> events = new ArrayList<>();

    LogStream(String name, String arn) {
      this.name = name;
      this.arn = arn;
    }
  }

  /** PutRetentionPolicy's allowed values (CloudWatch Logs API reference). */
  static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180,
      365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

  static final class Group {
    final String name;
    final String arn;
    final long creationTime = System.currentTimeMillis();
    Integer retention;
    final Map<String, String> tags = new LinkedHashMap<>();
    final TreeMap<String, LogStream> streams = new TreeMap<>();
    long nextSeq = 1;

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

  /** The group's stream, created when missing (as the awslogs driver creates its stream). */
  LogStream stream(String region, String groupName, String streamName) {
    Group g = region(region).get(groupName);
    if (g == null) {
      return null;
    }
    return g.streams.computeIfAbsent(streamName, n -> new LogStream(n, g.arn + ":log-stream:" + n));
  }

  /** Appends one event (caller holds the fake's lock); dropped when the group was deleted meanwhile. */
  void append(String region, String groupName, String streamName, long timestamp, String message) {
    Group g = region(region).get(groupName);
    if (g == null) {
      return;
    }
    LogStream s = stream(region, groupName, streamName);
    s.events.add(new Event(g.nextSeq++, timestamp, message, System.currentTimeMillis()));
  }

  /** The messages of one stream, oldest first (empty when the group or stream does not exist). */
  List<String> messages(String region, String groupName, String streamName) {
    Group g = region(region).get(groupName);
    LogStream s = g == null ? null : g.streams.get(streamName);
    return s == null ? List.of() : s.events.stream().map(Event::message).toList();
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
      case "CreateLogStream" -> {
        Group g = group(region, Js.str(in, "logGroupName", "InvalidParameterException"));
        String name = Js.str(in, "logStreamName", "InvalidParameterException");
        if (name.contains(":") || name.contains("*") || name.length() > 512) {
          throw AwsError.badRequest("InvalidParameterException", "1 validation error detected: Value '"
              + name + "' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [^:*]*");
        }
        if (g.streams.containsKey(name)) {
          throw AwsError.badRequest("ResourceAlreadyExistsException", "The specified log stream already exists");
        }
        stream(region, g.name, name);
      }
      case "DeleteLogStream" -> {
        Group g = group(region, Js.str(in, "logGroupName", "InvalidParameterException"));
        if (g.streams.remove(Js.str(in, "logStreamName", "InvalidParameterException")) == null) {
          throw AwsError.badRequest("ResourceNotFoundException", "The specified log stream does not exist.");
        }
      }
      case "DescribeLogStreams" -> describeStreams(groupOf(region, in), in, out);
      case "GetLogEvents" -> getEvents(groupOf(region, in), in, out);
      case "FilterLogEvents" -> filterEvents(groupOf(region, in), in, out);
      default -> throw AwsError.badRequest("UnknownOperationException",
          "The fake does not model CloudWatch Logs operation " + op);
    }
    return Protocol.json11(out);
  }

  /** {@code logGroupName} or {@code logGroupIdentifier} (a name or an ARN); exactly one. */
  private Group groupOf(String region, JsonNode in) {
    String name = Js.opt(in, "logGroupName");
    String id = Js.opt(in, "logGroupIdentifier");
    if ((name == null) == (id == null)) {
      throw AwsError.badRequest("InvalidParameterException",
          "Exactly one of logGroupName or logGroupIdentifier must be given");
    }
    if (id != null && id.startsWith("arn:")) {
      return byArn(region, id);
    }
    return group(region, name != null ? name : id);
  }

  private static int limit(JsonNode in, int max, int dflt) {
    int limit = in.path("limit").asInt(dflt);
    if (limit < 1 || limit > max) {
      throw AwsError.badRequest("InvalidParameterException", "1 validation error detected: Value '"
          + limit + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and " + max);
    }
    return limit;
  }

  private static int tokenNumber(String token, String prefix) {
    if (token.startsWith(prefix)) {
      try {
        return Integer.parseInt(token.substring(prefix.length(), token.length() - 2));
      } catch (RuntimeException ignored) {
        // falls through to the error
      }
    }
    throw AwsError.badRequest("InvalidParameterException", "The specified nextToken is invalid.");
  }

  private static String token(String prefix, int n) {
    return prefix + String.format("%020d", n) + "/s";
  }

  private static boolean inTime(JsonNode in, long timestamp) {
    return (!in.has("startTime") || timestamp >= in.get("startTime").asLong())
        && (!in.has("endTime") || timestamp < in.get("endTime").asLong());
  }

  private static void event(ArrayNode a, Event e) {
    a.addObject().put("timestamp", e.timestamp()).put("message", e.message())
        .put("ingestionTime", e.ingestionTime());
  }

  /**
   * GetLogEvents: without a token the newest {@code limit} events ({@code startFromHead=false},
   * the default) or the oldest ({@code true}); {@code f/...} tokens read forward, {@code b/...}
   * backward; at the end of the stream the token passed in comes back (API reference).
   */
  private void getEvents(Group g, JsonNode in, ObjectNode out) {
    LogStream s = g.streams.get(Js.str(in, "logStreamName", "InvalidParameterException"));
    if (s == null) {
      throw AwsError.badRequest("ResourceNotFoundException", "The specified log stream does not exist.");
    }
    int limit = limit(in, 10_000, 10_000);
    String token = Js.opt(in, "nextToken");
    boolean forward = token == null ? in.path("startFromHead").asBoolean(false) : token.startsWith("f/");
    int from = token == null ? (forward ? 0 : s.events.size()) : tokenNumber(token, forward ? "f/" : "b/");
    List<Integer> picked = new ArrayList<>();
    if (forward) {
      for (int i = Math.max(0, from); i < s.events.size() && picked.size() < limit; i++) {
        if (inTime(in, s.events.get(i).timestamp())) {
          picked.add(i);
        }
      }
    } else {
      for (int i = Math.min(from, s.events.size()) - 1; i >= 0 && picked.size() < limit; i--) {
        if (inTime(in, s.events.get(i).timestamp())) {
          picked.add(0, i);
        }
      }
    }
    ArrayNode a = out.putArray("events");
    picked.forEach(i -> event(a, s.events.get(i)));
    if (picked.isEmpty()) {
      String same = token != null ? token : token(forward ? "f/" : "b/", from);
      out.put("nextForwardToken", forward ? same : token("f/", from));
      out.put("nextBackwardToken", forward ? token("b/", from) : same);
    } else {
      out.put("nextForwardToken", token("f/", picked.get(picked.size() - 1) + 1));
      out.put("nextBackwardToken", token("b/", picked.get(0)));
    }
  }

  /**
   * FilterLogEvents over the group's streams ({@code logStreamNames} or
   * {@code logStreamNamePrefix}), oldest first across streams, paged by {@code nextToken}. Filter
   * patterns: the term syntax for unstructured events (terms must all occur, case-sensitive;
   * {@code "quoted phrases"}; {@code ?a ?b} any of; {@code -term} must not occur). JSON and
   * space-delimited patterns are refused with InvalidParameterException.
   */
  private void filterEvents(Group g, JsonNode in, ObjectNode out) {
    List<String> names = Js.strings(in, "logStreamNames");
    String prefix = Js.opt(in, "logStreamNamePrefix");
    if (!names.isEmpty() && prefix != null) {
      throw AwsError.badRequest("InvalidParameterException",
          "logStreamNames and logStreamNamePrefix are mutually exclusive");
    }
    int limit = limit(in, 10_000, 10_000);
    java.util.function.Predicate<String> pattern = filterPattern(Js.opt(in, "filterPattern"));
    List<Map.Entry<LogStream, Event>> matches = new ArrayList<>();
    ArrayNode searched = out.putArray("searchedLogStreams");
    for (LogStream s : g.streams.values()) {
      if ((!names.isEmpty() && !names.contains(s.name)) || (prefix != null && !s.name.startsWith(prefix))) {
        continue;
      }
      searched.addObject().put("logStreamName", s.name).put("searchedCompletely", true);
      for (Event e : s.events) {
        if (inTime(in, e.timestamp()) && pattern.test(e.message())) {
          matches.add(Map.entry(s, e));
        }
      }
    }
    matches.sort(java.util.Comparator.comparingLong((Map.Entry<LogStream, Event> m) -> m.getValue().timestamp())
        .thenComparingLong(m -> m.getValue().seq()));
    String token = Js.opt(in, "nextToken");
    int from = token == null ? 0 : tokenNumber(token, "n/");
    ArrayNode a = out.putArray("events");
    int to = Math.min(matches.size(), from + limit);
    for (int i = from; i < to; i++) {
      Map.Entry<LogStream, Event> m = matches.get(i);
      Event e = m.getValue();
      a.addObject().put("logStreamName", m.getKey().name).put("timestamp", e.timestamp())
          .put("message", e.message()).put("ingestionTime", e.ingestionTime())
          .put("eventId", String.format("%036d", e.seq()));
    }
    if (to < matches.size()) {
      out.put("nextToken", token("n/", to));
    }
  }

  static java.util.function.Predicate<String> filterPattern(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      return m -> true;
    }
    String p = pattern.trim();
    if (p.startsWith("{") || p.startsWith("[") || p.startsWith("%")) {
      throw AwsError.badRequest("InvalidParameterException", "The fake supports only term filter"
          + " patterns (terms, \"phrases\", ?any, -not); got '" + pattern + "'");
    }
    List<String> terms = new ArrayList<>();
    Matcher m = Pattern.compile("([?-]?)\"([^\"]*)\"|(\\S+)").matcher(p);
    while (m.find()) {
      terms.add(m.group(2) != null ? m.group(1) + m.group(2) : m.group(3));
    }
    List<String> all = new ArrayList<>();
    List<String> any = new ArrayList<>();
    List<String> none = new ArrayList<>();
    for (String t : terms) {
      if (t.startsWith("?") && t.length() > 1) {
        any.add(t.substring(1));
      } else if (t.startsWith("-") && t.length() > 1) {
        none.add(t.substring(1));
      } else {
        all.add(t);
      }
    }
    return msg -> all.stream().allMatch(msg::contains) && none.stream().noneMatch(msg::contains)
        && (any.isEmpty() || any.stream().anyMatch(msg::contains));
  }

  private void describeStreams(Group g, JsonNode in, ObjectNode out) {
    String prefix = Js.opt(in, "logStreamNamePrefix");
    boolean byTime = "LastEventTime".equals(Js.opt(in, "orderBy"));
    if (byTime && prefix != null) {
      throw AwsError.badRequest("InvalidParameterException",
          "Cannot order by LastEventTime with a logStreamNamePrefix.");
    }
    int limit = limit(in, 50, 50);
    List<LogStream> list = new ArrayList<>(g.streams.values().stream()
        .filter(s -> prefix == null || s.name.startsWith(prefix)).toList());
    if (byTime) {
      list.sort(java.util.Comparator.comparingLong(s -> s.events.isEmpty() ? s.creationTime
          : s.events.get(s.events.size() - 1).timestamp()));
    }
    if (in.path("descending").asBoolean(false)) {
      java.util.Collections.reverse(list);
    }
    String token = Js.opt(in, "nextToken");
    int from = token == null ? 0 : tokenNumber(token, "n/");
    int to = Math.min(list.size(), from + limit);
    ArrayNode a = out.putArray("logStreams");
    for (LogStream s : list.subList(Math.min(from, to), to)) {
      ObjectNode o = a.addObject().put("logStreamName", s.name).put("creationTime", s.creationTime)
          .put("arn", s.arn).put("storedBytes", 0);
      if (!s.events.isEmpty()) {
        o.put("firstEventTimestamp", s.events.get(0).timestamp())
            .put("lastEventTimestamp", s.events.get(s.events.size() - 1).timestamp())
            .put("lastIngestionTime", s.events.get(s.events.size() - 1).ingestionTime());
      }
    }
    if (to < list.size()) {
      out.put("nextToken", token("n/", to));
    }
  }
}
