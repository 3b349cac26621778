package dev.constellation.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A value that moves linearly through stages, {@code duration:target} each, from 0 before the
 * first stage: the VU count of a ramping closed-model run, or the rate of an open-model one.
 */
public final class Ramp {

  /**
   * One stage.
   *
   * @param nanos its length
   * @param from the value at its start
   * @param to the value at its end
   */
  record Stage(long nanos, double from, double to) {}

  private final List<Stage> stages;

  private Ramp(List<Stage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** A ramp that holds one value for a duration. */
  static Ramp constant(double value, Duration duration) {
    return new Ramp(List.of(new Stage(duration.toNanos(), value, value)));
  }

  /**
   * Parses {@code "10s:50,1m:50,10s:0"}.
   *
   * @param text the stages
   * @param what what the targets are, for messages ("rate", "VUs")
   * @return the ramp
   * @throws IllegalArgumentException saying what is wrong and how to write it
   */
  static Ramp parse(String text, String what) {
    List<Stage> stages = new ArrayList<>();
    double previous = 0;
    for (String part : text.trim().split(",")) {
      String[] kv = part.trim().split(":", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("stage \"" + part.trim() + "\" is not duration:" + what + "; write e.g. 10s:50,30s:50,10s:0");
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
      double target = number(kv[1], what);
      stages.add(new Stage(d.toNanos(), previous, target));
      previous = target;
    }
    return new Ramp(stages);
  }

  static double number(String text, String what) {
    double v;
    try {
      v = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text.trim() + "\" is not a number of " + what + "; write e.g. 50, or stages such as 10s:50,30s:50");
    }
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(what + " " + text.trim() + " must be 0 or more");
    }
    return v;
  }

  List<Stage> stages() {
    return stages;
  }

  /** How long the ramp runs. */
  public Duration duration() {
    return Duration.ofNanos(stages.stream().mapToLong(Stage::nanos).sum());
  }

  /** The highest target of any stage. */
  public double max() {
    return stages.stream().mapToDouble(s -> Math.max(s.from(), s.to())).max().orElse(0);
  }

  /**
   * The value a given time after the start.
   *
   * @param nanos time since the start
   * @return the interpolated value; the last stage's target after the end
   */
  public double valueAt(long nanos) {
    long elapsed = 0;
    for (Stage s : stages) {
      if (nanos < elapsed + s.nanos()) {
        double f = (double) (nanos - elapsed) / s.nanos();
        return s.from() + (s.to() - s.from()) * f;
      }
      elapsed += s.nanos();
    }
    return stages.isEmpty() ? 0 : stages.get(stages.size() - 1).to();
  }
}
