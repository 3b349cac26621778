package dev.constellation.maven.image.standin;

/** Stands for a third-party jar in {@code /app/libs}. */
public final class StandInLibrary {

  private StandInLibrary() {}

  /** The name of the layer this class is put in. */
  public static String name() {
    return "library from /app/libs";
  }
}
