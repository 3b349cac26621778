package dev.constellation.aws;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What an init or teardown did.
 *
 * @param steps every step, in the order they finished
 * @param elapsed the whole run
 */
public record Summary(List<Step> steps, Duration elapsed) {

  public Summary {
    steps = List.copyOf(steps);
  }

  /** Whether any step changed the account. */
  public boolean changed() {
    return steps.stream().anyMatch(s -> s.outcome().changed());
  }

  /** Steps per outcome. */
  public Map<Step.Outcome, Integer> counts() {
    Map<Step.Outcome, Integer> m = new EnumMap<>(Step.Outcome.class);
    for (Step s : steps) {
      m.merge(s.outcome(), 1, Integer::sum);
    }
    return m;
  }

  /** One line, e.g. {@code 14 created, 0 unchanged in 12.3 s}. */
  public String line() {
    StringBuilder b = new StringBuilder();
    counts().forEach((o, n) -> b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(o.words()));
    if (b.length() == 0) {
      b.append("nothing to do");
    }
    return b + String.format(" in %.1f s", elapsed.toMillis() / 1000.0);
  }
}
