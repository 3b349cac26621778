package dev.constellation.agent.junit;

import dev.constellation.api.VuContext;
import java.time.Duration;
import java.util.Optional;

/** The context of the single VU of a smoke run: pauses are skipped, parameters come from system properties. */
final class SmokeContext implements VuContext {

  private final String baseUrl;
  private long iteration = -1;
  private dev.constellation.agent.record.VuMetrics metrics;
  private dev.constellation.agent.feed.Feeds.Vu feeds;

  SmokeContext(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Connects the VU's groups, checks, custom metrics and feeders. */
  void attach(dev.constellation.agent.record.VuMetrics metrics, dev.constellation.agent.feed.Feeds.Vu feeds) {
    this.metrics = metrics;
    this.feeds = feeds;
  }

  void iteration(long i) {
    iteration = i;
  }

  @Override
  public String runId() {
    return "smoke";
  }

  @Override
  public String region() {
    return "local";
  }

  @Override
  public int agentIndex() {
    return 0;
  }

  @Override
  public int agentCount() {
    return 1;
  }

  @Override
  public int vuIndex() {
    return 0;
  }

  @Override
  public long iteration() {
    return iteration;
  }

  @Override
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public Optional<String> parameter(String key) {
    return Optional.ofNullable(System.getProperty("constellation.param." + key));
  }

  @Override
  public void pause(Duration duration) {
    // a smoke run checks that the script works; think time would only slow the build
  }

  @Override
  public void pause(Duration min, Duration max) {
    // as above
  }

  @Override
  public void group(String name, Runnable block) {
    java.util.Objects.requireNonNull(block, "block");
    metrics.group(name, () -> {
      block.run();
      return null;
    });
  }

  @Override
  public <T> T group(String name, java.util.function.Supplier<T> block) {
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
  public dev.constellation.api.Counter counter(String name) {
    return metrics.counter(name);
  }

  @Override
  public dev.constellation.api.Trend trend(String name) {
    return metrics.trend(name);
  }

  @Override
  public java.util.Map<String, String> feed(String feeder) {
    return feeds.feed(feeder);
  }
}
