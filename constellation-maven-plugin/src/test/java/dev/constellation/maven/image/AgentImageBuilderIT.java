package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Builds agent images into a real registry (Debian's docker-registry) and reads them back. */
class AgentImageBuilderIT {

  @RegisterExtension static final DockerRegistryExtension REGISTRY = new DockerRegistryExtension();

  @TempDir static Path shared;
  @TempDir Path dir;

  private static String base;
  private static RegistryApi api;
  private final List<String> log = new ArrayList<>();
  private final Consumer<String> logger = line -> {
    synchronized (log) {
      log.add(line);
    }
  };

  @BeforeAll
  static void pushStandInBase() throws Exception {
    api = new RegistryApi(REGISTRY.host());
    base = api.pushStandInBase(Files.createDirectories(shared.resolve("base")));
  }

  private AgentImageBuilder builder(Path cache) {
    return new AgentImageBuilder(cache.resolve("base-layers"), cache.resolve("app-layers"), logger);
  }

  @Test
  void pushesTheProjectAsFourLayersOnTheBaseWithTheAgentEntrypoint() throws Exception {
    TestProject project = TestProject.create(dir.resolve("project"));
    ImageBuildResult result = builder(dir.resolve("cache")).build(
        project.spec(base).build(), ImageTarget.registry(REGISTRY.host() + "/agent:layers"));

    RegistryApi.Manifest manifest = api.manifest("agent", "layers");
    assertThat(manifest.digest()).isEqualTo(result.imageDigest());
    assertThat(result.baseImageDigest()).isEqualTo(api.manifest("test/base", "1").digest());
    assertThat(result.tags()).containsExactly("layers");
    assertThat(result.pinnedReference())
        .isEqualTo(REGISTRY.host() + "/agent@" + result.imageDigest());

    JsonNode layers = manifest.json().get("layers");
    assertThat(layers).hasSize(5);
    List<List<String>> files = new ArrayList<>();
    for (JsonNode layer : layers) {
      files.add(fileNames(api.blob("agent", layer.get("digest").asText())));
    }
    assertThat(files.get(0)).contains("base/hello.txt");
    assertThat(files.get(1)).contains("app/libs/stand-in-library-1.0.jar");
    assertThat(files.get(2)).contains("app/constellation/constellation-agent-0.1.0-SNAPSHOT.jar");
    assertThat(files.get(3))
        .contains("app/classes/dev/constellation/maven/image/standin/greeting.txt");
    assertThat(files.get(4))
        .contains("app/test-classes/dev/constellation/maven/image/standin/StandInAgentMain.class");

    JsonNode config = api.config("agent", manifest).get("config");
    assertThat(strings(config.get("Entrypoint"))).containsExactly(
        "java", "-Xss512k", "-XX:+UseSerialGC", "-cp",
        "/app/test-classes:/app/classes:/app/constellation/*:/app/libs/*",
        TestProject.STAND_IN_MAIN);
    assertThat(config.get("WorkingDir").asText()).isEqualTo("/app");
    assertThat(config.at("/Labels/dev.constellation.test").asText()).isEqualTo("yes");
    assertThat(api.config("agent", manifest).get("created").asText())
        .isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void buildingTheSameInputsTwiceGivesTheSameDigest() throws Exception {
    TestProject project = TestProject.create(dir.resolve("project"));
    ImageSpec spec = project.spec(base).build();

    ImageBuildResult first = builder(dir.resolve("cache-1"))
        .build(spec, ImageTarget.registry(REGISTRY.host() + "/agent:first"));
    ImageBuildResult second = builder(dir.resolve("cache-2"))
        .build(spec, ImageTarget.registry(REGISTRY.host() + "/agent:second"));

    assertThat(second.imageDigest()).isEqualTo(first.imageDigest());
    assertThat(api.manifest("agent", "second").digest()).isEqualTo(first.imageDigest());
    assertThat(builder(dir).contentTag(spec)).isEqualTo(builder(dir).contentTag(spec)).hasSize(24);
  }

  @Test
  void acceptsADigestPinnedBaseAndReportsThatDigest() throws Exception {
    TestProject project = TestProject.create(dir.resolve("project"));
    String baseDigest = api.manifest("test/base", "1").digest();
    String pinned = REGISTRY.host() + "/test/base@" + baseDigest;
    AgentImageBuilder builder = builder(dir.resolve("cache"));
    ImageTarget target = ImageTarget.registry(REGISTRY.host() + "/pinned:1");

    ImageBuildResult first = builder.build(project.spec(pinned).build(), target);
    // The second build finds the pinned base in Jib's cache and pulls no manifest.
    ImageBuildResult second = builder.build(project.spec(pinned).build(), target);

    assertThat(first.baseImageDigest()).isEqualTo(baseDigest);
    assertThat(second.baseImageDigest()).isEqualTo(baseDigest);
    assertThat(second.imageDigest()).isEqualTo(first.imageDigest());
    assertThat(second.layersPushed()).isZero();
  }

  @Test
  void writesATarWithManifestJson() throws Exception {
    TestProject project = TestProject.create(dir.resolve("project"));
    Path tar = dir.resolve("agent.tar");

    ImageBuildResult result = builder(dir.resolve("cache")).build(
        project.spec(base).build(), ImageTarget.tar(tar, "constellation-agent:local"));

    assertThat(tar).isRegularFile();
    List<String> names = new ArrayList<>();
    String manifestJson = null;
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
        if (e.getName().equals("manifest.json")) {
          manifestJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    assertThat(names).contains("manifest.json");
    assertThat(manifestJson).contains("constellation-agent:local");
    assertThat(result.layersPushed()).isZero();
    assertThat(result.imageDigest()).startsWith("sha256:");
  }

  @Test
  void secondBuildAfterEditingOneScriptPushesOnlyTheProjectLayer() throws Exception {
    TestProject project = TestProject.create(dir.resolve("project"));
    // A realistic dependency layer: every jar on this test's classpath (Jib, the AWS SDK, ...).
    List<Path> thirdParty = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.endsWith(".jar")) {
        thirdParty.add(Path.of(entry));
      }
    }
    long bytes = 0;
    for (Path jar : thirdParty) {
      bytes += Files.size(jar);
    }
    AgentImageBuilder builder = builder(dir.resolve("cache"));
    ImageTarget target = ImageTarget.registry(REGISTRY.host() + "/incremental:latest");
    project.editScript("version 1");
    ImageBuildResult first =
        builder.build(project.spec(base).dependencyJars(thirdParty).build(), target);
    assertThat(first.layersPushed()).isEqualTo(5);

    project.editScript("version 2");
    int logMark = REGISTRY.logLines().size();
    long start = System.nanoTime();
    ImageSpec edited = project.spec(base).dependencyJars(thirdParty).build();
    String tag = builder.contentTag(edited);
    ImageBuildResult second = builder.build(edited, target);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.printf(
        "second build+push after one script edit: %d ms (content tag %s + build + push; %d jars,"
            + " %d MB of dependencies; first build %d ms; %d layer pushed, %d reused)%n",
        millis, tag, thirdParty.size() + 1, bytes >> 20, first.elapsed().toMillis(),
        second.layersPushed(), second.layersReused());

    assertThat(second.imageDigest()).isNotEqualTo(first.imageDigest());
    assertThat(second.layersPushed()).isEqualTo(1);
    assertThat(second.layersReused()).isEqualTo(4);
    // The registry saw two finished uploads: the test-classes layer and the new config blob.
    assertThat(REGISTRY.completedBlobUploads(logMark)).isEqualTo(2);
    assertThat(millis).isLessThan(5_000);
  }

  @Test
  void theImageContentsRunWithTheEntrypointCommand() throws Exception {
    TestProject project = TestProject.create(dir.resolve("project"));
    builder(dir.resolve("cache")).build(
        project.spec(base).build(), ImageTarget.registry(REGISTRY.host() + "/runnable:1"));

    RegistryApi.Manifest manifest = api.manifest("runnable", "1");
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    for (JsonNode layer : manifest.json().get("layers")) {
      unpack(api.blob("runnable", layer.get("digest").asText()), rootfs);
    }
    JsonNode config = api.config("runnable", manifest).get("config");
    List<String> command = new ArrayList<>();
    for (String part : strings(config.get("Entrypoint"))) {
      command.add(part.equals("java") ? javaExecutable()
          : part.replace("/app/", rootfs.resolve("app") + "/"));
    }
    Path out = dir.resolve("agent-output.txt");
    command.add(out.toString());
    Process process = new ProcessBuilder(command)
        .directory(rootfs.resolve("app").toFile())
        .redirectErrorStream(true)
        .start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stand-in agent finished").isTrue();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(printed).isZero();
    assertThat(Files.readString(out)).isEqualTo(
        "stand-in agent ran: resource from /app/classes / library from /app/libs"
            + " / constellation jar from /app/constellation / args=" + out);
    assertThat(rootfs.resolve("base/hello.txt")).hasContent("stand-in base image");
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<String> fileNames(byte[] gzippedTar) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = tar(gzippedTar)) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private static void unpack(byte[] gzippedTar, Path into) throws IOException {
    try (TarArchiveInputStream in = tar(gzippedTar)) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path target = into.resolve(e.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("layer entry outside the folder: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static TarArchiveInputStream tar(byte[] gzipped) throws IOException {
    InputStream raw = new GZIPInputStream(new ByteArrayInputStream(gzipped));
    return new TarArchiveInputStream(raw);
  }
}
