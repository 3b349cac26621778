package dev.constellation.api;

/**
 * Thrown by {@link VuContext#feed(String)} when a {@link Feeder.Strategy#UNIQUE unique} feeder has
 * no row left for this agent. The agent handles it as the feeder's {@link Feeder#whenExhausted()}
 * says; a script need not catch it.
 *
 * @since 0.3
 */
public class FeederExhaustedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The feeder that ran out. */
  private final String feeder;

  /** What the agent does about it. */
  private final Feeder.WhenExhausted whenExhausted;

  /**
   * Creates the exception.
   *
   * @param feeder the feeder's name
   * @param whenExhausted what the agent does about it
   * @param message what ran out, for the report
   */
  public FeederExhaustedException(String feeder, Feeder.WhenExhausted whenExhausted, String message) {
    super(message);
    this.feeder = feeder;
    this.whenExhausted = whenExhausted;
  }

  /**
   * The feeder that ran out.
   *
   * @return its {@link Feeder#name()}
   */
  public String feeder() {
    return feeder;
  }

  /**
   * What the agent does about it.
   *
   * @return the feeder's {@link Feeder#whenExhausted()}
   */
  public Feeder.WhenExhausted whenExhausted() {
    return whenExhausted;
  }
}
