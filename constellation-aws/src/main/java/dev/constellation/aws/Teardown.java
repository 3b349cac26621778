package dev.constellation.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.TaskField;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/**
 * {@code constellation:teardown}: removes what init created, found by tag (and IAM path), never by
 * name alone; a resource with a Constellation name but without the installation's tags is left
 * alone and named in a warning. Idempotent and resumable: every run rediscovers what is left, so a
 * second teardown deletes nothing and an interrupted one finishes on the next call.
 *
 * <p>Order (AWS-DEPLOY §2.14): per agent region, in parallel — stop the installation's running
 * tasks and wait until they stopped, deregister and delete its task definitions, delete the cluster,
 * the security group (retried while Fargate network interfaces detach: {@code DependencyViolation}),
 * the log group and the ECR repository with its images; then the home region — the orchestrator
 * Lambda and its log group, the DynamoDB table, the results store (after a warning; kept with
 * {@code keepResults}), and the IAM roles last (running tasks and the function use them). The ECS
 * service-linked role and the default VPC are never touched.
 */
public final class Teardown {

  /** What to remove. */
  public enum Scope {
    /** The agent regions' resources. */
    REMOTE,
    /** The home region's resources and the IAM roles. */
    HOME,
    /** Both (the default). */
    ALL;

    /**
     * Parses {@code -Dconstellation.scope}.
     *
     * @param value remote, home or all (any case); null or blank is all
     * @return the scope
     * @throws IllegalArgumentException naming the property, the value and the accepted ones
     */
    public static Scope parse(String value) {
      if (value == null || value.isBlank()) {
        return ALL;
      }
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("-Dconstellation.scope=" + value + " is not a teardown scope; use remote, home or all");
      }
    }
  }

  /**
   * Mode and timing.
   *
   * @param scope what to remove
   * @param keepResults keep the results store (bucket or Timestream database) and its data
   * @param dryRun report what would be deleted; call nothing that changes anything
   * @param taskStopBudget how long to wait for running tasks to stop
   * @param dependencyBudget how long to retry a security group that Fargate network interfaces still use
   * @param pollInterval time between checks while waiting
   */
  public record Options(Scope scope, boolean keepResults, boolean dryRun, Duration taskStopBudget,
      Duration dependencyBudget, Duration pollInterval) {

    /** Production timings: 3 minutes for tasks to stop, 10 minutes for network interfaces to detach. */
    public static Options of(Scope scope, boolean keepResults, boolean dryRun) {
      return new Options(scope, keepResults, dryRun, Duration.ofMinutes(3), Duration.ofMinutes(10), Duration.ofSeconds(2));
    }
  }

  private final AwsClients aws;
  private final StepListener listener;
  private final Options options;

  /**
   * A teardown.
   *
   * @param aws the client factory
   * @param listener receives every step
   * @param options mode and timing
   */
  public Teardown(AwsClients aws, StepListener listener, Options options) {
    this.aws = aws;
    this.listener = listener;
    this.options = options;
  }

  /**
   * Removes the installation's resources in the scope.
   *
   * @param settings the installation, home and agent regions
   * @return what was done
   * @throws DeployException listing what could not be removed (a second call continues)
   */
  public Summary run(DeploySettings settings) {
    long start = System.nanoTime();
    Installation inst = settings.installation();
    String account;
    String partition;
    try {
      var me = aws.sts(inst.homeRegion()).getCallerIdentity();
      account = me.account();
      partition = Preflight.partitionOfArn(me.arn());
    } catch (SdkException e) {
      throw new DeployException("teardown: no usable AWS credentials; nothing was deleted",
          new Problem("global", "credentials", e.getMessage(),
              "set AWS_PROFILE (or -Dconstellation.profile), run 'aws configure', or 'aws sso login'"), e);
    }
    listener.info("teardown of installation " + inst.name() + " (home " + inst.homeRegion() + ", scope "
        + options.scope().name().toLowerCase(Locale.ROOT) + ") in account " + account
        + (options.dryRun() ? "; dry run: nothing will be deleted" : ""));
    Steps steps = new Steps(listener);
    List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
    if (options.scope() != Scope.HOME) {
      List<String> regions = new ArrayList<>(settings.regions());
      regions.addAll(elsewhere(inst, settings.regions()));
      if (regions.isEmpty()) {
        listener.warn("no agent regions configured (<remoteRegions> or -Dconstellation.remoteRegions) and none found; "
            + "no remote resources to remove");
      } else {
        List<Runnable> tasks = new ArrayList<>();
        for (String region : regions) {
          tasks.add(() -> PerRegion.guarded(region, problems, Teardown::fixFor, () -> region(steps, inst, region)));
        }
        PerRegion.runAll("teardown", tasks, problems);
      }
    }
    if (options.scope() != Scope.REMOTE) {
      if (!problems.isEmpty()) {
        problems.add(new Problem(inst.homeRegion(), "home region", "left in place because agent regions failed (their tasks "
            + "may still use the roles)", "fix the problems above and run teardown again"));
      } else {
        PerRegion.guarded(inst.homeRegion(), problems, Teardown::fixFor,
            () -> home(steps, inst, account, partition, settings.resultsStore()));
      }
    }
    if (!problems.isEmpty()) {
      throw new DeployException("teardown did not finish (" + PerRegion.count(problems)
          + "); run it again to continue", problems);
    }
    Summary summary = new Summary(steps.all(), Duration.ofNanos(System.nanoTime() - start));
    if (!summary.changed() && !options.dryRun()) {
      listener.info("nothing was deleted: no resource of installation " + inst.name() + " was left in scope");
    }
    return summary;
  }

  /**
   * The enabled regions of the account outside {@code configured} that hold a resource tagged with
   * this installation (a run or an earlier init with another region list leaves them there):
   * {@code DescribeRegions} in the home region, then every other region searched read-only, at most
   * {@value PerRegion#MAX_THREADS} at once, with the same tag checks as the teardown itself. A region
   * that cannot be searched (a denied call, a service control policy) is named in a warning.
   */
  private List<String> elsewhere(Installation inst, List<String> configured) {
    List<String> enabled;
    try {
      // without AllRegions, DescribeRegions lists the regions enabled for the account (EC2 API reference)
      enabled = aws.ec2(inst.homeRegion()).describeRegions().regions().stream()
          .map(software.amazon.awssdk.services.ec2.model.Region::regionName).sorted().toList();
    } catch (SdkException e) {
      listener.warn("the account's regions could not be listed (ec2:DescribeRegions: " + e.getMessage() + "); looking only in "
          + "the configured regions " + configured);
      return List.of();
    }
    List<String> others = enabled.stream().filter(r -> !configured.contains(r)).toList();
    if (others.isEmpty()) {
      return List.of();
    }
    Teardown probe = new Teardown(aws, StepListener.silent(), new Options(options.scope(), options.keepResults(), true,
        options.taskStopBudget(), options.dependencyBudget(), options.pollInterval()));
    List<String> found = Collections.synchronizedList(new ArrayList<>());
    List<String> unsearched = Collections.synchronizedList(new ArrayList<>());
    List<Runnable> probes = new ArrayList<>();
    for (String region : others) {
      probes.add(() -> {
        Steps seen = new Steps(StepListener.silent());
        try {
          probe.region(seen, inst, region);
        } catch (SdkException | DeployException e) {
          unsearched.add(region + " (" + e.getMessage() + ")");
          return;
        }
        if (seen.all().stream().anyMatch(st -> st.outcome() != Step.Outcome.ABSENT)) {
          found.add(region);
        }
      });
    }
    List<Problem> failed = Collections.synchronizedList(new ArrayList<>());
    PerRegion.runAll("teardown", probes, failed);
    if (!failed.isEmpty()) {
      throw new DeployException("searching the account's regions failed", failed);
    }
    List<String> sorted = found.stream().sorted().toList();
    listener.info("searched " + others.size() + " more enabled region" + (others.size() == 1 ? "" : "s") + " of the account for "
        + "resources tagged with installation " + inst.name() + ": " + (sorted.isEmpty() ? "none found"
            : "found some in " + String.join(", ", sorted) + " (not in the configured regions " + configured + "); removing them too"));
    if (!unsearched.isEmpty()) {
      listener.warn("these regions could not be searched, so anything of installation " + inst.name() + " there stays: "
          + String.join("; ", unsearched.stream().sorted().toList()));
    }
    return sorted;
  }

  private static String fixFor(SdkException e) {
    return e instanceof AwsServiceException a && AwsClients.isDenied(a)
        ? "add the missing action to the credentials' policy (docs/aws.md), then run teardown again"
        : "run teardown again; it continues where it stopped";
  }

  private Steps.Done deleteOr(Runnable delete, String detail) {
    if (options.dryRun()) {
      return new Steps.Done(Step.Outcome.WOULD_DELETE, detail);
    }
    delete.run();
    return new Steps.Done(Step.Outcome.DELETED, detail);
  }

  private void leftAlone(String region, String resource, Map<String, String> tags) {
    listener.warn(region + ": " + resource + " has Constellation's name but not the tags of installation "
        + "(" + tags + "); left alone");
  }

  // ---------------------------------------------------------------- one agent region

  private void region(Steps steps, Installation inst, String region) {
    EcsClient ecs = aws.ecs(region);
    String clusterName = inst.cluster();
    Cluster cluster = ecs.describeClusters(b -> b.clusters(clusterName).include(ClusterField.TAGS)).clusters().stream()
        .filter(c -> "ACTIVE".equals(c.status())).findFirst().orElse(null);
    boolean ours = cluster != null && inst.owns(tags(cluster.tags()));
    if (cluster != null && !ours) {
      leftAlone(region, "ECS cluster " + clusterName, tags(cluster.tags()));
    }
    if (ours) {
      steps.run(region, "running tasks in cluster " + clusterName, () -> stopTasks(ecs, inst, cluster.clusterArn()));
    }
    taskDefinitions(steps, inst, region, ecs);
    steps.run(region, "ECS cluster " + clusterName, () -> {
      if (!ours) {
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      return deleteOr(() -> ecs.deleteCluster(b -> b.cluster(clusterName)), "");
    });
    securityGroups(steps, inst, region);
    logGroup(steps, inst, region, inst.agentLogGroup());
    repository(steps, inst, region);
  }

  private Steps.Done stopTasks(EcsClient ecs, Installation inst, String cluster) {
    List<String> arns = new ArrayList<>();
    ecs.listTasksPaginator(b -> b.cluster(cluster).desiredStatus("RUNNING")).taskArns().forEach(arns::add);
    List<String> owned = new ArrayList<>();
    for (int i = 0; i < arns.size(); i += 100) {
      List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
      for (Task t : ecs.describeTasks(b -> b.cluster(cluster).tasks(batch).include(TaskField.TAGS)).tasks()) {
        if (inst.owns(tags(t.tags()))) {
          owned.add(t.taskArn());
        }
      }
    }
    if (owned.isEmpty()) {
      return Steps.Done.of(Step.Outcome.ABSENT);
    }
    if (options.dryRun()) {
      return new Steps.Done(Step.Outcome.WOULD_DELETE, "(" + owned.size() + " tasks would be stopped)");
    }
    for (String arn : owned) {
      ecs.stopTask(b -> b.cluster(cluster).task(arn).reason("constellation:teardown"));
    }
    long deadline = System.nanoTime() + options.taskStopBudget().toNanos();
    while (true) {
      List<String> running = new ArrayList<>();
      for (int i = 0; i < owned.size(); i += 100) {
        List<String> batch = owned.subList(i, Math.min(owned.size(), i + 100));
        ecs.describeTasks(b -> b.cluster(cluster).tasks(batch)).tasks().stream()
            .filter(t -> !"STOPPED".equals(t.lastStatus())).forEach(t -> running.add(t.taskArn()));
      }
      if (running.isEmpty()) {
        return new Steps.Done(Step.Outcome.DELETED, "(" + owned.size() + " tasks stopped)");
      }
      if (System.nanoTime() > deadline) {
        throw new DeployException("teardown", new Problem(regionOf(cluster), "tasks " + running,
            "still not STOPPED after " + options.taskStopBudget().toSeconds() + " s", "run teardown again in a few minutes"), null);
      }
      sleep(options.pollInterval());
    }
  }

  private static String regionOf(String arn) {
    String[] p = arn.split(":");
    return p.length > 3 ? p[3] : "?";
  }

  private void taskDefinitions(Steps steps, Installation inst, String region, EcsClient ecs) {
    String family = inst.taskFamily();
    List<String> active = new ArrayList<>();
    ecs.listTaskDefinitionsPaginator(b -> b.familyPrefix(family).status(TaskDefinitionStatus.ACTIVE))
        .taskDefinitionArns().forEach(active::add);
    List<String> inactive = new ArrayList<>();
    ecs.listTaskDefinitionsPaginator(b -> b.familyPrefix(family).status(TaskDefinitionStatus.INACTIVE))
        .taskDefinitionArns().forEach(inactive::add);
    if (active.isEmpty() && inactive.isEmpty()) {
      steps.run(region, "task definitions " + family, () -> Steps.Done.of(Step.Outcome.ABSENT));
      return;
    }
    List<String> toDelete = new ArrayList<>();
    for (String arn : active) {
      var d = ecs.describeTaskDefinition(b -> b.taskDefinition(arn).include(TaskDefinitionField.TAGS));
      if (!family.equals(d.taskDefinition().family()) || !inst.owns(tags(d.tags()))) {
        leftAlone(region, "task definition " + arn, tags(d.tags()));
        continue;
      }
      steps.run(region, "task definition " + arn.substring(arn.lastIndexOf('/') + 1), () ->
          deleteOr(() -> ecs.deregisterTaskDefinition(b -> b.taskDefinition(arn)), "(deregistered)"));
      toDelete.add(arn);
    }
    for (String arn : inactive) {
      var d = ecs.describeTaskDefinition(b -> b.taskDefinition(arn).include(TaskDefinitionField.TAGS));
      if (family.equals(d.taskDefinition().family()) && inst.owns(tags(d.tags()))) {
        toDelete.add(arn);
      }
    }
    int inactiveOwned = toDelete.size() - (int) active.stream().filter(toDelete::contains).count();
    if (toDelete.isEmpty()) {
      return;
    }
    if (options.dryRun()) {
      if (inactiveOwned > 0) {
        steps.run(region, "task definitions " + family, () -> new Steps.Done(Step.Outcome.WOULD_DELETE,
            "(" + inactiveOwned + " inactive revision" + (inactiveOwned == 1 ? "" : "s") + ")"));
      }
      return;
    }
    for (int i = 0; i < toDelete.size(); i += 10) { // DeleteTaskDefinitions takes at most 10 (ECS API reference)
      List<String> batch = toDelete.subList(i, Math.min(toDelete.size(), i + 10));
      try {
        ecs.deleteTaskDefinitions(b -> b.taskDefinitions(batch));
      } catch (AwsServiceException e) {
        listener.warn(region + ": deregistered task definitions could not be deleted (" + e.getMessage()
            + "); inactive revisions cost nothing");
      }
    }
    if (inactiveOwned > 0) {
      steps.run(region, "task definitions " + family, () -> new Steps.Done(Step.Outcome.DELETED,
          "(" + inactiveOwned + " inactive revision" + (inactiveOwned == 1 ? "" : "s") + ")"));
    }
  }

  private void securityGroups(Steps steps, Installation inst, String region) {
    Ec2Client ec2 = aws.ec2(region);
    List<SecurityGroup> groups = ec2.describeSecurityGroups(b -> b.filters(
        Preflight.filter("tag:" + Installation.TAG_MANAGED, "true"),
        Preflight.filter("tag:" + Installation.TAG_INSTALLATION, inst.name()))).securityGroups();
    if (groups.isEmpty()) {
      steps.run(region, "security group " + inst.securityGroup(), () -> Steps.Done.of(Step.Outcome.ABSENT));
    }
    for (SecurityGroup g : groups) {
      if (!inst.owns(tags(g.tags()))) { // the filter already asks for the tags; this guards a service that ignores it
        leftAlone(region, "security group " + g.groupId(), tags(g.tags()));
        continue;
      }
      steps.run(region, "security group " + g.groupName() + " (" + g.groupId() + ")", () -> deleteOr(() -> {
        long deadline = System.nanoTime() + options.dependencyBudget().toNanos();
        while (true) {
          try {
            ec2.deleteSecurityGroup(b -> b.groupId(g.groupId()));
            return;
          } catch (AwsServiceException e) {
            if (!"DependencyViolation".equals(AwsClients.code(e)) || System.nanoTime() > deadline) {
              throw e;
            }
            sleep(options.pollInterval()); // network interfaces of stopped Fargate tasks detach late
          }
        }
      }, ""));
    }
  }

  private void logGroup(Steps steps, Installation inst, String region, String name) {
    CloudWatchLogsClient logs = aws.logs(region);
    steps.run(region, "log group " + name, () -> {
      LogGroup g = logs.describeLogGroups(b -> b.logGroupNamePrefix(name)).logGroups().stream()
          .filter(x -> name.equals(x.logGroupName())).findFirst().orElse(null);
      if (g == null) {
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      Map<String, String> tags = logs.listTagsForResource(b -> b.resourceArn(Init.logGroupArn(g))).tags();
      if (!inst.owns(tags)) {
        leftAlone(region, "log group " + name, tags);
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      return deleteOr(() -> logs.deleteLogGroup(b -> b.logGroupName(name)), "");
    });
  }

  private void repository(Steps steps, Installation inst, String region) {
    EcrClient ecr = aws.ecr(region);
    String name = inst.repository();
    steps.run(region, "ECR repository " + name, () -> {
      Repository repo;
      try {
        repo = ecr.describeRepositories(b -> b.repositoryNames(name)).repositories().get(0);
      } catch (RepositoryNotFoundException missing) {
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      Map<String, String> tags = new HashMap<>();
      ecr.listTagsForResource(b -> b.resourceArn(repo.repositoryArn())).tags().forEach(t -> tags.put(t.key(), t.value()));
      if (!inst.owns(tags)) {
        leftAlone(region, "ECR repository " + name, tags);
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      return deleteOr(() -> ecr.deleteRepository(b -> b.repositoryName(name).force(true)), "(with its images)");
    });
  }

  // ---------------------------------------------------------------- home region

  private void home(Steps steps, Installation inst, String account, String partition, String resultsStore) {
    String home = inst.homeRegion();
    LambdaClient lambda = aws.lambda(home);
    String fn = inst.function();
    steps.run(home, "Lambda " + fn, () -> {
      GetFunctionResponse f;
      try {
        f = lambda.getFunction(b -> b.functionName(fn));
      } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException missing) {
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      if (!inst.owns(f.tags())) {
        leftAlone(home, "Lambda " + fn, f.tags());
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      return deleteOr(() -> lambda.deleteFunction(b -> b.functionName(fn)), "(with its versions and alias)");
    });
    logGroup(steps, inst, home, inst.functionLogGroup());

    DynamoDbClient dynamo = aws.dynamo(home);
    String table = inst.table();
    steps.run(home, "DynamoDB table " + table, () -> {
      software.amazon.awssdk.services.dynamodb.model.TableDescription t;
      try {
        t = dynamo.describeTable(b -> b.tableName(table)).table();
      } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException missing) {
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      Map<String, String> tags = new HashMap<>();
      dynamo.listTagsOfResource(b -> b.resourceArn(t.tableArn())).tags().forEach(x -> tags.put(x.key(), x.value()));
      if (!inst.owns(tags)) {
        leftAlone(home, "DynamoDB table " + table, tags);
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      boolean deleting = t.tableStatus() == software.amazon.awssdk.services.dynamodb.model.TableStatus.DELETING;
      return deleteOr(() -> {
        if (!deleting) { // an interrupted teardown may have started it already
          dynamo.deleteTable(b -> b.tableName(table));
        }
        waitUntilGone(dynamo, home, table);
      }, deleting ? "(its deletion had already started)" : "");
    });

    String store = resultsStore == null ? "auto" : resultsStore.trim().toLowerCase(Locale.ROOT);
    if (!store.equals("timestream")) {
      bucket(steps, inst, inst.bucket(account));
    }
    if (!store.equals("s3")) {
      timestream(steps, inst, store.equals("timestream"));
    }
    roles(steps, inst, aws.iam(partition));
  }

  /** Waits until DynamoDB forgets the table (it is DELETING for a while), so a second teardown finds nothing. */
  private void waitUntilGone(DynamoDbClient dynamo, String region, String table) {
    long deadline = System.nanoTime() + options.dependencyBudget().toNanos();
    while (true) {
      try {
        dynamo.describeTable(b -> b.tableName(table));
      } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException gone) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new DeployException("teardown", new Problem(region, "DynamoDB table " + table,
            "still DELETING after " + options.dependencyBudget().toSeconds() + " s", "run teardown again later"), null);
      }
      sleep(options.pollInterval());
    }
  }

  private void bucket(Steps steps, Installation inst, String bucket) {
    String home = inst.homeRegion();
    S3Client s3 = aws.s3(home);
    steps.run(home, "S3 bucket " + bucket, () -> {
      try {
        s3.headBucket(b -> b.bucket(bucket));
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return Steps.Done.of(Step.Outcome.ABSENT);
        }
        throw e;
      }
      if (!Init.bucketIsOurs(s3, bucket, inst)) {
        leftAlone(home, "S3 bucket " + bucket, Map.of());
        return Steps.Done.of(Step.Outcome.ABSENT);
      }
      if (options.keepResults()) {
        return new Steps.Done(Step.Outcome.KEPT, "(-Dconstellation.keepResults=true; delete it later with keepResults=false)");
      }
      listener.warn("deleting the results store s3://" + bucket + " with every run's results in it"
          + (options.dryRun() ? " (dry run: not now)" : "") + "; keep them with -Dconstellation.keepResults=true");
      return deleteOr(() -> {
        List<ObjectIdentifier> batch = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
          batch.add(ObjectIdentifier.builder().key(o.key()).build());
          if (batch.size() == 1000) { // DeleteObjects takes at most 1,000 keys (S3 API reference)
            deleteObjects(s3, bucket, batch);
            batch.clear();
          }
        }
        if (!batch.isEmpty()) {
          deleteObjects(s3, bucket, batch);
        }
        s3.deleteBucket(b -> b.bucket(bucket));
      }, "(with its results)");
    });
  }

  private static void deleteObjects(S3Client s3, String bucket, List<ObjectIdentifier> keys) {
    List<ObjectIdentifier> copy = List.copyOf(keys);
    var r = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(copy).quiet(true)));
    if (r.hasErrors() && !r.errors().isEmpty()) {
      throw new DeployException("teardown", new Problem("s3", "bucket " + bucket, "could not delete "
          + r.errors().size() + " objects, e.g. " + r.errors().get(0).key() + ": " + r.errors().get(0).message(),
          "allow s3:DeleteObject on the bucket and run teardown again"), null);
    }
  }

  private void timestream(Steps steps, Installation inst, boolean required) {
    String home = inst.homeRegion();
    String db = inst.timestreamDatabase();
    TimestreamWriteClient ts = aws.timestream(home);
    String arn;
    try {
      arn = ts.describeDatabase(b -> b.databaseName(db)).database().arn();
    } catch (software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException missing) {
      steps.run(home, "Timestream database " + db, () -> Steps.Done.of(Step.Outcome.ABSENT));
      return;
    } catch (SdkClientException | AwsServiceException e) {
      if (required) {
        throw e;
      }
      listener.info("Timestream not checked in " + home + " (" + firstLine(e.getMessage()) + "); results are in S3");
      return;
    }
    Map<String, String> tags = new HashMap<>();
    ts.listTagsForResource(b -> b.resourceARN(arn)).tags().forEach(t -> tags.put(t.key(), t.value()));
    if (!inst.owns(tags)) {
      leftAlone(home, "Timestream database " + db, tags);
      return;
    }
    if (options.keepResults()) {
      steps.run(home, "Timestream database " + db, () -> new Steps.Done(Step.Outcome.KEPT, "(-Dconstellation.keepResults=true)"));
      return;
    }
    listener.warn("deleting the results store Timestream " + db + " with every run's results in it"
        + (options.dryRun() ? " (dry run: not now)" : "") + "; keep them with -Dconstellation.keepResults=true");
    steps.run(home, "Timestream database " + db, () -> deleteOr(() -> {
      ts.listTablesPaginator(b -> b.databaseName(db)).stream().flatMap(page -> page.tables().stream())
          .forEach(t -> ts.deleteTable(b -> b.databaseName(db).tableName(t.tableName())));
      ts.deleteDatabase(b -> b.databaseName(db));
    }, "(with its tables)"));
  }

  private void roles(Steps steps, Installation inst, IamClient iam) {
    List<Role> roles = new ArrayList<>();
    iam.listRolesPaginator(b -> b.pathPrefix(Installation.IAM_PATH)).roles().forEach(roles::add);
    boolean any = false;
    for (Role role : roles) {
      Map<String, String> tags = new HashMap<>();
      iam.listRoleTags(b -> b.roleName(role.roleName())).tags().forEach(t -> tags.put(t.key(), t.value()));
      if (!inst.ownsGlobal(tags)) {
        continue; // another installation's or another home region's role: not ours to delete
      }
      any = true;
      steps.run("global", "IAM role " + role.path() + role.roleName(), () -> deleteOr(() -> {
        for (String policy : iam.listRolePoliciesPaginator(b -> b.roleName(role.roleName())).policyNames()) {
          iam.deleteRolePolicy(b -> b.roleName(role.roleName()).policyName(policy));
        }
        iam.deleteRole(b -> b.roleName(role.roleName()));
      }, ""));
    }
    if (!any) {
      steps.run("global", "IAM roles " + Installation.IAM_PATH + inst.name() + "-" + inst.homeRegion() + "-*",
          () -> Steps.Done.of(Step.Outcome.ABSENT));
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, String> tags(List<?> tags) {
    Map<String, String> m = new HashMap<>();
    for (Object t : tags) {
      if (t instanceof software.amazon.awssdk.services.ecs.model.Tag e) {
        m.put(e.key(), e.value());
      } else if (t instanceof software.amazon.awssdk.services.ec2.model.Tag e) {
        m.put(e.key(), e.value());
      }
    }
    return m;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
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
