package dev.constellation.maven.image;

/**
 * The agent image could not be built or pushed because of a setting the user can change.
 *
 * <p>The message names the setting (a pom element such as {@code <base>}), the value that
 * was used and what to do next; {@link #setting()} and {@link #value()} give the first two to
 * callers that map the error (the mojos turn it into a {@code MojoExecutionException}).
 */
public final class ImageException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String setting;
  private final String value;
  private final String problem;
  private final String fix;

  /**
   * Creates the error.
   *
   * @param setting the pom element at fault, for example {@code <base>}
   * @param value the value that was used
   * @param problem what went wrong, one sentence without a trailing period
   * @param fix what the user should do next
   * @param cause the underlying failure, or {@code null}
   */
  public ImageException(String setting, String value, String problem, String fix, Throwable cause) {
    super(setting + " = " + value + ": " + problem + ". " + fix, cause);
    this.setting = setting;
    this.value = value;
    this.problem = problem;
    this.fix = fix;
  }

  /** The pom element at fault, for example {@code <registry>}. */
  public String setting() {
    return setting;
  }

  /** The value of {@link #setting()} that was used. */
  public String value() {
    return value;
  }

  /** What went wrong, without the setting and the fix. */
  public String problem() {
    return problem;
  }

  /** What the user should do next. */
  public String fix() {
    return fix;
  }
}
