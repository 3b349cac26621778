package dev.constellation.maven.aws;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.aws.AwsClients;
import dev.constellation.aws.DeployException;
import dev.constellation.aws.DeploySettings;
import dev.constellation.aws.Installation;
import dev.constellation.aws.Preflight;
import dev.constellation.aws.Step;
import dev.constellation.aws.StepListener;
import dev.constellation.maven.run.RunContext;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunLog;
import dev.constellation.maven.run.RunOutcome;
import dev.constellation.maven.run.RunPlan;
import dev.constellation.orchestrator.OrchestratorClient;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.RegionStatus;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.RunState;
import dev.constellation.orchestrator.RunStatus;
import dev.constellation.orchestrator.lambda.LambdaOrchestratorClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CPUArchitecture;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.OSFamily;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.Ulimit;
import software.amazon.awssdk.services.ecs.model.UlimitName;

/**
 * A run on AWS from the preflight to the records on this machine, without Maven types: checks the
 * account and that {@code constellation:init} ran for every region, publishes the agent image to
 * ECR in every region, registers a task definition per region, resets the run in the
 * orchestrator Lambda, starts one ECS task per agent (paced, with deterministic
 * {@code clientToken}s, regions in parallel), relaunches tasks that die before the start for a
 * reason a relaunch can fix, aborts on the others (quoting the agent's log), watches the tasks
 * and the orchestrator until the run is complete, stops stragglers, copies the records from S3
 * into the run's records directory, and deregisters its task definitions. Steps and their reasons:
 * docs/aws.md, AWS-DEPLOY §2.6.
 */
public final class AwsRun {

  /** The agent's container name in the task definition. */
  public static final String CONTAINER = "agent";
  /** The task and task-definition tag naming the run. */
  public static final String TAG_RUN = "constellation:run";
  /** The log stream prefix ({@code awslogs-stream-prefix}); streams are {@code <prefix>/agent/<taskId>}. */
  public static final String STREAM_PREFIX = "constellation";
  /** How long a container has after SIGTERM before SIGKILL: the most Fargate allows, so a store outage can still be retried. */
  public static final int STOP_TIMEOUT_SECONDS = 120;
  /** The {@code StopTask} reason of a task still running at the run's hard deadline (a straggler). */
  public static final String STRAGGLER_REASON = "constellation: run deadline";
  /** Log lines of a failed agent quoted in the error. */
  public static final int LOG_LINES = 20;

  /** Publishes the agent image to ECR in each region (the plugin's image code behind it). */
  public interface Images {
    /**
     * Builds the image if needed and makes sure every region's repository has it.
     *
     * @param aws the run's client factory (its ECR clients)
     * @param regions the agent regions
     * @return region → the image reference a task definition uses (pinned by digest)
     * @throws RunException when it cannot be built or pushed (the message names the region and the fix)
     */
    Map<String, String> publish(AwsClients aws, List<String> regions) throws RunException;

    /** The image's CPU architecture for the task definition: {@code X86_64} or {@code ARM64}. */
    String cpuArchitecture() throws RunException;
  }

  /**
   * Timings of the run's control loop.
   *
   * @param monitorInterval how often tasks and the orchestrator are read
   * @param relaunchMargin a task is relaunched only while the registration deadline is at least this far
   * @param maxAttempts launches per agent at most
   * @param runTaskPerSecond {@code RunTask} calls per second per region
   * @param stragglerGrace after the load and the graceful stop, how long agents have to flush and report before they are stopped
   */
  public record Options(Duration monitorInterval, Duration relaunchMargin, int maxAttempts, double runTaskPerSecond,
      Duration stragglerGrace) {
    /** The defaults of AWS-DEPLOY §2.6. */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(2), Duration.ofSeconds(90), 3, TokenBucket.RUN_TASK_PER_SECOND, Duration.ofSeconds(90));
    }
  }

  private final AwsClients aws;
  private final Images images;
  private final Options options;

  /**
   * A run's machinery.
   *
   * @param aws the client factory
   * @param images the image publisher
   * @param options timings
   */
  public AwsRun(AwsClients aws, Images images, Options options) {
    this.aws = aws;
    this.images = images;
    this.options = options;
  }

  /** One agent's task: its launches so far. */
  static final class Agent {
    final TaskPlan.Share share;
    volatile int attempt;
    volatile String taskArn;
    volatile Task last;
    volatile boolean pending;
    volatile boolean stopSent;

    Agent(TaskPlan.Share share) {
      this.share = share;
    }
  }

  /** What the run found out along the way. */
  private final class State {
    final RunPlan plan;
    final RunContext ctx;
    final Installation inst;
    final Map<String, List<Agent>> agents = new LinkedHashMap<>();
    final Map<String, String> taskDefinitions = new ConcurrentHashMap<>();
    final Set<String> stragglers = ConcurrentHashMap.newKeySet();
    volatile String failure;
    volatile OrchestratorClient orchestrator;
    volatile RunStatus lastStatus;

    State(RunPlan plan, RunContext ctx, Installation inst, TaskPlan tasks) {
      this.plan = plan;
      this.ctx = ctx;
      this.inst = inst;
      tasks.regions().forEach((r, shares) -> agents.put(r, shares.stream().map(Agent::new).toList()));
    }

    List<Agent> all() {
      return agents.values().stream().flatMap(List::stream).toList();
    }
  }

  /**
   * Runs the plan.
   *
   * @param plan the run (target aws)
   * @param ctx run id, directories, log, interruption
   * @return how the agents ended
   * @throws RunException when a check fails (nothing was started), a task cannot be started, or an agent failed for good
   * @throws InterruptedException when the calling thread is interrupted (every task is stopped first)
   */
  public RunOutcome run(RunPlan plan, RunContext ctx) throws RunException, InterruptedException {
    RunLog log = ctx.log();
    String home = plan.homeRegion();
    Installation inst = new Installation(plan.aws().installation(), home);
    TaskPlan tasks = TaskPlan.of(plan);
    State st = new State(plan, ctx, inst, tasks);
    List<String> regions = List.copyOf(tasks.regions().keySet());

    Map<String, Double> vcpu = new LinkedHashMap<>();
    tasks.tasksPerRegion().forEach((r, n) -> vcpu.put(r, n * plan.aws().taskCpu() / 1024.0));
    DeploySettings settings = new DeploySettings(inst, regions, vcpu, "s3", Map.of(), (int) Math.max(1, Math.ceil(tasks.tasks() * 0.05)), 7);
    Preflight.Result pre;
    try {
      pre = new Preflight(aws, listener(log)).run(settings);
    } catch (DeployException e) {
      throw new RunException(e.getMessage().replace("nothing was created", "nothing was started"), e);
    }
    InstallationCheck.Found found = new InstallationCheck(aws, inst, pre, orchestratorJar()).check(regions, plan);
    found.warnings().forEach(log::warn);
    String bucket = found.bucket();
    resultsBucket = bucket;
    resultsTimestream = found.timestream() ? inst : null;
    log.info("results store: " + (found.timestream() ? "Timestream " + inst.timestreamDatabase() + "." + inst.timestreamTable()
        : "s3://" + bucket) + " in " + home + " (as init set up the task role)");
    AwsRunner.priceForStore(plan, tasks, images.cpuArchitecture(), found.timestream(), log);
    if (ctx.interruption().interrupted()) {
      return new RunOutcome(List.of(), List.of(), true);
    }

    Map<String, String> image = images.publish(aws, regions);
    String arch = images.cpuArchitecture();
    OrchestratorClient client = new LambdaOrchestratorClient(aws.lambda(home), inst.function(), Installation.ALIAS);
    st.orchestrator = client;
    ctx.interruption().onInterrupt(() -> stopEverything(st, "constellation: interrupted (Ctrl-C)", true));
    try {
      registerTaskDefinitions(st, regions, image, arch, found, pre);
      Map<String, Integer> expected = tasks.tasksPerRegion();
      RunPlan.Timings t = plan.timings();
      try {
        client.reset(new RunSetup(ctx.runId(), expected, t.startBuffer().toMillis(), t.registrationDeadline().toMillis()));
      } catch (OrchestratorException e) {
        throw new RunException("the orchestrator Lambda " + client.address() + " in " + home + " refused the run: " + e.getMessage()
            + "; check that mvn constellation:init ran with this plugin version", e);
      }
      if (bucket != null) { // S3 results: run.json (running), so the run is listed while it runs; Timestream installations have no bucket
        keepRunObjects(aws.s3(home), bucket, ctx);
      } else if (found.timestream()) { // Timestream results: the run's summary row (running), for the same reason
        keepSummaryRow(aws, inst, ctx);
      }
      log.info("launching " + tasks.tasks() + " task" + (tasks.tasks() == 1 ? "" : "s") + " ("
          + expected.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")");
      launchAll(st, found);
      Gather gather = new Gather(source(found, inst, ctx.runId()), ctx.recordsDir(), log);
      if (st.failure == null && !ctx.interruption().interrupted()) {
        monitor(st, found, gather);
      }
      if (st.failure != null) {
        throw new RunException(st.failure);
      }
      Map<String, RegionStatus> reported = st.lastStatus == null ? Map.of() : st.lastStatus.regions();
      long budget = found.timestream() ? GATHER_BUDGET_TIMESTREAM_MS : GATHER_BUDGET_S3_MS;
      if (!ctx.interruption().interrupted()) {
        gather.finish(reported, budget, options.monitorInterval().toMillis(), System::currentTimeMillis);
      } else {
        waitStopped(st);
        try {
          gather.finish(Map.of(), 0, 0, System::currentTimeMillis);
        } catch (RunException e) {
          log.warn("the records of the interrupted run could not all be read: " + e.getMessage());
        }
      }
      List<RunOutcome.AgentExit> exits = new ArrayList<>();
      for (Agent a : st.all()) {
        Integer code = a.last == null || a.last.containers().isEmpty() ? null : a.last.containers().get(0).exitCode();
        if (code != null || a.taskArn != null) {
          int exit = code == null ? -1 : code;
          exits.add(new RunOutcome.AgentExit(a.share.agentId(), exit, exit == 0 ? null : errorLine(st, a)));
        }
      }
      return new RunOutcome(exits, List.copyOf(st.stragglers), ctx.interruption().interrupted());
    } catch (InterruptedException e) {
      stopEverything(st, "constellation: the build was interrupted", true);
      throw e;
    } catch (RunException | RuntimeException e) {
      stopEverything(st, "constellation: the run failed", false);
      waitStopped(st); // the build fails with no task of the run left running
      throw e;
    } finally {
      stopEverything(st, "constellation: run ended", false);
      deregister(st);
    }
  }

  /** Where the plugin jar carries the shaded orchestrator Lambda jar (as {@code InitMojo} reads it). */
  static final String ORCHESTRATOR_JAR = "META-INF/constellation/orchestrator-lambda.jar";

  /** The orchestrator jar this plugin version deploys with {@code init}: what the installation's Lambda must run. */
  static byte[] orchestratorJar() throws RunException {
    try (java.io.InputStream in = AwsRun.class.getClassLoader().getResourceAsStream(ORCHESTRATOR_JAR)) {
      if (in == null) {
        throw new RunException("the plugin jar has no " + ORCHESTRATOR_JAR + " to compare the installation's orchestrator with; it is "
            + "copied in when the plugin is packaged, so use a packaged plugin");
      }
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new RunException("cannot read " + ORCHESTRATOR_JAR + " from the plugin jar: " + e.getMessage(), e);
    }
  }

  /** The results bucket of the last run, once the installation check found it (null before). */
  private volatile String resultsBucket;

  /** The installation of the last run when its results store is Timestream (null before the check, or with S3). */
  private volatile Installation resultsTimestream;

  /** The installation whose Timestream table the last {@link #run} wrote to, or null (S3, or it stopped before finding out). */
  public Installation resultsTimestream() {
    return resultsTimestream;
  }

  /**
   * Writes the run's summary row to the installation's Timestream table (docs/results-format.md, section 4, "Run summary
   * rows"), from the run's run.json and, once written, summary.json, for runs lists elsewhere ({@code constellation:visualize
   * -Dconstellation.resultsStore=timestream}); each write replaces the one before (its version is the time of the write).
   * A failure costs only that, so it is a warning.
   *
   * @param aws the clients
   * @param inst the installation (home region, database, table)
   * @param ctx the run
   */
  public static void keepSummaryRow(AwsClients aws, Installation inst, RunContext ctx) {
    String where = "Timestream " + inst.timestreamDatabase() + "." + inst.timestreamTable() + " (" + inst.homeRegion() + ")";
    try {
      dev.constellation.agent.results.timestream.TimestreamResultsStore store = new dev.constellation.agent.results.timestream
          .TimestreamResultsStore(aws.timestream(inst.homeRegion()), aws.timestreamQuery(inst.homeRegion()), inst.timestreamDatabase(),
          inst.timestreamTable());
      dev.constellation.agent.results.timestream.RunSummary s = dev.constellation.maven.store.StoredRun.publish(store, ctx.runDir(),
          System.currentTimeMillis());
      if (!s.running()) {
        ctx.log().info("kept the run's summary row (" + s.status() + ") in " + where);
      }
    } catch (java.io.IOException | RuntimeException e) {
      ctx.log().warn("the run's summary row could not be kept in " + where + " (" + e.getMessage() + "); runs lists that read the "
          + "store show the run as incomplete, or not at all");
    }
  }

  /** The results bucket the last {@link #run} used, or null when it stopped before finding it. */
  public String resultsBucket() {
    return resultsBucket;
  }

  /**
   * Keeps the run's run.json (and, once written, summary.json) in the bucket beside its records, for runs lists
   * elsewhere ({@code constellation:visualize} with the store); a failure costs only that, so it is a warning.
   *
   * @param s3 the home region's S3 client
   * @param bucket the results bucket
   * @param ctx the run
   */
  public static void keepRunObjects(software.amazon.awssdk.services.s3.S3Client s3, String bucket, RunContext ctx) {
    try {
      List<String> written = dev.constellation.maven.store.StoredRun.publish(
          new dev.constellation.agent.results.s3.S3ResultsStore(s3, bucket), ctx.runId(), ctx.runDir());
      if (written.contains(dev.constellation.maven.report.ReportWriter.SUMMARY_JSON)) {
        ctx.log().info("kept " + String.join(" and ", written) + " in s3://" + bucket + "/runs/" + ctx.runId() + "/");
      }
    } catch (java.io.IOException | RuntimeException e) {
      ctx.log().warn("the run's " + dev.constellation.maven.report.RunFacts.FILE_NAME + "/summary.json could not be kept in s3://"
          + bucket + " (" + e.getMessage() + "); runs lists that read the store show the run as incomplete");
    }
  }

  /**
   * How long the final gather reads S3 again while the records do not add up to the agents'
   * {@code test-end} totals: S3 lists are strongly consistent, so only an object whose upload was
   * still under way when its task stopped can be late.
   */
  static final long GATHER_BUDGET_S3_MS = 10_000;
  /** The same for Timestream, whose reads are eventually consistent (rows visible seconds after the write). */
  static final long GATHER_BUDGET_TIMESTREAM_MS = 60_000;

  /** Where the run's agents write: the installation's bucket or Timestream table. */
  private Gather.Source source(InstallationCheck.Found found, Installation inst, String runId) {
    String home = inst.homeRegion();
    if (found.timestream()) {
      return new Gather.TimestreamSource(new dev.constellation.agent.results.timestream.TimestreamResultsStore(aws.timestream(home),
          aws.timestreamQuery(home), inst.timestreamDatabase(), inst.timestreamTable()), home, runId);
    }
    return new Gather.S3Source(aws.s3(home), found.bucket(), runId);
  }

  private static StepListener listener(RunLog log) {
    return new StepListener() {
      @Override
      public void step(Step step) {
        log.info(step.line());
      }

      @Override
      public void warn(String message) {
        log.warn(message);
      }

      @Override
      public void info(String message) {
        if (!message.startsWith("results store: ")) { // the preflight's choice for init; the run prints the installation's store
          log.info(message);
        }
      }
    };
  }

  /** The task definition of each region: the common agent settings in its command, the per-agent ones as overrides. */
  private void registerTaskDefinitions(State st, List<String> regions, Map<String, String> image, String arch,
      InstallationCheck.Found found, Preflight.Result pre) throws RunException {
    RunPlan plan = st.plan;
    for (String region : regions) {
      List<String> command = commonArgs(plan, st.ctx.runId(), region, st.agents.get(region).size(), st.inst, found.bucket(),
          found.timestream());
      EcsClient ecs = aws.ecs(region);
      try {
        String arn = ecs.registerTaskDefinition(b -> b.family(st.inst.taskFamily())
            .requiresCompatibilities(Compatibility.FARGATE)
            .networkMode(NetworkMode.AWSVPC)
            .cpu(Integer.toString(plan.aws().taskCpu()))
            .memory(Integer.toString(plan.aws().taskMemory()))
            .runtimePlatform(p -> p.operatingSystemFamily(OSFamily.LINUX).cpuArchitecture(CPUArchitecture.fromValue(arch)))
            .executionRoleArn(st.inst.roleArn(pre.partition(), pre.account(), Installation.Role.EXECUTION))
            .taskRoleArn(st.inst.roleArn(pre.partition(), pre.account(), Installation.Role.TASK))
            .containerDefinitions(ContainerDefinition.builder()
                .name(CONTAINER)
                .image(image.get(region))
                .essential(true)
                .command(command)
                .stopTimeout(STOP_TIMEOUT_SECONDS)
                .ulimits(Ulimit.builder().name(UlimitName.NOFILE).softLimit(65535).hardLimit(65535).build())
                .logConfiguration(LogConfiguration.builder().logDriver(LogDriver.AWSLOGS).options(Map.of(
                    "awslogs-group", st.inst.agentLogGroup(), "awslogs-region", region,
                    "awslogs-stream-prefix", STREAM_PREFIX, "mode", "non-blocking", "max-buffer-size", "4m")).build())
                .build())
            .tags(tags(st))).taskDefinition().taskDefinitionArn();
        st.taskDefinitions.put(region, arn);
        st.ctx.log().info(region + ": task definition " + arn.substring(arn.lastIndexOf('/') + 1) + " ("
            + plan.aws().taskCpu() + " CPU units, " + plan.aws().taskMemory() + " MiB, " + arch + ")");
      } catch (SdkException e) {
        throw new RunException(region + ": the task definition could not be registered: " + e.getMessage()
            + "; nothing was started", e);
      }
    }
  }

  /**
   * The agent command shared by a region's tasks: every setting but the agent's index, VUs, rate and
   * stages, which each task gets as environment overrides (a flag would win over them). The results
   * store is S3 ({@code --resultsStore s3 --resultsBucket <bucket>}) or the installation's Timestream
   * table ({@code --resultsStore timestream --timestreamDatabase <installation> --timestreamTable intervals}).
   */
  static List<String> commonArgs(RunPlan plan, String runId, String region, int agents, Installation inst, String bucket,
      boolean timestream) {
    AgentConfig a = plan.agents(runId, Path.of("/tmp/constellation-results")).stream().filter(c -> c.region().equals(region))
        .findFirst().orElseThrow();
    RunPlan.Timings t = plan.timings();
    Duration startTimeout = t.registrationDeadline().plus(t.startBuffer()).plusSeconds(30);
    AgentConfig shared = new AgentConfig(runId, region, 0, agents, a.vus(), a.duration(), a.gracefulStop(), a.baseUrl(), a.scripts(),
        a.resultsDir(), a.parameters(), a.requestTimeout(), a.connectTimeout(), a.flushInterval(), a.maxRequestNames(),
        "lambda:" + plan.homeRegion() + ":" + inst.function() + ":" + Installation.ALIAS, startTimeout, "", "", a.engine(),
        timestream ? "timestream" : "s3", timestream ? "" : bucket,
        plan.homeRegion(), inst.timestreamDatabase(), inst.timestreamTable(), AgentConfig.defaultFallbackDir(),
        AgentConfig.LAMBDA_POLL_INTERVAL, a.retries(), a.httpOptions(), a.tls());
    List<String> args = new ArrayList<>(shared.toArgs());
    for (String perTask : List.of("--agentIndex", "--vus", "--resultsDir", "--rate", "--stages", "--feedShare")) {
      int i = args.indexOf(perTask);
      if (i >= 0) {
        args.remove(i + 1);
        args.remove(i);
      }
    }
    return args;
  }

  private List<Tag> tags(State st) {
    List<Tag> out = new ArrayList<>();
    st.inst.tags().forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
    out.add(Tag.builder().key(TAG_RUN).value(st.ctx.runId()).build());
    return out;
  }

  /** Launches every agent, regions in parallel, each region paced by its own token bucket. */
  private void launchAll(State st, InstallationCheck.Found found) throws RunException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(st.agents.size(), r -> {
      Thread t = new Thread(r, "constellation-launch");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Map.Entry<String, List<Agent>> e : st.agents.entrySet()) {
        TokenBucket bucket = new TokenBucket(options.runTaskPerSecond(), options.runTaskPerSecond(), TokenBucket.Clock.SYSTEM);
        futures.add(pool.submit(() -> {
          for (Agent a : e.getValue()) {
            if (st.failure != null || st.ctx.interruption().interrupted()) {
              return null;
            }
            launch(st, found, a, bucket);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof InterruptedException ie) {
            throw ie;
          }
          if (st.failure == null) {
            st.failure = "launching tasks failed: " + e.getCause();
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One agent's {@code RunTask}, with its token; capacity failures in {@code failures[]} are retried
   * with the next attempt (a new token) after a back-off, throttling with the same token.
   */
  private void launch(State st, InstallationCheck.Found found, Agent a, TokenBucket bucket) throws InterruptedException {
    String region = a.share.region();
    EcsClient ecs = aws.ecs(region);
    long backoff = 1000;
    while (st.failure == null && !st.ctx.interruption().interrupted()) {
      bucket.take();
      String token = ClientTokens.of(st.ctx.runId(), region, a.share.index(), a.attempt);
      RunTaskResponse r;
      try {
        r = ecs.runTask(request(st, found, a, token));
      } catch (EcsException e) {
        if (e.isThrottlingException()) {
          Thread.sleep(backoff);
          backoff = Math.min(backoff * 2, 10_000);
          continue;
        }
        fail(st, region + ": RunTask for agent " + a.share.agentId() + " was refused: " + e.getMessage()
            + (e.statusCode() == 400 && String.valueOf(e.getMessage()).contains("AccessDenied")
                ? "; allow ecs:RunTask and iam:PassRole on the Constellation roles (docs/aws.md)" : ""));
        return;
      } catch (SdkException e) {
        fail(st, region + ": RunTask for agent " + a.share.agentId() + " failed: " + e.getMessage());
        return;
      }
      if (!r.tasks().isEmpty()) {
        a.taskArn = r.tasks().get(0).taskArn();
        a.last = r.tasks().get(0);
        a.pending = false;
        a.stopSent = false;
        return;
      }
      Failure f = r.failures().isEmpty() ? null : r.failures().get(0);
      String reason = f == null ? "no task and no failure" : f.reason() + (f.detail() == null ? "" : " (" + f.detail() + ")");
      if (StopReasons.ofLaunchFailure(reason) == StopReasons.Kind.TRANSIENT && a.attempt + 1 < options.maxAttempts()) {
        a.attempt++;
        st.ctx.log().warn(region + ": agent " + a.share.agentId() + " was not launched (" + reason + "); launching it again (attempt "
            + (a.attempt + 1) + " of " + options.maxAttempts() + ")");
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
        continue;
      }
      fail(st, region + ": agent " + a.share.agentId() + " could not be launched: " + reason
          + (StopReasons.ofLaunchFailure(reason) == StopReasons.Kind.TRANSIENT ? " (after " + options.maxAttempts() + " attempts)" : ""));
      return;
    }
  }

  private RunTaskRequest request(State st, InstallationCheck.Found found, Agent a, String token) {
    String region = a.share.region();
    List<KeyValuePair> env = new ArrayList<>();
    env.add(KeyValuePair.builder().name("CONSTELLATION_AGENT_INDEX").value(Integer.toString(a.share.index())).build());
    env.add(KeyValuePair.builder().name("CONSTELLATION_VUS").value(Integer.toString(a.share.vus())).build());
    if (!a.share.rate().isEmpty()) {
      env.add(KeyValuePair.builder().name("CONSTELLATION_RATE").value(a.share.rate()).build());
    }
    if (!a.share.stages().isEmpty()) {
      env.add(KeyValuePair.builder().name("CONSTELLATION_STAGES").value(a.share.stages()).build());
    }
    env.add(KeyValuePair.builder().name("CONSTELLATION_FEED_SHARE").value(a.share.feedShare()).build());
    RunTaskRequest.Builder b = RunTaskRequest.builder()
        .cluster(st.inst.cluster())
        .taskDefinition(st.taskDefinitions.get(region))
        .count(1)
        .platformVersion("LATEST")
        .networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets(found.subnets().get(region))
            .securityGroups(found.securityGroups().get(region)).assignPublicIp(AssignPublicIp.ENABLED)))
        .overrides(o -> o.containerOverrides(c -> c.name(CONTAINER).environment(env)))
        .startedBy(startedBy(st.ctx.runId()))
        .enableECSManagedTags(true)
        .tags(tags(st))
        .clientToken(token);
    if (st.plan.aws().spot()) {
      b.capacityProviderStrategy(s -> s.capacityProvider("FARGATE_SPOT").weight(1));
    } else {
      b.launchType(LaunchType.FARGATE);
    }
    return b.build();
  }

  /** {@code startedBy}: up to 36 letters, digits, hyphens and underscores (ECS API reference, RunTask). */
  static String startedBy(String runId) {
    String s = runId.replaceAll("[^A-Za-z0-9_-]", "-");
    return s.length() <= 36 ? s : s.substring(0, 36);
  }

  private void fail(State st, String message) {
    synchronized (st) {
      if (st.failure == null) {
        st.failure = message;
      }
    }
  }

  /**
   * Watches tasks and the orchestrator until the run is complete or every task stopped: relaunches
   * tasks that died before the start for a transient reason, aborts on a permanent one, prints
   * progress, stops stragglers after the hard deadline.
   */
  private void monitor(State st, InstallationCheck.Found found, Gather gather) throws InterruptedException {
    RunLog log = st.ctx.log();
    RunPlan plan = st.plan;
    Progress progress = new Progress(gather, plan.loadDuration().toMillis(), plan.totalVus(), log);
    long lastProgress = System.currentTimeMillis();
    String lastCounts = "";
    long hardDeadline = Long.MAX_VALUE;
    boolean ended = false;
    RunStatus status = null;
    while (!st.ctx.interruption().interrupted()) {
      Thread.sleep(options.monitorInterval().toMillis());
      describe(st);
      try {
        status = st.orchestrator.status(st.ctx.runId());
        st.lastStatus = status;
      } catch (OrchestratorException e) {
        log.warn("the orchestrator did not answer (" + e.getMessage() + "); trying again");
      }
      if (st.ctx.interruption().interrupted()) {
        return; // Ctrl-C: the stop action aborted the run and stopped its tasks
      }
      RunState state = status == null ? RunState.WAITING : status.state();
      if (state == RunState.ABORTED) {
        fail(st, "the run was aborted before it started: " + registeredLine(status)
            + "; no load was sent. " + neverRegistered(st, status));
        return;
      }
      if (state == RunState.WAITING) {
        for (Agent a : st.all()) {
          Task t = a.last;
          if (t != null && "STOPPED".equals(t.lastStatus()) && !a.pending && !a.stopSent && !st.ctx.interruption().interrupted()) {
            handleEarlyStop(st, found, a, status);
            if (st.failure != null) {
              return;
            }
          }
        }
      }
      String counts = status == null ? "" : registeredLine(status) + taskStates(st);
      if (state == RunState.WAITING && !counts.equals(lastCounts)) {
        log.info(counts);
        lastCounts = counts;
      }
      if (state == RunState.STARTED) {
        if (hardDeadline == Long.MAX_VALUE) {
          hardDeadline = status.startAt() + plan.loadDuration().toMillis() + plan.timings().gracefulStop().toMillis() + options.stragglerGrace().toMillis();
          log.info("all " + status.expected() + " agents registered; the load starts at the common start");
        }
        if (System.currentTimeMillis() - lastProgress >= plan.timings().progressInterval().toMillis()) {
          progress.tick();
          lastProgress = System.currentTimeMillis();
        }
        if (status.complete() && !ended) {
          // each agent's task ends when its process exits; one still running at the hard deadline is a straggler too
          log.info("every agent reported its end (" + status.ended() + "/" + status.expected() + ")");
          ended = true;
        }
      }
      boolean allStopped = st.all().stream().allMatch(a -> a.last != null && "STOPPED".equals(a.last.lastStatus()) && !a.pending);
      if (allStopped && state == RunState.STARTED) {
        return;
      }
      if (System.currentTimeMillis() > hardDeadline) {
        for (Agent a : st.all()) {
          if (a.last != null && !"STOPPED".equals(a.last.lastStatus())) {
            st.stragglers.add(a.share.agentId());
          }
        }
        log.warn("the run's hard deadline (start + load + graceful stop + " + options.stragglerGrace().toSeconds() + " s) passed; "
            + "stopping " + st.stragglers.size() + " straggling task" + (st.stragglers.size() == 1 ? "" : "s") + ": "
            + st.stragglers.stream().sorted().collect(Collectors.joining(", ")));
        stopEverything(st, STRAGGLER_REASON, false);
        waitStopped(st);
        return;
      }
    }
  }

  /** A task that stopped before the start: launched again for a transient reason, the run aborted for a permanent one. */
  private void handleEarlyStop(State st, InstallationCheck.Found found, Agent a, RunStatus status) throws InterruptedException {
    Task t = a.last;
    var c = t.containers().isEmpty() ? null : t.containers().get(0);
    Integer exit = c == null ? null : c.exitCode();
    String why = t.stopCodeAsString() + ": " + t.stoppedReason() + (c == null || c.reason() == null ? "" : " (" + c.reason() + ")")
        + (exit == null ? "" : ", exit code " + exit);
    StopReasons.Kind kind = StopReasons.ofStop(t.stopCodeAsString(), t.stoppedReason(), c == null ? null : c.reason(), exit);
    long deadline = status == null ? Long.MAX_VALUE : status.deadline();
    boolean time = System.currentTimeMillis() < deadline - options.relaunchMargin().toMillis();
    if (kind == StopReasons.Kind.TRANSIENT && a.attempt + 1 < options.maxAttempts() && time) {
      a.attempt++;
      a.pending = true;
      st.ctx.log().warn(a.share.region() + ": the task of agent " + a.share.agentId() + " stopped before it started (" + why
          + "); launching it again (attempt " + (a.attempt + 1) + " of " + options.maxAttempts() + ")");
      launch(st, found, a, new TokenBucket(options.runTaskPerSecond(), 1, TokenBucket.Clock.SYSTEM));
      return;
    }
    String reason = "agent " + a.share.agentId() + " in " + a.share.region() + " stopped before the start (" + why + ")"
        + (kind == StopReasons.Kind.TRANSIENT ? (time ? " " + (a.attempt + 1) + " times" : " too close to the registration deadline") : "");
    abort(st, reason);
    List<String> lines = logTail(st, a);
    fail(st, reason + (lines.isEmpty() ? "; its log is empty" : "; its last log lines:\n    " + String.join("\n    ", lines))
        + "\nthe run was aborted (test-abort) and every task of the run stopped; no load was sent");
  }

  private void abort(State st, String reason) {
    try {
      st.orchestrator.abort(st.ctx.runId(), reason);
    } catch (OrchestratorException | RuntimeException e) {
      st.ctx.log().warn("the orchestrator could not be told to abort the run (" + e.getMessage() + "); the agents stop at the "
          + "registration deadline anyway, and their tasks are stopped now");
    }
  }

  /** Reads every known task's state (DescribeTasks takes at most 100 ARNs per call). */
  private void describe(State st) {
    for (Map.Entry<String, List<Agent>> e : st.agents.entrySet()) {
      Map<String, Agent> byArn = new LinkedHashMap<>();
      e.getValue().stream().filter(a -> a.taskArn != null).forEach(a -> byArn.put(a.taskArn, a));
      List<String> arns = new ArrayList<>(byArn.keySet());
      for (int i = 0; i < arns.size(); i += 100) {
        List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
        try {
          for (Task t : aws.ecs(e.getKey()).describeTasks(b -> b.cluster(st.inst.cluster()).tasks(batch)).tasks()) {
            Agent a = byArn.get(t.taskArn());
            if (a != null) {
              a.last = t;
            }
          }
        } catch (SdkException ex) {
          st.ctx.log().warn(e.getKey() + ": DescribeTasks failed (" + ex.getMessage() + "); trying again");
        }
      }
    }
  }

  private static String registeredLine(RunStatus s) {
    if (s == null) {
      return "";
    }
    return "registered " + s.registered() + "/" + s.expected() + " ("
        + s.regions().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().registered() + "/" + e.getValue().expected())
        .collect(Collectors.joining(", ")) + ")";
  }

  private static String taskStates(State st) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    st.all().forEach(a -> counts.merge(a.last == null ? "LAUNCHING" : a.last.lastStatus(), 1, Integer::sum));
    return "; tasks " + counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
  }

  /**
   * The tasks still starting or waiting when the run was aborted, with the last log lines of the
   * first few: only those of the regions short of agents (the orchestrator counts registrations per
   * region), so the tasks that did not register come first and not those waiting for the start.
   */
  private String neverRegistered(State st, RunStatus status) {
    Set<String> shortRegions = new LinkedHashSet<>();
    if (status != null) {
      status.regions().forEach((r, s) -> {
        if (s.registered() < s.expected()) {
          shortRegions.add(r);
        }
      });
    }
    List<Agent> running = st.all().stream().filter(a -> a.last != null && !"STOPPED".equals(a.last.lastStatus()))
        .filter(a -> shortRegions.isEmpty() || shortRegions.contains(a.share.region())).toList();
    if (running.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("Tasks still starting or waiting at the deadline")
        .append(shortRegions.isEmpty() ? "" : " in the regions short of agents (" + String.join(", ", shortRegions) + ")")
        .append(": ").append(running.stream()
        .map(a -> a.share.agentId() + " (" + a.last.lastStatus() + ")").collect(Collectors.joining(", ")))
        .append(". Fargate tasks take one to three minutes to start; give more time with -Dconstellation.registrationDeadline.");
    for (Agent a : running.subList(0, Math.min(3, running.size()))) {
      List<String> lines = logTail(st, a);
      if (!lines.isEmpty()) {
        out.append("\n  last log lines of ").append(a.share.agentId()).append(":\n    ")
            .append(String.join("\n    ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
      }
    }
    return out.toString();
  }

  /** The agent's CONSTELLATION-ERROR line, or its last log line. */
  private String errorLine(State st, Agent a) {
    List<String> lines = logTail(st, a);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).contains("CONSTELLATION-ERROR")) {
        return lines.get(i).substring(lines.get(i).indexOf("CONSTELLATION-ERROR"));
      }
    }
    return lines.isEmpty() ? null : lines.get(lines.size() - 1);
  }

  /** The last {@value #LOG_LINES} log lines of an agent's task, from CloudWatch Logs. */
  private List<String> logTail(State st, Agent a) {
    if (a.taskArn == null) {
      return List.of();
    }
    String taskId = a.taskArn.substring(a.taskArn.lastIndexOf('/') + 1);
    String stream = STREAM_PREFIX + "/" + CONTAINER + "/" + taskId;
    try {
      return aws.logs(a.share.region()).getLogEvents(b -> b.logGroupName(st.inst.agentLogGroup()).logStreamName(stream)
          .limit(LOG_LINES).startFromHead(false)).events().stream().map(OutputLogEvent::message).map(String::stripTrailing).toList();
    } catch (SdkException e) {
      return List.of("(its log " + st.inst.agentLogGroup() + " " + stream + " in " + a.share.region() + " could not be read: "
          + e.getMessage() + ")");
    }
  }

  /** Waits until every task is STOPPED, at most the container stop timeout and a little. */
  private void waitStopped(State st) throws InterruptedException {
    long until = System.currentTimeMillis() + (STOP_TIMEOUT_SECONDS + 30) * 1000L;
    while (System.currentTimeMillis() < until) {
      describe(st);
      if (st.all().stream().allMatch(a -> a.last == null || "STOPPED".equals(a.last.lastStatus()))) {
        return;
      }
      Thread.sleep(Math.min(1000, options.monitorInterval().toMillis()));
    }
  }

  /** Stops every task of the run that is not stopped yet, regions in parallel; optionally aborts the run first. */
  private void stopEverything(State st, String reason, boolean abortRun) {
    if (abortRun && st.orchestrator != null) {
      abort(st, reason);
    }
    List<Agent> live = st.all().stream().filter(a -> a.taskArn != null && !a.stopSent
        && (a.last == null || !"STOPPED".equals(a.last.lastStatus()))).toList();
    if (live.isEmpty()) {
      return;
    }
    List<String> failed = Collections.synchronizedList(new ArrayList<>());
    live.parallelStream().forEach(a -> {
      try {
        a.last = aws.ecs(a.share.region()).stopTask(b -> b.cluster(st.inst.cluster()).task(a.taskArn).reason(reason)).task();
        a.stopSent = true;
      } catch (SdkException e) {
        failed.add(a.share.region() + " " + a.taskArn + ": " + e.getMessage());
      }
    });
    if (!failed.isEmpty()) {
      st.ctx.log().warn("some tasks could not be stopped:\n  " + String.join("\n  ", failed)
          + "\nstop them with: mvn constellation:teardown -Dconstellation.scope=run -Dconstellation.runId=" + st.ctx.runId());
    } else {
      st.ctx.log().info("stopped " + live.size() + " task" + (live.size() == 1 ? "" : "s") + " (" + reason + ")");
    }
  }

  /** Deregisters the run's task definitions (each run registers its own revision). */
  private void deregister(State st) {
    st.taskDefinitions.forEach((region, arn) -> {
      try {
        aws.ecs(region).deregisterTaskDefinition(b -> b.taskDefinition(arn));
      } catch (SdkException e) {
        st.ctx.log().warn(region + ": the task definition " + arn + " could not be deregistered: " + e.getMessage());
      }
    });
  }

  /**
   * Live progress from the results store: the intervals that arrived since the last line, merged over
   * every agent. The same read copies them into the run's records folder ({@link Gather#poll()}).
   */
  static final class Progress {
    private final Gather gather;
    private final long durationMs;
    private final int vus;
    private final RunLog log;
    private long loadStartedAt = Long.MAX_VALUE;

    Progress(Gather gather, long durationMs, int vus, RunLog log) {
      this.gather = gather;
      this.durationMs = durationMs;
      this.vus = vus;
      this.log = log;
    }

    void tick() {
      List<IntervalRecord> fresh;
      try {
        fresh = gather.poll();
      } catch (java.io.IOException e) {
        log.warn("progress: " + e.getMessage());
        return;
      }
      if (fresh.isEmpty()) {
        return;
      }
      long from = fresh.stream().mapToLong(IntervalRecord::startMs).min().orElse(0);
      long to = fresh.stream().mapToLong(r -> r.startMs() + r.lengthMs()).max().orElse(from);
      loadStartedAt = Math.min(loadStartedAt, from);
      long elapsed = System.currentTimeMillis() - loadStartedAt;
      var window = dev.constellation.maven.report.RunResults.merge(fresh, Math.max(to - from, 1));
      log.info(dev.constellation.maven.report.ConsoleSummary.progressLine(elapsed, durationMs, vus, window));
    }
  }
}
