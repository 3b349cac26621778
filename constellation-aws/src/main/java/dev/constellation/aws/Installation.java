package dev.constellation.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names and tags of one installation of Constellation in one AWS account: every resource name
 * starts with the installation name, and every resource that takes tags carries
 * {@code constellation:managed=true}, {@code constellation:installation=<name>} and
 * {@code constellation:home=<home region>}. Two installations in one account (different names) never
 * share a resource; teardown finds resources by these tags (and IAM roles by the path
 * {@value #IAM_PATH}), never by name alone.
 *
 * <p>With the default name {@value #DEFAULT_NAME} the names are those of docs/aws.md:
 * roles {@code constellation-<home>-execution|task|orchestrator}, table {@code constellation-runs},
 * function {@code constellation-orchestrator} (alias {@value #ALIAS}), bucket
 * {@code constellation-<account>-<home>}, and in each region the ECR repository
 * {@code constellation-agent}, the ECS cluster {@code constellation}, the log group
 * {@code /constellation/agents} and the security group {@code constellation-agents}.
 *
 * @param name the installation name: 1–20 characters, lower-case letters, digits and {@code -},
 *     starting with a letter (it becomes part of S3 bucket and IAM role names, whose rules are the
 *     strictest: S3 "Bucket naming rules", IAM role names ≤ 64 characters)
 * @param homeRegion the home region, e.g. {@code eu-west-1}
 */
public record Installation(String name, String homeRegion) {

  /** The installation name used when none is configured. */
  public static final String DEFAULT_NAME = "constellation";
  /** The IAM path of every role Constellation creates. */
  public static final String IAM_PATH = "/constellation/";
  /** Tag key marking every resource Constellation created. */
  public static final String TAG_MANAGED = "constellation:managed";
  /** Tag key naming the installation. */
  public static final String TAG_INSTALLATION = "constellation:installation";
  /** Tag key naming the home region. */
  public static final String TAG_HOME = "constellation:home";
  /** The orchestrator Lambda alias agents invoke. */
  public static final String ALIAS = "live";
  /** The inline policy name on each role. */
  public static final String POLICY_NAME = "constellation";

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

  public Installation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(homeRegion, "homeRegion");
    if (!NAME.matcher(name).matches() || name.endsWith("-") || name.contains("--")) {
      throw new IllegalArgumentException("<installation> (-Dconstellation.installation) is \"" + name
          + "\"; use 1-20 lower-case letters, digits and single '-', starting with a letter, e.g. constellation or team-a");
    }
    if (!REGION.matcher(homeRegion).matches()) {
      throw new IllegalArgumentException("<homeRegion> (-Dconstellation.homeRegion) is \"" + homeRegion
          + "\", which is not an AWS region name; use e.g. eu-west-1");
    }
  }

  /** The tags every created resource carries, in a stable order. */
  public Map<String, String> tags() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put(TAG_MANAGED, "true");
    t.put(TAG_INSTALLATION, name);
    t.put(TAG_HOME, homeRegion);
    return t;
  }

  /**
   * Whether tags mark a resource of this installation: {@code constellation:managed=true} and this
   * installation name. For the default installation a managed resource without an installation tag
   * counts too: earlier versions tagged only {@code constellation:managed=true} (the image goal's ECR
   * repository); init adopts such a resource as it is.
   *
   * @param tags the resource's tags (may be empty)
   * @return true when teardown may delete it and init may adopt it
   */
  public boolean owns(Map<String, String> tags) {
    if (tags == null || !"true".equals(tags.get(TAG_MANAGED))) {
      return false;
    }
    String owner = tags.get(TAG_INSTALLATION);
    return owner == null ? DEFAULT_NAME.equals(name) : name.equals(owner);
  }

  /**
   * Like {@link #owns(Map)}, and also from this home region (for global resources: IAM roles).
   *
   * @param tags the resource's tags
   * @return whether the resource belongs to this installation and home region
   */
  public boolean ownsGlobal(Map<String, String> tags) {
    return owns(tags) && homeRegion.equals(tags.get(TAG_HOME)) && name.equals(tags.get(TAG_INSTALLATION));
  }

  /** The three roles. */
  public enum Role {
    /** Used by Fargate to pull the image and ship logs. */
    EXECUTION("execution", "ecs-tasks.amazonaws.com"),
    /** Used by the agent code in a task. */
    TASK("task", "ecs-tasks.amazonaws.com"),
    /** Used by the orchestrator Lambda. */
    ORCHESTRATOR("orchestrator", "lambda.amazonaws.com");

    private final String suffix;
    private final String principal;

    Role(String suffix, String principal) {
      this.suffix = suffix;
      this.principal = principal;
    }

    /** The service that assumes it. */
    public String principal() {
      return principal;
    }

    /** The last part of the role name, e.g. {@code execution}. */
    public String suffix() {
      return suffix;
    }
  }

  /** {@code <name>-<home>-<role>}, e.g. {@code constellation-eu-west-1-execution}. */
  public String roleName(Role role) {
    return name + "-" + homeRegion + "-" + role.suffix();
  }

  /** The role's ARN. */
  public String roleArn(String partition, String account, Role role) {
    return "arn:" + partition + ":iam::" + account + ":role" + IAM_PATH + roleName(role);
  }

  /** The DynamoDB run-state table, in the home region. */
  public String table() {
    return name + "-runs";
  }

  /** The orchestrator Lambda function, in the home region. */
  public String function() {
    return name + "-orchestrator";
  }

  /** The Lambda's log group, created by init so that it is tagged, bounded and deletable. */
  public String functionLogGroup() {
    return "/aws/lambda/" + function();
  }

  /**
   * The results bucket: {@code <name>-<account>-<home>} (at most 20 + 1 + 12 + 1 + 14 = 48 characters,
   * under S3's 63).
   */
  public String bucket(String account) {
    return name + "-" + account + "-" + homeRegion;
  }

  /** The Timestream database, when that store is used. */
  public String timestreamDatabase() {
    return name;
  }

  /** The Timestream table. */
  public String timestreamTable() {
    return "intervals";
  }

  /** The ECR repository in each region. */
  public String repository() {
    return name + "-agent";
  }

  /** The ECS cluster in each region. */
  public String cluster() {
    return name;
  }

  /** The task definition family in each region (registered per run, part 3). */
  public String taskFamily() {
    return name + "-agent";
  }

  /** The agents' log group in each region. */
  public String agentLogGroup() {
    return "/" + name + "/agents";
  }

  /** The agents' security group in each region (no ingress). */
  public String securityGroup() {
    return name + "-agents";
  }

  /** The partition of the home region: {@code aws}, {@code aws-cn} or {@code aws-us-gov}. */
  public String partition() {
    return partitionOf(homeRegion);
  }

  /**
   * The partition of a region name.
   *
   * @param region e.g. {@code cn-north-1}
   * @return {@code aws-cn} for {@code cn-*}, {@code aws-us-gov} for {@code us-gov-*}, else {@code aws}
   */
  public static String partitionOf(String region) {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    return "aws";
  }
}
