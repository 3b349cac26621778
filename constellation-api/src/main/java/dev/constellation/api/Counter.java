package dev.constellation.api;

/**
 * A custom counter: a sum of whole numbers that scripts add to, merged exactly over every virtual
 * user, agent and region. Get one with {@link VuContext#counter(String)}. Safe to use from any
 * thread.
 *
 * @since 0.3
 */
public interface Counter {

  /**
   * Adds to the counter.
   *
   * @param amount how much to add, 0 or more (a counter only grows)
   * @throws IllegalArgumentException when {@code amount} is negative
   */
  void add(long amount);

  /** Adds one to the counter. */
  default void increment() {
    add(1);
  }

  /**
   * The counter's name.
   *
   * @return the name given to {@link VuContext#counter(String)}
   */
  String name();
}
