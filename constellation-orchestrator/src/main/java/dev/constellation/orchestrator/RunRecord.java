package dev.constellation.orchestrator;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A run as a {@link RunStateStore} keeps it. Agents appear as members {@code "<region>#<agentId>"}
 * in {@code ready} (registered) and {@code done} (ended); per-region counts come from them.
 *
 * @param runId the run
 * @param expected agents expected per region
 * @param ready members that registered
 * @param done members that ended
 * @param summaries per ended member, the counters it reported
 * @param state the run state
 * @param startAt the start time in epoch ms, {@code 0} until decided
 * @param resetAt when the run was reset, epoch ms
 * @param deadline the registration deadline, epoch ms
 * @param startBufferMs how long after the last registration the run starts
 * @param abortReason why the run was aborted by {@code test-abort}; {@code null} otherwise (also
 *     when the registration deadline aborted it)
 * @since 0.1.0
 */
public record RunRecord(
    String runId,
    Map<String, Integer> expected,
    Set<String> ready,
    Set<String> done,
    Map<String, Map<String, Long>> summaries,
    RunState state,
    long startAt,
    long resetAt,
    long deadline,
    long startBufferMs,
    String abortReason) {

  /**
   * A run no {@code test-abort} touched.
   *
   * @param runId the run
   * @param expected agents expected per region
   * @param ready members that registered
   * @param done members that ended
   * @param summaries per ended member, the counters it reported
   * @param state the run state
   * @param startAt the start time in epoch ms, {@code 0} until decided
   * @param resetAt when the run was reset, epoch ms
   * @param deadline the registration deadline, epoch ms
   * @param startBufferMs how long after the last registration the run starts
   */
  public RunRecord(String runId, Map<String, Integer> expected, Set<String> ready, Set<String> done,
      Map<String, Map<String, Long>> summaries, RunState state, long startAt, long resetAt, long deadline,
      long startBufferMs) {
    this(runId, expected, ready, done, summaries, state, startAt, resetAt, deadline, startBufferMs, null);
  }

  /** Copies the collections. */
  public RunRecord {
    expected = Map.copyOf(expected);
    ready = Set.copyOf(ready);
    done = Set.copyOf(done);
    Map<String, Map<String, Long>> s = new HashMap<>();
    summaries.forEach((k, v) -> s.put(k, Map.copyOf(v)));
    summaries = Collections.unmodifiableMap(s);
  }

  /**
   * The member name of an agent in the {@code ready} and {@code done} sets.
   *
   * @param region the agent's region
   * @param agentId the agent
   * @return {@code "<region>#<agentId>"}
   */
  public static String member(String region, String agentId) {
    return region + "#" + agentId;
  }

  /** Agents expected over all regions. */
  public int expectedTotal() {
    return expected.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Whether every expected agent registered. */
  public boolean allReady() {
    return ready.size() >= expectedTotal();
  }

  /** Members of {@code set} that belong to {@code region}. */
  static long countIn(Set<String> set, String region) {
    String prefix = region + "#";
    return set.stream().filter(m -> m.startsWith(prefix)).count();
  }

  /**
   * The status of this run as the actions return it.
   *
   * @param now the orchestrator's clock, epoch ms
   * @return the status
   */
  public RunStatus toStatus(long now) {
    Map<String, RegionStatus> regions = new TreeMap<>();
    expected.forEach((region, count) -> {
      String prefix = region + "#";
      Map<String, Long> totals = new TreeMap<>();
      summaries.forEach((member, counters) -> {
        if (member.startsWith(prefix) && done.contains(member)) {
          counters.forEach((name, value) -> totals.merge(name, value, Long::sum));
        }
      });
      regions.put(region, new RegionStatus(count,
          (int) countIn(ready, region), (int) countIn(done, region), totals));
    });
    return new RunStatus(runId, state, startAt, deadline, now, regions, abortReason);
  }
}
