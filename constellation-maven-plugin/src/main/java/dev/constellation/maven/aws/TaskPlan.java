package dev.constellation.maven.aws;

import dev.constellation.agent.AgentConfig;
import dev.constellation.maven.run.RunPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks of a run on AWS: per region how many ECS tasks (one agent each) and each agent's share
 * of the region's load. Pure arithmetic on the {@link RunPlan}; no AWS call.
 *
 * <p>Rules (AWS-DEPLOY §2.9): a region gets {@code tasksPerRegion} tasks where given, else
 * {@code ceil(vus / vusPerTask)}; its virtual users are spread as evenly as possible (two agents
 * differ by at most one, the first ones get the remainder); with VU stages each stage's target is
 * spread the same way, so the agents' targets add up to the region's; in the open model each agent
 * gets {@code 1/tasks} of the region's arrival rate (of every stage's target), so the rates add up
 * to the region's rate.
 *
 * @param regions region → its agents, in the plan's region order
 */
public record TaskPlan(Map<String, List<Share>> regions) {

  public TaskPlan {
    Map<String, List<Share>> copy = new LinkedHashMap<>();
    regions.forEach((r, l) -> copy.put(r, List.copyOf(l)));
    regions = Collections.unmodifiableMap(copy);
  }

  /**
   * One agent's part of its region's load.
   *
   * @param region the region
   * @param index the agent's index in the region, from 0
   * @param count agents in the region
   * @param vus its virtual users (the open model: its cap)
   * @param rate its arrival rate or rate stages, empty in the closed model
   * @param stages its VU stages, empty unless the plan has VU stages
   * @param feedShare its VU slots of the whole run for {@code unique} feeders
   *     ({@code first:count/total}, as {@code --feedShare} takes it): disjoint across every agent
   *     of every region, in proportion to VUs
   */
  public record Share(String region, int index, int count, int vus, String rate, String stages, String feedShare) {
    /** The agent id the agent uses: {@code <region>-<index>}. */
    public String agentId() {
      return region + "-" + index;
    }
  }

  /**
   * Plans the tasks.
   *
   * @param plan the run
   * @return the agents per region
   */
  public static TaskPlan of(RunPlan plan) {
    Map<String, Integer> tasks = plan.agentsPerRegion();
    List<AgentConfig> agents = new ArrayList<>();
    for (AgentConfig a : plan.agents("plan", Path.of("."))) {
      int n = tasks.get(a.region());
      List<Integer> vus = split(a.vuCount(), n);
      for (int i = 0; i < n; i++) {
        agents.add(a.withShare(i, n, vus.get(i), shareRate(a.rate(), n), shareStages(a.stages(), i, n)));
      }
    }
    // unique feeders: the shares are assigned again over the final list of agents, so that
    // the tasks of one region never hand out the same rows
    List<AgentConfig> shared = AgentConfig.assignFeedShares(agents);
    Map<String, List<Share>> out = new LinkedHashMap<>();
    for (AgentConfig a : shared) {
      int n = a.agentCount();
      out.computeIfAbsent(a.region(), r -> new ArrayList<>()).add(new Share(a.region(), a.agentIndex(), n, a.vus(),
          a.rate(), a.stages(), a.feedShare().toString()));
    }
    return new TaskPlan(out);
  }

  /** Tasks over all regions. */
  public int tasks() {
    return regions.values().stream().mapToInt(List::size).sum();
  }

  /** Region → tasks. */
  public Map<String, Integer> tasksPerRegion() {
    Map<String, Integer> out = new LinkedHashMap<>();
    regions.forEach((r, l) -> out.put(r, l.size()));
    return out;
  }

  /**
   * A whole number split into {@code n} parts that differ by at most one, the larger ones first.
   *
   * @param total what to split, 0 or more
   * @param n parts, 1 or more
   * @return the parts, adding up to {@code total}
   */
  public static List<Integer> split(int total, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(total / n + (i < total % n ? 1 : 0));
    }
    return out;
  }

  /**
   * One agent's arrival rate: the region's rate (a number, or stages {@code 10s:50,1m:50}) divided by {@code n}.
   *
   * @param rate the region's rate, or empty
   * @param n agents in the region
   * @return the agent's rate in the same form, or empty
   */
  static String shareRate(String rate, int n) {
    if (rate.isEmpty() || n == 1) {
      return rate;
    }
    if (!rate.contains(":")) {
      return number(Double.parseDouble(rate.trim()) / n);
    }
    List<String> stages = new ArrayList<>();
    for (String stage : rate.split(",")) {
      int colon = stage.lastIndexOf(':');
      stages.add(stage.substring(0, colon).trim() + ":" + number(Double.parseDouble(stage.substring(colon + 1).trim()) / n));
    }
    return String.join(",", stages);
  }

  /**
   * One agent's VU stages: each stage's target split as {@link #split} splits it.
   *
   * @param stages the region's stages, or empty
   * @param index the agent's index
   * @param n agents in the region
   * @return the agent's stages, or empty
   */
  static String shareStages(String stages, int index, int n) {
    if (stages.isEmpty() || n == 1) {
      return stages;
    }
    List<String> out = new ArrayList<>();
    for (String stage : stages.split(",")) {
      int colon = stage.lastIndexOf(':');
      int target = Integer.parseInt(stage.substring(colon + 1).trim());
      out.add(stage.substring(0, colon).trim() + ":" + split(target, n).get(index));
    }
    return String.join(",", out);
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
