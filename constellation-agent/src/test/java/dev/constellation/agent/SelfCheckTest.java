package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SelfCheckTest {

  @Test
  void countsSecondsWhenTheGeneratorLagsAndKeepsTheWorst() {
    SelfCheck check = new SelfCheck("local-0");
    check.sample(3);
    check.sample(120);
    check.sample(80);
    check.sample(60);
    check.sample(2);
    assertThat(check.saturatedSeconds()).isEqualTo(3);
    assertThat(check.maxLagMs()).isEqualTo(120);
    assertThat(check.maxCpu()).isBetween(0.0, 1.0);
  }
}
