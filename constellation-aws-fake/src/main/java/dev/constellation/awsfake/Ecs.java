package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ECS (awsJson1_1, AmazonEC2ContainerServiceV20141113): clusters (a deleted cluster stays
 * visible as INACTIVE to DescribeClusters, as on AWS), task definition families and revisions,
 * tasks. A RunTask'd task runs for real ({@link TaskRuns}): its image is pulled from the
 * registry standing in for ECR and its entrypoint runs as a local process; DescribeTasks follows
 * PROVISIONING → PENDING → RUNNING → DEPROVISIONING → STOPPED; StopTask sends SIGTERM, then SIGKILL
 * after the container's {@code stopTimeout}. RunTask honours {@code clientToken}: the same token
 * and request give the same tasks and start nothing, the same token with a different request is a
 * {@code ConflictException}.
 */
final class Ecs {

  static final class Cluster {
    final String name;
    final String arn;
    String status = "ACTIVE";
    final Map<String, String> tags = new LinkedHashMap<>();

    Cluster(String name, String arn) {
      this.name = name;
      this.arn = arn;
    }
  }

  static final class TaskDef {
    final ObjectNode body;
    final String family;
    final int revision;
    final String arn;
    String status = "ACTIVE";
    final Map<String, String> tags = new LinkedHashMap<>();

    TaskDef(ObjectNode body, String family, int revision, String arn) {
      this.body = body;
      this.family = family;
      this.revision = revision;
      this.arn = arn;
    }
  }

  static final class Task {
    final ObjectNode node;
    final String arn;
    final String clusterArn;
    final List<String> securityGroups;
    TaskRuns.Run run;

    Task(ObjectNode node, String arn, String clusterArn, List<String> securityGroups) {
      this.node = node;
      this.arn = arn;
      this.clusterArn = clusterArn;
      this.securityGroups = securityGroups;
    }

    String lastStatus() {
      return node.path("lastStatus").asText();
    }
  }

  final class Region {
    final String name;
    final Map<String, Cluster> clusters = new LinkedHashMap<>();
    final Map<String, List<TaskDef>> families = new LinkedHashMap<>();
    final Map<String, Task> tasks = new LinkedHashMap<>();
    final Map<String, Map.Entry<JsonNode, List<String>>> tokens = new HashMap<>();
    double runTaskTokens = Double.NaN;
    long runTaskRefilledNanos;

    Region(String name) {
      this.name = name;
    }

    String arn(String kind, String rest) {
      return "arn:aws:ecs:" + name + ":" + fake.accountId() + ":" + kind + "/" + rest;
    }
  }

  private final FakeAws fake;
  private final Map<String, Region> regions = new HashMap<>();
  /** Every task by its id (the last ARN segment), for the task metadata endpoint. */
  private final Map<String, Task> tasksById = new HashMap<>();

  Ecs(FakeAws fake) {
    this.fake = fake;
  }

  Region region(String name) {
    return regions.computeIfAbsent(name, Region::new);
  }

  List<FakeResource> resources() {
    List<FakeResource> out = new ArrayList<>();
    for (Region r : regions.values()) {
      r.clusters.values().stream().filter(c -> c.status.equals("ACTIVE")).forEach(c -> out.add(
          new FakeResource("ecs", r.name, "cluster", c.name, c.arn, c.name, Map.copyOf(c.tags))));
      r.families.values().forEach(revs -> revs.stream().filter(t -> t.status.equals("ACTIVE"))
          .forEach(t -> out.add(new FakeResource("ecs", r.name, "task-definition",
              t.family + ":" + t.revision, t.arn, t.family, Map.copyOf(t.tags)))));
      r.tasks.values().stream().filter(t -> !t.lastStatus().equals("STOPPED")).forEach(t -> out.add(
          new FakeResource("ecs", r.name, "task", t.arn.substring(t.arn.lastIndexOf('/') + 1),
              t.arn, t.node.path("group").asText(), tagsOf(t.node))));
    }
    return out;
  }

  private static Map<String, String> tagsOf(ObjectNode task) {
    return Map.copyOf(Js.tagList(task, "tags", "key", "value"));
  }

  /** True while a task that is not STOPPED uses the security group (EC2 DependencyViolation). */
  boolean groupInUse(String region, String groupId) {
    Region r = regions.get(region);
    return r != null && r.tasks.values().stream()
        .anyMatch(t -> !t.lastStatus().equals("STOPPED") && t.securityGroups.contains(groupId));
  }

  Cluster createCluster(String region, String name, Map<String, String> tags) {
    Region r = region(region);
    Cluster existing = r.clusters.get(name);
    if (existing != null && existing.status.equals("ACTIVE")) {
      return existing;
    }
    if (!name.matches("[A-Za-z0-9_-]{1,255}")) {
      throw AwsError.badRequest("InvalidParameterException", "Cluster name '" + name
          + "' is invalid: up to 255 letters, numbers, hyphens, and underscores are allowed.");
    }
    Cluster c = new Cluster(name, r.arn("cluster", name));
    c.tags.putAll(tags);
    r.clusters.put(name, c);
    return c;
  }

  private Cluster cluster(Region r, String nameOrArn, boolean activeOnly) {
    String n = nameOrArn == null ? "default" : nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
    Cluster c = r.clusters.get(n);
    if (c == null || (activeOnly && !c.status.equals("ACTIVE"))) {
      throw AwsError.badRequest("ClusterNotFoundException", "Cluster not found.");
    }
    return c;
  }

  private ObjectNode clusterJson(Region r, Cluster c, boolean withTags) {
    long running = r.tasks.values().stream()
        .filter(t -> t.clusterArn.equals(c.arn) && t.lastStatus().equals("RUNNING")).count();
    long pending = r.tasks.values().stream().filter(t -> t.clusterArn.equals(c.arn)
        && (t.lastStatus().equals("PROVISIONING") || t.lastStatus().equals("PENDING"))).count();
    ObjectNode o = Js.obj().put("clusterArn", c.arn).put("clusterName", c.name)
        .put("status", c.status).put("registeredContainerInstancesCount", 0)
        .put("runningTasksCount", running).put("pendingTasksCount", pending)
        .put("activeServicesCount", 0);
    o.putArray("statistics");
    o.putArray("capacityProviders");
    o.putArray("defaultCapacityProviderStrategy");
    if (withTags) {
      o.set("tags", Js.tagArray(c.tags, "key", "value"));
    }
    return o;
  }

  Resp handle(String op, Req req) {
    JsonNode in = Js.parse(req.body);
    Region r = region(req.region);
    ObjectNode out = Js.obj();
    switch (op) {
      case "CreateCluster" -> {
        String name = in.path("clusterName").asText("default");
        Cluster c = createCluster(req.region, name, Js.tagList(in, "tags", "key", "value"));
        out.set("cluster", clusterJson(r, c, true));
      }
      case "DescribeClusters" -> {
        boolean tags = Js.strings(in, "include").contains("TAGS");
        ArrayNode clusters = out.putArray("clusters");
        ArrayNode failures = out.putArray("failures");
        List<String> names = Js.strings(in, "clusters");
        if (names.isEmpty()) {
          names = List.of("default");
        }
        for (String n : names) {
          Cluster c = r.clusters.get(n.substring(n.lastIndexOf('/') + 1));
          if (c == null) {
            failures.addObject().put("arn", n.startsWith("arn:") ? n : r.arn("cluster", n))
                .put("reason", "MISSING");
          } else {
            clusters.add(clusterJson(r, c, tags));
          }
        }
      }
      case "ListClusters" -> {
        ArrayNode arns = out.putArray("clusterArns");
        r.clusters.values().stream().filter(c -> c.status.equals("ACTIVE")).forEach(c -> arns.add(c.arn));
      }
      case "DeleteCluster" -> {
        Cluster c = cluster(r, Js.str(in, "cluster", "InvalidParameterException"), true);
        if (r.tasks.values().stream().anyMatch(t -> t.clusterArn.equals(c.arn)
            && !t.lastStatus().equals("STOPPED"))) {
          throw AwsError.badRequest("ClusterContainsTasksException",
              "The Cluster cannot be deleted while Tasks are active.");
        }
        c.status = "INACTIVE";
        out.set("cluster", clusterJson(r, c, false));
      }
      case "TagResource", "UntagResource", "ListTagsForResource" -> {
        Map<String, String> tags = tagsOf(r, Js.str(in, "resourceArn", "InvalidParameterException"));
        if (op.equals("TagResource")) {
          tags.putAll(Js.tagList(in, "tags", "key", "value"));
        } else if (op.equals("UntagResource")) {
          Js.strings(in, "tagKeys").forEach(tags::remove);
        } else {
          out.set("tags", Js.tagArray(tags, "key", "value"));
        }
      }
      case "RegisterTaskDefinition" -> {
        TaskDef td = register(r, in);
        out.set("taskDefinition", td.body);
        out.set("tags", Js.tagArray(td.tags, "key", "value"));
      }
      case "DeregisterTaskDefinition" -> {
        TaskDef td = taskDef(r, Js.str(in, "taskDefinition", "InvalidParameterException"), false);
        td.status = "INACTIVE";
        td.body.put("status", "INACTIVE");
        td.body.put("deregisteredAt", now());
        out.set("taskDefinition", td.body);
      }
      case "DeleteTaskDefinitions" -> {
        ArrayNode done = out.putArray("taskDefinitions");
        ArrayNode failures = out.putArray("failures");
        List<String> ids = Js.strings(in, "taskDefinitions");
        if (ids.isEmpty() || ids.size() > 10) {
          throw AwsError.badRequest("InvalidParameterException",
              "taskDefinitions must name 1 to 10 task definitions; got " + ids.size());
        }
        for (String id : ids) {
          TaskDef td;
          try {
            td = taskDef(r, id, false);
          } catch (AwsError e) {
            failures.addObject().put("arn", id).put("reason", "TASK_DEFINITION_NOT_FOUND");
            continue;
          }
          if (!td.status.equals("INACTIVE")) {
            failures.addObject().put("arn", td.arn).put("reason", "The specified task definition"
                + " is not in INACTIVE state. Deregister it first.");
            continue;
          }
          r.families.get(td.family).remove(td);
          td.body.put("status", "DELETE_IN_PROGRESS");
          done.add(td.body);
        }
      }
      case "ListTaskDefinitions" -> {
        String prefix = Js.opt(in, "familyPrefix");
        String status = in.path("status").asText("ACTIVE");
        boolean desc = "DESC".equals(Js.opt(in, "sort"));
        List<String> arns = new ArrayList<>();
        r.families.forEach((fam, revs) -> revs.stream()
            .filter(t -> (prefix == null || fam.startsWith(prefix)) && t.status.equals(status))
            .forEach(t -> arns.add(t.arn)));
        if (desc) {
          java.util.Collections.reverse(arns);
        }
        ArrayNode a = out.putArray("taskDefinitionArns");
        arns.forEach(a::add);
      }
      case "DescribeTaskDefinition" -> {
        TaskDef td = taskDef(r, Js.str(in, "taskDefinition", "InvalidParameterException"), true);
        out.set("taskDefinition", td.body);
        if (Js.strings(in, "include").contains("TAGS")) {
          out.set("tags", Js.tagArray(td.tags, "key", "value"));
        }
      }
      case "RunTask" -> runTask(r, in, out);
      case "ListTasks" -> {
        Cluster c = cluster(r, Js.opt(in, "cluster"), true);
        String desired = in.path("desiredStatus").asText("RUNNING");
        String family = Js.opt(in, "family");
        String startedBy = Js.opt(in, "startedBy");
        ArrayNode a = out.putArray("taskArns");
        r.tasks.values().stream().filter(t -> t.clusterArn.equals(c.arn)
                && t.node.path("desiredStatus").asText().equals(desired)
                && (family == null || t.node.path("group").asText().equals("family:" + family))
                && (startedBy == null || startedBy.equals(t.node.path("startedBy").asText(null))))
            .forEach(t -> a.add(t.arn));
      }
      case "DescribeTasks" -> {
        Cluster c = cluster(r, Js.opt(in, "cluster"), false);
        List<String> ids = Js.strings(in, "tasks");
        if (ids.isEmpty() || ids.size() > 100) {
          throw AwsError.badRequest("InvalidParameterException",
              "tasks must name 1 to 100 tasks; got " + ids.size());
        }
        boolean withTags = Js.strings(in, "include").contains("TAGS");
        ArrayNode tasks = out.putArray("tasks");
        ArrayNode failures = out.putArray("failures");
        for (String id : ids) {
          Task t = task(r, c, id);
          if (t == null) {
            failures.addObject().put("arn", id).put("reason", "MISSING");
          } else {
            ObjectNode n = t.node.deepCopy();
            if (!withTags) {
              n.remove("tags");
            }
            tasks.add(n);
          }
        }
      }
      case "StopTask" -> {
        Cluster c = cluster(r, Js.opt(in, "cluster"), false);
        String id = Js.str(in, "task", "InvalidParameterException");
        Task t = task(r, c, id);
        if (t == null) {
          throw AwsError.badRequest("InvalidParameterException", "The referenced task was not found.");
        }
        stop(t, "UserInitiated", in.path("reason").asText("Task stopped by user"));
        out.set("task", t.node.deepCopy());
      }
      default -> throw AwsError.badRequest("UnknownOperationException",
          "The fake does not model ECS operation " + op);
    }
    return Protocol.json11(out);
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /**
   * StopTask: desiredStatus STOPPED with this stopCode and reason (the first stop's are kept, as on
   * ECS); a task whose process has not started is STOPPED at once, a running process gets SIGTERM
   * (see {@link TaskRuns#stop}).
   */
  void stop(Task t, String stopCode, String reason) {
    if (t.lastStatus().equals("STOPPED") || t.node.path("desiredStatus").asText().equals("STOPPED")) {
      return;
    }
    t.node.put("desiredStatus", "STOPPED").put("stoppingAt", now());
    if (!t.node.has("stopCode")) {
      t.node.put("stopCode", stopCode).put("stoppedReason", reason);
    }
    t.node.put("version", t.node.path("version").asInt(1) + 1);
    fake.taskRuns.stop(t.run);
  }

  /** The run of the task with this id (the last ARN segment), or null. */
  TaskRuns.Run runById(String taskId) {
    Task t = tasksById.get(taskId);
    return t == null ? null : t.run;
  }

  private Task task(Region r, Cluster c, String id) {
    String tail = id.substring(id.lastIndexOf('/') + 1);
    return r.tasks.values().stream()
        .filter(t -> t.clusterArn.equals(c.arn) && (t.arn.equals(id) || t.arn.endsWith("/" + tail)))
        .findFirst().orElse(null);
  }

  private Map<String, String> tagsOf(Region r, String arn) {
    for (Cluster c : r.clusters.values()) {
      if (c.arn.equals(arn) && c.status.equals("ACTIVE")) {
        return c.tags;
      }
    }
    for (List<TaskDef> revs : r.families.values()) {
      for (TaskDef t : revs) {
        if (t.arn.equals(arn)) {
          return t.tags;
        }
      }
    }
    Task t = r.tasks.get(arn);
    if (t != null) {
      return new TaskTags(t.node);
    }
    throw AwsError.badRequest("InvalidParameterException", "The specified resource could not be found: " + arn);
  }

  /** A live view of a task's {@code tags} array as a map. */
  private static final class TaskTags extends LinkedHashMap<String, String> {
    private final ObjectNode node;

    TaskTags(ObjectNode node) {
      super(Js.tagList(node, "tags", "key", "value"));
      this.node = node;
    }

    @Override
    public String put(String k, String v) {
      String old = super.put(k, v);
      node.set("tags", Js.tagArray(this, "key", "value"));
      return old;
    }

    @Override
    public void putAll(Map<? extends String, ? extends String> m) {
      m.forEach(this::put);
    }

    @Override
    public String remove(Object k) {
      String old = super.remove(k);
      node.set("tags", Js.tagArray(this, "key", "value"));
      return old;
    }
  }

  private TaskDef register(Region r, JsonNode in) {
    String family = Js.str(in, "family", "ClientException");
    if (!family.matches("[A-Za-z0-9_-]{1,255}")) {
      throw AwsError.badRequest("ClientException", "Family contains invalid characters: '" + family + "'");
    }
    JsonNode containers = in.get("containerDefinitions");
    if (containers == null || !containers.isArray() || containers.isEmpty()) {
      throw AwsError.badRequest("ClientException", "Container list cannot be empty.");
    }
    for (JsonNode c : containers) {
      if (c.path("name").asText("").isEmpty() || c.path("image").asText("").isEmpty()) {
        throw AwsError.badRequest("ClientException",
            "Container.name and Container.image should not be null or empty.");
      }
    }
    List<String> compat = Js.strings(in, "requiresCompatibilities");
    if (compat.contains("FARGATE")) {
      if (!"awsvpc".equals(Js.opt(in, "networkMode"))) {
        throw AwsError.badRequest("ClientException",
            "Fargate only supports network mode 'awsvpc'.");
      }
      if (Js.opt(in, "cpu") == null || Js.opt(in, "memory") == null) {
        throw AwsError.badRequest("ClientException",
            "Fargate requires that 'cpu' be defined at the task level.");
      }
    }
    List<TaskDef> revs = r.families.computeIfAbsent(family, k -> new ArrayList<>());
    int revision = revs.isEmpty() ? 1 : revs.get(revs.size() - 1).revision + 1;
    ObjectNode body = ((ObjectNode) in).deepCopy();
    body.remove("tags");
    String arn = r.arn("task-definition", family + ":" + revision);
    body.put("taskDefinitionArn", arn).put("revision", revision).put("status", "ACTIVE")
        .put("registeredAt", now());
    ArrayNode compats = body.putArray("compatibilities");
    compats.add("EC2");
    if (compat.contains("FARGATE")) {
      compats.add("FARGATE");
    }
    TaskDef td = new TaskDef(body, family, revision, arn);
    td.tags.putAll(Js.tagList(in, "tags", "key", "value"));
    revs.add(td);
    return td;
  }

  /** {@code family} (latest ACTIVE), {@code family:revision} or an ARN. */
  private TaskDef taskDef(Region r, String ref, boolean latestActiveOnly) {
    String tail = ref.startsWith("arn:") ? ref.substring(ref.lastIndexOf('/') + 1) : ref;
    int colon = tail.lastIndexOf(':');
    String family = colon < 0 ? tail : tail.substring(0, colon);
    List<TaskDef> revs = r.families.getOrDefault(family, List.of());
    TaskDef found = null;
    if (colon < 0) {
      for (TaskDef t : revs) {
        if (t.status.equals("ACTIVE")) {
          found = t;
        }
      }
    } else {
      String rev = tail.substring(colon + 1);
      found = revs.stream().filter(t -> String.valueOf(t.revision).equals(rev)).findFirst().orElse(null);
    }
    if (found == null) {
      throw AwsError.badRequest("ClientException", "Unable to describe task definition.");
    }
    return found;
  }

  /** Takes one token from the region's RunTask bucket, or fails with ThrottlingException. */
  private void throttle(Region r) {
    double[] rate = fake.faults.runTaskRate(r.name);
    long now = System.nanoTime();
    if (Double.isNaN(r.runTaskTokens)) {
      r.runTaskTokens = rate[0];
    } else {
      r.runTaskTokens = Math.min(rate[0],
          r.runTaskTokens + (now - r.runTaskRefilledNanos) / 1e9 * rate[1]);
    }
    r.runTaskRefilledNanos = now;
    if (r.runTaskTokens < 1) {
      throw AwsError.badRequest("ThrottlingException", "Rate exceeded");
    }
    r.runTaskTokens -= 1;
  }

  private void runTask(Region r, JsonNode in, ObjectNode out) {
    throttle(r);
    Cluster c = cluster(r, Js.opt(in, "cluster"), true);
    TaskDef td;
    try {
      td = taskDef(r, Js.str(in, "taskDefinition", "InvalidParameterException"), true);
    } catch (AwsError e) {
      throw AwsError.badRequest("InvalidParameterException", "TaskDefinition not found.");
    }
    int count = in.path("count").asInt(1);
    if (count < 1 || count > 10) {
      throw AwsError.badRequest("InvalidParameterException", "count must be between 1 and 10; got " + count);
    }
    JsonNode strategy = in.path("capacityProviderStrategy");
    String capacityProvider = null;
    if (strategy.isArray() && !strategy.isEmpty()) {
      if (in.has("launchType")) {
        throw AwsError.badRequest("InvalidParameterException",
            "Specifying both a launch type and capacity provider strategy is not supported.");
      }
      for (JsonNode p : strategy) {
        String name = p.path("capacityProvider").asText("");
        if (!name.equals("FARGATE") && !name.equals("FARGATE_SPOT")) {
          throw AwsError.badRequest("InvalidParameterException", "The specified capacity provider "
              + name + " is not in an ACTIVE state. Specify a valid capacity provider and try again.");
        }
        if (capacityProvider == null || p.path("base").asInt(0) > 0) {
          capacityProvider = name;
        }
      }
    }
    for (JsonNode o : in.path("overrides").path("containerOverrides")) {
      String name = o.path("name").asText("");
      boolean known = false;
      for (JsonNode cd : td.body.path("containerDefinitions")) {
        known |= cd.path("name").asText().equals(name);
      }
      if (!known) {
        throw AwsError.badRequest("InvalidParameterException", "Override for container named " + name
            + " is not a container in the TaskDefinition.");
      }
    }
    String token = Js.opt(in, "clientToken");
    ObjectNode withoutToken = ((ObjectNode) in).deepCopy();
    withoutToken.remove("clientToken");
    if (token != null) {
      if (token.length() > 64) {
        throw AwsError.badRequest("InvalidParameterException",
            "clientToken must be at most 64 characters; got " + token.length());
      }
      Map.Entry<JsonNode, List<String>> seen = r.tokens.get(c.arn + "/" + token);
      if (seen != null) {
        if (!seen.getKey().equals(withoutToken)) {
          throw AwsError.badRequest("ConflictException", "The clientToken '" + token
              + "' was used with different parameters; existing tasks: " + seen.getValue());
        }
        ArrayNode tasks = out.putArray("tasks");
        seen.getValue().forEach(arn -> tasks.add(r.tasks.get(arn).node.deepCopy()));
        out.putArray("failures");
        return;
      }
    }
    List<String> groups = Js.strings(in.path("networkConfiguration").path("awsvpcConfiguration"),
        "securityGroups");
    List<String> subnets = Js.strings(in.path("networkConfiguration").path("awsvpcConfiguration"),
        "subnets");
    if ("awsvpc".equals(Js.opt(td.body, "networkMode")) && subnets.isEmpty()) {
      throw AwsError.badRequest("InvalidParameterException",
          "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
    ArrayNode tasks = out.putArray("tasks");
    out.putArray("failures");
    List<String> arns = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String failure = fake.faults.nextRunTaskFailure(r.name);
      if (failure != null) {
        ((ArrayNode) out.get("failures")).addObject().put("arn", c.arn).put("reason", failure);
        continue;
      }
      String id = fake.ids.hex(32);
      String arn = r.arn("task", c.name + "/" + id);
      double now = now();
      ObjectNode t = Js.obj().put("taskArn", arn).put("clusterArn", c.arn)
          .put("taskDefinitionArn", td.arn).put("lastStatus", "PROVISIONING")
          .put("desiredStatus", "RUNNING").put("launchType", in.path("launchType").asText("FARGATE"))
          .put("cpu", td.body.path("cpu").asText()).put("memory", td.body.path("memory").asText())
          .put("group", in.path("group").asText("family:" + td.family))
          .put("availabilityZone", r.name + "a").put("enableExecuteCommand", false)
          .put("createdAt", now).put("connectivity", "CONNECTED").put("version", 1);
      if (capacityProvider != null) {
        t.put("capacityProviderName", capacityProvider);
      }
      if (in.has("startedBy")) {
        t.put("startedBy", in.get("startedBy").asText());
      }
      if (td.body.has("platformVersion") || "FARGATE".equals(t.path("launchType").asText())) {
        t.put("platformVersion", "1.4.0").put("platformFamily", "Linux");
      }
      ArrayNode cs = t.putArray("containers");
      for (JsonNode cd : td.body.path("containerDefinitions")) {
        ObjectNode co = cs.addObject()
            .put("containerArn", r.arn("container", c.name + "/" + id + "/" + java.util.UUID.randomUUID()))
            .put("taskArn", arn).put("name", cd.path("name").asText())
            .put("image", cd.path("image").asText()).put("lastStatus", "PENDING");
        if (cd.has("cpu")) {
          co.put("cpu", cd.path("cpu").asText());
        }
        if (cd.has("memory")) {
          co.put("memory", cd.path("memory").asText());
        }
        co.putArray("networkInterfaces");
      }
      t.set("overrides", in.has("overrides") ? in.get("overrides") : Js.obj().set("containerOverrides", Js.arr()));
      Map<String, String> tags = new LinkedHashMap<>();
      if ("TASK_DEFINITION".equals(Js.opt(in, "propagateTags"))) {
        tags.putAll(td.tags);
      }
      tags.putAll(Js.tagList(in, "tags", "key", "value"));
      t.set("tags", Js.tagArray(tags, "key", "value"));
      ArrayNode att = t.putArray("attachments");
      if (!subnets.isEmpty()) {
        ObjectNode eni = att.addObject().put("id", java.util.UUID.randomUUID().toString())
            .put("type", "ElasticNetworkInterface").put("status", "PRECREATED");
        eni.putArray("details").addObject().put("name", "subnetId").put("value", subnets.get(0));
      }
      Task task = new Task(t, arn, c.arn, groups);
      r.tasks.put(arn, task);
      tasksById.put(id, task);
      tasks.add(t.deepCopy());
      JsonNode firstContainer = td.body.path("containerDefinitions").get(0);
      JsonNode override = null;
      for (JsonNode o : in.path("overrides").path("containerOverrides")) {
        if (o.path("name").asText().equals(firstContainer.path("name").asText())) {
          override = o;
        }
      }
      task.run = new TaskRuns.Run(task, r.name, c.name, id, td.family, td.revision,
          ((ObjectNode) firstContainer).deepCopy(), override == null ? null : override.deepCopy(),
          td.body.path("containerDefinitions").size(),
          td.body.path("runtimePlatform").path("cpuArchitecture").asText("X86_64"),
          fake.faults.nextTaskEnvironment(r.name),
          fake.faults.taskStartDelayMillis(r.name), fake.faults.nextFailedStart(r.name));
      fake.taskRuns.launch(task.run);
      arns.add(arn);
    }
    if (token != null) {
      r.tokens.put(c.arn + "/" + token, Map.entry(withoutToken, arns));
    }
  }
}
