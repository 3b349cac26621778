package dev.constellation.agent;

import dev.constellation.agent.runtime.Console;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Watches whether the load generator, not the target, limits the test, and why. Once a second it
 * takes the agent's own CPU (its process's CPU time over the second, as a share of the cores the
 * JVM may use), the machine's CPU (busy time of all processes from {@code /proc/stat}, as a share
 * of all cores) and the CPU stolen by the hypervisor ({@code steal} in {@code /proc/stat}), and
 * how late its once-a-second flusher woke up (scheduling lag). A second is saturated when the
 * agent's own CPU is above {@value #CPU_LIMIT} or the lag above {@value #LAG_LIMIT_MS} ms; its
 * {@link Saturation cause} is the agent when its own CPU is high, the hypervisor when steal is at
 * least {@value #STEAL_LIMIT}, other processes when the machine is busy ({@value #MACHINE_LIMIT}
 * or more) mostly with them, else a pause. Three saturated seconds in a row give one warning
 * naming the cause; the worst figures and the cause of most saturated seconds go into the agent's
 * result file and the summary.
 */
final class SelfCheck {

  /** Own CPU (share of the JVM's cores) above which a second counts as saturated by the agent. */
  static final double CPU_LIMIT = 0.90;
  /** Scheduling lag above which a second counts as saturated. */
  static final long LAG_LIMIT_MS = 50;
  /** Machine CPU (share of all cores) from which a lagging agent blames the machine. */
  static final double MACHINE_LIMIT = 0.90;
  /** Steal (share of all cores) from which a lagging agent blames the hypervisor. */
  static final double STEAL_LIMIT = 0.10;

  /**
   * One second's CPU figures, shares from 0 to 1.
   *
   * @param own the agent process's CPU, share of the cores the JVM may use
   * @param machine all processes' CPU, share of all cores; -1 when unknown
   * @param steal CPU stolen by the hypervisor, share of all cores; -1 when unknown
   */
  record Cpu(double own, double machine, double steal) {}

  /** Where the figures come from: each call covers the time since the previous one. */
  interface CpuSource {
    Cpu sample();
  }

  private final String agentId;
  private final CpuSource cpu;
  private final Map<Saturation, Long> seconds = new EnumMap<>(Saturation.class);
  private int streak;
  private boolean warned;
  private double maxCpu;
  private double maxMachine = -1;
  private double maxSteal = -1;
  private long maxLagMs;
  private long saturatedSeconds;

  SelfCheck(String agentId) {
    this(agentId, new SystemCpu());
  }

  /** With a given source of CPU figures, for tests. */
  SelfCheck(String agentId, CpuSource cpu) {
    this.agentId = agentId;
    this.cpu = cpu;
  }

  /** Called once a second by the flusher with how late it woke up. */
  synchronized void sample(long lagMs) {
    Cpu c = cpu.sample();
    maxCpu = Math.max(maxCpu, c.own());
    maxMachine = Math.max(maxMachine, c.machine());
    maxSteal = Math.max(maxSteal, c.steal());
    maxLagMs = Math.max(maxLagMs, lagMs);
    Saturation cause = cause(c, lagMs);
    if (cause != Saturation.NONE) {
      saturatedSeconds++;
      seconds.merge(cause, 1L, Long::sum);
      streak++;
    } else {
      streak = 0;
    }
    if (streak >= 3 && !warned) {
      warned = true;
      Console.warn(warning(agentId, cause, c, lagMs));
    }
  }

  /**
   * Why one second was saturated, if it was.
   *
   * @param c the second's CPU figures
   * @param lagMs the flusher's scheduling lag
   * @return the cause, {@link Saturation#NONE} when the second was not saturated
   */
  static Saturation cause(Cpu c, long lagMs) {
    if (c.own() > CPU_LIMIT) {
      return Saturation.AGENT;
    }
    if (lagMs <= LAG_LIMIT_MS) {
      return Saturation.NONE;
    }
    if (c.steal() >= STEAL_LIMIT) {
      return Saturation.STEAL;
    }
    if (c.machine() >= MACHINE_LIMIT) {
      return c.machine() - c.own() > c.own() ? Saturation.MACHINE : Saturation.AGENT;
    }
    return Saturation.PAUSE;
  }

  /** The warning of a saturated agent: what was measured, who is to blame, what to do. */
  static String warning(String agentId, Saturation cause, Cpu c, long lagMs) {
    return String.format(java.util.Locale.ROOT, "agent %s is held back by %s: its own CPU %.0f%%, the machine's %s, steal %s, "
        + "scheduling lag %d ms. The numbers may measure this load generator rather than the target; %s", agentId, cause.cause(),
        c.own() * 100, percent(c.machine()), percent(c.steal()), lagMs, cause.advice());
  }

  private static String percent(double share) {
    return share < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.0f%%", share * 100);
  }

  /** The agent's highest own CPU over one second, share of its cores. */
  synchronized double maxCpu() {
    return maxCpu;
  }

  /** The machine's highest CPU over one second, share of all cores, or -1 when unknown. */
  synchronized double maxMachineCpu() {
    return maxMachine;
  }

  /** The highest steal over one second, share of all cores, or -1 when unknown. */
  synchronized double maxSteal() {
    return maxSteal;
  }

  synchronized long maxLagMs() {
    return maxLagMs;
  }

  synchronized long saturatedSeconds() {
    return saturatedSeconds;
  }

  /** The cause of most saturated seconds (the agent first on a tie), or {@link Saturation#NONE}. */
  synchronized Saturation cause() {
    Saturation best = Saturation.NONE;
    long most = 0;
    for (Map.Entry<Saturation, Long> e : seconds.entrySet()) {
      if (e.getValue() > most) {
        best = e.getKey();
        most = e.getValue();
      }
    }
    return best;
  }

  /**
   * CPU figures of this JVM and this machine: the process's CPU time from the JVM, the machine's
   * busy, idle and steal times from {@code /proc/stat} (Linux; elsewhere the JVM's system CPU load,
   * and steal unknown).
   */
  static final class SystemCpu implements CpuSource {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    private final com.sun.management.OperatingSystemMXBean os;
    private final int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    private long lastWall;
    private long lastProcess;
    private long[] lastStat;

    SystemCpu() {
      OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
      os = bean instanceof com.sun.management.OperatingSystemMXBean sun ? sun : null;
      lastWall = System.nanoTime();
      lastProcess = processCpuNanos();
      lastStat = procStat();
    }

    @Override
    public Cpu sample() {
      long wall = System.nanoTime();
      long process = processCpuNanos();
      long[] stat = procStat();
      double own = 0;
      if (process >= 0 && lastProcess >= 0 && wall > lastWall) {
        own = clamp((process - lastProcess) / ((double) (wall - lastWall) * cores));
      }
      double machine = -1;
      double steal = -1;
      if (stat != null && lastStat != null && stat[0] > lastStat[0]) {
        double total = stat[0] - lastStat[0];
        steal = clamp((stat[2] - lastStat[2]) / total);
        machine = clamp((stat[1] - lastStat[1]) / total);
      } else if (stat == null && os != null) {
        double load = os.getCpuLoad();
        machine = load < 0 ? -1 : clamp(load);
      }
      lastWall = wall;
      lastProcess = process;
      lastStat = stat;
      return new Cpu(own, machine, steal);
    }

    private long processCpuNanos() {
      return os == null ? -1 : os.getProcessCpuTime();
    }

    /** {total, busy (neither idle, iowait nor steal), steal} in clock ticks from the first line of /proc/stat, or null. */
    static long[] procStat() {
      try {
        if (!Files.isReadable(PROC_STAT)) {
          return null;
        }
        String line = Files.readAllLines(PROC_STAT).get(0);
        return parse(line);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /**
     * Parses the aggregate line of /proc/stat: {@code cpu user nice system idle iowait irq softirq
     * steal ...} (proc(5)); guest time is already inside user time and not added again.
     */
    static long[] parse(String line) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 5 || !f[0].equals("cpu")) {
        return null;
      }
      long[] v = new long[8];
      for (int i = 0; i < 8 && i + 1 < f.length; i++) {
        v[i] = Long.parseLong(f[i + 1]);
      }
      long total = 0;
      for (long x : v) {
        total += x;
      }
      long idle = v[3] + v[4];
      long steal = v[7];
      return new long[] {total, total - idle - steal, steal};
    }

    private static double clamp(double share) {
      return Math.max(0, Math.min(1, share));
    }
  }
}
