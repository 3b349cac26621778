package dev.constellation.api;

import java.time.Duration;
import java.util.Optional;

/**
 * What a virtual user knows about itself and its run, and its think time.
 *
 * <p>Injected like {@link Http}: through the constructor, a field, or as the single parameter of
 * an {@link Iteration}, {@link BeforeVirtualUser} or {@link AfterVirtualUser} method.
 *
 * @since 0.1
 */
public interface VuContext {

  /**
   * The run's id, the same in every region and agent.
   *
   * @return the run id
   */
  String runId();

  /**
   * The region this virtual user runs in ({@code "local"} for a one-region local run).
   *
   * @return the region name
   */
  String region();

  /**
   * This agent's index within its region, from 0.
   *
   * @return the agent index
   */
  int agentIndex();

  /**
   * How many agents run in this region.
   *
   * @return the agent count, 1 or more
   */
  int agentCount();

  /**
   * This virtual user's index within its agent, from 0.
   *
   * @return the VU index
   */
  int vuIndex();

  /**
   * The current iteration of this virtual user, from 0; -1 during {@link BeforeVirtualUser}.
   *
   * @return the iteration number
   */
  long iteration();

  /**
   * The base URL that relative request paths resolve against.
   *
   * @return the base URL, such as {@code "http://127.0.0.1:8080"}
   */
  String baseUrl();

  /**
   * A run parameter given with {@code -Dconstellation.param.<key>=<value>} or
   * {@code <parameters>} in the pom.
   *
   * @param key the parameter name
   * @return the value, or empty when not set
   */
  Optional<String> parameter(String key);

  /**
   * Think time: pauses this virtual user. Returns early, without error, when the test ends.
   *
   * @param duration how long to pause
   */
  void pause(Duration duration);

  /**
   * Think time drawn uniformly between two bounds.
   *
   * @param min the shortest pause
   * @param max the longest pause, not less than {@code min}
   */
  void pause(Duration min, Duration max);
}
