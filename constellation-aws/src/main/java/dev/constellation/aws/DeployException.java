package dev.constellation.aws;

import java.util.List;
import java.util.stream.Collectors;

/** Init, teardown or preflight failed; the message lists every problem found, one per line. */
public final class DeployException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  /**
   * An error listing problems.
   *
   * @param headline the first line, e.g. {@code Preflight found 2 problems; nothing was created}
   * @param problems the problems, at least one
   */
  public DeployException(String headline, List<Problem> problems) {
    super(headline + ":\n" + problems.stream().map(p -> "  - " + p.line()).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** An error about one problem, with the cause. */
  public DeployException(String headline, Problem problem, Throwable cause) {
    super(headline + ":\n  - " + problem.line(), cause);
    this.problems = List.of(problem);
  }

  /** The problems. */
  public List<Problem> problems() {
    return problems;
  }
}
