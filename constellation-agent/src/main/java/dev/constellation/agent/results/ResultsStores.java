package dev.constellation.agent.results;

import java.util.Locale;
import java.util.Objects;

/**
 * Chooses the results store of a run from {@code <resultsStore>auto|timestream|s3|local</resultsStore>}:
 * {@code auto} is the local directory for local runs and, for AWS runs, Timestream where the account
 * can use it, otherwise S3. Every choice comes with a sentence saying why.
 */
public final class ResultsStores {

  private ResultsStores() {}

  /** The stores a run can use. */
  public enum Kind {
    /** Decide from the run mode and the account. */
    AUTO,
    /** Amazon Timestream for LiveAnalytics in the home region. */
    TIMESTREAM,
    /** An S3 bucket in the home region. */
    S3,
    /** JSON-lines files on this machine. */
    LOCAL;

    /** The value as written in the pom, e.g. {@code timestream}. */
    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What a Timestream check found.
   *
   * @param available whether the account can write and query Timestream in the home region
   * @param reason why, in one sentence
   */
  public record Availability(boolean available, String reason) {
    public Availability {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Asks AWS whether Timestream can be used (see the timestream package for the real check). */
  @FunctionalInterface
  public interface TimestreamCheck {
    /**
     * Runs the check. Must not throw: failures become an unavailable answer with the reason.
     *
     * @return the answer
     */
    Availability check();
  }

  /**
   * The chosen store.
   *
   * @param store never {@link Kind#AUTO}
   * @param reason why this store, for the run's console output
   */
  public record Choice(Kind store, String reason) {
    public Choice {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(reason, "reason");
      if (store == Kind.AUTO) {
        throw new IllegalArgumentException("a choice names a concrete store, not auto");
      }
    }
  }

  /**
   * Parses the configured value.
   *
   * @param value {@code auto}, {@code timestream}, {@code s3} or {@code local} (any case); null or blank means auto
   * @return the kind
   * @throws IllegalArgumentException naming the element, the bad value and the accepted ones
   */
  public static Kind parse(String value) {
    if (value == null || value.isBlank()) {
      return Kind.AUTO;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (Kind k : Kind.values()) {
      if (k.configValue().equals(v)) {
        return k;
      }
    }
    throw new IllegalArgumentException("<resultsStore>" + value + "</resultsStore> is not a results store; "
        + "use auto, timestream, s3 or local (property constellation.resultsStore)");
  }

  /**
   * Chooses the store.
   *
   * @param configured the configured value (see {@link #parse(String)})
   * @param awsRun whether agents run on AWS (false: on this machine)
   * @param timestream the check run when {@code auto} has to decide between Timestream and S3
   * @return the store and the reason
   */
  public static Choice choose(String configured, boolean awsRun, TimestreamCheck timestream) {
    Kind kind = parse(configured);
    if (kind != Kind.AUTO) {
      return new Choice(kind, "<resultsStore> is set to " + kind.configValue());
    }
    if (!awsRun) {
      return new Choice(Kind.LOCAL, "local runs keep results on this machine (<resultsStore>auto)");
    }
    Availability a;
    try {
      a = timestream.check();
    } catch (RuntimeException e) {
      a = new Availability(false, "the Timestream check failed: " + e);
    }
    if (a.available()) {
      return new Choice(Kind.TIMESTREAM, a.reason());
    }
    return new Choice(Kind.S3, a.reason() + "; using S3 instead (set <resultsStore>s3 to skip this check)");
  }
}
