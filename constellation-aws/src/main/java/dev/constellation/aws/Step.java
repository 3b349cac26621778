package dev.constellation.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * One thing init or teardown did (or, in a dry run, would do) to one resource.
 *
 * @param region the region, or {@code global} for IAM
 * @param resource what, e.g. {@code ECS cluster constellation}
 * @param outcome what happened
 * @param elapsed how long the step took
 * @param detail extra words for the reader, may be empty
 */
public record Step(String region, String resource, Outcome outcome, Duration elapsed, String detail) {

  /** What happened to the resource. */
  public enum Outcome {
    /** It did not exist and was created. */
    CREATED("created"),
    /** It existed and was changed to match. */
    UPDATED("updated"),
    /** It existed as wanted; nothing was changed. */
    UNCHANGED("unchanged"),
    /** It was deleted. */
    DELETED("deleted"),
    /** There was nothing to delete. */
    ABSENT("not there"),
    /** Kept on purpose (e.g. results with keepResults). */
    KEPT("kept"),
    /** Dry run: would be created. */
    WOULD_CREATE("would create"),
    /** Dry run: would be updated. */
    WOULD_UPDATE("would update"),
    /** Dry run: would be deleted. */
    WOULD_DELETE("would delete");

    private final String words;

    Outcome(String words) {
      this.words = words;
    }

    /** The outcome as printed. */
    public String words() {
      return words;
    }

    /** Whether the step changed something in the account. */
    public boolean changed() {
      return this == CREATED || this == UPDATED || this == DELETED;
    }
  }

  public Step {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(elapsed, "elapsed");
    detail = detail == null ? "" : detail;
  }

  /** One line for a person: {@code eu-west-1  ECS cluster constellation  created  (1.2 s)}. */
  public String line() {
    return String.format("%-15s %-55s %-13s (%.1f s)%s", region, resource, outcome.words(),
        elapsed.toMillis() / 1000.0, detail.isEmpty() ? "" : " " + detail);
  }
}
