package dev.constellation.agent;

import dev.constellation.api.VuContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** One virtual user's {@link VuContext}; pauses end early when the agent stops. */
final class VuContextImpl extends MeasuredVuContext {

  private final AgentConfig config;
  private final int vuIndex;
  private final StopSignal stop;
  private volatile long iteration = -1;

  VuContextImpl(AgentConfig config, int vuIndex, StopSignal stop) {
    this.config = config;
    this.vuIndex = vuIndex;
    this.stop = stop;
  }

  void iteration(long i) {
    this.iteration = i;
  }

  @Override
  public String runId() {
    return config.runId();
  }

  @Override
  public String region() {
    return config.region();
  }

  @Override
  public int agentIndex() {
    return config.agentIndex();
  }

  @Override
  public int agentCount() {
    return config.agentCount();
  }

  @Override
  public int vuIndex() {
    return vuIndex;
  }

  @Override
  public long iteration() {
    return iteration;
  }

  @Override
  public String baseUrl() {
    return config.baseUrl();
  }

  @Override
  public Optional<String> parameter(String key) {
    return Optional.ofNullable(config.parameters().get(key));
  }

  @Override
  public void pause(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    stop.awaitFor(duration);
  }

  @Override
  public void pause(Duration min, Duration max) {
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("pause(min, max): max " + max + " is shorter than min " + min);
    }
    long span = max.toNanos() - min.toNanos();
    pause(min.plusNanos(span == 0 ? 0 : ThreadLocalRandom.current().nextLong(span + 1)));
  }
}
