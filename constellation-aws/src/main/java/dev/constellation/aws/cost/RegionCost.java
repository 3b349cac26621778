package dev.constellation.aws.cost;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The estimated cost of one region's part of a run, in USD.
 *
 * @param region the AWS region code
 * @param tasks Fargate tasks in the region
 * @param billedPerTask estimated billed time of each task (from the image pull to the task's end,
 *     at least 1 minute)
 * @param fargateUsd vCPU and memory of all the region's tasks (Spot factor applied when Spot)
 * @param publicIpv4Usd one public IPv4 address per task for its billed time
 * @param otherUsd the region's agents' share of the orchestrator (Lambda, DynamoDB), the results
 *     store (S3 or Timestream) and CloudWatch Logs
 * @param totalUsd the sum of the three
 * @param priced false when the price table has no Fargate price for this region and architecture
 *     (then an upper bound is used, and the estimate's assumptions say which)
 */
public record RegionCost(String region, int tasks, Duration billedPerTask, BigDecimal fargateUsd,
    BigDecimal publicIpv4Usd, BigDecimal otherUsd, BigDecimal totalUsd, boolean priced) {

  /** @return tasks × billed time per task, in hours */
  public double taskHours() {
    return tasks * billedPerTask.toMillis() / 3_600_000.0;
  }
}
