package dev.constellation.maven.run;

import java.util.Locale;

/** Where a run's agents run: on this machine, or as ECS Fargate tasks in AWS regions. */
public enum Target {
  /** One agent JVM per region on this machine. */
  LOCAL,
  /** Agents as ECS tasks in each region, started together by the orchestrator Lambda. */
  AWS;

  /** The name users write: {@code local} or {@code aws}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a target name.
   *
   * @param text {@code local} or {@code aws}, any case
   * @return the target, or null when the text names none
   */
  public static Target parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (Target target : values()) {
      if (target.key().equals(t)) {
        return target;
      }
    }
    return null;
  }
}
