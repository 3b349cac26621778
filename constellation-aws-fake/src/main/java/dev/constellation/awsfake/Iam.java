package dev.constellation.awsfake;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IAM (awsQuery, 2010-05-08; global): roles with path, tags, inline and attached policies,
 * service-linked roles. Policy documents come back URL-encoded, as IAM returns them.
 */
final class Iam {

  static final String XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";
  private static final String NAME = "[\\w+=,.@-]{1,64}";

  static final class Role {
    final String name;
    final String path;
    final String id;
    final String arn;
    final Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    final long createdMillis = System.currentTimeMillis();
    String assumeRolePolicy;
    String description;
    int maxSessionDuration = 3600;
    final Map<String, String> tags = new LinkedHashMap<>();
    final Map<String, String> inline = new LinkedHashMap<>();
    final Set<String> attached = new LinkedHashSet<>();

    Role(String name, String path, String id, String arn) {
      this.name = name;
      this.path = path;
      this.id = id;
      this.arn = arn;
    }
  }

  private final FakeAws fake;
  private final Map<String, Role> roles = new LinkedHashMap<>();

  Iam(FakeAws fake) {
    this.fake = fake;
  }

  /** The role with this ARN, or null. */
  Role roleByArn(String arn) {
    return roles.values().stream().filter(r -> r.arn.equals(arn)).findFirst().orElse(null);
  }

  List<FakeResource> resources() {
    List<FakeResource> out = new ArrayList<>();
    for (Role r : roles.values()) {
      out.add(new FakeResource("iam", "global", "role", r.id, r.arn, r.name, Map.copyOf(r.tags)));
    }
    return out;
  }

  Role createRole(String name, String path, String trust, String description,
                  Map<String, String> tags) {
    if (name == null || !name.matches(NAME)) {
      throw AwsError.badRequest("ValidationError", "1 validation error detected: Value '" + name
          + "' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression"
          + " pattern: [\\w+=,.@-]+ and have length 1-64");
    }
    if (!path.startsWith("/") || !path.endsWith("/") || path.length() > 512) {
      throw AwsError.badRequest("ValidationError", "The specified value for path is invalid. It must"
          + " begin and end with / and contain only alphanumeric characters and/or / characters.");
    }
    if (roles.containsKey(name.toLowerCase())) {
      throw new AwsError(409, "EntityAlreadyExists", "Role with name " + name + " already exists.");
    }
    if (trust == null) {
      throw AwsError.badRequest("ValidationError", "1 validation error detected: Value null at"
          + " 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null");
    }
    Js.requireJson(trust, 400, "MalformedPolicyDocument", "AssumeRolePolicyDocument");
    if (tags.size() > 50) {
      throw new AwsError(409, "LimitExceeded", "Cannot exceed quota for TagsPerRole: 50");
    }
    Role r = new Role(name, path, fake.ids.iam("AROA"),
        "arn:aws:iam::" + fake.accountId() + ":role" + path + name);
    r.assumeRolePolicy = trust;
    r.description = description;
    r.tags.putAll(tags);
    roles.put(name.toLowerCase(), r);
    return r;
  }

  Role serviceLinkedRole(String service) {
    String suffix = switch (service) {
      case "ecs.amazonaws.com" -> "ECS";
      case "ecs.application-autoscaling.amazonaws.com" -> "ApplicationAutoScaling_ECSService";
      default -> throw AwsError.badRequest("InvalidInput", "Service " + service
          + " is not supported by the fake's CreateServiceLinkedRole (it models ecs.amazonaws.com)");
    };
    String name = "AWSServiceRoleFor" + suffix;
    if (roles.containsKey(name.toLowerCase())) {
      throw AwsError.badRequest("InvalidInput", "Service role name " + name
          + " has been taken in this account, please try a different suffix.");
    }
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
        + "{\"Service\":\"" + service + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    Role r = createRole(name, "/aws-service-role/" + service + "/", trust,
        "Role to enable Amazon ECS to manage your cluster.", Map.of());
    r.attached.add("arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy");
    return r;
  }

  private Role role(Form f) {
    String name = f.required("RoleName");
    Role r = roles.get(name.toLowerCase());
    if (r == null) {
      throw new AwsError(404, "NoSuchEntity", "The role with name " + name + " cannot be found.");
    }
    return r;
  }

  static String urlEncode(String doc) {
    return URLEncoder.encode(doc, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String roleXml(String element, Role r, boolean withTags) {
    Xml x = new Xml().open(element).el("Path", r.path).el("RoleName", r.name).el("RoleId", r.id)
        .el("Arn", r.arn).el("CreateDate", r.created.toString())
        .el("AssumeRolePolicyDocument", urlEncode(r.assumeRolePolicy))
        .el("Description", r.description).el("MaxSessionDuration", r.maxSessionDuration);
    if (withTags && !r.tags.isEmpty()) {
      x.queryTags("Tags", r.tags);
    }
    if (withTags) {
      x.raw("<RoleLastUsed/>");
    }
    return x.close(element).toString();
  }

  Resp handle(String op, Req req) {
    Form f = new Form(req.bodyText());
    String result = switch (op) {
      case "CreateRole" -> roleXml("Role", createRole(f.required("RoleName"),
          f.get("Path") == null ? "/" : f.get("Path"), f.get("AssumeRolePolicyDocument"),
          f.get("Description"), f.tags("Tags.member")), true);
      case "GetRole" -> roleXml("Role", role(f), true);
      case "ListRoles" -> {
        String prefix = f.get("PathPrefix") == null ? "/" : f.get("PathPrefix");
        Xml x = new Xml().open("Roles");
        roles.values().stream().filter(r -> r.path.startsWith(prefix))
            .forEach(r -> x.raw(roleXml("member", r, false)));
        yield x.close("Roles").el("IsTruncated", false).toString();
      }
      case "UpdateAssumeRolePolicy" -> {
        Role r = role(f);
        String doc = f.required("PolicyDocument");
        Js.requireJson(doc, 400, "MalformedPolicyDocument", "PolicyDocument");
        r.assumeRolePolicy = doc;
        yield null;
      }
      case "TagRole" -> {
        Role r = role(f);
        Map<String, String> tags = f.tags("Tags.member");
        if (tags.isEmpty()) {
          throw AwsError.badRequest("ValidationError", "1 validation error detected: Value null at"
              + " 'tags' failed to satisfy constraint: Member must not be null");
        }
        r.tags.putAll(tags);
        if (r.tags.size() > 50) {
          throw new AwsError(409, "LimitExceeded", "Cannot exceed quota for TagsPerRole: 50");
        }
        yield null;
      }
      case "UntagRole" -> {
        Role r = role(f);
        f.values("TagKeys.member").forEach(r.tags::remove);
        yield null;
      }
      case "ListRoleTags" -> new Xml().queryTags("Tags", role(f).tags).el("IsTruncated", false).toString();
      case "PutRolePolicy" -> {
        Role r = role(f);
        String name = f.required("PolicyName");
        String doc = f.required("PolicyDocument");
        Js.requireJson(doc, 400, "MalformedPolicyDocument", "PolicyDocument");
        r.inline.put(name, doc);
        yield null;
      }
      case "GetRolePolicy" -> {
        Role r = role(f);
        String name = f.required("PolicyName");
        String doc = r.inline.get(name);
        if (doc == null) {
          throw new AwsError(404, "NoSuchEntity", "The role policy with name " + name
              + " cannot be found.");
        }
        yield new Xml().el("RoleName", r.name).el("PolicyName", name)
            .el("PolicyDocument", urlEncode(doc)).toString();
      }
      case "ListRolePolicies" -> {
        Xml x = new Xml().open("PolicyNames");
        role(f).inline.keySet().forEach(n -> x.el("member", n));
        yield x.close("PolicyNames").el("IsTruncated", false).toString();
      }
      case "DeleteRolePolicy" -> {
        Role r = role(f);
        String name = f.required("PolicyName");
        if (r.inline.remove(name) == null) {
          throw new AwsError(404, "NoSuchEntity", "The role policy with name " + name
              + " cannot be found.");
        }
        yield null;
      }
      case "AttachRolePolicy" -> {
        Role r = role(f);
        String arn = f.required("PolicyArn");
        if (!arn.startsWith("arn:aws:iam::")) {
          throw AwsError.badRequest("InvalidInput", "ARN " + arn + " is not valid.");
        }
        r.attached.add(arn);
        yield null;
      }
      case "DetachRolePolicy" -> {
        Role r = role(f);
        String arn = f.required("PolicyArn");
        if (!r.attached.remove(arn)) {
          throw new AwsError(404, "NoSuchEntity", "Policy " + arn + " was not found.");
        }
        yield null;
      }
      case "ListAttachedRolePolicies" -> {
        Xml x = new Xml().open("AttachedPolicies");
        role(f).attached.forEach(a -> x.open("member")
            .el("PolicyName", a.substring(a.lastIndexOf('/') + 1)).el("PolicyArn", a).close("member"));
        yield x.close("AttachedPolicies").el("IsTruncated", false).toString();
      }
      case "DeleteRole" -> {
        Role r = role(f);
        if (!r.inline.isEmpty()) {
          throw new AwsError(409, "DeleteConflict", "Cannot delete entity, must delete policies first.");
        }
        if (!r.attached.isEmpty()) {
          throw new AwsError(409, "DeleteConflict", "Cannot delete entity, must detach all policies first.");
        }
        if (r.path.startsWith("/aws-service-role/")) {
          throw AwsError.badRequest("UnmodifiableEntity", "Cannot perform the operation on the protected"
              + " role '" + r.name + "' - this role is only modifiable by AWS");
        }
        roles.remove(r.name.toLowerCase());
        yield null;
      }
      case "CreateServiceLinkedRole" -> roleXml("Role", serviceLinkedRole(f.required("AWSServiceName")), true);
      default -> throw AwsError.badRequest("InvalidAction",
          "The action " + op + " is not valid for this web service (the fake does not model it).");
    };
    return Protocol.querySuccess(XMLNS, op, result, fake.ids.requestId());
  }
}
