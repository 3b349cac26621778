package dev.constellation.maven.image.standin;

/** Stands for a Constellation jar in {@code /app/constellation}. */
public final class StandInConstellation {

  private StandInConstellation() {}

  /** The name of the layer this class is put in. */
  public static String name() {
    return "constellation jar from /app/constellation";
  }
}
