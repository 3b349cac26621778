package dev.constellation.aws;

/**
 * Receives init and teardown progress as it happens; the Maven goals print it. Called from
 * several threads at once (regions run in parallel): implementations must be thread-safe.
 */
public interface StepListener {

  /**
   * A resource was handled.
   *
   * @param step what happened
   */
  void step(Step step);

  /**
   * Something the user should read before it is too late (e.g. results are about to be deleted).
   *
   * @param message one sentence
   */
  void warn(String message);

  /**
   * A fact worth showing (e.g. the results store chosen and why).
   *
   * @param message one sentence
   */
  void info(String message);

  /** A listener that drops everything. */
  static StepListener silent() {
    return new StepListener() {
      @Override
      public void step(Step step) {}

      @Override
      public void warn(String message) {}

      @Override
      public void info(String message) {}
    };
  }
}
