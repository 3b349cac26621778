package dev.constellation.aws.cost;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a run on AWS will use, as far as its price depends on it.
 *
 * @param tasksPerRegion Fargate tasks (agents) per region, in the order the plan lists the regions;
 *     each at least 1
 * @param size the task size
 * @param spot whether the tasks run on Fargate Spot (Linux/X86_64 only)
 * @param cpuArchitecture {@code "X86_64"} or {@code "ARM64"} (the image's platform)
 * @param loadDuration how long the load runs (the run's duration, stages included)
 * @param startBuffer the orchestrator's margin between the last registration and the start
 * @param gracefulStop how long agents may finish their iterations after the load ends
 * @param pollInterval how often a waiting agent asks the orchestrator for the start ({@code test-init})
 * @param resultsStore {@code "s3"} or {@code "timestream"}
 */
public record CostInput(Map<String, Integer> tasksPerRegion, FargateSize size, boolean spot,
    String cpuArchitecture, Duration loadDuration, Duration startBuffer, Duration gracefulStop,
    Duration pollInterval, String resultsStore) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException naming the field, the value and the fix
   */
  public CostInput {
    Objects.requireNonNull(tasksPerRegion, "tasksPerRegion");
    if (tasksPerRegion.isEmpty()) {
      throw new IllegalArgumentException("tasksPerRegion is empty: a run needs at least one region with one task");
    }
    Map<String, Integer> copy = new LinkedHashMap<>();
    tasksPerRegion.forEach((region, tasks) -> {
      if (region == null || region.isBlank()) {
        throw new IllegalArgumentException("tasksPerRegion has a blank region name; use AWS region codes such as eu-west-1");
      }
      if (tasks == null || tasks < 1) {
        throw new IllegalArgumentException("tasksPerRegion[" + region + "] = " + tasks
            + ": every region of a run needs at least 1 task; remove the region or give it virtual users");
      }
      copy.put(region, tasks);
    });
    tasksPerRegion = Collections.unmodifiableMap(copy);
    Objects.requireNonNull(size, "size");
    if (!"X86_64".equals(cpuArchitecture) && !"ARM64".equals(cpuArchitecture)) {
      throw new IllegalArgumentException("cpuArchitecture = " + cpuArchitecture + " is not a Fargate CPU architecture; use X86_64 or ARM64");
    }
    if (spot && "ARM64".equals(cpuArchitecture)) {
      throw new IllegalArgumentException("<spot> (-Dconstellation.spot) = true with cpuArchitecture ARM64: Fargate Spot runs"
          + " Linux tasks on X86_64 only (AWS \"Amazon ECS clusters for Fargate\", capacity provider considerations);"
          + " set spot to false or build an X86_64 image");
    }
    nonNegative("loadDuration", loadDuration);
    nonNegative("startBuffer", startBuffer);
    nonNegative("gracefulStop", gracefulStop);
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isZero() || pollInterval.isNegative()) {
      throw new IllegalArgumentException("pollInterval = " + pollInterval + " must be positive, e.g. PT1S");
    }
    if (!"s3".equals(resultsStore) && !"timestream".equals(resultsStore)) {
      throw new IllegalArgumentException("resultsStore = " + resultsStore + " is not a results store; use s3 or timestream");
    }
  }

  /** @return the sum of the tasks of every region */
  public int totalTasks() {
    return tasksPerRegion.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static void nonNegative(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative()) {
      throw new IllegalArgumentException(field + " = " + d + " is negative; use a duration of zero or more");
    }
  }
}
