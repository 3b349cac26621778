package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/user-guide.md, ramps: stages {@code duration:target}, linear from 0 before the first. */
class RampTest {

  private static final long S = 1_000_000_000L;

  @Test
  void movesLinearlyThroughEachStageFromZero() {
    Ramp r = Ramp.parse("10s:50, 20s:50 ,10s:0", "VUs");

    assertThat(r.duration()).isEqualTo(Duration.ofSeconds(40));
    assertThat(r.max()).isEqualTo(50.0);
    assertThat(r.valueAt(0)).isEqualTo(0.0);
    assertThat(r.valueAt(2 * S)).isEqualTo(10.0);
    assertThat(r.valueAt(5 * S)).isEqualTo(25.0);
    assertThat(r.valueAt(10 * S)).as("the second stage starts at the first's target").isEqualTo(50.0);
    assertThat(r.valueAt(25 * S)).isEqualTo(50.0);
    assertThat(r.valueAt(30 * S)).isEqualTo(50.0);
    assertThat(r.valueAt(35 * S)).as("ramping down").isEqualTo(25.0);
    assertThat(r.valueAt(39 * S)).isEqualTo(5.0);
    assertThat(r.valueAt(40 * S)).as("the last target after the end").isEqualTo(0.0);
    assertThat(r.valueAt(100 * S)).isEqualTo(0.0);
    assertThat(r.stages()).containsExactly(new Ramp.Stage(10 * S, 0, 50), new Ramp.Stage(20 * S, 50, 50),
        new Ramp.Stage(10 * S, 50, 0));
  }

  @Test
  void theHighestTargetMayBeAnyStagesAndTheValueAfterTheEndIsTheLastTarget() {
    Ramp r = Ramp.parse("1s:3,1s:80,1s:7", "rate");
    assertThat(r.max()).isEqualTo(80.0);
    assertThat(r.valueAt(1_500_000_000L)).isEqualTo(41.5);
    assertThat(r.valueAt(5 * S)).isEqualTo(7.0);
  }

  @Test
  void aConstantHoldsItsValueForItsDuration() {
    Ramp r = Ramp.constant(12.5, Duration.ofSeconds(3));
    assertThat(r.duration()).isEqualTo(Duration.ofSeconds(3));
    assertThat(r.max()).isEqualTo(12.5);
    assertThat(r.valueAt(0)).isEqualTo(12.5);
    assertThat(r.valueAt(3 * S - 1)).isEqualTo(12.5);
    assertThat(r.valueAt(3 * S)).isEqualTo(12.5);
  }

  @Test
  void badStagesAreRefusedSayingHowToWriteThem() {
    assertThatThrownBy(() -> Ramp.parse("10s:50,30s", "VUs"))
        .hasMessage("stage \"30s\" is not duration:VUs; write e.g. 10s:50,30s:50,10s:0");
    assertThatThrownBy(() -> Ramp.parse("0s:50", "VUs"))
        .hasMessage("stage \"0s:50\" has no length; give each stage a positive duration");
    assertThatThrownBy(() -> Ramp.parse("10s:-1", "VUs")).hasMessage("VUs -1 must be 0 or more");
    assertThatThrownBy(() -> Ramp.parse("10s:NaN", "VUs")).hasMessage("VUs NaN must be 0 or more");
    assertThatThrownBy(() -> Ramp.parse("10s:Infinity", "VUs")).hasMessage("VUs Infinity must be 0 or more");
    assertThatThrownBy(() -> Ramp.parse("10s:many", "VUs"))
        .hasMessage("\"many\" is not a number of VUs; write e.g. 50, or stages such as 10s:50,30s:50");
    assertThat(Ramp.number(" 0 ", "VUs")).isEqualTo(0.0);
  }
}
