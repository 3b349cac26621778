package dev.constellation.agent.junit;

import dev.constellation.agent.MeasuredVuContext;
import java.time.Duration;
import java.util.Optional;

/** The context of the single VU of a smoke run: pauses are skipped, parameters come from system properties. */
final class SmokeContext extends MeasuredVuContext {

  private final String baseUrl;
  private long iteration = -1;

  SmokeContext(String baseUrl) {
    this.baseUrl = baseUrl;
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
}
