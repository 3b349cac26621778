package dev.constellation.agent.feed;

/** A feeder that cannot be used: its file is missing or bad. Thrown before any load; the message names file, line and column. */
public final class FeederException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, where, and the fix
   */
  public FeederException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong, where, and the fix
   * @param cause the underlying error
   */
  public FeederException(String message, Throwable cause) {
    super(message, cause);
  }
}
