package dev.constellation.aws;

import java.util.Objects;

/**
 * One thing preflight (or init) found wrong.
 *
 * @param region the region, or {@code global}
 * @param resource what is wrong, e.g. {@code default VPC}
 * @param problem what is wrong with it
 * @param fix what the user should do
 */
public record Problem(String region, String resource, String problem, String fix) {

  public Problem {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(fix, "fix");
  }

  /** One line: {@code [eu-west-1] default VPC: none in this region. Fix: …}. */
  public String line() {
    return "[" + region + "] " + resource + ": " + problem + ". Fix: " + fix;
  }
}
