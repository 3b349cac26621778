package dev.constellation.aws;

import dev.constellation.agent.results.ResultsStores;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.orchestrator.dynamodb.DynamoDbRunStateStore;
import dev.constellation.orchestrator.lambda.LambdaHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.MagneticStoreWriteProperties;
import software.amazon.awssdk.services.timestreamwrite.model.RetentionProperties;

/**
 * {@code constellation:init}: after {@link Preflight}, creates what is missing and converges what
 * drifted; a second init makes only read calls and reports every resource {@code unchanged}.
 *
 * <p>Home region, in order (AWS-DEPLOY §2.4): the ECS service-linked role (once per account, never
 * deleted), the three IAM roles under {@value Installation#IAM_PATH} with inline least-privilege
 * policies, the DynamoDB run-state table (TTL on {@code ttl}), the results store (S3 bucket or
 * Timestream), the orchestrator's log group, the orchestrator Lambda ({@code java21}, version and
 * alias {@value Installation#ALIAS}; code updated in place only when its {@code CodeSha256} differs).
 * Each agent region, in parallel with the home region and each other (§2.5): ECR repository with a
 * lifecycle policy, ECS cluster, log group with retention, security group without ingress.
 *
 * <p>An existing resource with Constellation's name but without its tags is never adopted or
 * changed: init fails naming it, before anything is created (a read-only pass over every step runs
 * first). With {@code dryRun} nothing that changes anything is called; each
 * missing resource is reported as {@code would create}.
 */
public final class Init {

  /** The handler string of the orchestrator Lambda. */
  public static final String HANDLER = LambdaHandler.class.getName() + "::handleRequest";
  /** The message Lambda returns while a new role has not reached it yet (IAM is eventually consistent). */
  static final String ROLE_NOT_ASSUMABLE = "cannot be assumed by Lambda";
  /** ECR lifecycle policy: keep the 10 newest images (content-tag pushes accumulate otherwise). */
  public static final String ECR_LIFECYCLE = "{\"rules\":[{\"rulePriority\":1,\"description\":\"keep the 10 newest images\","
      + "\"selection\":{\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":10},"
      + "\"action\":{\"type\":\"expire\"}}]}";
  /** The object that marks a bucket as ours where the S3 service has no bucket tagging (S3 stand-ins). */
  static final String BUCKET_MARKER = ".constellation/installation.json";

  /**
   * Timing and mode.
   *
   * @param dryRun report only; call nothing that changes anything
   * @param roleRetryFirst first wait when a new role is not yet assumable (doubles each try)
   * @param roleRetryCap longest single wait
   * @param roleRetryBudget give up after waiting this long in total (AWS-DEPLOY §2.4: 90 s)
   * @param clusterRetryBudget how long CreateCluster is retried while the ECS service-linked role propagates
   */
  public record Options(boolean dryRun, Duration roleRetryFirst, Duration roleRetryCap, Duration roleRetryBudget,
      Duration clusterRetryBudget) {

    /** Production timings. */
    public static Options defaults(boolean dryRun) {
      return new Options(dryRun, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(90), Duration.ofSeconds(60));
    }
  }

  private final AwsClients aws;
  private final StepListener listener;
  private final Options options;

  /**
   * An init.
   *
   * @param aws the client factory
   * @param listener receives every step as it finishes
   * @param options timing and mode
   */
  public Init(AwsClients aws, StepListener listener, Options options) {
    this.aws = aws;
    this.listener = listener;
    this.options = options;
  }

  /**
   * Runs preflight, then creates or converges everything.
   *
   * @param settings the installation and regions
   * @param lambdaJar the shaded orchestrator jar ({@code constellation-orchestrator-<v>-lambda.jar})
   * @return what was done
   * @throws DeployException listing preflight problems (nothing created) or the failed steps
   */
  public Summary run(DeploySettings settings, byte[] lambdaJar) {
    Objects.requireNonNull(lambdaJar, "lambdaJar");
    long start = System.nanoTime();
    Preflight.Result facts = new Preflight(aws, listener).run(settings);
    listener.info("account " + facts.account() + " (" + facts.callerArn() + "), home region "
        + settings.installation().homeRegion() + ", agent regions " + settings.regions()
        + (options.dryRun() ? "; dry run: nothing will be changed" : ""));
    if (!options.dryRun()) {
      // A read-only pass first: a resource with our name that is not ours (or a denied read) stops
      // init before anything is created, not halfway.
      Init check = new Init(aws, StepListener.silent(), new Options(true, options.roleRetryFirst(),
          options.roleRetryCap(), options.roleRetryBudget(), options.clusterRetryBudget()));
      List<Problem> clashes = check.apply(settings, facts, lambdaJar, new Steps(StepListener.silent()));
      if (!clashes.isEmpty()) {
        throw new DeployException("init found " + PerRegion.count(clashes)
            + " before changing anything; nothing was created", clashes);
      }
    }
    Steps steps = new Steps(listener);
    List<Problem> problems = apply(settings, facts, lambdaJar, steps);
    if (!problems.isEmpty()) {
      throw new DeployException("init did not finish (" + PerRegion.count(problems)
          + "); what was created stays and a second init continues from there", problems);
    }
    Summary summary = new Summary(steps.all(), java.time.Duration.ofNanos(System.nanoTime() - start));
    if (!summary.changed() && !options.dryRun()) {
      listener.info("nothing changed: every resource was already there as wanted");
    }
    return summary;
  }

  /** The home region and every agent region in parallel; returns the problems. */
  private List<Problem> apply(DeploySettings settings, Preflight.Result facts, byte[] lambdaJar, Steps steps) {
    Context ctx = new Context(settings, facts, steps, lambdaJar);
    List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
    List<Runnable> tasks = new ArrayList<>();
    tasks.add(() -> PerRegion.guarded(settings.installation().homeRegion(), problems, Init::fixFor, () -> home(ctx)));
    for (String region : settings.regions()) {
      tasks.add(() -> PerRegion.guarded(region, problems, Init::fixFor, () -> region(ctx, region)));
    }
    PerRegion.runAll("init", tasks, problems);
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort((a, b) -> a.region().compareTo(b.region()));
    return sorted;
  }

  private record Context(DeploySettings settings, Preflight.Result facts, Steps steps, byte[] jar) {
    Installation inst() {
      return settings.installation();
    }

    String home() {
      return settings.installation().homeRegion();
    }
  }

  static String fixFor(SdkException e) {
    if (e instanceof AwsServiceException a && AwsClients.isDenied(a)) {
      return "add the missing action to the credentials' policy (docs/aws.md, operator policy), then run init again";
    }
    return "run init again; if it fails the same way, check the message above";
  }

  // ---------------------------------------------------------------- home region

  private void home(Context c) {
    IamClient iam = aws.iam(c.facts().partition());
    serviceLinkedRole(c, iam);
    boolean timestream = c.facts().store().store() == ResultsStores.Kind.TIMESTREAM;
    Policies policies = new Policies(c.inst(), c.facts().partition(), c.facts().account());
    for (Installation.Role role : Installation.Role.values()) {
      role(c, iam, policies, role, timestream);
    }
    table(c);
    if (timestream) {
      timestream(c);
    } else {
      bucket(c);
    }
    logGroup(c, c.home(), c.inst().functionLogGroup());
    function(c);
  }

  private void serviceLinkedRole(Context c, IamClient iam) {
    c.steps().run("global", "ECS service-linked role AWSServiceRoleForECS", () -> {
      try {
        iam.getRole(b -> b.roleName("AWSServiceRoleForECS"));
        return Steps.Done.of(Step.Outcome.UNCHANGED);
      } catch (NoSuchEntityException missing) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_CREATE);
        }
        try {
          iam.createServiceLinkedRole(b -> b.awsServiceName("ecs.amazonaws.com"));
        } catch (software.amazon.awssdk.services.iam.model.InvalidInputException raced) {
          if (!raced.getMessage().contains("taken")) {
            throw raced;
          }
          return Steps.Done.of(Step.Outcome.UNCHANGED);
        }
        return new Steps.Done(Step.Outcome.CREATED, "(owned by AWS; teardown leaves it)");
      }
    });
  }

  private void role(Context c, IamClient iam, Policies policies, Installation.Role role, boolean timestream) {
    String name = c.inst().roleName(role);
    String trust = policies.trust(role);
    String permissions = policies.permissions(role, timestream);
    c.steps().run("global", "IAM role " + Installation.IAM_PATH + name, () -> {
      software.amazon.awssdk.services.iam.model.Role existing;
      try {
        existing = iam.getRole(b -> b.roleName(name)).role();
      } catch (NoSuchEntityException missing) {
        existing = null;
      }
      if (existing == null) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_CREATE);
        }
        iam.createRole(b -> b.roleName(name).path(Installation.IAM_PATH).assumeRolePolicyDocument(trust)
            .description("Constellation " + role.suffix() + " role (installation " + c.inst().name() + ", home "
                + c.home() + ")")
            .tags(iamTags(c.inst())));
        iam.putRolePolicy(b -> b.roleName(name).policyName(Installation.POLICY_NAME).policyDocument(permissions));
        return Steps.Done.of(Step.Outcome.CREATED);
      }
      Map<String, String> tags = new HashMap<>();
      iam.listRoleTags(b -> b.roleName(name)).tags().forEach(t -> tags.put(t.key(), t.value()));
      if (!Installation.IAM_PATH.equals(existing.path()) || !c.inst().ownsGlobal(tags)) {
        throw notOurs("global", "IAM role " + name, "path " + existing.path() + ", tags " + tags);
      }
      boolean changed = false;
      if (!Policies.same(existing.assumeRolePolicyDocument(), trust)) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_UPDATE);
        }
        iam.updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(trust));
        changed = true;
      }
      String current;
      try {
        current = iam.getRolePolicy(b -> b.roleName(name).policyName(Installation.POLICY_NAME)).policyDocument();
      } catch (NoSuchEntityException missing) {
        current = null;
      }
      if (!Policies.same(current, permissions)) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_UPDATE);
        }
        iam.putRolePolicy(b -> b.roleName(name).policyName(Installation.POLICY_NAME).policyDocument(permissions));
        changed = true;
      }
      return Steps.Done.of(changed ? Step.Outcome.UPDATED : Step.Outcome.UNCHANGED);
    });
  }

  private void table(Context c) {
    DynamoDbClient dynamo = aws.dynamo(c.home());
    String table = c.inst().table();
    c.steps().run(c.home(), "DynamoDB table " + table, () -> {
      String arn;
      try {
        arn = dynamo.describeTable(b -> b.tableName(table)).table().tableArn();
      } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException missing) {
        arn = null;
      }
      Step.Outcome outcome;
      if (arn == null) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_CREATE);
        }
        new DynamoDbRunStateStore(dynamo, table).ensureTable();
        String created = dynamo.describeTable(b -> b.tableName(table)).table().tableArn();
        dynamo.tagResource(b -> b.resourceArn(created).tags(c.inst().tags().entrySet().stream()
            .map(e -> software.amazon.awssdk.services.dynamodb.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
            .toList()));
        outcome = Step.Outcome.CREATED;
      } else {
        String existing = arn;
        Map<String, String> tags = new HashMap<>();
        dynamo.listTagsOfResource(b -> b.resourceArn(existing)).tags().forEach(t -> tags.put(t.key(), t.value()));
        if (!c.inst().owns(tags)) {
          throw notOurs(c.home(), "DynamoDB table " + table, "tags " + tags);
        }
        outcome = Step.Outcome.UNCHANGED;
      }
      String ttl = ttl(dynamo, table);
      return new Steps.Done(outcome, ttl);
    });
  }

  /** Enables TTL on {@code ttl} (run items expire 7 days after their deadline); returns a detail for the step. */
  private String ttl(DynamoDbClient dynamo, String table) {
    TimeToLiveStatus status;
    try {
      status = dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().timeToLiveStatus();
    } catch (AwsServiceException e) {
      if (unknownOperation(e)) {
        listener.warn("DynamoDB at this endpoint has no DescribeTimeToLive; run items of " + table + " will not expire");
        return "(TTL unknown)";
      }
      throw e;
    }
    if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
      return "";
    }
    if (options.dryRun()) {
      return "(would enable TTL)";
    }
    try {
      dynamo.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(s -> s.enabled(true).attributeName("ttl")));
      return "(TTL enabled)";
    } catch (AwsServiceException e) {
      if (unknownOperation(e)) {
        listener.warn("DynamoDB at this endpoint has no UpdateTimeToLive (dynalite); run items of " + table
            + " will not expire there. Real DynamoDB supports it.");
        return "(TTL not supported here)";
      }
      throw e;
    }
  }

  private static boolean unknownOperation(AwsServiceException e) {
    return AwsClients.code(e).contains("UnknownOperation");
  }

  private void bucket(Context c) {
    S3Client s3 = aws.s3(c.home());
    String bucket = c.inst().bucket(c.facts().account());
    c.steps().run(c.home(), "S3 bucket " + bucket, () -> {
      boolean exists;
      try {
        s3.headBucket(b -> b.bucket(bucket));
        exists = true;
      } catch (S3Exception e) {
        if (e.statusCode() == 403) {
          throw new DeployException("init", new Problem(c.home(), "S3 bucket " + bucket,
              "the name exists and these credentials may not use it (S3 bucket names are global)",
              "choose another -Dconstellation.installation, or allow s3:ListBucket on it"), e);
        }
        if (e.statusCode() != 404) {
          throw e;
        }
        exists = false;
      }
      if (exists) {
        if (!bucketIsOurs(s3, bucket, c.inst())) {
          throw notOurs(c.home(), "S3 bucket " + bucket, "no constellation tags and no " + BUCKET_MARKER);
        }
        return Steps.Done.of(Step.Outcome.UNCHANGED);
      }
      if (options.dryRun()) {
        return Steps.Done.of(Step.Outcome.WOULD_CREATE);
      }
      try {
        new S3ResultsStore(s3, bucket).ensureBucket(c.home());
      } catch (IOException e) {
        throw new DeployException("init", new Problem(c.home(), "S3 bucket " + bucket, e.getMessage(),
            "check the message; bucket names are global"), e);
      }
      optional(() -> s3.putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(c.inst().tags().entrySet().stream()
          .map(e -> software.amazon.awssdk.services.s3.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
          .toList()))));
      s3.putObject(b -> b.bucket(bucket).key(BUCKET_MARKER).contentType("application/json"),
          RequestBody.fromString(markerJson(c.inst()), StandardCharsets.UTF_8));
      optional(() -> s3.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(p -> p
          .blockPublicAcls(true).blockPublicPolicy(true).ignorePublicAcls(true).restrictPublicBuckets(true))));
      optional(() -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(l -> l.rules(
          LifecycleRule.builder().id("constellation-runs-expire").status(ExpirationStatus.ENABLED)
              .filter(LifecycleRuleFilter.builder().prefix(S3ResultsStore.ROOT).build())
              .expiration(e -> e.days(RESULTS_RETENTION_DAYS)).build()))));
      return new Steps.Done(Step.Outcome.CREATED, "(results under runs/ expire after " + RESULTS_RETENTION_DAYS + " days)");
    });
  }

  /** Days S3 keeps run results (bucket lifecycle rule on {@code runs/}). */
  static final int RESULTS_RETENTION_DAYS = 30;

  static String markerJson(Installation inst) {
    StringBuilder b = new StringBuilder("{");
    inst.tags().forEach((k, v) -> b.append(b.length() == 1 ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
    return b.append('}').toString();
  }

  /**
   * Whether a bucket is ours: by its tags, or where the service does not implement bucket tagging
   * (HTTP 501, S3 stand-ins) by the marker object init wrote.
   */
  static boolean bucketIsOurs(S3Client s3, String bucket, Installation inst) {
    try {
      Map<String, String> tags = new HashMap<>();
      s3.getBucketTagging(b -> b.bucket(bucket)).tagSet().forEach(t -> tags.put(t.key(), t.value()));
      return inst.owns(tags);
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && "NoSuchTagSet".equals(AwsClients.code(e))) {
        return false;
      }
      if (e.statusCode() != 501) {
        throw e;
      }
    }
    try {
      String marker = s3.getObjectAsBytes(b -> b.bucket(bucket).key(BUCKET_MARKER)).asUtf8String();
      return marker.contains("\"" + Installation.TAG_INSTALLATION + "\":\"" + inst.name() + "\"")
          && marker.contains("\"" + Installation.TAG_MANAGED + "\":\"true\"");
    } catch (NoSuchKeyException e) {
      return false;
    }
  }

  /** Runs an S3 configuration call that S3 stand-ins may not implement (HTTP 501). */
  private void optional(Runnable call) {
    try {
      call.run();
    } catch (S3Exception e) {
      if (e.statusCode() != 501) {
        throw e;
      }
    }
  }

  private void timestream(Context c) {
    TimestreamWriteClient ts = aws.timestream(c.home());
    String db = c.inst().timestreamDatabase();
    String table = c.inst().timestreamTable();
    List<software.amazon.awssdk.services.timestreamwrite.model.Tag> tags = c.inst().tags().entrySet().stream()
        .map(e -> software.amazon.awssdk.services.timestreamwrite.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
        .toList();
    c.steps().run(c.home(), "Timestream database " + db, () -> {
      try {
        String arn = ts.describeDatabase(b -> b.databaseName(db)).database().arn();
        Map<String, String> have = new HashMap<>();
        ts.listTagsForResource(b -> b.resourceARN(arn)).tags().forEach(t -> have.put(t.key(), t.value()));
        if (!c.inst().owns(have)) {
          throw notOurs(c.home(), "Timestream database " + db, "tags " + have);
        }
        return Steps.Done.of(Step.Outcome.UNCHANGED);
      } catch (software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException missing) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_CREATE);
        }
        ts.createDatabase(b -> b.databaseName(db).tags(tags));
        return Steps.Done.of(Step.Outcome.CREATED);
      }
    });
    c.steps().run(c.home(), "Timestream table " + db + "." + table, () -> {
      try {
        ts.describeTable(b -> b.databaseName(db).tableName(table));
        return Steps.Done.of(Step.Outcome.UNCHANGED);
      } catch (software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException missing) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_CREATE);
        }
        // The same retention as TimestreamResultsStore.ensureDatabaseAndTable: 24 h memory, 365 d magnetic.
        ts.createTable(b -> b.databaseName(db).tableName(table).tags(tags)
            .retentionProperties(RetentionProperties.builder()
                .memoryStoreRetentionPeriodInHours(24L).magneticStoreRetentionPeriodInDays(365L).build())
            .magneticStoreWriteProperties(MagneticStoreWriteProperties.builder().enableMagneticStoreWrites(true).build()));
        return Steps.Done.of(Step.Outcome.CREATED);
      }
    });
  }

  private void function(Context c) {
    LambdaClient lambda = aws.lambda(c.home());
    String name = c.inst().function();
    String roleArn = c.inst().roleArn(c.facts().partition(), c.facts().account(), Installation.Role.ORCHESTRATOR);
    String sha = codeSha256(c.jar());
    Map<String, String> env = Map.of(LambdaHandler.TABLE_ENV, c.inst().table());
    c.steps().run(c.home(), "Lambda " + name + ":" + Installation.ALIAS, () -> {
      GetFunctionResponse existing;
      try {
        existing = lambda.getFunction(b -> b.functionName(name));
      } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException missing) {
        existing = null;
      }
      if (existing == null) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_CREATE);
        }
        int tries = createFunction(c, lambda, name, roleArn, env);
        lambda.waiter().waitUntilFunctionActiveV2(b -> b.functionName(name));
        String version = lambda.publishVersion(b -> b.functionName(name).codeSha256(sha)).version();
        lambda.createAlias(b -> b.functionName(name).name(Installation.ALIAS).functionVersion(version));
        return new Steps.Done(Step.Outcome.CREATED, "(version " + version
            + (tries > 1 ? ", role assumable after " + tries + " tries" : "") + ")");
      }
      if (!c.inst().owns(existing.tags())) {
        throw notOurs(c.home(), "Lambda function " + name, "tags " + existing.tags());
      }
      FunctionConfiguration conf = existing.configuration();
      boolean codeChanged = !sha.equals(conf.codeSha256());
      boolean configChanged = configDrift(conf, roleArn, env);
      String alias;
      try {
        alias = lambda.getAlias(b -> b.functionName(name).name(Installation.ALIAS)).functionVersion();
      } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException missing) {
        alias = null;
      }
      if (!codeChanged && !configChanged && alias != null) {
        return Steps.Done.of(Step.Outcome.UNCHANGED);
      }
      if (options.dryRun()) {
        return new Steps.Done(Step.Outcome.WOULD_UPDATE, (codeChanged ? "(new code)" : "") + (configChanged ? "(configuration)" : ""));
      }
      if (codeChanged) {
        lambda.updateFunctionCode(b -> b.functionName(name).zipFile(SdkBytes.fromByteArray(c.jar())));
        lambda.waiter().waitUntilFunctionUpdatedV2(b -> b.functionName(name));
      }
      if (configChanged) {
        lambda.updateFunctionConfiguration(b -> b.functionName(name).runtime(Runtime.JAVA21).handler(HANDLER).role(roleArn)
            .memorySize(MEMORY_MB).timeout(TIMEOUT_SECONDS).environment(e -> e.variables(env)));
        lambda.waiter().waitUntilFunctionUpdatedV2(b -> b.functionName(name));
      }
      String version = lambda.publishVersion(b -> b.functionName(name).codeSha256(sha)).version();
      if (alias == null) {
        lambda.createAlias(b -> b.functionName(name).name(Installation.ALIAS).functionVersion(version));
      } else if (!alias.equals(version)) {
        lambda.updateAlias(b -> b.functionName(name).name(Installation.ALIAS).functionVersion(version));
      }
      return new Steps.Done(Step.Outcome.UPDATED, "(" + (codeChanged ? "new code, " : "") + (configChanged ? "configuration, " : "")
          + "version " + version + ")");
    });
  }

  /** Memory of the orchestrator function (MB). */
  public static final int MEMORY_MB = 1024;
  /** Timeout of one orchestrator invocation (s). */
  public static final int TIMEOUT_SECONDS = 30;

  /**
   * Whether a function's configuration differs from what init sets: runtime {@code java21}, the
   * handler {@link #HANDLER}, the role, {@value #MEMORY_MB} MB, {@value #TIMEOUT_SECONDS} s and the
   * environment.
   *
   * @param conf the function's (or a version's) configuration
   * @param roleArn the orchestrator role's ARN
   * @param env the environment init sets
   * @return true when something differs
   */
  public static boolean configDrift(FunctionConfiguration conf, String roleArn, Map<String, String> env) {
    Map<String, String> have = conf.environment() == null || conf.environment().variables() == null
        ? Map.of() : conf.environment().variables();
    return conf.runtime() != Runtime.JAVA21 || !HANDLER.equals(conf.handler()) || !roleArn.equals(conf.role())
        || !Objects.equals(conf.memorySize(), MEMORY_MB) || !Objects.equals(conf.timeout(), TIMEOUT_SECONDS)
        || !have.equals(env);
  }

  /** CreateFunction, retried while Lambda cannot assume the new role yet; returns the number of tries. */
  private int createFunction(Context c, LambdaClient lambda, String name, String roleArn, Map<String, String> env) {
    long deadline = System.nanoTime() + options.roleRetryBudget().toNanos();
    Duration wait = options.roleRetryFirst();
    for (int attempt = 1; ; attempt++) {
      try {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.JAVA21).handler(HANDLER).role(roleArn)
            .architectures(Architecture.ARM64).memorySize(MEMORY_MB).timeout(TIMEOUT_SECONDS)
            .description("Constellation orchestrator (synchronized start), installation " + c.inst().name())
            .environment(e -> e.variables(env)).code(code -> code.zipFile(SdkBytes.fromByteArray(c.jar())))
            .tags(c.inst().tags()));
        return attempt;
      } catch (software.amazon.awssdk.services.lambda.model.ResourceConflictException raced) {
        return attempt;
      } catch (InvalidParameterValueException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (!m.contains(ROLE_NOT_ASSUMABLE)) {
          throw e;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new DeployException("init", new Problem(c.home(), "Lambda " + name,
              "IAM role " + roleArn + " still cannot be assumed by Lambda after " + attempt + (attempt == 1 ? " try" : " tries") + " in "
                  + options.roleRetryBudget().toSeconds() + " s",
              "IAM may be slow to propagate: run init again in a minute; if it persists, check the role's trust policy"
                  + " (principal lambda.amazonaws.com)"), e);
        }
        sleep(Duration.ofNanos(Math.min(wait.toNanos(), left)));
        wait = wait.multipliedBy(2).compareTo(options.roleRetryCap()) > 0 ? options.roleRetryCap() : wait.multipliedBy(2);
      }
    }
  }

  /** Base64 of the SHA-256 of the deployment package, as Lambda reports {@code CodeSha256}. */
  public static String codeSha256(byte[] zip) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- each agent region

  private void region(Context c, String region) {
    repository(c, region);
    cluster(c, region);
    logGroup(c, region, c.inst().agentLogGroup());
    securityGroup(c, region);
  }

  private void repository(Context c, String region) {
    EcrClient ecr = aws.ecr(region);
    String name = c.inst().repository();
    c.steps().run(region, "ECR repository " + name, () -> {
      Repository repo;
      try {
        repo = ecr.describeRepositories(b -> b.repositoryNames(name)).repositories().get(0);
      } catch (RepositoryNotFoundException missing) {
        repo = null;
      }
      if (repo == null) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_CREATE);
        }
        ecr.createRepository(b -> b.repositoryName(name).imageTagMutability(ImageTagMutability.MUTABLE)
            .imageScanningConfiguration(s -> s.scanOnPush(false))
            .tags(c.inst().tags().entrySet().stream()
                .map(e -> software.amazon.awssdk.services.ecr.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList()));
        ecr.putLifecyclePolicy(b -> b.repositoryName(name).lifecyclePolicyText(ECR_LIFECYCLE));
        return new Steps.Done(Step.Outcome.CREATED, "(keeps the 10 newest images)");
      }
      String arn = repo.repositoryArn();
      Map<String, String> tags = new HashMap<>();
      ecr.listTagsForResource(b -> b.resourceArn(arn)).tags().forEach(t -> tags.put(t.key(), t.value()));
      if (!c.inst().owns(tags)) {
        throw notOurs(region, "ECR repository " + name, "tags " + tags);
      }
      String policy;
      try {
        policy = ecr.getLifecyclePolicy(b -> b.repositoryName(name)).lifecyclePolicyText();
      } catch (LifecyclePolicyNotFoundException missing) {
        policy = null;
      }
      if (Policies.same(policy, ECR_LIFECYCLE)) {
        return Steps.Done.of(Step.Outcome.UNCHANGED);
      }
      if (options.dryRun()) {
        return new Steps.Done(Step.Outcome.WOULD_UPDATE, "(lifecycle policy)");
      }
      ecr.putLifecyclePolicy(b -> b.repositoryName(name).lifecyclePolicyText(ECR_LIFECYCLE));
      return new Steps.Done(Step.Outcome.UPDATED, "(lifecycle policy)");
    });
  }

  private void cluster(Context c, String region) {
    EcsClient ecs = aws.ecs(region);
    String name = c.inst().cluster();
    c.steps().run(region, "ECS cluster " + name, () -> {
      Cluster existing = ecs.describeClusters(b -> b.clusters(name).include(ClusterField.TAGS)).clusters().stream()
          .filter(cl -> "ACTIVE".equals(cl.status())).findFirst().orElse(null);
      if (existing != null) {
        Map<String, String> tags = new HashMap<>();
        existing.tags().forEach(t -> tags.put(t.key(), t.value()));
        if (!c.inst().owns(tags)) {
          throw notOurs(region, "ECS cluster " + name, "tags " + tags);
        }
        return Steps.Done.of(Step.Outcome.UNCHANGED);
      }
      if (options.dryRun()) {
        return Steps.Done.of(Step.Outcome.WOULD_CREATE);
      }
      long deadline = System.nanoTime() + options.clusterRetryBudget().toNanos();
      Duration wait = Duration.ofSeconds(2);
      while (true) {
        try {
          ecs.createCluster(b -> b.clusterName(name)
              .settings(s -> s.name(ClusterSettingName.CONTAINER_INSIGHTS).value("disabled"))
              .tags(c.inst().tags().entrySet().stream()
                  .map(e -> software.amazon.awssdk.services.ecs.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
                  .toList()));
          return new Steps.Done(Step.Outcome.CREATED, "(Container Insights off)");
        } catch (software.amazon.awssdk.services.ecs.model.InvalidParameterException e) {
          // A fresh account's first cluster races the service-linked role (aws/containers-roadmap#2614).
          String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
          if (!m.contains("service linked role") || System.nanoTime() > deadline) {
            throw e;
          }
          sleep(wait);
          wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : wait.multipliedBy(2);
        }
      }
    });
  }

  private void logGroup(Context c, String region, String name) {
    CloudWatchLogsClient logs = aws.logs(region);
    int days = c.settings().retentionDays();
    c.steps().run(region, "log group " + name, () -> {
      LogGroup existing = logs.describeLogGroups(b -> b.logGroupNamePrefix(name)).logGroups().stream()
          .filter(g -> name.equals(g.logGroupName())).findFirst().orElse(null);
      if (existing == null) {
        if (options.dryRun()) {
          return Steps.Done.of(Step.Outcome.WOULD_CREATE);
        }
        try {
          logs.createLogGroup(b -> b.logGroupName(name).tags(c.inst().tags()));
        } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException raced) {
          // created meanwhile by someone else: fall through to the retention call, which is idempotent
        }
        logs.putRetentionPolicy(b -> b.logGroupName(name).retentionInDays(days));
        return new Steps.Done(Step.Outcome.CREATED, "(" + days + " days retention)");
      }
      Map<String, String> tags = logs.listTagsForResource(b -> b.resourceArn(logGroupArn(existing))).tags();
      if (!c.inst().owns(tags)) {
        throw notOurs(region, "log group " + name, "tags " + tags);
      }
      if (Objects.equals(existing.retentionInDays(), days)) {
        return Steps.Done.of(Step.Outcome.UNCHANGED);
      }
      if (options.dryRun()) {
        return new Steps.Done(Step.Outcome.WOULD_UPDATE, "(retention " + days + " days)");
      }
      logs.putRetentionPolicy(b -> b.logGroupName(name).retentionInDays(days));
      return new Steps.Done(Step.Outcome.UPDATED, "(retention " + days + " days)");
    });
  }

  /** The log group ARN without the {@code :*} suffix that {@code arn} carries (Logs API reference, LogGroup). */
  static String logGroupArn(LogGroup g) {
    if (g.logGroupArn() != null) {
      return g.logGroupArn();
    }
    String arn = g.arn();
    return arn != null && arn.endsWith(":*") ? arn.substring(0, arn.length() - 2) : arn;
  }

  private void securityGroup(Context c, String region) {
    Ec2Client ec2 = aws.ec2(region);
    String name = c.inst().securityGroup();
    Preflight.Network net = c.facts().networks().get(region);
    c.steps().run(region, "security group " + name, () -> {
      List<SecurityGroup> found = ec2.describeSecurityGroups(b -> b.filters(Preflight.filter("group-name", name),
          Preflight.filter("vpc-id", net.vpcId()))).securityGroups();
      if (!found.isEmpty()) {
        SecurityGroup g = found.get(0);
        Map<String, String> tags = new HashMap<>();
        g.tags().forEach(t -> tags.put(t.key(), t.value()));
        if (!c.inst().owns(tags)) {
          throw notOurs(region, "security group " + name + " (" + g.groupId() + ")", "tags " + tags);
        }
        if (!g.ipPermissions().isEmpty()) {
          listener.warn(region + ": security group " + g.groupId() + " has inbound rules; agents need none");
        }
        return new Steps.Done(Step.Outcome.UNCHANGED, "(" + g.groupId() + ")");
      }
      if (options.dryRun()) {
        return new Steps.Done(Step.Outcome.WOULD_CREATE, "(in " + net.vpcId() + ")");
      }
      String id = ec2.createSecurityGroup(b -> b.groupName(name).vpcId(net.vpcId())
          .description("Constellation agents: no inbound rules, all outbound")
          .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
              .tags(c.inst().tags().entrySet().stream()
                  .map(e -> software.amazon.awssdk.services.ec2.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
                  .toList()).build())).groupId();
      return new Steps.Done(Step.Outcome.CREATED, "(" + id + " in " + net.vpcId() + ", no inbound rules)");
    });
  }

  // ---------------------------------------------------------------- helpers

  static List<software.amazon.awssdk.services.iam.model.Tag> iamTags(Installation inst) {
    return inst.tags().entrySet().stream()
        .map(e -> software.amazon.awssdk.services.iam.model.Tag.builder().key(e.getKey()).value(e.getValue()).build())
        .toList();
  }

  private static DeployException notOurs(String region, String resource, String found) {
    return new DeployException("init", new Problem(region, resource,
        "it exists but is not Constellation's (" + found + "); init never adopts or changes it",
        "remove or rename it yourself, or choose another -Dconstellation.installation"), null);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for AWS", e);
    }
  }
}
