package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLayersTest {

  @TempDir Path dir;

  private ImageSpec.Builder spec() throws Exception {
    Path a = Files.writeString(Files.createDirectories(dir.resolve("m2/a")).resolve("lib-1.jar"), "a");
    Path agent = Files.writeString(dir.resolve("m2/constellation-agent.jar"), "agent");
    Path classes = Files.createDirectories(dir.resolve("classes/com/example"));
    Files.writeString(classes.resolve("Main.class"), "main");
    Files.writeString(dir.resolve("classes/app.properties"), "x=1");
    Path tests = Files.createDirectories(dir.resolve("test-classes/com/example"));
    Files.writeString(tests.resolve("ShopScript.class"), "script");
    return ImageSpec.builder()
        .baseImage("127.0.0.1:5000/base@sha256:" + "0".repeat(64))
        .dependencyJars(List.of(a))
        .constellationJars(List.of(agent))
        .classesDirectory(dir.resolve("classes"))
        .testClassesDirectory(dir.resolve("test-classes"));
  }

  @Test
  void stacksDependenciesThenConstellationThenClassesThenTestClasses() throws Exception {
    List<AgentLayers.Layer> layers = AgentLayers.plan(spec().build());

    assertThat(layers).extracting(AgentLayers.Layer::name)
        .containsExactly("dependencies", "constellation", "classes", "test-classes");
    assertThat(layers.get(0).entries()).extracting(AgentLayers.Entry::target)
        .containsExactly("/app/libs/lib-1.jar");
    assertThat(layers.get(1).entries()).extracting(AgentLayers.Entry::target)
        .containsExactly("/app/constellation/constellation-agent.jar");
    assertThat(layers.get(2).entries()).extracting(AgentLayers.Entry::target)
        .containsExactly("/app/classes/app.properties", "/app/classes/com/example/Main.class");
    assertThat(layers.get(3).entries()).extracting(AgentLayers.Entry::target)
        .containsExactly("/app/test-classes/com/example/ShopScript.class");
  }

  @Test
  void aClassFolderThatDoesNotExistGivesNoLayer() throws Exception {
    List<AgentLayers.Layer> layers =
        AgentLayers.plan(spec().classesDirectory(dir.resolve("no-such-folder")).build());

    assertThat(layers).extracting(AgentLayers.Layer::name)
        .containsExactly("dependencies", "constellation", "test-classes");
  }

  @Test
  void entrypointRunsTheMainClassWithFlagsAndTheFourClasspathEntries() throws Exception {
    ImageSpec spec = spec().jvmFlags(List.of("-XX:MaxRAMPercentage=75")).build();

    assertThat(AgentLayers.entrypoint(spec)).containsExactly(
        "java", "-XX:MaxRAMPercentage=75", "-cp",
        "/app/test-classes:/app/classes:/app/constellation/*:/app/libs/*",
        "dev.constellation.agent.AgentMain");
  }

  @Test
  void withoutFlagsTheEntrypointSizesTheHeapToTheTaskAndExitsOnOutOfMemoryAndGivenFlagsReplaceThat() throws Exception {
    assertThat(AgentLayers.entrypoint(spec().build())).containsExactly(
        "java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-cp",
        "/app/test-classes:/app/classes:/app/constellation/*:/app/libs/*",
        "dev.constellation.agent.AgentMain");
    assertThat(AgentLayers.entrypoint(spec().jvmFlags(List.of("-Xmx512m")).build()))
        .containsSubsequence("java", "-Xmx512m", "-cp").doesNotContain("-XX:MaxRAMPercentage=75");
    assertThat(AgentLayers.entrypoint(spec().jvmFlags(List.of()).build()).subList(0, 2)).containsExactly("java", "-cp");
  }

  @Test
  void theTaskDefinitionsRuntimePlatformFollowsTheImagePlatform() throws Exception {
    assertThat(spec().build().runtimePlatform()).isEqualTo(new RuntimePlatform("X86_64", "LINUX"));
    assertThat(spec().platform("linux/arm64").build().runtimePlatform()).isEqualTo(new RuntimePlatform("ARM64", "LINUX"));
    assertThat(RuntimePlatform.of("linux/arm64/v8")).isEqualTo(new RuntimePlatform("ARM64", "LINUX"));
    assertThatThrownBy(() -> RuntimePlatform.of("windows/amd64"))
        .hasMessage("<platform> (-Dconstellation.image.platform) = windows/amd64: Fargate runs Linux agent images on x86-64 or"
            + " 64-bit ARM only. Use linux/amd64 (the default) or linux/arm64 (Graviton)");
    assertThatThrownBy(() -> RuntimePlatform.of("linux/arm/v7")).hasMessageContaining("= linux/arm/v7: Fargate runs");
  }

  @Test
  void twoJarsWithTheSameFileNameBothKeepAPlace() throws Exception {
    Path other = Files.writeString(
        Files.createDirectories(dir.resolve("m2/b")).resolve("lib-1.jar"), "b");
    ImageSpec.Builder builder = spec();
    ImageSpec spec = builder.dependencyJars(List.of(other)).build();

    List<String> targets = AgentLayers.plan(spec).get(0).entries().stream()
        .map(AgentLayers.Entry::target).toList();

    assertThat(targets).hasSize(2).doesNotHaveDuplicates()
        .allMatch(t -> t.matches("/app/libs/[0-9a-f]{12}-lib-1\\.jar"));
  }

  @Test
  void aMissingJarNamesTheFileAndSaysToBuildFirst() throws Exception {
    Path missing = dir.resolve("m2/missing-1.0.jar");
    ImageException error = catchThrowableOfType(ImageException.class,
        () -> AgentLayers.plan(spec().dependencyJars(List.of(missing)).build()));

    assertThat(error.value()).isEqualTo(missing.toString());
    assertThat(error.getMessage()).contains("does not exist").contains("mvn package");
  }

  @Test
  void theFingerprintChangesWhenOneScriptChangesAndOnlyThen() throws Exception {
    ImageSpec spec = spec().build();
    String before = AgentLayers.fingerprint(spec, AgentLayers.plan(spec));
    assertThat(AgentLayers.fingerprint(spec, AgentLayers.plan(spec))).isEqualTo(before);

    Files.writeString(dir.resolve("test-classes/com/example/ShopScript.class"), "script v2");

    assertThat(AgentLayers.fingerprint(spec, AgentLayers.plan(spec))).isNotEqualTo(before);
  }

  @Test
  void theFingerprintCoversTheBaseImageAndPlatform() throws Exception {
    ImageSpec spec = spec().build();
    String fingerprint = AgentLayers.fingerprint(spec, AgentLayers.plan(spec));
    ImageSpec otherBase = spec().baseImage("127.0.0.1:5000/base:2").build();
    ImageSpec arm = spec().platform("linux/arm64").build();

    assertThat(AgentLayers.fingerprint(otherBase, AgentLayers.plan(otherBase)))
        .isNotEqualTo(fingerprint);
    assertThat(AgentLayers.fingerprint(arm, AgentLayers.plan(arm))).isNotEqualTo(fingerprint);
  }
}
