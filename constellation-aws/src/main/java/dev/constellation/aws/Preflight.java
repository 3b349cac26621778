package dev.constellation.aws;

import dev.constellation.agent.results.ResultsStores;
import dev.constellation.agent.results.timestream.TimestreamAvailability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.servicequotas.model.NoSuchResourceException;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Checks an account before anything is created or spent, and lists every problem in one
 * {@link DeployException} naming region, resource and fix. Makes only read calls.
 *
 * <p>Checks: credentials and account (STS {@code GetCallerIdentity}); every region exists and is
 * enabled for the account ({@code DescribeRegions} with {@code AllRegions}, opt-in status
 * {@code not-opted-in} fails); per agent region a default VPC with default subnets, or the configured
 * subnets with a {@code 0.0.0.0/0} route to an internet gateway (Fargate tasks with public IPs need
 * one to pull from ECR: AWS "Fargate task networking"); the Fargate On-Demand vCPU quota
 * ({@code fargate}/{@value #FARGATE_VCPU_QUOTA}, default 6 in new accounts) minus the vCPUs of
 * running tasks against the plan; unreserved Lambda concurrency in the home region; the results
 * store ({@code ResultsStores.choose}: Timestream closed to new customers on 2025-06-20).
 */
public final class Preflight {

  /** Service Quotas code of "Fargate On-Demand vCPU resource count". */
  public static final String FARGATE_VCPU_QUOTA = "L-3032A538";

  private final AwsClients aws;
  private final StepListener listener;

  /**
   * A preflight.
   *
   * @param aws the client factory
   * @param listener receives the results store choice and warnings
   */
  public Preflight(AwsClients aws, StepListener listener) {
    this.aws = aws;
    this.listener = listener;
  }

  /**
   * What preflight found, for init to use.
   *
   * @param account the account id
   * @param partition the partition from the caller ARN
   * @param callerArn who is calling
   * @param networks per agent region: the VPC and the subnets tasks will use
   * @param store the results store and why
   */
  public record Result(String account, String partition, String callerArn, Map<String, Network> networks,
      ResultsStores.Choice store) {}

  /**
   * Where a region's tasks run.
   *
   * @param vpcId the VPC
   * @param subnetIds public subnets
   * @param configured whether the subnets were configured (else the default VPC's)
   */
  public record Network(String vpcId, List<String> subnetIds, boolean configured) {}

  /**
   * Runs every check.
   *
   * @param settings what to check for
   * @return the facts init needs
   * @throws DeployException listing every problem found
   */
  public Result run(DeploySettings settings) {
    String home = settings.installation().homeRegion();
    List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
    GetCallerIdentityResponse me;
    try {
      me = aws.sts(home).getCallerIdentity();
    } catch (SdkClientException e) {
      throw new DeployException("Preflight: no usable AWS credentials; nothing was created",
          new Problem("global", "credentials", e.getMessage(),
              "set AWS_PROFILE (or -Dconstellation.profile), run 'aws configure', or 'aws sso login' for an SSO profile"), e);
    } catch (AwsServiceException e) {
      throw new DeployException("Preflight: AWS refused the credentials; nothing was created",
          new Problem("global", "credentials", e.getMessage(),
              "check AWS_PROFILE / -Dconstellation.profile; for SSO run 'aws sso login'"), e);
    }
    String partition = partitionOfArn(me.arn());

    Map<String, String> optIn = new LinkedHashMap<>();
    try {
      aws.ec2(home).describeRegions(b -> b.allRegions(true)).regions()
          .forEach(r -> optIn.put(r.regionName(), r.optInStatus()));
    } catch (SdkException e) {
      problems.add(new Problem(home, "regions", "cannot list regions: " + e.getMessage(),
          "allow ec2:DescribeRegions (docs/aws.md operator policy)"));
    }
    List<String> usable = new ArrayList<>(settings.allRegions());
    if (!optIn.isEmpty()) {
      List<Problem> regionProblems = checkRegions(optIn, settings.allRegions());
      problems.addAll(regionProblems);
      regionProblems.forEach(p -> usable.remove(p.region()));
    }

    Map<String, Network> networks = Collections.synchronizedMap(new LinkedHashMap<>());
    List<String> agentRegions = settings.regions().stream().filter(usable::contains).toList();
    List<Runnable> tasks = new ArrayList<>();
    for (String region : agentRegions) {
      tasks.add(() -> {
        try {
          network(region, settings.subnets().get(region)).ifPresentOrElse(n -> networks.put(region, n), () -> { });
        } catch (ProblemFound p) {
          problems.add(p.problem);
        } catch (SdkException e) {
          problems.add(new Problem(region, "network", "cannot read VPCs and subnets: " + e.getMessage(),
              "allow ec2:DescribeVpcs, ec2:DescribeSubnets and ec2:DescribeRouteTables"));
        }
        double need = settings.requiredVcpu().getOrDefault(region, 0.0);
        if (need > 0) {
          try {
            double quota = fargateQuota(aws.quotas(region));
            double inUse = vcpusInUse(aws.ecs(region));
            checkQuota(region, need, quota, inUse).ifPresent(problems::add);
          } catch (SdkException e) {
            problems.add(new Problem(region, "Fargate vCPU quota " + FARGATE_VCPU_QUOTA, "cannot read it: " + e.getMessage(),
                "allow servicequotas:GetServiceQuota, ecs:ListClusters, ecs:ListTasks and ecs:DescribeTasks"));
          }
        }
      });
    }
    PerRegion.runAll("preflight", tasks, problems);

    if (settings.lambdaConcurrency() > 0 && usable.contains(home)) {
      try {
        var limits = aws.lambda(home).getAccountSettings().accountLimit();
        int unreserved = limits.unreservedConcurrentExecutions() == null ? 0 : limits.unreservedConcurrentExecutions();
        if (unreserved < settings.lambdaConcurrency()) {
          problems.add(new Problem(home, "Lambda concurrency", "the account has " + unreserved
              + " unreserved concurrent executions, the plan needs about " + settings.lambdaConcurrency(),
              "request a higher 'Concurrent executions' quota for AWS Lambda in " + home + " (Service Quotas)"));
        } else if (unreserved < 2 * settings.lambdaConcurrency()) {
          listener.warn("Lambda in " + home + " has " + unreserved + " unreserved concurrent executions, less than twice the "
              + settings.lambdaConcurrency() + " a run may use; agents will retry throttled polls, which can delay the start");
        }
      } catch (SdkException e) {
        problems.add(new Problem(home, "Lambda concurrency", "cannot read it: " + e.getMessage(),
            "allow lambda:GetAccountSettings"));
      }
    }

    ResultsStores.Choice store = null;
    try {
      store = ResultsStores.choose(settings.resultsStore(), true,
          () -> new TimestreamAvailability(aws.timestream(home), home).check());
      if (store.store() == ResultsStores.Kind.LOCAL) {
        problems.add(new Problem(home, "results store", "<resultsStore>local keeps results on this machine, which AWS agents cannot reach",
            "use auto, s3 or timestream (-Dconstellation.resultsStore)"));
        store = null;
      } else if (store.store() == ResultsStores.Kind.TIMESTREAM && !"auto".equalsIgnoreCase(settings.resultsStore())) {
        ResultsStores.Availability a = new TimestreamAvailability(aws.timestream(home), home).check();
        if (!a.available()) {
          problems.add(new Problem(home, "results store", "<resultsStore>timestream, but " + a.reason(),
              "use -Dconstellation.resultsStore=s3 (or auto)"));
        }
      }
      if (store != null) {
        listener.info("results store: " + store.store().configValue() + " (" + store.reason() + ")");
      }
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(home, "results store", e.getMessage(), "use auto, s3 or timestream"));
    }

    if (!problems.isEmpty()) {
      List<Problem> sorted = new ArrayList<>(problems);
      sorted.sort((a, b) -> a.region().compareTo(b.region()));
      throw new DeployException("Preflight found " + PerRegion.count(sorted)
          + "; nothing was created", sorted);
    }
    return new Result(me.account(), partition, me.arn(), Map.copyOf(networks), store);
  }

  /**
   * Region names against {@code DescribeRegions(AllRegions=true)}.
   *
   * @param optIn region name → opt-in status ({@code opt-in-not-required}, {@code opted-in}, {@code not-opted-in})
   * @param regions the configured regions
   * @return one problem per unknown or disabled region
   */
  static List<Problem> checkRegions(Map<String, String> optIn, List<String> regions) {
    List<Problem> out = new ArrayList<>();
    for (String r : regions) {
      String status = optIn.get(r);
      if (status == null) {
        out.add(new Problem(r, "region", "this account's partition has no region named " + r,
            "fix the region name; the account knows " + String.join(", ", new java.util.TreeSet<>(optIn.keySet()))));
      } else if ("not-opted-in".equals(status)) {
        out.add(new Problem(r, "region", r + " is not enabled for this account (opt-in status not-opted-in)",
            "enable it in the AWS console (Account → AWS Regions) or with 'aws account enable-region --region-name " + r
                + "', or leave it out"));
      }
    }
    return out;
  }

  /**
   * The quota check.
   *
   * @param region the region
   * @param need vCPUs the plan needs at once
   * @param quota the account's quota
   * @param inUse vCPUs of tasks running now
   * @return a problem when {@code need > quota - inUse}
   */
  static Optional<Problem> checkQuota(String region, double need, double quota, double inUse) {
    if (need <= quota - inUse) {
      return Optional.empty();
    }
    return Optional.of(new Problem(region, "Fargate On-Demand vCPU quota " + FARGATE_VCPU_QUOTA,
        String.format(java.util.Locale.ROOT, "the plan needs %s vCPU at once, the quota is %s and %s are in use",
            num(need), num(quota), num(inUse)),
        "request an increase of 'Fargate On-Demand vCPU resource count' in Service Quotas for " + region
            + " (https://console.aws.amazon.com/servicequotas/home/services/fargate/quotas/" + FARGATE_VCPU_QUOTA
            + "), or plan fewer tasks there"));
  }

  private static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private Optional<Network> network(String region, List<String> configured) {
    Ec2Client ec2 = aws.ec2(region);
    if (configured != null && !configured.isEmpty()) {
      List<Subnet> subnets = ec2.describeSubnets(b -> b.subnetIds(configured)).subnets();
      if (subnets.size() != configured.size()) {
        throw new ProblemFound(new Problem(region, "subnets " + configured, "only " + subnets.size() + " of them exist",
            "give existing subnet ids (-Dconstellation.subnets." + region + "=subnet-…)"));
      }
      String vpc = subnets.get(0).vpcId();
      List<RouteTable> tables = ec2.describeRouteTables(b -> b.filters(filter("vpc-id", vpc))).routeTables();
      List<String> notPublic = configured.stream().filter(s -> !isPublic(s, tables)).toList();
      if (!notPublic.isEmpty()) {
        throw new ProblemFound(new Problem(region, "subnets " + notPublic, "no 0.0.0.0/0 route to an internet gateway",
            "use public subnets (tasks get a public IP to reach ECR, CloudWatch Logs and the home region)"));
      }
      return Optional.of(new Network(vpc, List.copyOf(configured), true));
    }
    List<Vpc> vpcs = ec2.describeVpcs(b -> b.filters(filter("isDefault", "true"))).vpcs();
    if (vpcs.isEmpty()) {
      throw new ProblemFound(new Problem(region, "default VPC", "this region has no default VPC",
          "create one with 'aws ec2 create-default-vpc --region " + region + "', or give public subnets with "
              + "-Dconstellation.subnets." + region + "=subnet-…,subnet-…"));
    }
    String vpc = vpcs.get(0).vpcId();
    List<String> subnets = ec2.describeSubnets(b -> b.filters(filter("vpc-id", vpc), filter("default-for-az", "true"),
        filter("state", "available"))).subnets().stream().map(Subnet::subnetId).toList();
    if (subnets.isEmpty()) {
      throw new ProblemFound(new Problem(region, "default VPC " + vpc, "it has no default subnets",
          "create them with 'aws ec2 create-default-subnet --availability-zone …', or give public subnets with "
              + "-Dconstellation.subnets." + region + "=subnet-…"));
    }
    return Optional.of(new Network(vpc, subnets, false));
  }

  /**
   * Whether a subnet routes {@code 0.0.0.0/0} to an internet gateway: through its own route table
   * association, else the VPC's main table (Amazon VPC User Guide, "Route tables").
   */
  static boolean isPublic(String subnetId, List<RouteTable> tables) {
    RouteTable own = null;
    RouteTable main = null;
    for (RouteTable t : tables) {
      for (RouteTableAssociation a : t.associations()) {
        if (subnetId.equals(a.subnetId())) {
          own = t;
        }
        if (Boolean.TRUE.equals(a.main())) {
          main = t;
        }
      }
    }
    RouteTable t = own != null ? own : main;
    if (t == null) {
      return false;
    }
    for (Route r : t.routes()) {
      if ("0.0.0.0/0".equals(r.destinationCidrBlock()) && r.gatewayId() != null && r.gatewayId().startsWith("igw-")) {
        return true;
      }
    }
    return false;
  }

  private static double fargateQuota(ServiceQuotasClient quotas) {
    try {
      return quotas.getServiceQuota(b -> b.serviceCode("fargate").quotaCode(FARGATE_VCPU_QUOTA)).quota().value();
    } catch (NoSuchResourceException e) {
      return quotas.getAWSDefaultServiceQuota(b -> b.serviceCode("fargate").quotaCode(FARGATE_VCPU_QUOTA)).quota().value();
    }
  }

  /** vCPUs of RUNNING, PENDING and PROVISIONING tasks in every cluster of the region (what the quota counts). */
  private static double vcpusInUse(EcsClient ecs) {
    double total = 0;
    for (String cluster : ecs.listClustersPaginator(b -> { }).clusterArns()) {
      List<String> arns = new ArrayList<>();
      ecs.listTasksPaginator(b -> b.cluster(cluster).desiredStatus("RUNNING")).taskArns().forEach(arns::add);
      for (int i = 0; i < arns.size(); i += 100) {
        List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
        for (Task t : ecs.describeTasks(b -> b.cluster(cluster).tasks(batch)).tasks()) {
          String s = t.lastStatus();
          if (t.cpu() != null && ("RUNNING".equals(s) || "PENDING".equals(s) || "PROVISIONING".equals(s))) {
            total += Double.parseDouble(t.cpu()) / 1024.0;
          }
        }
      }
    }
    return total;
  }

  static Filter filter(String name, String value) {
    return Filter.builder().name(name).values(value).build();
  }

  /** The partition in an ARN ({@code arn:aws:sts::…} → {@code aws}). */
  static String partitionOfArn(String arn) {
    if (arn == null) {
      return "aws";
    }
    String[] parts = arn.split(":", 3);
    return parts.length >= 2 && !parts[1].isEmpty() ? parts[1] : "aws";
  }

  private static final class ProblemFound extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Problem problem;

    ProblemFound(Problem problem) {
      super(problem.line(), null, false, false);
      this.problem = problem;
    }
  }
}
