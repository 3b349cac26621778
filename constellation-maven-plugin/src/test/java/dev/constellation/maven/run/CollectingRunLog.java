package dev.constellation.maven.run;

import java.util.List;

/** A {@link RunLog} for tests that adds every line to a list the test reads. */
public final class CollectingRunLog {

  private CollectingRunLog() {
  }

  /** Info lines and warnings as they are, in order. */
  public static RunLog into(List<String> lines) {
    return into(lines, "");
  }

  /** Info lines as they are, warnings with the prefix {@code "WARN "}, in order. */
  public static RunLog markingWarnings(List<String> lines) {
    return into(lines, "WARN ");
  }

  private static RunLog into(List<String> lines, String warningPrefix) {
    return new RunLog() {
      @Override
      public void info(String line) {
        lines.add(line);
      }

      @Override
      public void warn(String line) {
        lines.add(warningPrefix + line);
      }
    };
  }
}
