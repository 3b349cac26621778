package dev.constellation.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When the open model starts each iteration: a constant rate for the run's duration, or stages
 * whose rate ramps linearly from the previous stage's (from 0 before the first). Arrival k is
 * due when the expected number of arrivals so far reaches k.
 */
public final class ArrivalSchedule {

  /**
   * One stage.
   *
   * @param nanos its length
   * @param fromRate the rate at its start, per second
   * @param toRate the rate at its end, per second
   */
  record Stage(long nanos, double fromRate, double toRate) {
    double arrivals() {
      return (fromRate + toRate) / 2 * nanos / 1e9;
    }
  }

  private final List<Stage> stages;
  private final double[] arrivalsBefore;

  private ArrivalSchedule(List<Stage> stages) {
    this.stages = List.copyOf(stages);
    this.arrivalsBefore = new double[stages.size() + 1];
    for (int i = 0; i < stages.size(); i++) {
      arrivalsBefore[i + 1] = arrivalsBefore[i] + stages.get(i).arrivals();
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
    List<Stage> stages = new ArrayList<>();
    if (!t.contains(":")) {
      double rate = rate(t);
      stages.add(new Stage(duration.toNanos(), rate, rate));
      return new ArrivalSchedule(stages);
    }
    double previous = 0;
    for (String part : t.split(",")) {
      String[] kv = part.trim().split(":", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("stage \"" + part.trim() + "\" is not duration:rate; write e.g. 10s:50,30s:50,10s:0");
      }
      Duration d;
      try {
        d = Durations.parse(kv[0]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("stage \"" + part.trim() + "\": its duration " + e.getMessage());
      }
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("stage \"" + part.trim() + "\" has no length; give each stage a positive duration");
      }
      double rate = rate(kv[1]);
      stages.add(new Stage(d.toNanos(), previous, rate));
      previous = rate;
    }
    return new ArrivalSchedule(stages);
  }

  private static double rate(String text) {
    double r;
    try {
      r = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text.trim() + "\" is not a rate; give iterations per second such as 50, or stages such as 10s:50,30s:50");
    }
    if (!(r >= 0) || Double.isInfinite(r)) {
      throw new IllegalArgumentException("rate " + text.trim() + " must be 0 or more iterations per second");
    }
    return r;
  }

  /** How long the schedule runs. */
  public Duration duration() {
    return Duration.ofNanos(stages.stream().mapToLong(Stage::nanos).sum());
  }

  /** How many arrivals the whole schedule has. */
  public long arrivals() {
    return (long) Math.floor(arrivalsBefore[stages.size()] + 1e-9);
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
      Stage s = stages.get(i);
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
  private static double solve(Stage s, double need) {
    double a = s.fromRate();
    double c = (s.toRate() - s.fromRate()) / (2 * (s.nanos() / 1e9));
    if (Math.abs(c) < 1e-12) {
      return a == 0 ? 0 : need / a;
    }
    double disc = a * a + 4 * c * need;
    return (-a + Math.sqrt(Math.max(0, disc))) / (2 * c);
  }
}
