package dev.constellation.maven.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Lays the project's files out in the image's four layers, least often changed first. */
final class AgentLayers {

  static final String LIBS = "/app/libs";
  static final String CONSTELLATION = "/app/constellation";
  static final String CLASSES = "/app/classes";
  static final String TEST_CLASSES = "/app/test-classes";

  /** The java classpath of the entrypoint: scripts first, then the project, the agent, libraries. */
  static final String CLASSPATH =
      TEST_CLASSES + ":" + CLASSES + ":" + CONSTELLATION + "/*:" + LIBS + "/*";

  /** One file placed at one absolute path in the image. */
  record Entry(Path source, String target) {}

  /** One layer: a name for logs and its entries, sorted by target path. */
  record Layer(String name, List<Entry> entries) {}

  private AgentLayers() {}

  /** The non-empty layers of the spec, in the order they are stacked. */
  static List<Layer> plan(ImageSpec spec) throws ImageException {
    List<Layer> layers = new ArrayList<>();
    addIfNotEmpty(layers, new Layer("dependencies", jars(spec.dependencyJars(), LIBS, "<dependencies>")));
    addIfNotEmpty(
        layers,
        new Layer("constellation", jars(spec.constellationJars(), CONSTELLATION, "<dependencies>")));
    addIfNotEmpty(
        layers,
        new Layer("classes", directory(spec.classesDirectory(), CLASSES, "<build><outputDirectory>")));
    addIfNotEmpty(
        layers,
        new Layer(
            "test-classes",
            directory(spec.testClassesDirectory(), TEST_CLASSES, "<build><testOutputDirectory>")));
    return List.copyOf(layers);
  }

  /** The entrypoint: {@code java <flags> -cp <classpath> <main class>}. */
  static List<String> entrypoint(ImageSpec spec) {
    List<String> command = new ArrayList<>();
    command.add("java");
    command.addAll(spec.jvmFlags());
    command.add("-cp");
    command.add(CLASSPATH);
    command.add(spec.mainClass());
    return List.copyOf(command);
  }

  /**
   * A SHA-256 over everything that decides the image: the base reference, platform, entrypoint,
   * labels, and every file's image path and content. Equal fingerprints give equal images when
   * the base reference is pinned by digest.
   */
  static String fingerprint(ImageSpec spec, List<Layer> layers) throws ImageException {
    MessageDigest sha = sha256();
    update(sha, "base=" + spec.baseImage());
    update(sha, "platform=" + spec.platform());
    update(sha, "entrypoint=" + String.join("\u0000", entrypoint(spec)));
    spec.labels().forEach((k, v) -> update(sha, "label=" + k + "=" + v));
    for (Layer layer : layers) {
      update(sha, "layer=" + layer.name());
      for (Entry entry : layer.entries()) {
        update(sha, "file=" + entry.target() + "=" + contentHash(entry.source()));
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void addIfNotEmpty(List<Layer> layers, Layer layer) {
    if (!layer.entries().isEmpty()) {
      layers.add(layer);
    }
  }

  private static List<Entry> jars(List<Path> jars, String targetDir, String setting)
      throws ImageException {
    Map<String, Integer> nameCounts = new HashMap<>();
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        throw new ImageException(
            setting,
            jar.toString(),
            "the jar does not exist or is not a file",
            "Build the project first (mvn package) so every dependency is resolved",
            null);
      }
      nameCounts.merge(jar.getFileName().toString(), 1, Integer::sum);
    }
    List<Entry> entries = new ArrayList<>();
    for (Path jar : jars) {
      String name = jar.getFileName().toString();
      // Two jars with one file name (same artifactId, different groups) must not overwrite each
      // other; a prefix from the content keeps the name the same on every machine.
      String imageName =
          nameCounts.get(name) > 1 ? contentHash(jar).substring(0, 12) + "-" + name : name;
      entries.add(new Entry(jar, targetDir + "/" + imageName));
    }
    entries.sort(Comparator.comparing(Entry::target));
    return entries;
  }

  private static List<Entry> directory(Path dir, String targetDir, String setting)
      throws ImageException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    if (!Files.isDirectory(dir)) {
      throw new ImageException(
          setting, dir.toString(), "this is a file, not a folder", "Point it at a class folder", null);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> new Entry(f, targetDir + "/" + relativeUnixPath(dir, f)))
          .sorted(Comparator.comparing(Entry::target))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new ImageException(
          setting, dir.toString(), "the folder cannot be read (" + e + ")", "Check its permissions", e);
    }
  }

  private static String relativeUnixPath(Path root, Path file) {
    List<String> parts = new ArrayList<>();
    for (Path part : root.relativize(file)) {
      parts.add(part.toString());
    }
    return String.join("/", parts);
  }

  private static String contentHash(Path file) throws ImageException {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new ImageException(
          "<dependencies>", file.toString(), "the file cannot be read (" + e + ")",
          "Check that the build output is complete and readable", e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    sha.update((byte) '\n');
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
