package dev.constellation.maven.image.standin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Plays the agent in the image-runs test: uses a class from every layer and writes one line. */
public final class StandInAgentMain {

  private StandInAgentMain() {}

  /** Writes the line to the file named by the first argument and prints it. */
  public static void main(String[] args) throws IOException {
    String greeting;
    try (InputStream in = StandInAgentMain.class.getResourceAsStream("greeting.txt")) {
      greeting = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    String line = "stand-in agent ran: " + greeting + " / " + StandInLibrary.name() + " / "
        + StandInConstellation.name() + " / args=" + String.join(",", args);
    System.out.println(line);
    Files.writeString(Path.of(args[0]), line);
  }
}
