package dev.constellation.maven.aws;

import dev.constellation.aws.AwsClients;
import dev.constellation.aws.Installation;
import dev.constellation.aws.Preflight;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ecs.model.Cluster;

/**
 * Whether {@code constellation:init} ran for the home region and every agent region of a run,
 * read-only: the task and execution roles, the orchestrator Lambda's alias and the results store
 * in the home region; the ECS cluster, the agent log group and the security group in each agent
 * region. Every missing piece is named with its region and the {@code init} command that creates
 * it, before anything is pushed or started.
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

  InstallationCheck(AwsClients aws, Installation inst, Preflight.Result pre) {
    this.aws = aws;
    this.inst = inst;
    this.pre = pre;
  }

  /**
   * What the run uses from the installation.
   *
   * @param bucket the results bucket ({@code null} with Timestream results)
   * @param subnets per region, the subnets tasks run in
   * @param securityGroups per region, the agents' security group id
   * @param timestream whether results go to the installation's Timestream table instead of S3
   */
  record Found(String bucket, Map<String, List<String>> subnets, Map<String, String> securityGroups, boolean timestream) {}

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
    for (Installation.Role role : List.of(Installation.Role.EXECUTION, Installation.Role.TASK)) {
      String name = inst.roleName(role);
      try {
        aws.iam(pre.partition()).getRole(b -> b.roleName(name));
      } catch (software.amazon.awssdk.services.iam.model.NoSuchEntityException e) {
        missing.add("[global] IAM role " + name + " does not exist");
      } catch (SdkException e) {
        missing.add("[global] IAM role " + name + " cannot be read: " + e.getMessage());
      }
    }
    try {
      aws.lambda(home).getAlias(b -> b.functionName(inst.function()).name(Installation.ALIAS));
    } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
      missing.add("[" + home + "] the orchestrator Lambda " + inst.function() + ":" + Installation.ALIAS + " does not exist");
    } catch (SdkException e) {
      missing.add("[" + home + "] the orchestrator Lambda " + inst.function() + " cannot be read: " + e.getMessage());
    }
    boolean timestream = false;
    try {
      timestream = writesTimestream(aws.iam(pre.partition()).getRolePolicy(b -> b.roleName(inst.roleName(Installation.Role.TASK))
          .policyName(Installation.POLICY_NAME)).policyDocument());
    } catch (software.amazon.awssdk.services.iam.model.NoSuchEntityException e) {
      missing.add("[global] IAM role " + inst.roleName(Installation.Role.TASK) + " has no policy " + Installation.POLICY_NAME);
    } catch (SdkException e) {
      missing.add("[global] the policy of IAM role " + inst.roleName(Installation.Role.TASK) + " cannot be read: " + e.getMessage());
    }
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
      try {
        boolean logGroup = aws.logs(region).describeLogGroups(b -> b.logGroupNamePrefix(inst.agentLogGroup())).logGroups().stream()
            .anyMatch(g -> inst.agentLogGroup().equals(g.logGroupName()));
        if (!logGroup) {
          missing.add("[" + region + "] the log group " + inst.agentLogGroup() + " does not exist");
        }
      } catch (SdkException e) {
        missing.add("[" + region + "] the log group " + inst.agentLogGroup() + " cannot be read: " + e.getMessage());
      }
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
    if (!missing.isEmpty()) {
      throw new RunException("the Constellation installation '" + inst.name() + "' is missing or incomplete for this run; nothing was "
          + "started:\n  - " + String.join("\n  - ", missing) + "\nFix: run mvn constellation:init -Dconstellation.homeRegion=" + home
          + " -Dconstellation.remoteRegions=" + plan.regions().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
          .collect(Collectors.joining(",")) + (Installation.DEFAULT_NAME.equals(inst.name()) ? ""
              : " -Dconstellation.installation=" + inst.name()) + " (the same home region and regions as the run)");
    }
    return new Found(bucket, subnets, groups, timestream);
  }
}
