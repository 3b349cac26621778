package dev.constellation.agent.runtime;

import java.io.PrintStream;

/** The agent's only way to the console: one line per message, errors with a marker the plugin reads. */
public final class Console {

  /** Prefix of the line that carries a fatal error to the plugin. */
  public static final String ERROR_MARKER = "CONSTELLATION-ERROR ";

  private static final PrintStream OUT = System.out;
  private static final PrintStream ERR = System.err;

  private Console() {}

  /** An informational line. */
  public static void info(String message) {
    OUT.println(message);
  }

  /** A warning line. */
  public static void warn(String message) {
    ERR.println("WARNING: " + message);
  }

  /** The fatal error that ends the agent, in one line the plugin can pick up. */
  public static void fatal(String message) {
    ERR.println(ERROR_MARKER + message.replace('\n', ' '));
  }
}
