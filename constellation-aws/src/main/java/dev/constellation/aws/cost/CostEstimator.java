package dev.constellation.aws.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Estimates what a run on AWS costs from its plan alone (no AWS call, no credentials).
 *
 * <p>Per task, billed time (Fargate bills per second with a 1-minute minimum, from the start of
 * the image pull to the task's end; AWS Fargate pricing page):
 * <pre>
 * t = max(60 s, IMAGE_PULL + AGENT_START + launch + startBuffer + loadDuration + gracefulStop + FINAL_FLUSH)
 * launch = ceil(largest region's tasks / LAUNCHES_PER_SECOND) s   (every agent waits for the last one)
 * </pre>
 * Per region {@code r} with {@code n} tasks of {@code c} vCPU and {@code m} GB:
 * <pre>
 * fargate   = n · (c · P_vcpu(r) + m · P_gb(r)) · t / 3600    (× fargateSpotFactor with Spot)
 * public IP = n · publicIpv4Hour · t / 3600                     (one address per task)
 * other     = n · per-agent terms + n/N · per-run terms
 * </pre>
 * Per agent: {@code agg-record}, {@code test-end} and {@code ceil((launch + startBuffer) / pollInterval)}
 * {@code test-init} polls (Lambda requests of {@link #LAMBDA_AVERAGE} at 1 GB, each poll a strongly
 * consistent read of the run item, {@code agg-record}/{@code test-end} a write of it); one results
 * object (S3 PUT and, at gather, GET) or one 1 KB Timestream write per second of load and graceful
 * stop (the agent's 1 s flush interval), plus {@code result.json} on S3; {@link #LOG_BYTES_PER_TASK}
 * of CloudWatch Logs. Per run: {@code test-reset}, the runner's status query every
 * {@link #MONITOR_INTERVAL} for {@code t}, and with Timestream the queries of live progress (every
 * progress interval, 5 s by default) and of the gather: queries run less than 30 s apart keep the minimum
 * of 4 TCUs allocated, so they are priced as 4 TCUs for load + graceful stop + {@link #TIMESTREAM_GATHER}
 * (Timestream for LiveAnalytics, "Billing for TCU": per second, at least 30 s; at least 4 TCUs to run
 * queries). Prices of the small terms are
 * us-east-1's. Amounts are USD rounded half up to 6 decimals per term.
 *
 * <p>A region without a Fargate price in the table for the architecture is estimated with an upper
 * bound: for ARM64, the region's X86_64 price (Fargate ARM64 costs less than X86_64 in every
 * region); otherwise the highest vCPU and GB prices in the table. The estimate is then not
 * {@code exact} and says so.
 */
public final class CostEstimator {

  /** Estimated image pull (billing starts at the pull; AWS-DEPLOY §2.13 gives 30–90 s, the upper end is used). */
  public static final Duration IMAGE_PULL = Duration.ofSeconds(90);
  /** JVM start, script loading and registration of an agent. */
  public static final Duration AGENT_START = Duration.ofSeconds(10);
  /** The last results flush and {@code test-end} after the graceful stop. */
  public static final Duration FINAL_FLUSH = Duration.ofSeconds(5);
  /** RunTask pacing per region (half the account's 20 calls/s quota, AWS "Amazon ECS API throttling"). */
  public static final int LAUNCHES_PER_SECOND = 10;
  /** The agent's default results flush interval. */
  public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);
  /** How often the runner asks the orchestrator for the run's status. */
  public static final Duration MONITOR_INTERVAL = Duration.ofSeconds(5);
  /** Average billed duration of one orchestrator Lambda invocation (warm, 30–50 ms measured in AWS-DEPLOY §2.10). */
  public static final Duration LAMBDA_AVERAGE = Duration.ofMillis(50);
  /**
   * Timestream query time after the graceful stop: the gather reads until every region's totals match
   * (at most 60 s, as Timestream rows become visible late) and the last query bills its 30 s minimum.
   */
  public static final Duration TIMESTREAM_GATHER = Duration.ofSeconds(90);
  /** The minimum TCUs Timestream allocates to run queries (Timestream for LiveAnalytics, "MaxQuery TCU"). */
  static final int TIMESTREAM_MIN_TCUS = 4;
  /** The orchestrator Lambda's memory (constellation:init creates it with 1024 MB, Arm). */
  public static final int LAMBDA_MEMORY_MB = 1024;
  /** CloudWatch Logs ingested per task (agents log a banner, warnings and a summary). */
  public static final long LOG_BYTES_PER_TASK = 64 * 1024;
  /** Size of the run item: a fixed part plus this many bytes per agent ({@code ready} and {@code done} sets). */
  public static final int ITEM_BYTES_BASE = 200;
  /** Bytes of the run item per agent. */
  public static final int ITEM_BYTES_PER_AGENT = 40;

  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
  private static final BigDecimal MS_PER_HOUR = BigDecimal.valueOf(3_600_000);
  private static final BigDecimal BYTES_PER_GB = BigDecimal.valueOf(1024L * 1024 * 1024);
  private static final int SCALE = 6;

  private final PriceTable prices;

  private CostEstimator(PriceTable prices) {
    this.prices = Objects.requireNonNull(prices, "prices");
  }

  /**
   * An estimator over the dated table bundled in this jar ({@link PriceTable#BUNDLED}).
   *
   * @return the estimator
   */
  public static CostEstimator withBundledPrices() {
    return new CostEstimator(PriceTable.bundled());
  }

  /**
   * An estimator over another table.
   *
   * @param prices the table
   * @return the estimator
   */
  public static CostEstimator withPrices(PriceTable prices) {
    return new CostEstimator(prices);
  }

  /** @return the table this estimator uses */
  public PriceTable prices() {
    return prices;
  }

  /**
   * The billed time of each task of a run.
   *
   * @param input the run
   * @return at least one minute
   */
  public static Duration billedPerTask(CostInput input) {
    Duration t = IMAGE_PULL.plus(AGENT_START).plus(launchSpread(input)).plus(input.startBuffer())
        .plus(input.loadDuration()).plus(input.gracefulStop()).plus(FINAL_FLUSH);
    return t.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : t;
  }

  /**
   * How long launching the largest region takes at {@link #LAUNCHES_PER_SECOND}, whole seconds.
   *
   * @param input the run
   * @return the launch spread
   */
  public static Duration launchSpread(CostInput input) {
    int largest = input.tasksPerRegion().values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return Duration.ofSeconds((largest + LAUNCHES_PER_SECOND - 1) / LAUNCHES_PER_SECOND);
  }

  /**
   * Estimates a run.
   *
   * @param input the run's plan
   * @return the estimate, per region and in total
   */
  public CostEstimate estimate(CostInput input) {
    Duration billed = billedPerTask(input);
    BigDecimal billedMs = BigDecimal.valueOf(billed.toMillis());
    int total = input.totalTasks();
    FargateSize size = input.size();
    BigDecimal vcpu = BigDecimal.valueOf(size.cpuUnits()).divide(BigDecimal.valueOf(1024));
    BigDecimal gb = BigDecimal.valueOf(size.memoryMiB()).divide(BigDecimal.valueOf(1024));
    BigDecimal spotFactor = price("fargateSpotFactor");

    List<String> assumptions = new ArrayList<>();
    assumptions.add("billed per task " + CostEstimate.duration(billed) + ": " + IMAGE_PULL.toSeconds()
        + " s image pull + " + AGENT_START.toSeconds() + " s agent start + " + launchSpread(input).toSeconds()
        + " s launch (" + LAUNCHES_PER_SECOND + " RunTask/s per region) + " + seconds(input.startBuffer())
        + " start buffer + " + seconds(input.loadDuration()) + " load + " + seconds(input.gracefulStop())
        + " graceful stop + " + FINAL_FLUSH.toSeconds() + " s final flush (per-second billing, 1-minute minimum)");
    assumptions.add("Fargate " + size + " Linux/" + input.cpuArchitecture() + (input.spot()
        ? ", Fargate Spot at " + spotFactor.toPlainString() + " x the On-Demand price (Spot prices vary)"
        : ", On-Demand"));

    BigDecimal perAgentOther = perAgentOther(input, total);
    BigDecimal perRunOther = perRunOther(input, total, billed);
    assumptions.add("orchestrator, results store (" + input.resultsStore() + ") and logs at us-east-1 prices: "
        + polls(input) + " start polls per agent, one results " + ("s3".equals(input.resultsStore())
        ? "object" : "write") + " per agent per second of load"
        + ("timestream".equals(input.resultsStore()) ? ", live progress and gather queries at the minimum "
        + TIMESTREAM_MIN_TCUS + " TCUs for " + seconds(timestreamQueryTime(input)) + " (load + graceful stop + "
        + TIMESTREAM_GATHER.toSeconds() + " s of gather; queries less than 30 s apart keep the TCUs allocated)" : ""));

    List<RegionCost> regions = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    for (Map.Entry<String, Integer> e : input.tasksPerRegion().entrySet()) {
      String region = e.getKey();
      int n = e.getValue();
      Rate rate = rate(region, input.cpuArchitecture(), assumptions);
      BigDecimal perHour = vcpu.multiply(rate.vcpuHour).add(gb.multiply(rate.gbHour));
      BigDecimal fargate = BigDecimal.valueOf(n).multiply(perHour).multiply(billedMs);
      if (input.spot()) {
        fargate = fargate.multiply(spotFactor);
      }
      fargate = fargate.divide(MS_PER_HOUR, SCALE, RoundingMode.HALF_UP);
      BigDecimal ipv4 = BigDecimal.valueOf(n).multiply(price("publicIpv4Hour")).multiply(billedMs)
          .divide(MS_PER_HOUR, SCALE, RoundingMode.HALF_UP);
      BigDecimal other = perAgentOther.multiply(BigDecimal.valueOf(n))
          .add(perRunOther.multiply(BigDecimal.valueOf(n)).divide(BigDecimal.valueOf(total), 20, RoundingMode.HALF_UP))
          .setScale(SCALE, RoundingMode.HALF_UP);
      BigDecimal regionTotal = fargate.add(ipv4).add(other);
      sum = sum.add(regionTotal);
      regions.add(new RegionCost(region, n, billed, fargate, ipv4, other, regionTotal, rate.priced));
    }
    assumptions.add("not counted: data transfer (results between regions, requests to the target), ECR storage,"
        + " taxes, free tiers and Savings Plans");
    boolean exact = regions.stream().allMatch(RegionCost::priced);
    return new CostEstimate(regions, sum, prices.asOf(), exact, assumptions);
  }

  /** Start polls of one agent: from its registration (after the launch spread at worst) to the start. */
  static long polls(CostInput input) {
    long waitMs = launchSpread(input).plus(input.startBuffer()).toMillis();
    long pollMs = input.pollInterval().toMillis();
    return Math.max(1, (waitMs + pollMs - 1) / Math.max(1, pollMs));
  }

  /** Lambda, DynamoDB, results store and logs of one agent, unrounded. */
  private BigDecimal perAgentOther(CostInput input, int totalAgents) {
    long polls = polls(input);
    long invocations = 2 + polls;
    long itemBytes = ITEM_BYTES_BASE + (long) ITEM_BYTES_PER_AGENT * totalAgents;
    long readUnits = polls * ceilDiv(itemBytes, 4096);
    long writeUnits = 2 * ceilDiv(itemBytes, 1024);
    BigDecimal cost = lambda(invocations)
        .add(price("dynamodbReadUnit").multiply(BigDecimal.valueOf(readUnits)))
        .add(price("dynamodbWriteUnit").multiply(BigDecimal.valueOf(writeUnits)));
    long flushes = ceilDiv(input.loadDuration().plus(input.gracefulStop()).toMillis(), FLUSH_INTERVAL.toMillis());
    if ("s3".equals(input.resultsStore())) {
      long objects = flushes + 1; // + result.json
      cost = cost.add(price("s3Put").multiply(BigDecimal.valueOf(objects)))
          .add(price("s3Get").multiply(BigDecimal.valueOf(objects)));
    } else {
      cost = cost.add(price("timestreamWrite").multiply(BigDecimal.valueOf(flushes)));
    }
    return cost.add(price("logsIngestedGb").multiply(BigDecimal.valueOf(LOG_BYTES_PER_TASK))
        .divide(BYTES_PER_GB, 20, RoundingMode.HALF_UP));
  }

  /** How long Timestream queries keep the minimum TCUs allocated: load + graceful stop + gather. */
  static Duration timestreamQueryTime(CostInput input) {
    return input.loadDuration().plus(input.gracefulStop()).plus(TIMESTREAM_GATHER);
  }

  /** test-reset, the runner's status queries and (Timestream) the progress and gather queries, unrounded. */
  private BigDecimal perRunOther(CostInput input, int totalAgents, Duration billed) {
    long monitor = ceilDiv(billed.toMillis(), MONITOR_INTERVAL.toMillis());
    long itemBytes = ITEM_BYTES_BASE + (long) ITEM_BYTES_PER_AGENT * totalAgents;
    BigDecimal cost = lambda(1 + monitor)
        .add(price("dynamodbWriteUnit").multiply(BigDecimal.valueOf(ceilDiv(itemBytes, 1024))))
        .add(price("dynamodbReadUnit").multiply(BigDecimal.valueOf(monitor * ceilDiv(itemBytes, 4096))));
    if ("s3".equals(input.resultsStore())) {
      long objects = (long) totalAgents * (ceilDiv(input.loadDuration().plus(input.gracefulStop()).toMillis(),
          FLUSH_INTERVAL.toMillis()) + 1);
      cost = cost.add(price("s3Put").multiply(BigDecimal.valueOf(ceilDiv(objects, 1000)))); // LIST pages at gather
    } else {
      long tcuSeconds = TIMESTREAM_MIN_TCUS * ceilDiv(timestreamQueryTime(input).toMillis(), 1000);
      cost = cost.add(price("timestreamTcuHour").multiply(BigDecimal.valueOf(tcuSeconds))
          .divide(SECONDS_PER_HOUR, 20, RoundingMode.HALF_UP));
    }
    return cost;
  }

  private BigDecimal lambda(long invocations) {
    BigDecimal gbSeconds = BigDecimal.valueOf(LAMBDA_MEMORY_MB).divide(BigDecimal.valueOf(1024))
        .multiply(BigDecimal.valueOf(LAMBDA_AVERAGE.toMillis())).divide(BigDecimal.valueOf(1000));
    return BigDecimal.valueOf(invocations)
        .multiply(price("lambdaRequest").add(gbSeconds.multiply(price("lambdaGbSecondArm"))));
  }

  private record Rate(BigDecimal vcpuHour, BigDecimal gbHour, boolean priced) {}

  private Rate rate(String region, String arch, List<String> assumptions) {
    var exact = prices.fargate(region, arch);
    if (exact.isPresent()) {
      return new Rate(exact.get().vcpuHour(), exact.get().gbHour(), true);
    }
    if ("ARM64".equals(arch)) {
      var x86 = prices.fargate(region, "X86_64");
      if (x86.isPresent()) {
        assumptions.add(region + ": no ARM64 Fargate price in the table; upper bound = its X86_64 price ($"
            + x86.get().vcpuHour().toPlainString() + "/vCPU-h, $" + x86.get().gbHour().toPlainString() + "/GB-h)");
        return new Rate(x86.get().vcpuHour(), x86.get().gbHour(), false);
      }
    }
    var byVcpu = prices.fargatePrices().stream().max(Comparator.comparing(PriceTable.FargatePrice::vcpuHour)).orElseThrow();
    var byGb = prices.fargatePrices().stream().max(Comparator.comparing(PriceTable.FargatePrice::gbHour)).orElseThrow();
    assumptions.add(region + ": no " + arch + " Fargate price in the table (prices as of " + prices.asOf()
        + "); estimated with the table's highest ($" + byVcpu.vcpuHour().toPlainString() + "/vCPU-h "
        + byVcpu.region() + ", $" + byGb.gbHour().toPlainString() + "/GB-h " + byGb.region()
        + "); the real price may differ");
    return new Rate(byVcpu.vcpuHour(), byGb.gbHour(), false);
  }

  private BigDecimal price(String name) {
    return prices.price(name).value();
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
