package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.SelfCheck.Cpu;
import java.lang.management.ManagementFactory;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfCheckTest {

  private static SelfCheck.CpuSource seconds(Cpu... cpu) {
    Iterator<Cpu> it = List.of(cpu).iterator();
    return it::next;
  }

  @Test
  void countsSecondsWhenTheGeneratorLagsAndKeepsTheWorst() {
    Cpu quiet = new Cpu(0.2, 0.3, 0);
    SelfCheck check = new SelfCheck("local-0", seconds(quiet, quiet, quiet, quiet, quiet));
    check.sample(3);
    check.sample(120);
    check.sample(80);
    check.sample(60);
    check.sample(2);
    assertThat(check.saturatedSeconds()).isEqualTo(3);
    assertThat(check.maxLagMs()).isEqualTo(120);
    assertThat(check.maxCpu()).isEqualTo(0.2);
    assertThat(check.cause()).as("lag with neither the agent's nor the machine's CPU high").isEqualTo(Saturation.PAUSE);
  }

  @Test
  void blamesTheAgentWhenItsOwnCpuIsHigh() {
    SelfCheck check = new SelfCheck("local-0", seconds(new Cpu(0.5, 0.5, 0), new Cpu(0.95, 0.97, 0), new Cpu(0.97, 0.99, 0)));
    check.sample(1);
    check.sample(1);
    check.sample(1);
    assertThat(check.saturatedSeconds()).isEqualTo(2);
    assertThat(check.maxCpu()).isEqualTo(0.97);
    assertThat(check.maxMachineCpu()).isEqualTo(0.99);
    assertThat(check.cause()).isEqualTo(Saturation.AGENT);
  }

  @Test
  void blamesOtherProcessesWhenTheMachineIsBusyAndTheAgentIsNot() {
    // The case: own CPU 3 %, scheduling lag 89 ms, while other processes keep the machine busy.
    Cpu busyMachine = new Cpu(0.03, 0.98, 0);
    SelfCheck check = new SelfCheck("local-0", seconds(busyMachine, busyMachine, busyMachine));
    check.sample(89);
    check.sample(70);
    check.sample(89);
    assertThat(check.cause()).isEqualTo(Saturation.MACHINE);
    String warning = SelfCheck.warning("local-0", check.cause(), busyMachine, 89);
    assertThat(warning).contains("other processes on the machine").contains("own CPU 3%").contains("the machine's 98%")
        .contains("fewer VUs per agent would not help").doesNotContain("run fewer VUs per agent");
  }

  @Test
  void blamesTheHypervisorWhenCpuIsStolen() {
    assertThat(SelfCheck.cause(new Cpu(0.1, 0.5, 0.3), 120)).isEqualTo(Saturation.STEAL);
    assertThat(SelfCheck.cause(new Cpu(0.1, 0.5, 0.3), 10)).as("no lag, no saturation").isEqualTo(Saturation.NONE);
    assertThat(SelfCheck.cause(new Cpu(0.6, 0.95, 0), 120)).as("the machine is busy mostly with the agent").isEqualTo(Saturation.AGENT);
    assertThat(SelfCheck.cause(new Cpu(0.1, -1, -1), 120)).as("machine unknown").isEqualTo(Saturation.PAUSE);
  }

  @Test
  void parsesTheAggregateLineOfProcStat() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] v = SelfCheck.SystemCpu.parse("cpu  6634 0 2661 41047 489 0 139 302 50 0");
    long total = 6634 + 2661 + 41047 + 489 + 139 + 302;
    assertThat(v).containsExactly(total, total - 41047 - 489 - 302, 302);
    assertThat(SelfCheck.SystemCpu.parse("cpu0 1 2 3 4")).isNull();
  }

  @Test
  void measuresTheRealCpuOfABusyThread() throws Exception {
    SelfCheck check = new SelfCheck("local-0");
    long burn = 300_000_000L;
    long wall0 = System.nanoTime();
    Thread burner = new Thread(() -> {
      // Burns 300 ms of its own CPU time (at most 10 s of wall time on a crowded machine).
      var threads = ManagementFactory.getThreadMXBean();
      long t0 = threads.getCurrentThreadCpuTime();
      long x = 0;
      while (threads.getCurrentThreadCpuTime() - t0 < burn && System.nanoTime() - wall0 < 10_000_000_000L) {
        for (int i = 0; i < 10_000; i++) {
          x += Long.numberOfTrailingZeros(x * 31 + i);
        }
      }
      System.out.println(x == 42 ? "" : "burnt");
    });
    burner.start();
    burner.join();
    check.sample(0);
    long wall = System.nanoTime() - wall0;
    int cores = Runtime.getRuntime().availableProcessors();
    double burnerShare = burn / ((double) wall * cores);
    System.out.printf("self-check: burner %.1f%% of %d cores over %d ms, own CPU %.1f%%, machine %.0f%%%n", burnerShare * 100, cores,
        wall / 1_000_000, check.maxCpu() * 100, check.maxMachineCpu() * 100);
    assertThat(check.maxCpu()).as("own CPU includes the burner's 300 ms").isGreaterThanOrEqualTo(burnerShare * 0.95).isGreaterThan(0.01);
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/stat"))) {
      assertThat(check.maxMachineCpu()).as("the machine's CPU includes the agent's").isGreaterThanOrEqualTo(burnerShare * 0.9);
    }
  }
}
