package dev.constellation.testservices;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for a tool a test needs that is not on this machine (docker-registry, Chromium): on a
 * developer's machine the test is skipped with a message that says how to install it; in CI
 * ({@code CI=true}, where .ci/run installs it) the test fails instead, so a suite cannot pass there by
 * skipping.
 */
public final class Required {

  /** Executable names Chromium has on Debian ({@code chromium}) and Ubuntu ({@code chromium-browser}). */
  static final String[] CHROMIUM_NAMES = {"chromium", "chromium-browser"};

  private Required() {
  }

  /** Whether this is CI: the environment variable {@code CI} is {@code true}. */
  public static boolean inCi() {
    return inCi(System.getenv());
  }

  static boolean inCi(Map<String, String> env) {
    return "true".equals(env.get("CI"));
  }

  /**
   * Ends the calling test because a tool is missing: skipped (a JUnit abort) outside CI, failed in CI.
   *
   * @param message what is missing and how to install it
   * @return never returns; declared so callers can write {@code throw Required.missing(...)}
   */
  public static RuntimeException missing(String message) {
    return missing(message, inCi());
  }

  static RuntimeException missing(String message, boolean ci) {
    if (ci) {
      Assertions.fail(message + " (CI=true: a missing tool fails the test instead of skipping it)");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** Returns {@code binary} when it is an executable file; otherwise {@link #missing(String)}. */
  public static Path executable(Path binary, String message) {
    if (!Files.isExecutable(binary)) {
      throw missing(message);
    }
    return binary;
  }

  /**
   * Headless Chromium: the first {@code chromium} or {@code chromium-browser} executable on {@code
   * PATH}; when there is none, {@link #missing(String)} (the test is skipped, or fails in CI).
   *
   * @param test the test that needs it, for the message
   */
  public static Path chromium(String test) {
    return chromium(test, System.getenv());
  }

  static Path chromium(String test, Map<String, String> env) {
    return onPath(env.getOrDefault("PATH", ""), CHROMIUM_NAMES).orElseThrow(() -> missing(
        "no chromium or chromium-browser on PATH (" + env.getOrDefault("PATH", "") + "); " + test
            + " needs headless Chromium: apt-get install -y chromium", inCi(env)));
  }

  /** The first of {@code names} that is an executable file in a folder of {@code path} (folders in order). */
  static Optional<Path> onPath(String path, String... names) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      for (String name : names) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
