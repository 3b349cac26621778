package dev.constellation.maven.run;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.http.HttpOptions;
import dev.constellation.agent.http.TlsSettings;
import dev.constellation.maven.report.Thresholds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A load test as it will run: every setting from the pom, the command line and the original
 * tool's JSON file, resolved and checked. Built by {@link RunPlanner}, executed by a
 * {@link Runner}; nothing here knows Maven.
 *
 * @param target where agents run
 * @param homeRegion where the orchestrator and results live on AWS
 * @param regions virtual users per region, in the order given; one agent per region (a local
 *     one-region run is the region {@code local}). With an arrival rate this is the VU cap.
 * @param workload how load is shaped over time
 * @param baseUrl what relative request paths resolve against; empty when scripts use absolute URLs
 * @param engine the HTTP engine ({@code socket} or {@code jdk})
 * @param retries whether a request that got no byte of response on a reused keep-alive connection
 *     is sent again once on a new one (counted as a retry)
 * @param httpOptions redirects, cookies and compression
 * @param tls truststore, client certificate, insecure
 * @param scripts the {@code @VirtualUser} classes to run; empty runs all
 * @param parameters values scripts read with {@code VuContext.parameter(key)}
 * @param thresholds pass/fail criteria, parsed
 * @param timings time limits and intervals of the run
 * @param maxRequestNames distinct request names kept apart
 * @param javaExecutable the {@code java} launcher for local agent JVMs
 * @param jvmArgs extra JVM options for local agent JVMs
 * @param overrides one line per setting whose value from one source overrode another's, to print at the start
 * @param aws the settings of a run on AWS (task size, tasks per region, cost limit, dry run); ignored by local runs
 */
public record RunPlan(
    Target target,
    String homeRegion,
    Map<String, Integer> regions,
    Workload workload,
    String baseUrl,
    String engine,
    boolean retries,
    HttpOptions httpOptions,
    TlsSettings tls,
    List<String> scripts,
    Map<String, String> parameters,
    Thresholds thresholds,
    Timings timings,
    int maxRequestNames,
    Path javaExecutable,
    List<String> jvmArgs,
    List<String> overrides,
    Aws aws) {

  public RunPlan {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(timings, "timings");
    Objects.requireNonNull(thresholds, "thresholds");
    regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
    scripts = List.copyOf(scripts);
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    jvmArgs = List.copyOf(jvmArgs);
    overrides = List.copyOf(overrides);
    aws = aws == null ? Aws.defaults() : aws;
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one region");
    }
  }

  /**
   * The settings only a run on AWS reads.
   *
   * @param vusPerTask virtual users one ECS task (one agent) carries; a region gets
   *     {@code ceil(vus / vusPerTask)} tasks. Default {@value #DEFAULT_VUS_PER_TASK}, from a local
   *     measurement (see {@link #DEFAULT_VUS_PER_TASK})
   * @param tasksPerRegion tasks per region that override the computation, e.g. {@code us-east-1 → 3}; may be empty
   * @param taskCpu Fargate task CPU units (1024 = 1 vCPU)
   * @param taskMemory Fargate task memory in MiB
   * @param spot whether tasks run on Fargate Spot
   * @param maxCost the most the run may cost by the estimate, in USD; null for no limit
   * @param dryRun print the plan and the price and stop, before any AWS call
   * @param installation the installation name {@code constellation:init} created (resource names and tags)
   * @param profile a named AWS profile, or empty for the default credential chain
   */
  public record Aws(int vusPerTask, Map<String, Integer> tasksPerRegion, int taskCpu, int taskMemory, boolean spot,
      java.math.BigDecimal maxCost, boolean dryRun, String installation, String profile) {

    /**
     * Default of {@code vusPerTask} for the default task size (1 vCPU, 2 GB): half of the largest VU
     * count one agent kept up with on one core of the project's build machine standing in for a
     * task ({@code bench/vus-per-task.sh}: a GET and a 1 s think time per iteration, loopback
     * target; docs/performance.md §4), rounded down to a multiple of 250. Not measured on Fargate;
     * each agent warns when it is the bottleneck. The same figure as
     * {@code dev.constellation.aws.DeploySettings.VUS_PER_TASK}, which {@code init} plans its vCPU
     * quota check with.
     */
    public static final int DEFAULT_VUS_PER_TASK = 1000;
    /** Default of {@code taskCpu}: 1 vCPU. */
    public static final int DEFAULT_TASK_CPU = 1024;
    /** Default of {@code taskMemory}: 2 GB. */
    public static final int DEFAULT_TASK_MEMORY = 2048;

    public Aws {
      tasksPerRegion = Collections.unmodifiableMap(new LinkedHashMap<>(tasksPerRegion == null ? Map.of() : tasksPerRegion));
      installation = installation == null || installation.isBlank() ? "constellation" : installation.trim();
      profile = profile == null ? "" : profile.trim();
    }

    /** Every default. */
    public static Aws defaults() {
      return new Aws(DEFAULT_VUS_PER_TASK, Map.of(), DEFAULT_TASK_CPU, DEFAULT_TASK_MEMORY, false, null, false, null, null);
    }
  }

  /**
   * How load is shaped: the closed model (a fixed number of VUs looping for a duration), the
   * closed model with VU stages, or the open model (an arrival rate, with the region's VUs as the cap).
   *
   * @param duration how long VUs start new iterations (stages, when given, set it instead)
   * @param rate the open model's iterations per second per region, or its stages; empty for the closed model
   * @param stages the closed model's VU stages; empty for a fixed VU count
   */
  public record Workload(Duration duration, String rate, String stages) {
    public Workload {
      rate = rate == null ? "" : rate.trim();
      stages = stages == null ? "" : stages.trim();
    }

    /** Which model: {@code open} (an arrival rate), {@code stages} (ramping VUs) or {@code closed}. */
    public String model() {
      return !rate.isEmpty() ? "open" : !stages.isEmpty() ? "stages" : "closed";
    }
  }

  /**
   * Time limits and intervals.
   *
   * @param gracefulStop how long a running iteration may go on after the duration
   * @param requestTimeout time limit of one request
   * @param connectTimeout time limit of one TCP connect
   * @param progressInterval how often live progress is printed
   * @param targetWait how long to wait for the base URL to accept connections (0: check once)
   * @param startBuffer time between the last registration and the common start
   * @param registrationDeadline how long agents have to register
   */
  public record Timings(Duration gracefulStop, Duration requestTimeout, Duration connectTimeout, Duration progressInterval,
      Duration targetWait, Duration startBuffer, Duration registrationDeadline) {}

  /**
   * The agents' settings, one per region, as the agent's command line takes them.
   *
   * @param runId the run
   * @param resultsDir where agents write records (a local directory; ignored by agents that write elsewhere)
   * @return one configuration per region, not yet joined to an orchestrator, each with its share of
   *     unique feeders' rows ({@link AgentConfig#assignFeedShares}; a runner that splits a region
   *     into several agents assigns them again over the final list)
   */
  public List<AgentConfig> agents(String runId, Path resultsDir) {
    List<AgentConfig> out = new ArrayList<>();
    regions.forEach((region, vus) -> out.add(new AgentConfig(runId, region, 0, 1, vus, workload.duration(),
        timings.gracefulStop(), baseUrl, scripts, resultsDir, parameters, timings.requestTimeout(), timings.connectTimeout(),
        Duration.ofSeconds(1), maxRequestNames, "", Duration.ofMinutes(5), workload.rate(), workload.stages(), engine, "local", "", "", null, null, null, null, retries, httpOptions, tls)));
    // unique feeders: every agent of the run gets disjoint rows, in proportion to its VUs
    return AgentConfig.assignFeedShares(out);
  }

  /**
   * Agents per region: one for a local run; on AWS one per ECS task, {@code tasksPerRegion} where
   * given, else {@code ceil(vus / vusPerTask)} (AWS-DEPLOY §2.9).
   *
   * @return region → agents, in the regions' order
   */
  public Map<String, Integer> agentsPerRegion() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (AgentConfig a : agents("plan", Path.of("."))) {
      int n = target != Target.AWS ? 1
          : aws.tasksPerRegion().getOrDefault(a.region(), Math.max(1, (int) Math.ceil(a.vuCount() / (double) aws.vusPerTask())));
      out.put(a.region(), Math.min(n, Math.max(1, a.vuCount())));
    }
    return out;
  }

  /** How long load is generated: the duration, or the sum of the stages. */
  public Duration loadDuration() {
    return agents("plan", Path.of(".")).get(0).loadDuration();
  }

  /** Virtual users over all regions (with stages: the highest stage of each region). */
  public int totalVus() {
    return agents("plan", Path.of(".")).stream().mapToInt(AgentConfig::vuCount).sum();
  }
}
