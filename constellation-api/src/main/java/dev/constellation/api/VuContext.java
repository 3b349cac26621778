package dev.constellation.api;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

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

  /**
   * Runs a block of the iteration as a named <em>group</em>, measured as a whole: how many times
   * it ran, how many failed, and its duration (from entering the block to leaving it, in
   * microseconds, merged as an HdrHistogram like request latencies). A group fails when the block
   * throws (the exception is rethrown, so the iteration fails as it would without the group) or
   * when a request inside it failed (status 400 or more, or no response), or a check inside it
   * failed. Groups nest: a group {@code "pay"} inside {@code "checkout"} is recorded as
   * {@code "checkout::pay"}, and the outer group's time includes the inner one's.
   *
   * <p>Names are bounded like request names: past {@code <maxRequestNames>} distinct group
   * names, further ones are folded into {@code "(other names)"}.
   *
   * @param name the group's name, not empty and without {@code "::"}
   * @param block what the group does
   * @throws IllegalArgumentException when the name is empty or holds {@code "::"}
   */
  void group(String name, Runnable block);

  /**
   * Runs a block as a named group (see {@link #group(String, Runnable)}) and returns its result.
   *
   * @param <T> the block's result type
   * @param name the group's name, not empty and without {@code "::"}
   * @param block what the group does
   * @return what the block returned
   * @throws IllegalArgumentException when the name is empty or holds {@code "::"}
   */
  <T> T group(String name, Supplier<T> block);

  /**
   * Counts a <em>check</em>: a condition that is counted pass or fail under its name but, unlike an
   * assertion, does not stop the iteration. Checks appear in the report per name (passes, fails,
   * pass rate) and in thresholds ({@code checks > 99%}, {@code [check=cart has items] checks == 100%}).
   * A failed check also fails the group it is in, not the iteration.
   *
   * @param name the check's name, not empty
   * @param passed whether the condition held
   * @return {@code passed}, so that the script can act on it
   */
  boolean check(String name, boolean passed);

  /**
   * Counts a check written as assertions, AssertJ or JUnit style (a soft assertion): the check
   * passes when {@code assertion} returns normally and fails when it throws an
   * {@link AssertionError}, whose message is kept in the report like a failed iteration's
   * message. Any other exception is not a check failure and is rethrown.
   *
   * <pre>{@code
   * vu.check("cart has items", () -> assertThat(cart.items()).isNotEmpty());
   * }</pre>
   *
   * @param name the check's name, not empty
   * @param assertion the assertions to run
   * @return whether the check passed
   */
  boolean check(String name, Runnable assertion);

  /**
   * A custom <em>counter</em> of this run: a sum that scripts add whole numbers to, such as orders
   * placed. Counters are summed exactly over every VU, agent and region; the report shows the total
   * and its rate per second, and thresholds can test both ({@code [counter=orders] count > 100}).
   *
   * @param name the counter's name, not empty
   * @return the counter; the same one for the same name
   */
  Counter counter(String name);

  /**
   * A custom <em>trend</em> of this run: a distribution of whole numbers ({@code 0} to
   * {@code 3_600_000_000}) that scripts record, such as a queue depth or a server-reported time.
   * Values are merged as HdrHistograms (3 significant digits) over every VU, agent and region, so
   * the report's percentiles are those of one histogram fed every value; thresholds can test them
   * ({@code [trend=queue_depth] p(95) < 40}).
   *
   * @param name the trend's name, not empty
   * @return the trend; the same one for the same name
   */
  Trend trend(String name);

  /**
   * Takes the next row of a feeder declared on the script class with {@link Feeder}. The row maps
   * each column name to its value. Which row comes next depends on the feeder's
   * {@link Feeder#strategy()}; call it in an {@link Iteration} method for a row per iteration, or
   * in a {@link BeforeVirtualUser} method for one row per virtual user.
   *
   * <p>When a {@link Feeder.Strategy#UNIQUE unique} feeder has no row left for this agent, what
   * happens is the feeder's {@link Feeder#whenExhausted()}: this call throws
   * {@link FeederExhaustedException}, which the agent turns into stopping this VU, a failed
   * iteration or the end of the run on this agent; each such call is counted in the report.
   *
   * @param feeder the feeder's {@link Feeder#name()}
   * @return the row, column name to value, in the file's column order; unmodifiable
   * @throws IllegalArgumentException when the script class declares no feeder of that name
   * @throws FeederExhaustedException when a unique feeder has no row left for this agent
   */
  Map<String, String> feed(String feeder);
}
