package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SelfCheckTest {

  @Test
  void countsSecondsWhenTheGeneratorLagsAndKeepsTheWorst() {
    SelfCheck check = new SelfCheck("local-0", () -> 0.2);
    check.sample(3);
    check.sample(120);
    check.sample(80);
    check.sample(60);
    check.sample(2);
    assertThat(check.saturatedSeconds()).isEqualTo(3);
    assertThat(check.maxLagMs()).isEqualTo(120);
    assertThat(check.maxCpu()).isEqualTo(0.2);
  }

  @Test
  void countsSecondsWhenTheGeneratorRunsOutOfCpu() {
    double[] cpu = {0.5, 0.95, 0.97};
    int[] i = {0};
    SelfCheck check = new SelfCheck("local-0", () -> cpu[i[0]++]);
    check.sample(1);
    check.sample(1);
    check.sample(1);
    assertThat(check.saturatedSeconds()).isEqualTo(2);
    assertThat(check.maxCpu()).isEqualTo(0.97);
  }

  @Test
  void readsTheRealProcessCpu() {
    SelfCheck check = new SelfCheck("local-0");
    check.sample(0);
    assertThat(check.maxCpu()).isBetween(0.0, 1.0);
  }
}
