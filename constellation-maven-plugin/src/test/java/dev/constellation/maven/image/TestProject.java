package dev.constellation.maven.image;

import dev.constellation.maven.image.standin.StandInAgentMain;
import dev.constellation.maven.image.standin.StandInConstellation;
import dev.constellation.maven.image.standin.StandInLibrary;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A user project on disk for image tests: a third-party jar, a Constellation jar, a main classes
 * folder holding a resource, and a test classes folder holding the stand-in agent's main class.
 */
record TestProject(Path root, Path libraryJar, Path constellationJar, Path classes,
    Path testClasses) {

  static final String STAND_IN_MAIN = StandInAgentMain.class.getName();
  private static final String PACKAGE_DIR = "dev/constellation/maven/image/standin/";

  static TestProject create(Path root) throws IOException {
    Path compiled = compiledTestClasses();
    Path libs = Files.createDirectories(root.resolve("repo"));
    Path libraryJar = jar(libs.resolve("stand-in-library-1.0.jar"), compiled,
        PACKAGE_DIR + StandInLibrary.class.getSimpleName() + ".class");
    Path constellationJar = jar(libs.resolve("constellation-agent-0.1.0-SNAPSHOT.jar"), compiled,
        PACKAGE_DIR + StandInConstellation.class.getSimpleName() + ".class");
    Path classes = root.resolve("target/classes");
    copy(compiled, classes, PACKAGE_DIR + "greeting.txt");
    Path testClasses = root.resolve("target/test-classes");
    copy(compiled, testClasses, PACKAGE_DIR + StandInAgentMain.class.getSimpleName() + ".class");
    return new TestProject(root, libraryJar, constellationJar, classes, testClasses);
  }

  /** A spec for this project on the given base, with the stand-in agent as main class. */
  ImageSpec.Builder spec(String base) {
    return ImageSpec.builder()
        .baseImage(base)
        .dependencyJars(List.of(libraryJar))
        .constellationJars(List.of(constellationJar))
        .classesDirectory(classes)
        .testClassesDirectory(testClasses)
        .mainClass(STAND_IN_MAIN)
        .jvmFlags(List.of("-Xss512k", "-XX:+UseSerialGC"))
        .labels(java.util.Map.of("dev.constellation.test", "yes"))
        .allowInsecureRegistries(true);
  }

  /** Adds or changes a script file in the test classes folder, as an edit of one script would. */
  void editScript(String content) throws IOException {
    Path script = testClasses.resolve(PACKAGE_DIR + "EditedScript.txt");
    Files.createDirectories(script.getParent());
    Files.writeString(script, content, StandardCharsets.UTF_8);
  }

  private static Path compiledTestClasses() {
    try {
      return Path.of(StandInAgentMain.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path jar(Path jar, Path from, String entry) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out)) {
      JarEntry e = new JarEntry(entry);
      e.setTime(0);
      zip.putNextEntry(e);
      zip.write(Files.readAllBytes(from.resolve(entry)));
      zip.closeEntry();
    }
    return jar;
  }

  private static void copy(Path fromRoot, Path toRoot, String entry) throws IOException {
    Path target = toRoot.resolve(entry);
    Files.createDirectories(target.getParent());
    Files.copy(fromRoot.resolve(entry), target);
  }
}
