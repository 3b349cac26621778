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

  @Test
  void rampsDownToZeroAndSpacesTheLastArrivalsWider() {
    // 100/s -> 0 over 10 s: N(t) = 100 t - 5 t^2, 500 arrivals, the last due just before the end.
    ArrivalSchedule s = ArrivalSchedule.parse("1s:100,10s:0", Duration.ofHours(1));
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(11));
    assertThat(s.arrivals()).isEqualTo(550);
    assertThat(s.offsetNanos(50)).as("the first stage (0 -> 100/s) has 50: the 51st starts the second").isEqualTo(1_000_000_000L);
    // second stage: 100 t - 5 t^2 = 375 -> t = 5 s
    assertThat(s.offsetNanos(425)).isEqualTo(6_000_000_000L);
    assertThat(s.offsetNanos(549)).isEqualTo(1_000_000_000L + 9_552_786_405L);
    assertThat(s.offsetNanos(550)).isEqualTo(-1);
  }

  @Test
  void aZeroRateHasNoArrivalsAndAZeroStageWaitsItsLength() {
    ArrivalSchedule none = ArrivalSchedule.parse("0", Duration.ofSeconds(5));
    assertThat(none.arrivals()).isZero();
    assertThat(none.offsetNanos(0)).isEqualTo(-1);
    assertThat(none.duration()).isEqualTo(Duration.ofSeconds(5));

    ArrivalSchedule pause = ArrivalSchedule.parse("2s:0,1s:0,2s:100", Duration.ofHours(1));
    assertThat(pause.arrivals()).isEqualTo(100);
    // nothing for 3 s, then 0 -> 100/s over 2 s: 25 t^2 = k
    assertThat(pause.offsetNanos(0)).isEqualTo(3_000_000_000L);
    assertThat(pause.offsetNanos(25)).isEqualTo(4_000_000_000L);
  }

  @Test
  void aFractionalExpectedCountStillStartsEveryArrivalDueWithinTheSchedule() {
    // 3/s for 1.5 s: 4.5 expected; arrival k is due when 3 t = k, so k = 0..4 (the last at 1.333 s)
    ArrivalSchedule s = ArrivalSchedule.parse("3", Duration.ofMillis(1_500));
    assertThat(s.arrivals()).isEqualTo(5);
    assertThat(s.offsetNanos(3)).isEqualTo(1_000_000_000L);
    assertThat(s.offsetNanos(4)).isEqualTo(1_333_333_333L);
    assertThat(s.offsetNanos(5)).isEqualTo(-1);
    // exactly 10 expected in 1 s: arrivals 0..9; the 11th would be due at the end, so not within
    ArrivalSchedule ten = ArrivalSchedule.parse("10", Duration.ofSeconds(1));
    assertThat(ten.arrivals()).isEqualTo(10);
    assertThat(ten.offsetNanos(9)).isEqualTo(900_000_000L);
    assertThat(ten.offsetNanos(10)).isEqualTo(-1);
  }

  @Test
  void arrivalsCountsExactlyTheArrivalsThatHaveADueTime() {
    for (String rate : new String[] {"3", "10", "0.5", "7s:13,3s:0", "1s:1", "2s:0,1s:3"}) {
      ArrivalSchedule s = ArrivalSchedule.parse(rate, Duration.ofMillis(2_500));
      long n = s.arrivals();
      assertThat(n == 0 || s.offsetNanos(n - 1) >= 0).as(rate + ": arrival " + (n - 1) + " is due").isTrue();
      assertThat(s.offsetNanos(n)).as(rate + ": arrival " + n + " is not").isEqualTo(-1);
    }
  }
}
