package dev.constellation.maven.run;

import java.util.List;

/** Bad run settings, found before anything is started; the message lists every problem, its value and the fix. */
public final class PlanException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * A refusal.
   *
   * @param problems one line per problem
   */
  public PlanException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem. */
  public List<String> problems() {
    return problems;
  }
}
