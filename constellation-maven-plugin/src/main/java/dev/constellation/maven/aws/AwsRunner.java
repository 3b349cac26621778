package dev.constellation.maven.aws;

import dev.constellation.aws.AwsClients;
import dev.constellation.maven.run.PlanException;
import dev.constellation.maven.run.RunContext;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunLog;
import dev.constellation.maven.run.RunOutcome;
import dev.constellation.maven.run.RunPlan;
import dev.constellation.maven.run.Runner;
import dev.constellation.agent.AgentConfig;
import dev.constellation.aws.cost.CostEstimate;
import dev.constellation.aws.cost.CostEstimator;
import dev.constellation.aws.cost.CostInput;
import dev.constellation.aws.cost.FargateSize;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/**
 * The {@link Runner} of {@code target=aws}: prints the tasks per region and the price before
 * anything else (no AWS call, no credentials), stops there for a dry run or when the estimate is
 * above {@code maxCost}, and otherwise lets {@link AwsRun} carry the run out.
 */
public final class AwsRunner implements Runner {

  private final Function<String, AwsClients> clients;
  private final AwsRun.Images images;
  private final AwsRun.Options options;

  /**
   * A runner.
   *
   * @param clients the client factory for a profile name (empty: the default chain)
   * @param images publishes the agent image to ECR
   * @param options timings of the run's control loop
   */
  public AwsRunner(Function<String, AwsClients> clients, AwsRun.Images images, AwsRun.Options options) {
    this.clients = clients;
    this.images = images;
    this.options = options;
  }

  @Override
  public boolean preview(RunPlan plan, RunLog log) throws PlanException {
    TaskPlan tasks = TaskPlan.of(plan);
    for (String line : planLines(plan, tasks)) {
      log.info(line);
    }
    CostEstimate cost;
    try {
      cost = estimate(plan, tasks, images.cpuArchitecture());
    } catch (IllegalArgumentException | RunException e) {
      throw new PlanException(List.of(e.getMessage()));
    }
    cost.lines().forEach(log::info);
    BigDecimal max = plan.aws().maxCost();
    if (max != null && cost.totalUsd().compareTo(max) > 0) {
      throw new PlanException(List.of("<maxCost> (-Dconstellation.maxCost) is " + CostEstimate.money(max) + ", but this run is estimated at "
          + CostEstimate.money(cost.totalUsd()) + "; nothing was started. Raise <maxCost>, or plan fewer or smaller tasks "
          + "(<vusPerTask>, <tasksPerRegion>, <taskCpu>/<taskMemory>), fewer regions or a shorter duration"));
    }
    if (plan.aws().dryRun()) {
      log.info("dry run (-Dconstellation.dryRun=true): nothing was started, no AWS call was made");
      return false;
    }
    return true;
  }

  /**
   * The price of a plan by the bundled price table.
   *
   * @param plan the run
   * @param tasks its tasks
   * @param cpuArchitecture the image's architecture, {@code X86_64} or {@code ARM64}
   * @return the estimate
   */
  static CostEstimate estimate(RunPlan plan, TaskPlan tasks, String cpuArchitecture) {
    return estimate(plan, tasks, cpuArchitecture, "s3");
  }

  /**
   * The price of a plan by the bundled price table, with the results store's writes priced as that store's: the
   * preview (before any AWS call) does not know the installation's store and prices S3; once the installation check
   * found Timestream, {@link AwsRun} prices again with {@code timestream}.
   *
   * @param plan the run
   * @param tasks its tasks
   * @param cpuArchitecture the image's architecture, {@code X86_64} or {@code ARM64}
   * @param resultsStore {@code s3} or {@code timestream}
   * @return the estimate
   */
  static CostEstimate estimate(RunPlan plan, TaskPlan tasks, String cpuArchitecture, String resultsStore) {
    RunPlan.Aws a = plan.aws();
    return CostEstimator.withBundledPrices().estimate(new CostInput(tasks.tasksPerRegion(), FargateSize.of(a.taskCpu(), a.taskMemory()),
        a.spot(), cpuArchitecture, plan.loadDuration(), plan.timings().startBuffer(), plan.timings().gracefulStop(),
        AgentConfig.LAMBDA_POLL_INTERVAL, resultsStore));
  }

  /**
   * The price once the installation's results store is known (the preview priced S3): with Timestream, the estimate
   * again with Timestream writes and its queries, printed, and checked against {@code maxCost} before anything
   * is started.
   *
   * @param plan the run
   * @param tasks its tasks
   * @param cpuArchitecture the image's architecture
   * @param timestream whether the installation's results store is Timestream
   * @param log where the lines go
   * @return the estimate that stands ({@code s3}'s is the preview's, not printed again)
   * @throws RunException when the Timestream estimate exceeds {@code maxCost}; nothing was started
   */
  static CostEstimate priceForStore(RunPlan plan, TaskPlan tasks, String cpuArchitecture, boolean timestream, RunLog log)
      throws RunException {
    if (!timestream) {
      return estimate(plan, tasks, cpuArchitecture, "s3");
    }
    CostEstimate cost = estimate(plan, tasks, cpuArchitecture, "timestream");
    log.info("the installation keeps results in Timestream: the estimate with Timestream writes instead of S3 requests");
    cost.lines().forEach(log::info);
    BigDecimal max = plan.aws().maxCost();
    if (max != null && cost.totalUsd().compareTo(max) > 0) {
      throw new RunException("<maxCost> (-Dconstellation.maxCost) is " + CostEstimate.money(max) + ", but this run, with the "
          + "installation's Timestream results store, is estimated at " + CostEstimate.money(cost.totalUsd()) + "; nothing was "
          + "started. Raise <maxCost>, or plan fewer or smaller tasks, fewer regions or a shorter duration");
    }
    return cost;
  }

  /** The plan as printed: per region tasks, VUs per task, and the task size. */
  static List<String> planLines(RunPlan plan, TaskPlan tasks) {
    List<String> out = new java.util.ArrayList<>();
    RunPlan.Aws a = plan.aws();
    out.add("plan: " + tasks.tasks() + " ECS Fargate task" + (tasks.tasks() == 1 ? "" : "s") + (a.spot() ? " (Spot)" : "") + " of "
        + a.taskCpu() + " CPU units / " + a.taskMemory() + " MiB, home region " + plan.homeRegion());
    tasks.regions().forEach((region, shares) -> {
      String vus = shares.stream().map(s -> Integer.toString(s.vus())).distinct().count() == 1
          ? Integer.toString(shares.get(0).vus()) : shares.get(shares.size() - 1).vus() + "-" + shares.get(0).vus();
      out.add(String.format(java.util.Locale.ROOT, "  %-15s %3d task%s, %s VUs each%s", region, shares.size(),
          shares.size() == 1 ? " " : "s", vus, shares.get(0).rate().isEmpty() ? "" : ", rate " + shares.get(0).rate() + "/s each"));
    });
    return out;
  }

  @Override
  public RunOutcome run(RunPlan plan, RunContext context) throws RunException, InterruptedException {
    try (AwsClients aws = clients.apply(plan.aws().profile())) {
      AwsRun run = new AwsRun(aws, images, options);
      try {
        return run.run(plan, context);
      } finally {
        bucket = run.resultsBucket();
        timestream = run.resultsTimestream();
      }
    }
  }

  /** The results bucket of the last run (null before its installation check found one). */
  private volatile String bucket;

  /** The installation whose Timestream table the last run wrote to (null with S3 results). */
  private volatile dev.constellation.aws.Installation timestream;

  /**
   * Keeps the run's run.json and summary.json in the results bucket beside its records ({@link AwsRun#keepRunObjects}),
   * or, with Timestream results, its summary row ({@link AwsRun#keepSummaryRow}).
   */
  @Override
  public void reported(RunPlan plan, RunContext context) {
    String b = bucket;
    dev.constellation.aws.Installation ts = timestream;
    if (b == null && ts != null) {
      try (AwsClients aws = clients.apply(plan.aws().profile())) {
        AwsRun.keepSummaryRow(aws, ts, context);
      }
      return;
    }
    if (b == null) {
      return;
    }
    try (AwsClients aws = clients.apply(plan.aws().profile())) {
      AwsRun.keepRunObjects(aws.s3(plan.homeRegion()), b, context);
    }
  }
}
