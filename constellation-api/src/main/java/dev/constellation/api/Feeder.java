package dev.constellation.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a feeder (test data) on a {@link VirtualUser} class: rows from a CSV file with a header
 * line (RFC 4180: comma-separated, fields with commas, quotes or line breaks in double quotes, a
 * quote inside written twice) or a JSON-lines file (one JSON object per line; nested values are
 * given as their JSON text), in UTF-8. Scripts take rows with {@link VuContext#feed(String)}.
 *
 * <pre>{@code
 * @VirtualUser
 * @Feeder(name = "users", file = "users.csv", strategy = Feeder.Strategy.UNIQUE, columns = {"user", "password"})
 * public class LogIn {
 *   @Iteration
 *   void logIn(Http http, VuContext vu) { ... }
 * }
 * }</pre>
 *
 * <p>Every file is read through once before any load, and a bad file stops the run then, naming
 * the file, the line and the column (a missing column, a row with more or fewer fields than the
 * header, text that is not UTF-8, a line that is not a JSON object). Rows are then streamed from
 * the file as VUs take them: a file is never copied into every VU.
 *
 * @since 0.3
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(Feeders.class)
public @interface Feeder {

  /**
   * The name scripts take rows by, in {@link VuContext#feed(String)}, and the report shows.
   *
   * @return the name, not empty
   */
  String name();

  /**
   * The file: a resource on the test classpath ({@code users.csv} for
   * {@code src/test/resources/users.csv}), or else a path on the machine the agent runs on,
   * relative to its working directory. The format follows the extension: {@code .csv} for CSV,
   * {@code .jsonl} or {@code .ndjson} for JSON lines.
   *
   * @return the resource name or path
   */
  String file();

  /**
   * The columns every row must have; the file is refused before any load when its header (CSV)
   * or a row (JSON lines) lacks one. Empty: no column is required.
   *
   * @return the required column names
   */
  String[] columns() default {};

  /**
   * How rows are handed out.
   *
   * @return the strategy; {@link Strategy#CIRCULAR} when not given
   */
  Strategy strategy() default Strategy.CIRCULAR;

  /**
   * What happens when a {@link Strategy#UNIQUE unique} feeder has no row left for this agent.
   *
   * @return the reaction; {@link WhenExhausted#STOP_VU} when not given
   */
  WhenExhausted whenExhausted() default WhenExhausted.STOP_VU;

  /**
   * The seed of {@link Strategy#RANDOM}: the same seed, run id, region, agent and VU give the same
   * rows in the same order, so a run can be repeated. 0 (the default) derives the seed from the run
   * id, so every run draws differently; give a fixed seed to repeat draws across runs.
   *
   * @return the seed
   */
  long seed() default 0;

  /** How a feeder hands out its rows. */
  enum Strategy {
    /**
     * Each row is used by at most one call to {@link VuContext#feed(String)} in the whole
     * distributed run: the rows are split between every agent of every region in proportion to
     * their virtual users (row {@code i} goes to the agent owning slot {@code i mod total VUs}),
     * deterministically and without coordination, and the VUs of an agent take its rows in file
     * order. When an agent's share runs out, {@link Feeder#whenExhausted()} applies.
     */
    UNIQUE,
    /** Rows in file order, starting again at the first row after the last; shared by the VUs of an agent. */
    CIRCULAR,
    /**
     * A row drawn at random (uniformly, with replacement) for every call, from a generator per VU
     * seeded from {@link Feeder#seed()} (or the run id), the region, the agent index and the VU
     * index, so a run with the same seed repeats its draws.
     */
    RANDOM
  }

  /** What happens when a unique feeder runs out, for the VU that asked for a row. */
  enum WhenExhausted {
    /** The VU stops; its current iteration is abandoned and not counted. Other VUs go on. */
    STOP_VU,
    /** The iteration fails (counted as a failed iteration, {@code FeederExhaustedException}); the VU goes on with its next one. */
    FAIL_ITERATION,
    /** This agent ends its run as at the end of its duration: no VU starts another iteration. */
    END_RUN
  }
}
