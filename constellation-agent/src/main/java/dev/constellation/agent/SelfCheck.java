package dev.constellation.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.function.DoubleSupplier;

/**
 * Watches whether the agent itself, not the target, limits the test: its process CPU and how
 * late its once-a-second flusher wakes up (scheduling lag). Three saturated seconds in a row
 * give one warning; the worst figures go into the agent's result file and the summary.
 */
final class SelfCheck {

  /** Process CPU (share of all cores) above which a second counts as saturated. */
  static final double CPU_LIMIT = 0.90;
  /** Scheduling lag above which a second counts as saturated. */
  static final long LAG_LIMIT_MS = 50;

  private final String agentId;
  private final DoubleSupplier processCpu;
  private int streak;
  private boolean warned;
  private double maxCpu;
  private long maxLagMs;
  private long saturatedSeconds;

  SelfCheck(String agentId) {
    this(agentId, SelfCheck::processCpu);
  }

  /** With a given source of process CPU (share of all cores, 0 to 1), for tests. */
  SelfCheck(String agentId, DoubleSupplier processCpu) {
    this.agentId = agentId;
    this.processCpu = processCpu;
  }

  /** Called once a second by the flusher with how late it woke up. */
  synchronized void sample(long lagMs) {
    double cpu = processCpu.getAsDouble();
    maxCpu = Math.max(maxCpu, cpu);
    maxLagMs = Math.max(maxLagMs, lagMs);
    boolean saturated = cpu > CPU_LIMIT || lagMs > LAG_LIMIT_MS;
    if (saturated) {
      saturatedSeconds++;
      streak++;
    } else {
      streak = 0;
    }
    if (streak >= 3 && !warned) {
      warned = true;
      Console.warn(String.format("agent %s is saturated: process CPU %.0f%%, scheduling lag %d ms. The numbers may measure this load "
          + "generator rather than the target; run fewer VUs per agent, more agents, or a bigger machine", agentId, cpu * 100, lagMs));
    }
  }

  private static double processCpu() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      double load = sun.getProcessCpuLoad();
      return load < 0 ? 0 : load;
    }
    return 0;
  }

  synchronized double maxCpu() {
    return maxCpu;
  }

  synchronized long maxLagMs() {
    return maxLagMs;
  }

  synchronized long saturatedSeconds() {
    return saturatedSeconds;
  }
}
