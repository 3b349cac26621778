package dev.constellation.maven.aws;

import dev.constellation.aws.AwsClients;
import dev.constellation.aws.Init;
import dev.constellation.aws.Installation;
import dev.constellation.aws.Policies;
import dev.constellation.aws.Preflight;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import dev.constellation.orchestrator.lambda.LambdaHandler;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ecs.model.Cluster;

/**
 * Whether {@code constellation:init} ran for the home region and every agent region of a run, and
 * with this plugin version, read-only: the task and execution roles, the orchestrator Lambda's alias
 * and the results bucket in the home region; the ECS cluster, the agent log group and the security
 * group in each agent region. Every missing piece is named with its region and the {@code init}
 * command that creates it, before anything is pushed or started.
 *
 * <p>Out of date means: a piece whose content this plugin version fixes differs from it, so
 * {@code init} of this version would change it — the code behind the orchestrator alias
 * {@code live} ({@code CodeSha256} against the orchestrator jar this plugin carries) and its
 * configuration (runtime, handler, memory, timeout, role, environment), the three roles' trust
 * and inline policies against the JSON shipped, the ECR lifecycle policy, and a retention on the
 * log groups. TTL off on the run-state table is a warning only (see {@code table}). Values the user chose at init (the retention's days,
 * subnets) are not compared. Each difference is named with its region, what differs and the
 * {@code init} command, in the same error as missing pieces.
 *
 * <p>The results store is the one {@code init} chose: the task role's inline policy lets the agents
 * write either S3 ({@code s3:PutObject}) or Timestream ({@code timestream:WriteRecords}), so that
 * policy says where this run's agents write (an installation whose store changed at a later
 * {@code init} keeps the old bucket or table, but its role names only the new one).
 */
final class InstallationCheck {

  private final AwsClients aws;
  private final Installation inst;
  private final Preflight.Result pre;
  private final byte[] orchestratorJar;

  /**
   * A check.
   *
   * @param aws the clients
   * @param inst the installation
   * @param pre the preflight's facts (account, partition, networks)
   * @param orchestratorJar the orchestrator jar this plugin carries (what init would deploy)
   */
  InstallationCheck(AwsClients aws, Installation inst, Preflight.Result pre, byte[] orchestratorJar) {
    this.aws = aws;
    this.inst = inst;
    this.pre = pre;
    this.orchestratorJar = orchestratorJar;
  }

  /**
   * What the run uses from the installation.
   *
   * @param bucket the results bucket ({@code null} with Timestream results)
   * @param subnets per region, the subnets tasks run in
   * @param securityGroups per region, the agents' security group id
   * @param timestream whether results go to the installation's Timestream table instead of S3
   * @param warnings differences that do not stop the run (run items that do not expire)
   */
  record Found(String bucket, Map<String, List<String>> subnets, Map<String, String> securityGroups, boolean timestream,
      List<String> warnings) {}

  /** The results store of an installation: the task role's policy allows {@code timestream:WriteRecords}. */
  static boolean writesTimestream(String taskRolePolicy) {
    String doc = taskRolePolicy.trim();
    if (!doc.startsWith("{")) {
      doc = java.net.URLDecoder.decode(doc, java.nio.charset.StandardCharsets.UTF_8); // IAM answers URL-encoded
    }
    return doc.contains("\"timestream:WriteRecords\"");
  }

  Found check(List<String> regions, RunPlan plan) throws RunException {
    String home = inst.homeRegion();
    List<String> missing = new ArrayList<>();
    List<String> outdated = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Policies policies = new Policies(inst, pre.partition(), pre.account());
    boolean timestream = false;
    try {
      timestream = writesTimestream(aws.iam(pre.partition()).getRolePolicy(b -> b.roleName(inst.roleName(Installation.Role.TASK))
          .policyName(Installation.POLICY_NAME)).policyDocument());
    } catch (SdkException e) {
      // no role or policy to read: the loop below names what is missing or cannot be read
    }
    for (Installation.Role role : Installation.Role.values()) {
      String name = inst.roleName(role);
      try {
        Role r = aws.iam(pre.partition()).getRole(b -> b.roleName(name)).role();
        String trust = Policies.differences(r.assumeRolePolicyDocument(), policies.trust(role));
        if (!trust.isEmpty()) {
          outdated.add("[global] IAM role " + name + ": its trust policy is not the one this plugin version sets (" + trust + ")");
        }
        String have;
        try {
          have = aws.iam(pre.partition()).getRolePolicy(b -> b.roleName(name).policyName(Installation.POLICY_NAME)).policyDocument();
        } catch (NoSuchEntityException e) {
          have = null;
        }
        // the task role's statements depend on the results store init chose (read above from that policy)
        String permissions = Policies.differences(have, policies.permissions(role, timestream));
        if (!permissions.isEmpty()) {
          outdated.add("[global] IAM role " + name + ": its inline policy " + Installation.POLICY_NAME
              + " is not the one this plugin version ships (" + permissions + ")");
        }
      } catch (NoSuchEntityException e) {
        missing.add("[global] IAM role " + name + " does not exist");
      } catch (SdkException e) {
        missing.add("[global] IAM role " + name + " cannot be read: " + e.getMessage());
      }
    }
    orchestrator(home, missing, outdated);
    table(home, missing, warnings);
    logGroup(home, inst.functionLogGroup(), false, missing, outdated);
    String bucket = timestream ? null : inst.bucket(pre.account());
    if (timestream) {
      String table = inst.timestreamDatabase() + "." + inst.timestreamTable();
      try {
        aws.timestream(home).describeTable(b -> b.databaseName(inst.timestreamDatabase()).tableName(inst.timestreamTable()));
      } catch (software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException e) {
        missing.add("[" + home + "] the results table Timestream " + table + " does not exist (the task role writes Timestream)");
      } catch (SdkException e) {
        missing.add("[" + home + "] the results table Timestream " + table + " cannot be read: " + e.getMessage());
      }
    } else {
      try {
        aws.s3(home).headBucket(b -> b.bucket(bucket));
      } catch (AwsServiceException e) {
        missing.add("[" + home + "] the results bucket " + bucket + (e.statusCode() == 404 ? " does not exist" : " cannot be read: "
            + e.getMessage()));
      } catch (SdkException e) {
        missing.add("[" + home + "] the results bucket " + bucket + " cannot be read: " + e.getMessage());
      }
    }
    Map<String, List<String>> subnets = new LinkedHashMap<>();
    Map<String, String> groups = new LinkedHashMap<>();
    for (String region : regions) {
      try {
        List<Cluster> clusters = aws.ecs(region).describeClusters(b -> b.clusters(inst.cluster())).clusters();
        if (clusters.stream().noneMatch(c -> "ACTIVE".equals(c.status()))) {
          missing.add("[" + region + "] the ECS cluster " + inst.cluster() + " does not exist");
        }
      } catch (SdkException e) {
        missing.add("[" + region + "] the ECS cluster " + inst.cluster() + " cannot be read: " + e.getMessage());
      }
      logGroup(region, inst.agentLogGroup(), true, missing, outdated);
      repositoryLifecycle(region, outdated);
      Preflight.Network net = pre.networks().get(region);
      if (net == null) {
        missing.add("[" + region + "] no network for the tasks was found");
        continue;
      }
      subnets.put(region, net.subnetIds());
      try {
        List<SecurityGroup> found = aws.ec2(region).describeSecurityGroups(b -> b.filters(
            Filter.builder().name("group-name").values(inst.securityGroup()).build(),
            Filter.builder().name("vpc-id").values(net.vpcId()).build())).securityGroups();
        if (found.isEmpty()) {
          missing.add("[" + region + "] the security group " + inst.securityGroup() + " does not exist in " + net.vpcId());
        } else {
          groups.put(region, found.get(0).groupId());
        }
      } catch (SdkException e) {
        missing.add("[" + region + "] the security group " + inst.securityGroup() + " cannot be read: " + e.getMessage());
      }
    }
    if (!missing.isEmpty() || !outdated.isEmpty()) {
      List<String> all = new ArrayList<>(missing);
      all.addAll(outdated);
      throw new RunException("the Constellation installation '" + inst.name() + "' is "
          + (outdated.isEmpty() ? "missing or incomplete" : missing.isEmpty() ? "out of date (init ran with another plugin version)"
              : "missing pieces and out of date") + " for this run; nothing was "
          + "started:\n  - " + String.join("\n  - ", all) + "\nFix: run mvn constellation:init -Dconstellation.homeRegion=" + home
          + " -Dconstellation.remoteRegions=" + plan.regions().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
          .collect(Collectors.joining(",")) + (Installation.DEFAULT_NAME.equals(inst.name()) ? ""
              : " -Dconstellation.installation=" + inst.name()) + " (the same home region and regions as the run)");
    }
    return new Found(bucket, subnets, groups, timestream, List.copyOf(warnings));
  }

  /** The orchestrator: alias {@code live} exists, and the version behind it runs this plugin's jar with init's configuration. */
  private void orchestrator(String home, List<String> missing, List<String> outdated) {
    String fn = inst.function() + ":" + Installation.ALIAS;
    FunctionConfiguration live;
    try {
      String version = aws.lambda(home).getAlias(b -> b.functionName(inst.function()).name(Installation.ALIAS)).functionVersion();
      live = aws.lambda(home).getFunction(b -> b.functionName(inst.function()).qualifier(version)).configuration();
    } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
      missing.add("[" + home + "] the orchestrator Lambda " + fn + " does not exist");
      return;
    } catch (SdkException e) {
      missing.add("[" + home + "] the orchestrator Lambda " + inst.function() + " cannot be read: " + e.getMessage());
      return;
    }
    String want = Init.codeSha256(orchestratorJar);
    if (!want.equals(live.codeSha256())) {
      outdated.add("[" + home + "] the orchestrator Lambda " + fn + " (version " + live.version() + ") runs other code than this plugin "
          + "version carries: CodeSha256 " + live.codeSha256() + ", this plugin's orchestrator jar " + want);
    }
    String role = inst.roleArn(pre.partition(), pre.account(), Installation.Role.ORCHESTRATOR);
    if (Init.configDrift(live, role, Map.of(LambdaHandler.TABLE_ENV, inst.table()))) {
      outdated.add("[" + home + "] the orchestrator Lambda " + fn + " (version " + live.version() + ") has another configuration than "
          + "this plugin version sets: runtime " + live.runtimeAsString() + ", handler " + live.handler() + ", " + live.memorySize()
          + " MB, " + live.timeout() + " s, role " + live.role() + "; init sets java21, " + Init.HANDLER + ", " + Init.MEMORY_MB + " MB, "
          + Init.TIMEOUT_SECONDS + " s, role " + role);
    }
  }

  /**
   * The run-state table exists; TTL off is a warning only: it does not change the run (old run items
   * stay), and a DynamoDB-compatible store without {@code UpdateTimeToLive} (dynalite) cannot get
   * it from init either.
   */
  private void table(String home, List<String> missing, List<String> warnings) {
    String table = inst.table();
    try {
      aws.dynamo(home).describeTable(b -> b.tableName(table));
    } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
      missing.add("[" + home + "] the DynamoDB table " + table + " does not exist");
      return;
    } catch (SdkException e) {
      missing.add("[" + home + "] the DynamoDB table " + table + " cannot be read: " + e.getMessage());
      return;
    }
    try {
      var ttl = aws.dynamo(home).describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
      boolean on = ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING;
      if (!on) {
        warnings.add("[" + home + "] the DynamoDB table " + table + " has TTL " + ttl.timeToLiveStatusAsString()
            + ", so its run items do not expire; mvn constellation:init turns it on (attribute ttl) where DynamoDB supports it");
      }
    } catch (AwsServiceException e) {
      if (!AwsClients.code(e).contains("UnknownOperation")) {
        missing.add("[" + home + "] the TTL of the DynamoDB table " + table + " cannot be read: " + e.getMessage());
      }
    } catch (SdkException e) {
      missing.add("[" + home + "] the TTL of the DynamoDB table " + table + " cannot be read: " + e.getMessage());
    }
  }

  /** A log group exists (when required) and has a retention (init sets one; its days are the user's choice). */
  private void logGroup(String region, String name, boolean required, List<String> missing, List<String> outdated) {
    try {
      LogGroup g = aws.logs(region).describeLogGroups(b -> b.logGroupNamePrefix(name)).logGroups().stream()
          .filter(x -> name.equals(x.logGroupName())).findFirst().orElse(null);
      if (g == null) {
        if (required) {
          missing.add("[" + region + "] the log group " + name + " does not exist");
        } else {
          outdated.add("[" + region + "] the log group " + name + " does not exist (init of this plugin version creates it with a "
              + "retention, so the orchestrator's logs do not stay forever)");
        }
      } else if (g.retentionInDays() == null) {
        outdated.add("[" + region + "] the log group " + name + " keeps its logs forever; init of this plugin version sets a retention "
            + "(-Dconstellation.logRetentionDays, default 7)");
      }
    } catch (SdkException e) {
      missing.add("[" + region + "] the log group " + name + " cannot be read: " + e.getMessage());
    }
  }

  /** The agent repository's lifecycle policy, when the repository exists (the first push creates a missing one). */
  private void repositoryLifecycle(String region, List<String> outdated) {
    String repo = inst.repository();
    String have;
    try {
      have = aws.ecr(region).getLifecyclePolicy(b -> b.repositoryName(repo)).lifecyclePolicyText();
    } catch (RepositoryNotFoundException e) {
      return;
    } catch (LifecyclePolicyNotFoundException e) {
      have = null;
    } catch (SdkException e) {
      outdated.add("[" + region + "] the lifecycle policy of the ECR repository " + repo + " cannot be read: " + e.getMessage());
      return;
    }
    String diff = Policies.differences(have, Init.ECR_LIFECYCLE);
    if (!diff.isEmpty()) {
      outdated.add("[" + region + "] the ECR repository " + repo + ": its lifecycle policy is not the one this plugin version sets "
          + "(keep the 10 newest images): " + (have == null ? "it has none" : have));
    }
  }
}
