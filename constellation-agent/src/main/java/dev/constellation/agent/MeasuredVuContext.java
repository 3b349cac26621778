package dev.constellation.agent;

import dev.constellation.agent.feed.Feeds;
import dev.constellation.agent.record.VuMetrics;
import dev.constellation.api.Counter;
import dev.constellation.api.Trend;
import dev.constellation.api.VuContext;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The part of a {@link VuContext} that is the same for a load run's virtual user and the JUnit
 * smoke run's single one: groups, checks, custom metrics and feeders, passed to the VU's
 * {@link VuMetrics} and {@link Feeds.Vu}. Both are connected by {@link #attach} before the
 * script instance is made.
 */
public abstract class MeasuredVuContext implements VuContext {

  private VuMetrics metrics;
  private Feeds.Vu feeds;

  /**
   * Connects the VU's groups, checks, custom metrics and feeders.
   *
   * @param metrics where the VU's groups, checks, counters and trends are recorded
   * @param feeds the VU's view of the run's feeders
   */
  public void attach(VuMetrics metrics, Feeds.Vu feeds) {
    this.metrics = metrics;
    this.feeds = feeds;
  }

  @Override
  public void group(String name, Runnable block) {
    Objects.requireNonNull(block, "block");
    metrics.group(name, () -> {
      block.run();
      return null;
    });
  }

  @Override
  public <T> T group(String name, Supplier<T> block) {
    return metrics.group(name, block);
  }

  @Override
  public boolean check(String name, boolean passed) {
    return metrics.check(name, passed, null);
  }

  @Override
  public boolean check(String name, Runnable assertion) {
    return metrics.check(name, assertion);
  }

  @Override
  public Counter counter(String name) {
    return metrics.counter(name);
  }

  @Override
  public Trend trend(String name) {
    return metrics.trend(name);
  }

  @Override
  public Map<String, String> feed(String feeder) {
    return feeds.feed(feeder);
  }
}
