package dev.constellation.agent.results.reliable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A clock that only moves when someone sleeps (or the test advances it); remembers every sleep. */
public final class FakeTicker implements Ticker {
  private long now;
  private final List<Duration> sleeps = new ArrayList<>();

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    now += duration.toNanos();
  }

  public void advance(Duration d) {
    now += d.toNanos();
  }

  public List<Duration> sleeps() {
    return sleeps;
  }

  public Duration slept() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
