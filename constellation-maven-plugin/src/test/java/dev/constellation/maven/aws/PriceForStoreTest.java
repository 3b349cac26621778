package dev.constellation.maven.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.aws.cost.CostEstimate;
import dev.constellation.maven.run.PlanException;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunLog;
import dev.constellation.maven.run.RunPlan;
import dev.constellation.maven.run.RunPlanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The preview prices results writes as S3 (the installation's store is not known before any AWS call); once the
 * installation check found Timestream, the run is priced again with Timestream writes and its queries, printed, and
 * held against maxCost before anything is started.
 */
class PriceForStoreTest {

  private final List<String> lines = new ArrayList<>();
  private final RunLog log = new RunLog() {
    @Override
    public void info(String line) {
      lines.add(line);
    }

    @Override
    public void warn(String line) {
      lines.add("WARN " + line);
    }
  };

  private static RunPlan plan(String maxCost) throws PlanException {
    Map<String, String> all = new HashMap<>(Map.of("constellation.target", "aws", "constellation.remoteRegions", "us-east-2:2000",
        "constellation.duration", "10m"));
    if (maxCost != null) {
      all.put("constellation.maxCost", maxCost);
    }
    return new RunPlanner().plan(new RunPlanner.Sources(Map.of(), all, Path.of(".")));
  }

  @Test
  void timestreamIsPricedAsTimestreamOnceKnownAndS3AsBefore() throws Exception {
    RunPlan plan = plan(null);
    TaskPlan tasks = TaskPlan.of(plan);
    CostEstimate s3 = AwsRunner.estimate(plan, tasks, "X86_64");
    CostEstimate ts = AwsRunner.estimate(plan, tasks, "X86_64", "timestream");
    assertThat(ts.totalUsd()).isNotEqualByComparingTo(s3.totalUsd());
    assertThat(String.join("\n", ts.assumptions())).contains("timestream").contains("live progress and gather queries at the minimum 4 TCUs");

    assertThat(AwsRunner.priceForStore(plan, tasks, "X86_64", false, log).totalUsd()).isEqualByComparingTo(s3.totalUsd());
    assertThat(lines).as("S3: the preview's estimate stands, nothing printed again").isEmpty();

    assertThat(AwsRunner.priceForStore(plan, tasks, "X86_64", true, log).totalUsd()).isEqualByComparingTo(ts.totalUsd());
    List<String> expected = new ArrayList<>();
    expected.add("the installation keeps results in Timestream: the estimate with Timestream writes instead of S3 requests");
    expected.addAll(ts.lines());
    assertThat(lines).containsExactlyElementsOf(expected);
  }

  @Test
  void aTimestreamEstimateAboveMaxCostStopsTheRunBeforeAnythingStarts() throws Exception {
    RunPlan free = plan(null);
    TaskPlan tasks = TaskPlan.of(free);
    CostEstimate s3 = AwsRunner.estimate(free, tasks, "X86_64");
    CostEstimate ts = AwsRunner.estimate(free, tasks, "X86_64", "timestream");
    assertThat(ts.totalUsd()).as("a short run: the queries' 4 TCUs outweigh the cheaper writes").isGreaterThan(s3.totalUsd());
    String between = s3.totalUsd().add(ts.totalUsd()).divide(java.math.BigDecimal.valueOf(2)).toPlainString();
    RunPlan capped = plan(between);
    AwsRunner.priceForStore(capped, tasks, "X86_64", false, log); // S3 fits
    assertThatThrownBy(() -> AwsRunner.priceForStore(capped, tasks, "X86_64", true, log)).isInstanceOf(RunException.class)
        .hasMessage("<maxCost> (-Dconstellation.maxCost) is " + CostEstimate.money(new java.math.BigDecimal(between)) + ", but this run, "
            + "with the installation's Timestream results store, is estimated at " + CostEstimate.money(ts.totalUsd()) + "; nothing was "
            + "started. Raise <maxCost>, or plan fewer or smaller tasks, fewer regions or a shorter duration");
  }
}
