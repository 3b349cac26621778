package dev.constellation.maven.run;

/** Where a run's lines go: the build's console under Maven, a list in tests. */
public interface RunLog {

  /**
   * An ordinary line.
   *
   * @param line the text, without a line end
   */
  void info(String line);

  /**
   * A warning.
   *
   * @param line the text, without a line end
   */
  void warn(String line);
}
