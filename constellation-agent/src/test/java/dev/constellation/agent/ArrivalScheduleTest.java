package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

  @Test
  void spacesAConstantRateEvenlyOverTheDuration() {
    ArrivalSchedule s = ArrivalSchedule.parse("100", Duration.ofSeconds(2));
    assertThat(s.arrivals()).isEqualTo(200);
    assertThat(s.offsetNanos(0)).isZero();
    assertThat(s.offsetNanos(1)).isEqualTo(10_000_000L);
    assertThat(s.offsetNanos(199)).isEqualTo(1_990_000_000L);
    assertThat(s.offsetNanos(200)).isEqualTo(-1);
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void rampsStagesLinearlyFromZero() {
    // 0 -> 100/s over 10 s: N(t) = 5 t^2, 500 arrivals; then 100/s for 1 s: 100 more.
    ArrivalSchedule s = ArrivalSchedule.parse("10s:100,1s:100", Duration.ofHours(1));
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(11));
    assertThat(s.arrivals()).isEqualTo(600);
    assertThat(s.offsetNanos(5)).isEqualTo(1_000_000_000L);
    assertThat(s.offsetNanos(125)).isEqualTo(5_000_000_000L);
    assertThat(s.offsetNanos(550)).isEqualTo(10_500_000_000L);
    long previous = -1;
    for (long k = 0; k < s.arrivals(); k++) {
      assertThat(s.offsetNanos(k)).isGreaterThanOrEqualTo(previous);
      previous = s.offsetNanos(k);
    }
  }

  @Test
  void explainsABadRate() {
    assertThatThrownBy(() -> ArrivalSchedule.parse("-3", Duration.ofSeconds(1))).hasMessageContaining("must be 0 or more");
    assertThatThrownBy(() -> ArrivalSchedule.parse("10s", Duration.ofSeconds(1))).hasMessageContaining("is not a number of iterations per second");
    assertThatThrownBy(() -> ArrivalSchedule.parse("soon:5", Duration.ofSeconds(1))).hasMessageContaining("its duration");
  }
}
