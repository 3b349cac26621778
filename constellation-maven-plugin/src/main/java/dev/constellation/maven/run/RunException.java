package dev.constellation.maven.run;

/** A run that could not be carried out or whose agents failed; the message says what and where its results are. */
public final class RunException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * A failure.
   *
   * @param message what went wrong and what to do
   */
  public RunException(String message) {
    super(message);
  }

  /**
   * A failure with its cause.
   *
   * @param message what went wrong and what to do
   * @param cause the underlying error
   */
  public RunException(String message, Throwable cause) {
    super(message, cause);
  }
}
