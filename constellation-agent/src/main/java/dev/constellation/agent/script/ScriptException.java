package dev.constellation.agent.script;

/** A script that cannot run as written; the message names the class, the problem and the fix. */
public final class ScriptException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the class, the problem and the fix
   */
  public ScriptException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message the class, the problem and the fix
   * @param cause what the script threw
   */
  public ScriptException(String message, Throwable cause) {
    super(message, cause);
  }
}
