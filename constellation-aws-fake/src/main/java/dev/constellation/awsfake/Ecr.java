package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ECR control plane (awsJson1_1, AmazonEC2ContainerRegistry_V20150921): repositories with tags
 * ({@code Key}/{@code Value}), lifecycle policies, authorization tokens. Image data is not kept
 * here: pushes go to a real registry (the Options' {@code ecrProxyEndpoint}).
 */
final class Ecr {

  static final class Repo {
    final String name;
    final String arn;
    final String uri;
    final double createdAt = Ecs.now();
    final Map<String, String> tags = new LinkedHashMap<>();
    String lifecyclePolicy;
    String mutability = "MUTABLE";
    boolean scanOnPush;
    int images;

    Repo(String name, String arn, String uri) {
      this.name = name;
      this.arn = arn;
      this.uri = uri;
    }
  }

  private final FakeAws fake;
  private final Map<String, Map<String, Repo>> repos = new HashMap<>();

  Ecr(FakeAws fake) {
    this.fake = fake;
  }

  Map<String, Repo> region(String region) {
    return repos.computeIfAbsent(region, k -> new LinkedHashMap<>());
  }

  List<FakeResource> resources() {
    List<FakeResource> out = new ArrayList<>();
    repos.forEach((region, map) -> map.values().forEach(r -> out.add(new FakeResource("ecr", region,
        "repository", r.name, r.arn, r.name, Map.copyOf(r.tags)))));
    return out;
  }

  Repo create(String region, String name, Map<String, String> tags) {
    Map<String, Repo> m = region(region);
    if (!name.matches("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
        || name.length() < 2 || name.length() > 256) {
      throw AwsError.badRequest("InvalidParameterException", "Invalid parameter at 'repositoryName'"
          + " failed to satisfy constraint: 'must satisfy regular expression"
          + " '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''; got '" + name + "'");
    }
    if (m.containsKey(name)) {
      throw AwsError.badRequest("RepositoryAlreadyExistsException", "The repository with name '" + name
          + "' already exists in the registry with id '" + fake.accountId() + "'");
    }
    Repo r = new Repo(name, "arn:aws:ecr:" + region + ":" + fake.accountId() + ":repository/" + name,
        fake.accountId() + ".dkr.ecr." + region + ".amazonaws.com/" + name);
    r.tags.putAll(tags);
    m.put(name, r);
    return r;
  }

  private Repo repo(String region, String name) {
    Repo r = region(region).get(name);
    if (r == null) {
      throw AwsError.badRequest("RepositoryNotFoundException", "The repository with name '" + name
          + "' does not exist in the registry with id '" + fake.accountId() + "'");
    }
    return r;
  }

  private Repo byArn(String region, String arn) {
    return region(region).values().stream().filter(r -> r.arn.equals(arn)).findFirst()
        .orElseThrow(() -> AwsError.badRequest("RepositoryNotFoundException",
            "The repository with ARN '" + arn + "' does not exist"));
  }

  private ObjectNode json(Repo r) {
    ObjectNode o = Js.obj().put("repositoryArn", r.arn).put("registryId", fake.accountId())
        .put("repositoryName", r.name).put("repositoryUri", r.uri).put("createdAt", r.createdAt)
        .put("imageTagMutability", r.mutability);
    o.putObject("imageScanningConfiguration").put("scanOnPush", r.scanOnPush);
    o.putObject("encryptionConfiguration").put("encryptionType", "AES256");
    return o;
  }

  Resp handle(String op, Req req) {
    JsonNode in = Js.parse(req.body);
    String region = req.region;
    ObjectNode out = Js.obj();
    switch (op) {
      case "CreateRepository" -> {
        Repo r = create(region, Js.str(in, "repositoryName", "InvalidParameterException"),
            Js.tagList(in, "tags", "Key", "Value"));
        if (in.has("imageTagMutability")) {
          r.mutability = in.get("imageTagMutability").asText();
        }
        r.scanOnPush = in.path("imageScanningConfiguration").path("scanOnPush").asBoolean(false);
        out.set("repository", json(r));
      }
      case "DescribeRepositories" -> {
        ArrayNode a = out.putArray("repositories");
        List<String> names = Js.strings(in, "repositoryNames");
        if (names.isEmpty()) {
          region(region).values().forEach(r -> a.add(json(r)));
        } else {
          for (String n : names) {
            a.add(json(repo(region, n)));
          }
        }
      }
      case "DeleteRepository" -> {
        Repo r = repo(region, Js.str(in, "repositoryName", "InvalidParameterException"));
        if (r.images > 0 && !in.path("force").asBoolean(false)) {
          throw AwsError.badRequest("RepositoryNotEmptyException", "The repository with name '"
              + r.name + "' in registry with id '" + fake.accountId()
              + "' cannot be deleted because it still contains images");
        }
        region(region).remove(r.name);
        out.set("repository", json(r));
      }
      case "PutLifecyclePolicy" -> {
        Repo r = repo(region, Js.str(in, "repositoryName", "InvalidParameterException"));
        String text = Js.str(in, "lifecyclePolicyText", "InvalidParameterException");
        Js.requireJson(text, 400, "InvalidParameterException", "lifecyclePolicyText");
        if (!Js.parse(text.getBytes(StandardCharsets.UTF_8)).path("rules").isArray()) {
          throw AwsError.badRequest("InvalidParameterException",
              "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'rules' is required");
        }
        r.lifecyclePolicy = text;
        out.put("registryId", fake.accountId()).put("repositoryName", r.name)
            .put("lifecyclePolicyText", text);
      }
      case "GetLifecyclePolicy" -> {
        Repo r = repo(region, Js.str(in, "repositoryName", "InvalidParameterException"));
        if (r.lifecyclePolicy == null) {
          throw AwsError.badRequest("LifecyclePolicyNotFoundException", "Lifecycle policy does not"
              + " exist for the repository with name '" + r.name + "' in the registry with id '"
              + fake.accountId() + "'");
        }
        out.put("registryId", fake.accountId()).put("repositoryName", r.name)
            .put("lifecyclePolicyText", r.lifecyclePolicy).put("lastEvaluatedAt", r.createdAt);
      }
      case "DeleteLifecyclePolicy" -> {
        Repo r = repo(region, Js.str(in, "repositoryName", "InvalidParameterException"));
        if (r.lifecyclePolicy == null) {
          throw AwsError.badRequest("LifecyclePolicyNotFoundException", "Lifecycle policy does not"
              + " exist for the repository with name '" + r.name + "'");
        }
        out.put("registryId", fake.accountId()).put("repositoryName", r.name)
            .put("lifecyclePolicyText", r.lifecyclePolicy);
        r.lifecyclePolicy = null;
      }
      case "ListTagsForResource" -> out.set("tags", Js.tagArray(
          byArn(region, Js.str(in, "resourceArn", "InvalidParameterException")).tags, "Key", "Value"));
      case "TagResource" -> byArn(region, Js.str(in, "resourceArn", "InvalidParameterException"))
          .tags.putAll(Js.tagList(in, "tags", "Key", "Value"));
      case "UntagResource" -> Js.strings(in, "tagKeys").forEach(
          byArn(region, Js.str(in, "resourceArn", "InvalidParameterException")).tags::remove);
      case "GetAuthorizationToken" -> {
        String endpoint = fake.options.ecrProxyEndpoint != null ? fake.options.ecrProxyEndpoint
            : "https://" + fake.accountId() + ".dkr.ecr." + region + ".amazonaws.com";
        out.putArray("authorizationData").addObject()
            .put("authorizationToken", Base64.getEncoder().encodeToString(
                "AWS:fake-ecr-password".getBytes(StandardCharsets.UTF_8)))
            .put("expiresAt", Ecs.now() + 12 * 3600).put("proxyEndpoint", endpoint);
      }
      case "DescribeImages" -> {
        repo(region, Js.str(in, "repositoryName", "InvalidParameterException"));
        out.putArray("imageDetails");
      }
      default -> throw AwsError.badRequest("UnknownOperationException",
          "The fake does not model ECR operation " + op);
    }
    return Protocol.json11(out);
  }
}
