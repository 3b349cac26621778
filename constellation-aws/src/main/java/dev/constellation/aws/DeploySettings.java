package dev.constellation.aws;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What init, teardown and preflight work on, already parsed by the caller (the Maven goals).
 *
 * @param installation names, tags and the home region
 * @param regions the regions agents run in (each gets an ECR repository, an ECS cluster, a log
 *     group and a security group); may include the home region
 * @param requiredVcpu Fargate vCPUs a run needs at once per region (checked against the account's
 *     On-Demand vCPU quota {@code L-3032A538}); a region without an entry needs 0
 * @param resultsStore {@code auto}, {@code timestream} or {@code s3} (see {@code ResultsStores})
 * @param subnets configured subnets per region, instead of the default VPC's; may be empty
 * @param lambdaConcurrency concurrent orchestrator invocations a run may need (agents polling); 0 skips the check
 * @param retentionDays days CloudWatch keeps agent and orchestrator logs (a value CloudWatch accepts)
 */
public record DeploySettings(Installation installation, List<String> regions, Map<String, Double> requiredVcpu,
    String resultsStore, Map<String, List<String>> subnets, int lambdaConcurrency, int retentionDays) {

  /** CloudWatch Logs' accepted retention values (CloudWatch Logs API reference, PutRetentionPolicy). */
  public static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,
      545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

  public DeploySettings {
    Objects.requireNonNull(installation, "installation");
    regions = List.copyOf(regions);
    requiredVcpu = Map.copyOf(requiredVcpu == null ? Map.of() : requiredVcpu);
    resultsStore = resultsStore == null || resultsStore.isBlank() ? "auto" : resultsStore.trim();
    Map<String, List<String>> s = new LinkedHashMap<>();
    if (subnets != null) {
      subnets.forEach((r, l) -> s.put(r, List.copyOf(l)));
    }
    subnets = Map.copyOf(s);
    if (!RETENTION_DAYS.contains(retentionDays)) {
      throw new IllegalArgumentException("<logRetentionDays> is " + retentionDays + "; CloudWatch Logs accepts only "
          + RETENTION_DAYS);
    }
  }

  /** Settings with the defaults for everything but installation and regions. */
  public static DeploySettings of(Installation installation, List<String> regions) {
    return new DeploySettings(installation, regions, Map.of(), "auto", Map.of(), 0, 7);
  }

  /** The home region followed by the agent regions, without repeats. */
  public List<String> allRegions() {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
    all.add(installation.homeRegion());
    all.addAll(regions);
    return List.copyOf(all);
  }

  /** A copy with another results store setting. */
  public DeploySettings withResultsStore(String store) {
    return new DeploySettings(installation, regions, requiredVcpu, store, subnets, lambdaConcurrency, retentionDays);
  }

  /** A copy with required vCPUs per region. */
  public DeploySettings withRequiredVcpu(Map<String, Double> vcpu) {
    return new DeploySettings(installation, regions, vcpu, resultsStore, subnets, lambdaConcurrency, retentionDays);
  }

  /** A copy with configured subnets. */
  public DeploySettings withSubnets(Map<String, List<String>> configured) {
    return new DeploySettings(installation, regions, requiredVcpu, resultsStore, configured, lambdaConcurrency, retentionDays);
  }

  /** A copy with a Lambda concurrency requirement. */
  public DeploySettings withLambdaConcurrency(int concurrency) {
    return new DeploySettings(installation, regions, requiredVcpu, resultsStore, subnets, concurrency, retentionDays);
  }

  /**
   * Fargate vCPUs for a number of VUs at the default agent size (1 vCPU per task, up to
   * {@value #VUS_PER_TASK} VUs per task: the run's {@code vusPerTask} default).
   *
   * @param vus virtual users in a region
   * @return vCPUs needed there at once
   */
  public static double vcpusFor(int vus) {
    return Math.ceil(vus / (double) VUS_PER_TASK);
  }

  /**
   * VUs one task (1 vCPU, 2 GB) carries by default: half of what one agent kept up with on one core
   * standing in for such a task (bench/vus-per-task.sh, docs/performance.md §4), not measured on
   * Fargate. The run's {@code vusPerTask} default is the same figure.
   */
  public static final int VUS_PER_TASK = 1000;

  /** How long teardown and init wait for slow AWS steps by default. */
  static final Duration DEFAULT_WAIT = Duration.ofMinutes(10);
}
