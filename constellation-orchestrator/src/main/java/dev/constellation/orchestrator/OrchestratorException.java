package dev.constellation.orchestrator;

/**
 * A request the orchestrator refused, or an orchestrator that could not be reached. {@link #code()}
 * is the machine-readable reason (the {@code "error"} field on the wire, e.g. {@code unknown-run},
 * {@code agent-not-expected}, {@code unreachable}); the message says what was wrong and how to fix it.
 *
 * @since 0.1.0
 */
public final class OrchestratorException extends Exception {

  private static final long serialVersionUID = 1L;

  /** A required field is missing or has a bad value. */
  public static final String BAD_REQUEST = "bad-request";
  /** The {@code action} field names no known action. */
  public static final String UNKNOWN_ACTION = "unknown-action";
  /** No run with that id was reset (created). */
  public static final String UNKNOWN_RUN = "unknown-run";
  /** The run expects no agents in that region. */
  public static final String UNKNOWN_REGION = "unknown-region";
  /** The region already has all the agents it expects, and this agent is not one of them. */
  public static final String AGENT_NOT_EXPECTED = "agent-not-expected";
  /** An agent ended without having registered. */
  public static final String NOT_REGISTERED = "not-registered";
  /** The orchestrator could not be reached or answered something that is not an orchestrator reply. */
  public static final String UNREACHABLE = "unreachable";
  /** The run was aborted: not every agent registered before the deadline. */
  public static final String ABORTED = "aborted";
  /** The orchestrator failed inside (e.g. its state store). */
  public static final String INTERNAL = "internal";

  private final String code;

  /**
   * An exception with a code and a message.
   *
   * @param code the reason, one of the constants of this class
   * @param message what went wrong and how to fix it
   */
  public OrchestratorException(String code, String message) {
    super(message);
    this.code = code;
  }

  /**
   * An exception with a code, a message and a cause.
   *
   * @param code the reason, one of the constants of this class
   * @param message what went wrong and how to fix it
   * @param cause the underlying failure
   */
  public OrchestratorException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The machine-readable reason, e.g. {@code unknown-run}. */
  public String code() {
    return code;
  }
}
