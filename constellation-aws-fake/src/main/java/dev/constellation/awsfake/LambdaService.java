package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Lambda (restJson1): functions, versions, aliases, tags, account settings, and {@code Invoke},
 * which runs the uploaded code for real ({@link LambdaRuntime}).
 */
final class LambdaService implements AutoCloseable {

  /** Lambda's limits (Lambda quotas page): direct upload 50 MB zipped, 250 MB unzipped. */
  static final long MAX_ZIPPED = 52_428_800L;
  static final long MAX_UNZIPPED = 262_144_000L;
  static final Set<String> RUNTIMES = Set.of("java8.al2", "java11", "java17", "java21", "java25",
      "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "nodejs18.x",
      "nodejs20.x", "nodejs22.x", "provided.al2", "provided.al2023");
  private static final DateTimeFormatter LAST_MODIFIED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  /** One published version (or $LATEST): its configuration and code. */
  static final class Version {
    final ObjectNode config;
    final byte[] zip;

    Version(ObjectNode config, byte[] zip) {
      this.config = config;
      this.zip = zip;
    }
  }

  static final class Function {
    final String name;
    final String arn;
    final String region;
    Version latest;
    final List<Version> versions = new ArrayList<>();
    final Map<String, ObjectNode> aliases = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    /** Until when $LATEST is Pending (after create) or InProgress (after an update); epoch ms. */
    long settlesAt;
    boolean creating;

    Function(String name, String arn, String region) {
      this.name = name;
      this.arn = arn;
      this.region = region;
    }
  }

  private final FakeAws fake;
  private final Map<String, Map<String, Function>> functions = new HashMap<>();
  private final LambdaRuntime runtime;

  LambdaService(FakeAws fake) {
    this.fake = fake;
    this.runtime = new LambdaRuntime(fake.options);
  }

  Map<String, Function> region(String region) {
    return functions.computeIfAbsent(region, k -> new LinkedHashMap<>());
  }

  List<FakeResource> resources() {
    List<FakeResource> out = new ArrayList<>();
    functions.forEach((region, m) -> m.values().forEach(f -> out.add(new FakeResource("lambda",
        region, "function", f.name, f.arn, f.name, Map.copyOf(f.tags)))));
    return out;
  }

  @Override
  public void close() {
    runtime.close();
  }

  // --- routing ---

  private static final String FN = "/2015-03-31/functions";

  /** The operation from method and path (Lambda API reference request syntax). */
  static String operationOf(Req req) {
    String p = req.path;
    String m = req.method;
    if (p.startsWith("/2016-08-19/account-settings")) {
      return "GetAccountSettings";
    }
    if (p.startsWith("/2017-03-31/tags/")) {
      return switch (m) {
        case "GET" -> "ListTags";
        case "POST" -> "TagResource";
        case "DELETE" -> "UntagResource";
        default -> "Unknown";
      };
    }
    if (!p.startsWith(FN)) {
      return "Unknown";
    }
    String[] s = segments(p);
    if (s.length == 0) {
      return m.equals("POST") ? "CreateFunction" : m.equals("GET") ? "ListFunctions" : "Unknown";
    }
    if (s.length == 1) {
      return switch (m) {
        case "GET" -> "GetFunction";
        case "DELETE" -> "DeleteFunction";
        default -> "Unknown";
      };
    }
    String sub = s[1];
    return switch (sub) {
      case "configuration" -> m.equals("GET") ? "GetFunctionConfiguration" : "UpdateFunctionConfiguration";
      case "code" -> "UpdateFunctionCode";
      case "versions" -> m.equals("POST") ? "PublishVersion" : "ListVersionsByFunction";
      case "invocations" -> "Invoke";
      case "aliases" -> s.length == 2 ? (m.equals("POST") ? "CreateAlias" : "ListAliases")
          : switch (m) {
            case "GET" -> "GetAlias";
            case "PUT" -> "UpdateAlias";
            case "DELETE" -> "DeleteAlias";
            default -> "Unknown";
          };
      default -> "Unknown";
    };
  }

  /** Decoded path segments after /2015-03-31/functions. */
  private static String[] segments(String path) {
    String rest = path.substring(FN.length());
    if (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    if (rest.isEmpty()) {
      return new String[0];
    }
    String[] raw = rest.split("/");
    for (int i = 0; i < raw.length; i++) {
      raw[i] = URLDecoder.decode(raw[i], StandardCharsets.UTF_8);
    }
    return raw;
  }

  Resp handle(String op, Req req) {
    String region = req.region;
    return switch (op) {
      case "CreateFunction" -> {
        Function f = create(region, Js.parse(req.body));
        yield Protocol.restJson(201, view(f, f.latest));
      }
      case "ListFunctions" -> {
        ObjectNode out = Js.obj();
        ArrayNode a = out.putArray("Functions");
        region(region).values().forEach(f -> a.add(view(f, f.latest)));
        yield Protocol.restJson(200, out);
      }
      case "GetFunction" -> {
        Function f = function(region, segments(req.path)[0]);
        Version v = version(f, qualifier(req, segments(req.path)[0]));
        ObjectNode out = Js.obj();
        out.set("Configuration", view(f, v));
        out.putObject("Code").put("RepositoryType", "S3").put("Location",
            "https://awslambda-" + region + "-tasks.s3." + region + ".amazonaws.com/snapshots/"
                + fake.accountId() + "/" + f.name + "-" + UUID.randomUUID());
        out.set("Tags", Js.mapNode(f.tags));
        yield Protocol.restJson(200, out);
      }
      case "GetFunctionConfiguration" -> {
        Function f = function(region, segments(req.path)[0]);
        yield Protocol.restJson(200, view(f, version(f, qualifier(req, segments(req.path)[0]))));
      }
      case "UpdateFunctionCode" -> {
        Function f = function(region, segments(req.path)[0]);
        JsonNode in = Js.parse(req.body);
        byte[] zip = zip(Js.str(in, "ZipFile", "InvalidParameterValueException"));
        String revision = Js.opt(in, "RevisionId");
        requireSettled(f);
        checkRevision(f, revision);
        ObjectNode c = f.latest.config.deepCopy();
        c.put("CodeSha256", sha256(zip)).put("CodeSize", zip.length);
        touch(c);
        f.latest = new Version(c, zip);
        if (in.path("Publish").asBoolean(false)) {
          publish(f, null);
        }
        unsettle(f, false);
        yield Protocol.restJson(200, view(f, f.latest));
      }
      case "UpdateFunctionConfiguration" -> {
        Function f = function(region, segments(req.path)[0]);
        JsonNode in = Js.parse(req.body);
        requireSettled(f);
        checkRevision(f, Js.opt(in, "RevisionId"));
        ObjectNode c = f.latest.config.deepCopy();
        applyConfig(c, in, false);
        touch(c);
        f.latest = new Version(c, f.latest.zip);
        unsettle(f, false);
        yield Protocol.restJson(200, view(f, f.latest));
      }
      case "PublishVersion" -> {
        Function f = function(region, segments(req.path)[0]);
        JsonNode in = Js.parse(req.body);
        String sha = Js.opt(in, "CodeSha256");
        requireSettled(f);
        if (sha != null && !sha.equals(f.latest.config.path("CodeSha256").asText())) {
          throw AwsError.badRequest("InvalidParameterValueException", "CodeSha256 (" + sha
              + ") is different from current CodeSha256 in $LATEST ("
              + f.latest.config.path("CodeSha256").asText() + "). Please try again with the CodeSha256 in $LATEST.");
        }
        yield Protocol.restJson(201, publish(f, Js.opt(in, "Description")).config);
      }
      case "ListVersionsByFunction" -> {
        Function f = function(region, segments(req.path)[0]);
        ObjectNode out = Js.obj();
        ArrayNode a = out.putArray("Versions");
        a.add(f.latest.config);
        f.versions.forEach(v -> a.add(v.config));
        yield Protocol.restJson(200, out);
      }
      case "CreateAlias" -> {
        Function f = function(region, segments(req.path)[0]);
        JsonNode in = Js.parse(req.body);
        String name = Js.str(in, "Name", "InvalidParameterValueException");
        String version = Js.str(in, "FunctionVersion", "InvalidParameterValueException");
        if (f.aliases.containsKey(name)) {
          throw new AwsError(409, "ResourceConflictException", "Alias already exists: " + f.arn + ":" + name);
        }
        if (!name.matches("(?!^[0-9]+$)([a-zA-Z0-9-_]+)") || name.equals("$LATEST")) {
          throw AwsError.badRequest("ValidationException", "1 validation error detected: Value '"
              + name + "' at 'name' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
        }
        version(f, version);
        ObjectNode a = Js.obj().put("AliasArn", f.arn + ":" + name).put("Name", name)
            .put("FunctionVersion", version).put("Description", in.path("Description").asText(""))
            .put("RevisionId", UUID.randomUUID().toString());
        f.aliases.put(name, a);
        yield Protocol.restJson(201, a);
      }
      case "ListAliases" -> {
        Function f = function(region, segments(req.path)[0]);
        ObjectNode out = Js.obj();
        ArrayNode a = out.putArray("Aliases");
        f.aliases.values().forEach(a::add);
        yield Protocol.restJson(200, out);
      }
      case "GetAlias", "UpdateAlias", "DeleteAlias" -> {
        String[] s = segments(req.path);
        Function f = function(region, s[0]);
        ObjectNode a = f.aliases.get(s[2]);
        if (a == null) {
          throw new AwsError(404, "ResourceNotFoundException", "Alias not found: " + f.arn + ":" + s[2]);
        }
        if (op.equals("DeleteAlias")) {
          f.aliases.remove(s[2]);
          yield new Resp(204, null, new byte[0]);
        }
        if (op.equals("UpdateAlias")) {
          JsonNode in = Js.parse(req.body);
          String rev = Js.opt(in, "RevisionId");
          if (rev != null && !rev.equals(a.path("RevisionId").asText())) {
            throw new AwsError(412, "PreconditionFailedException", "The Revision Id provided does not"
                + " match the latest Revision Id. Call the GetAlias API to retrieve the latest Revision Id");
          }
          if (in.hasNonNull("FunctionVersion")) {
            version(f, in.get("FunctionVersion").asText());
            a.put("FunctionVersion", in.get("FunctionVersion").asText());
          }
          if (in.hasNonNull("Description")) {
            a.put("Description", in.get("Description").asText());
          }
          a.put("RevisionId", UUID.randomUUID().toString());
        }
        yield Protocol.restJson(200, a);
      }
      case "DeleteFunction" -> {
        String ref = segments(req.path)[0];
        Function f = function(region, ref);
        String q = qualifier(req, ref);
        if (q == null || q.equals("$LATEST")) {
          region(region).remove(f.name);
        } else {
          Version v = version(f, q);
          if (f.aliases.values().stream().anyMatch(a -> a.path("FunctionVersion").asText().equals(q))) {
            throw new AwsError(409, "ResourceConflictException", "Unable to delete version because the"
                + " following aliases reference it: " + f.aliases.keySet());
          }
          f.versions.remove(v);
        }
        yield new Resp(204, null, new byte[0]);
      }
      case "ListTags", "TagResource", "UntagResource" -> {
        String arn = URLDecoder.decode(req.path.substring("/2017-03-31/tags/".length()), StandardCharsets.UTF_8);
        Function f = region(region).values().stream().filter(x -> x.arn.equals(arn)).findFirst()
            .orElseThrow(() -> new AwsError(404, "ResourceNotFoundException", "Function not found: " + arn));
        if (op.equals("ListTags")) {
          yield Protocol.restJson(200, Js.obj().set("Tags", Js.mapNode(f.tags)));
        }
        if (op.equals("TagResource")) {
          f.tags.putAll(Js.tagMap(Js.parse(req.body), "Tags"));
        } else {
          List<String> keys = req.query.getOrDefault("tagKeys", List.of());
          keys.forEach(f.tags::remove);
        }
        yield new Resp(204, null, new byte[0]);
      }
      case "GetAccountSettings" -> {
        int concurrency = fake.faults.lambdaConcurrency(region);
        long total = region(region).values().stream().mapToLong(f -> f.latest.zip.length).sum();
        ObjectNode out = Js.obj();
        out.putObject("AccountLimit").put("TotalCodeSize", 80_530_636_800L)
            .put("CodeSizeUnzipped", MAX_UNZIPPED).put("CodeSizeZipped", MAX_ZIPPED)
            .put("ConcurrentExecutions", Math.max(concurrency, 10))
            .put("UnreservedConcurrentExecutions", concurrency);
        out.putObject("AccountUsage").put("TotalCodeSize", total)
            .put("FunctionCount", region(region).size());
        yield Protocol.restJson(200, out);
      }
      default -> throw new AwsError(404, "UnknownOperationException", "The fake does not model Lambda "
          + req.method + " " + req.path);
    };
  }

  // --- settling (Faults.lambdaPendingFor) ---

  private void unsettle(Function f, boolean creating) {
    long ms = fake.faults.lambdaPendingMillis();
    f.settlesAt = ms > 0 ? System.currentTimeMillis() + ms : 0;
    f.creating = creating;
  }

  private static boolean settling(Function f) {
    return System.currentTimeMillis() < f.settlesAt;
  }

  /** $LATEST's configuration as Lambda reports it now (Pending / InProgress while settling). */
  private static ObjectNode view(Function f, Version v) {
    if (v != f.latest || !settling(f)) {
      return v.config;
    }
    ObjectNode c = v.config.deepCopy();
    if (f.creating) {
      c.put("State", "Pending").put("StateReason", "The function is being created.")
          .put("StateReasonCode", "Creating").put("LastUpdateStatus", "InProgress");
    } else {
      c.put("LastUpdateStatus", "InProgress")
          .put("LastUpdateStatusReason", "The function is being updated.")
          .put("LastUpdateStatusReasonCode", "Updating");
    }
    return c;
  }

  private static void requireSettled(Function f) {
    if (settling(f)) {
      throw new AwsError(409, "ResourceConflictException", "The operation cannot be performed at"
          + " this time. An update is in progress for resource: " + f.arn);
    }
  }

  // --- control plane ---

  private Function create(String region, JsonNode in) {
    String name = Js.str(in, "FunctionName", "InvalidParameterValueException");
    if (!name.matches("[a-zA-Z0-9-_]{1,64}")) {
      throw AwsError.badRequest("ValidationException", "1 validation error detected: Value '" + name
          + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression"
          + " pattern: [a-zA-Z0-9-_]+ (1 to 64 characters)");
    }
    if (region(region).containsKey(name)) {
      throw new AwsError(409, "ResourceConflictException", "Function already exist: " + name);
    }
    if (!"Image".equals(Js.opt(in, "PackageType"))) {
      Js.str(in, "Runtime", "InvalidParameterValueException");
      Js.str(in, "Handler", "InvalidParameterValueException");
    } else {
      throw AwsError.badRequest("InvalidParameterValueException",
          "The fake models Zip packages only (PackageType=Image is not modelled)");
    }
    byte[] zip = zip(in.path("Code").path("ZipFile").asText(null));
    String arn = "arn:aws:lambda:" + region + ":" + fake.accountId() + ":function:" + name;
    ObjectNode c = Js.obj().put("FunctionName", name).put("FunctionArn", arn)
        .put("Runtime", "").put("Role", "").put("Handler", "").put("CodeSize", zip.length)
        .put("Description", "").put("Timeout", 3).put("MemorySize", 128)
        .put("LastModified", "").put("CodeSha256", sha256(zip)).put("Version", "$LATEST");
    c.putObject("Environment").putObject("Variables");
    c.putObject("TracingConfig").put("Mode", "PassThrough");
    c.put("RevisionId", "").put("State", "Active").put("LastUpdateStatus", "Successful")
        .put("PackageType", "Zip");
    c.putArray("Architectures").add("x86_64");
    c.putObject("EphemeralStorage").put("Size", 512);
    applyConfig(c, in, true);
    touch(c);
    Function f = new Function(name, arn, region);
    f.latest = new Version(c, zip);
    f.tags.putAll(Js.tagMap(in, "Tags"));
    region(region).put(name, f);
    if (in.path("Publish").asBoolean(false)) {
      publish(f, null);
    }
    unsettle(f, true);
    return f;
  }

  /** Applies the configuration members shared by Create and UpdateFunctionConfiguration. */
  private void applyConfig(ObjectNode c, JsonNode in, boolean create) {
    if (in.hasNonNull("Role") || create) {
      String role = Js.str(in, "Role", "InvalidParameterValueException");
      Iam.Role r = fake.iam.roleByArn(role);
      if (!role.matches("arn:aws[a-zA-Z-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")) {
        throw AwsError.badRequest("ValidationException", "1 validation error detected: Value '" + role
            + "' at 'role' failed to satisfy constraint: Member must satisfy regular expression"
            + " pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
      }
      if (r == null || !r.assumeRolePolicy.contains("lambda.amazonaws.com")
          || System.currentTimeMillis() - r.createdMillis < fake.faults.roleAssumableAfterMillis()) {
        throw AwsError.badRequest("InvalidParameterValueException",
            "The role defined for the function cannot be assumed by Lambda.");
      }
      c.put("Role", role);
    }
    if (in.hasNonNull("Runtime")) {
      String rt = in.get("Runtime").asText();
      if (!RUNTIMES.contains(rt)) {
        throw AwsError.badRequest("InvalidParameterValueException", "Value " + rt
            + " at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
            + new java.util.TreeSet<>(RUNTIMES) + " or be a valid ARN");
      }
      c.put("Runtime", rt);
    }
    if (in.hasNonNull("Handler")) {
      c.put("Handler", in.get("Handler").asText());
    }
    if (in.hasNonNull("Description")) {
      c.put("Description", in.get("Description").asText());
    }
    if (in.hasNonNull("Timeout")) {
      int t = in.get("Timeout").asInt();
      if (t < 1 || t > 900) {
        throw AwsError.badRequest("ValidationException", "1 validation error detected: Value '" + t
            + "' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900");
      }
      c.put("Timeout", t);
    }
    if (in.hasNonNull("MemorySize")) {
      int m = in.get("MemorySize").asInt();
      if (m < 128 || m > 10240) {
        throw AwsError.badRequest("ValidationException", "1 validation error detected: Value '" + m
            + "' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240");
      }
      c.put("MemorySize", m);
    }
    if (in.has("Environment")) {
      ObjectNode env = c.putObject("Environment");
      env.set("Variables", Js.mapNode(Js.tagMap(in.get("Environment"), "Variables")));
      long size = Js.write(env.get("Variables")).length();
      if (size > 4096) {
        throw AwsError.badRequest("InvalidParameterValueException", "Lambda was unable to configure"
            + " your environment variables because the environment variables you have provided"
            + " exceeded the 4KB limit. String measured: " + size);
      }
    }
    if (in.has("Architectures")) {
      ArrayNode a = c.putArray("Architectures");
      in.get("Architectures").forEach(a::add);
    }
  }

  private static void touch(ObjectNode c) {
    c.put("LastModified", ZonedDateTime.now(ZoneOffset.UTC).format(LAST_MODIFIED))
        .put("RevisionId", UUID.randomUUID().toString());
  }

  private static void checkRevision(Function f, String revision) {
    if (revision != null && !revision.equals(f.latest.config.path("RevisionId").asText())) {
      throw new AwsError(412, "PreconditionFailedException", "The Revision Id provided does not match"
          + " the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
    }
  }

  /** Publishes $LATEST, or returns the last version when neither code nor configuration changed. */
  private Version publish(Function f, String description) {
    if (!f.versions.isEmpty()) {
      Version last = f.versions.get(f.versions.size() - 1);
      ObjectNode a = last.config.deepCopy();
      ObjectNode b = f.latest.config.deepCopy();
      for (String k : List.of("FunctionArn", "Version", "RevisionId", "LastModified", "Description")) {
        a.remove(k);
        b.remove(k);
      }
      if (a.equals(b)) {
        return last;
      }
    }
    int n = f.versions.isEmpty() ? 1
        : Integer.parseInt(f.versions.get(f.versions.size() - 1).config.path("Version").asText()) + 1;
    ObjectNode c = f.latest.config.deepCopy();
    c.put("Version", String.valueOf(n)).put("FunctionArn", f.arn + ":" + n)
        .put("RevisionId", UUID.randomUUID().toString());
    if (description != null) {
      c.put("Description", description);
    }
    Version v = new Version(c, f.latest.zip);
    f.versions.add(v);
    return v;
  }

  private Function function(String region, String ref) {
    String name = ref;
    if (name.startsWith("arn:")) {
      String[] p = name.split(":");
      name = p.length > 6 ? p[6] : name;
    } else if (name.contains(":function:")) {
      name = name.substring(name.indexOf(":function:") + 10);
    }
    int colon = name.indexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    Function f = region(region).get(name);
    if (f == null) {
      throw new AwsError(404, "ResourceNotFoundException", "Function not found: arn:aws:lambda:"
          + region + ":" + fake.accountId() + ":function:" + name);
    }
    return f;
  }

  /** The qualifier from ?Qualifier= or a {@code name:qualifier} / qualified ARN reference. */
  private static String qualifier(Req req, String ref) {
    String q = req.queryParam("Qualifier");
    if (q != null) {
      return q;
    }
    String tail = ref.startsWith("arn:") ? String.join(":", java.util.Arrays.copyOfRange(
        ref.split(":"), Math.min(7, ref.split(":").length), ref.split(":").length))
        : ref.contains(":function:") ? ref.substring(ref.indexOf(":function:") + 10) : ref;
    if (!ref.startsWith("arn:")) {
      int c = tail.indexOf(':');
      return c < 0 ? null : tail.substring(c + 1);
    }
    return tail.isEmpty() ? null : tail;
  }

  /** $LATEST, a version number, or an alias. */
  private Version version(Function f, String qualifier) {
    if (qualifier == null || qualifier.equals("$LATEST")) {
      return f.latest;
    }
    ObjectNode alias = f.aliases.get(qualifier);
    String v = alias != null ? alias.path("FunctionVersion").asText() : qualifier;
    if (v.equals("$LATEST")) {
      return f.latest;
    }
    return f.versions.stream().filter(x -> x.config.path("Version").asText().equals(v)).findFirst()
        .orElseThrow(() -> new AwsError(404, "ResourceNotFoundException",
            "Function not found: " + f.arn + ":" + qualifier));
  }

  private static byte[] zip(String base64) {
    if (base64 == null || base64.isEmpty()) {
      throw AwsError.badRequest("InvalidParameterValueException",
          "Code.ZipFile is required (the fake models direct zip uploads; S3 code locations are not modelled)");
    }
    byte[] zip;
    try {
      zip = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw AwsError.badRequest("InvalidParameterValueException", "Could not decode ZipFile: " + e.getMessage());
    }
    if (zip.length > MAX_ZIPPED) {
      throw new AwsError(413, "RequestEntityTooLargeException", "Request must be smaller than "
          + MAX_ZIPPED + " bytes for the CreateFunction operation");
    }
    long unzipped = 0;
    int entries = 0;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      byte[] buf = new byte[65536];
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        entries++;
        for (int n; (n = in.read(buf)) > 0; ) {
          unzipped += n;
        }
      }
    } catch (IOException e) {
      entries = 0;
    }
    if (entries == 0) {
      throw AwsError.badRequest("InvalidParameterValueException",
          "Could not unzip uploaded file. Please check your file, then try to upload again.");
    }
    if (unzipped > MAX_UNZIPPED) {
      throw AwsError.badRequest("InvalidParameterValueException", "Unzipped size must be smaller than "
          + MAX_UNZIPPED + " bytes");
    }
    return zip;
  }

  static String sha256(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- Invoke (outside the fake's lock while the handler runs) ---

  Resp invoke(Req req) {
    String ref = segments(req.path)[0];
    Version v;
    Function f;
    Map<String, String> env = new LinkedHashMap<>();
    synchronized (fake.lock) {
      f = function(req.region, ref);
      v = version(f, qualifier(req, ref));
      if (v == f.latest && settling(f) && f.creating) {
        throw new AwsError(409, "ResourceConflictException", "The operation cannot be performed at"
            + " this time. The function is currently in the following state: Pending");
      }
    }
    ObjectNode c = v.config;
    String type = req.header("X-Amz-Invocation-Type");
    if ("DryRun".equals(type)) {
      return new Resp(204, null, new byte[0]);
    }
    long delay;
    synchronized (fake.lock) {
      com.fasterxml.jackson.databind.JsonNode payload;
      try {
        payload = Js.parse(req.body);
      } catch (RuntimeException notJson) {
        payload = null;
      }
      delay = fake.faults.nextInvokeDelay(req.region, payload);
    }
    try {
      fake.faults.awaitInvokeDelay(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AwsError(500, "ServiceException", "interrupted");
    }
    env.put("AWS_ACCESS_KEY_ID", "AKIDTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "secret");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    c.path("Environment").path("Variables").fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    env.put("AWS_REGION", req.region);
    env.put("AWS_DEFAULT_REGION", req.region);
    env.put("AWS_LAMBDA_FUNCTION_NAME", f.name);
    env.put("AWS_LAMBDA_FUNCTION_VERSION", c.path("Version").asText());
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", c.path("MemorySize").asText());
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + f.name);
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "fake/" + c.path("Version").asText());
    env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + c.path("Runtime").asText());
    env.put("CONSTELLATION_FAKE_FUNCTION_ARN", c.path("FunctionArn").asText());
    env.putAll(fake.options.lambdaEnvironment);
    String runtimeName = c.path("Runtime").asText();
    if (!runtimeName.startsWith("java")) {
      throw AwsError.badRequest("InvalidRuntimeException", "The fake runs Java runtimes only; "
          + "function " + f.name + " has Runtime " + runtimeName);
    }
    LambdaRuntime.Key key = new LambdaRuntime.Key(c.path("CodeSha256").asText(),
        c.path("Handler").asText(), runtimeName, c.path("MemorySize").asInt(), LambdaRuntime.sorted(env));
    String requestId = UUID.randomUUID().toString();
    LambdaRuntime.Outcome o;
    try {
      o = runtime.invoke(key, v.zip, req.body, c.path("Timeout").asInt(3), requestId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AwsError(500, "ServiceException", "interrupted");
    }
    if (o == null) {
      throw new AwsError(500, "ServiceException", "the fake is closing");
    }
    if ("Event".equals(type)) {
      return new Resp(202, null, new byte[0]);
    }
    Resp r = new Resp(200, "application/json", o.body())
        .header("X-Amz-Executed-Version", c.path("Version").asText());
    if (o.error()) {
      r.header("X-Amz-Function-Error", "Unhandled");
    }
    if ("Tail".equals(req.header("X-Amz-Log-Type")) && o.log() != null) {
      r.header("X-Amz-Log-Result", Base64.getEncoder().encodeToString(
          o.log().getBytes(StandardCharsets.UTF_8)));
    }
    return r;
  }
}
