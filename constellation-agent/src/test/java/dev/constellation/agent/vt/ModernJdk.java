package dev.constellation.agent.vt;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a JDK of feature release 21 or later (virtual threads; what the agent image runs) for the
 * tests of the agent's virtual-thread path, the way the build machine describes its JDKs: several
 * under {@code /usr/lib/jvm}, chosen per build through {@code JAVA_HOME}. In order: the system
 * property {@code constellation.jdk21.home}, the environment variable {@code CONSTELLATION_JDK21_HOME},
 * {@code JAVA_HOME} and this JVM itself if they are 21+, then the newest 21+ JDK under
 * {@code /usr/lib/jvm} (read from each JDK's {@code release} file). When none is found the test is
 * skipped, except in CI ({@code CI=true}), where it fails: CI must cover the path the image runs.
 */
public final class ModernJdk {

  /** The lowest feature release with virtual threads (JEP 444). */
  public static final int MIN_FEATURE = 21;

  private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)", Pattern.MULTILINE);

  private ModernJdk() {}

  /** The {@code java} launcher of a 21+ JDK; skips (or fails in CI) when there is none. */
  public static Path java() {
    Optional<Path> home = find();
    if (home.isEmpty()) {
      String why = "no JDK " + MIN_FEATURE + "+ found (constellation.jdk21.home, CONSTELLATION_JDK21_HOME, JAVA_HOME,"
          + " /usr/lib/jvm/*) for the agent's virtual-thread path";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + "; CI must run it: install one (e.g. apt-get install openjdk-21-jdk-headless) or set CONSTELLATION_JDK21_HOME");
      }
      Assumptions.abort(why);
    }
    return home.get().resolve("bin").resolve("java");
  }

  /** The home of a 21+ JDK, if one is found. */
  public static Optional<Path> find() {
    List<String> given = new ArrayList<>();
    given.add(System.getProperty("constellation.jdk21.home"));
    given.add(System.getenv("CONSTELLATION_JDK21_HOME"));
    for (String g : given) {
      if (g != null && !g.isBlank()) {
        Path home = Paths.get(g.trim());
        if (feature(home) < MIN_FEATURE) {
          fail("the JDK given at " + home + " is not a JDK " + MIN_FEATURE + "+ (no bin/java, or its release file says "
              + feature(home) + ")");
        }
        return Optional.of(home);
      }
    }
    List<Path> candidates = new ArrayList<>();
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      candidates.add(Paths.get(javaHome));
    }
    candidates.add(Paths.get(System.getProperty("java.home")));
    for (Path c : candidates) {
      if (feature(c) >= MIN_FEATURE) {
        return Optional.of(c);
      }
    }
    Path jvms = Paths.get("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(jvms)) {
      return dirs.filter(d -> feature(d) >= MIN_FEATURE)
          .max(Comparator.<Path>comparingInt(ModernJdk::feature).thenComparing(Path::toString));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The feature release of the JDK at home (its release file), or 0 if it is not a runnable JDK. */
  static int feature(Path home) {
    try {
      if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
        return 0;
      }
      Matcher m = VERSION.matcher(Files.readString(home.resolve("release")));
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
