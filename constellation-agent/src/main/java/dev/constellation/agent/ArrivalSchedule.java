package dev.constellation.agent;

import java.time.Duration;
import java.util.List;

/**
 * When the open model starts each iteration: a constant rate for the run's duration, or stages
 * whose rate ramps linearly from the previous stage's (from 0 before the first). Arrival k is
 * due when the expected number of arrivals so far reaches k.
 */
public final class ArrivalSchedule {

  private final List<Ramp.Stage> stages;
  private final double[] arrivalsBefore;

  private ArrivalSchedule(Ramp ramp) {
    this.stages = ramp.stages();
    this.arrivalsBefore = new double[stages.size() + 1];
    for (int i = 0; i < stages.size(); i++) {
      Ramp.Stage st = stages.get(i);
      arrivalsBefore[i + 1] = arrivalsBefore[i] + (st.from() + st.to()) / 2 * st.nanos() / 1e9;
    }
  }

  /**
   * Parses a rate.
   *
   * @param text {@code "50"} (per second, for the whole duration) or {@code "10s:50,1m:100,10s:0"}
   * @param duration the run's duration, used by a constant rate
   * @return the schedule
   * @throws IllegalArgumentException saying what is wrong and how to write it
   */
  public static ArrivalSchedule parse(String text, Duration duration) {
    String t = text.trim();
    return new ArrivalSchedule(t.contains(":") ? Ramp.parse(t, "iterations per second") : Ramp.constant(Ramp.number(t, "iterations per second"), duration));
  }

  /** How long the schedule runs. */
  public Duration duration() {
    return Duration.ofNanos(stages.stream().mapToLong(Ramp.Stage::nanos).sum());
  }

  /**
   * How many arrivals the whole schedule has: those with a due time ({@link #offsetNanos} not -1),
   * i.e. every k below the expected count (4.5 expected: arrivals 0 to 4).
   */
  public long arrivals() {
    return Math.max(0, (long) Math.ceil(arrivalsBefore[stages.size()] - 1e-9));
  }

  /**
   * When arrival {@code k} (from 0) is due, after the start.
   *
   * @param k the arrival's number
   * @return nanoseconds after the start, or -1 when the schedule has ended before it
   */
  public long offsetNanos(long k) {
    double target = k;
    long elapsed = 0;
    for (int i = 0; i < stages.size(); i++) {
      Ramp.Stage s = stages.get(i);
      if (target < arrivalsBefore[i + 1] - 1e-9) {
        double need = target - arrivalsBefore[i];
        double seconds = solve(s, need);
        return elapsed + Math.min(s.nanos(), Math.round(seconds * 1e9));
      }
      elapsed += s.nanos();
    }
    return -1;
  }

  /** Seconds into a stage until {@code need} arrivals have come: a t + c t^2 = need. */
  private static double solve(Ramp.Stage s, double need) {
    double a = s.from();
    double c = (s.to() - s.from()) / (2 * (s.nanos() / 1e9));
    if (Math.abs(c) < 1e-12) {
      return a == 0 ? 0 : need / a;
    }
    double disc = a * a + 4 * c * need;
    return (-a + Math.sqrt(Math.max(0, disc))) / (2 * c);
  }
}
