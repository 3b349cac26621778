package dev.constellation.orchestrator;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code test-reset} creates a run from.
 *
 * @param runId the run
 * @param expected agents expected per region, each at least 1
 * @param startBufferMs how long after the last registration the run starts (default 3000)
 * @param registrationDeadlineMs how long after the reset every agent must have registered, else
 *     the run aborts (default 300000)
 * @since 0.1.0
 */
public record RunSetup(
    String runId, Map<String, Integer> expected, long startBufferMs, long registrationDeadlineMs) {

  /** The start buffer used when none is given: 3 s, enough for local runs. */
  public static final long DEFAULT_START_BUFFER_MS = 3_000;
  /** The registration deadline used when none is given: 5 minutes. */
  public static final long DEFAULT_REGISTRATION_DEADLINE_MS = 300_000;

  /** Copies the expected map, sorted by region. */
  public RunSetup {
    expected = Collections.unmodifiableMap(new TreeMap<>(expected));
  }

  /**
   * A setup with the default start buffer and deadline.
   *
   * @param runId the run
   * @param expected agents expected per region
   * @return the setup
   */
  public static RunSetup of(String runId, Map<String, Integer> expected) {
    return new RunSetup(runId, expected, DEFAULT_START_BUFFER_MS, DEFAULT_REGISTRATION_DEADLINE_MS);
  }
}
