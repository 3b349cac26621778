package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentImageBuilderTest {

  @TempDir Path dir;

  private ImageException fails(ImageSpec spec, ImageTarget target) {
    AgentImageBuilder builder = new AgentImageBuilder(dir.resolve("b"), dir.resolve("a"), l -> { });
    return catchThrowableOfType(ImageException.class, () -> builder.build(spec, target));
  }

  private ImageSpec.Builder spec() {
    return ImageSpec.builder()
        .classesDirectory(dir.resolve("classes"))
        .testClassesDirectory(dir.resolve("test-classes"));
  }

  @Test
  void defaultsAreCorretto21TheAgentMainClassAndLinuxAmd64() {
    ImageSpec spec = spec().build();

    assertThat(spec.baseImage()).isEqualTo("public.ecr.aws/amazoncorretto/amazoncorretto:21");
    assertThat(spec.mainClass()).isEqualTo("dev.constellation.agent.AgentMain");
    assertThat(spec.platform()).isEqualTo("linux/amd64");
    assertThat(spec.allowInsecureRegistries()).isFalse();
  }

  @Test
  void aBaseThatIsNotAnImageReferenceNamesTheBaseSetting() {
    ImageException error = fails(spec().baseImage("Not An Image!").build(),
        ImageTarget.registry("127.0.0.1:5000/agent:1"));

    assertThat(error.setting()).isEqualTo("<base> (-Dconstellation.image.base)");
    assertThat(error.value()).isEqualTo("Not An Image!");
    assertThat(error.getMessage()).contains("not an image reference")
        .contains("registry/repository@sha256:");
  }

  @Test
  void aRegistryThatIsNotAnImageReferenceNamesTheRegistrySetting() {
    ImageException error = fails(spec().baseImage("127.0.0.1:5000/base@sha256:" + "1".repeat(64))
        .build(), ImageTarget.registry("UPPER/Case::x"));

    assertThat(error.setting()).isEqualTo("<registry> (-Dconstellation.image.registry)");
    assertThat(error.value()).isEqualTo("UPPER/Case::x");
  }

  @Test
  void aPlatformWithoutOsAndArchitectureNamesThePlatformSetting() {
    ImageException error = fails(spec().platform("amd64").build(),
        ImageTarget.tar(dir.resolve("x.tar"), "agent:1"));

    assertThat(error.setting()).isEqualTo("<platform> (-Dconstellation.image.platform)");
    assertThat(error.getMessage()).contains("linux/arm64");
  }

  @Test
  void theContentTagIsStableAndShort() throws Exception {
    AgentImageBuilder builder = new AgentImageBuilder(dir, dir, l -> { });
    ImageSpec spec = spec().jvmFlags(List.of("-Xmx1g")).build();

    assertThat(builder.contentTag(spec)).matches("[0-9a-f]{24}")
        .isEqualTo(builder.contentTag(spec))
        .isNotEqualTo(builder.contentTag(spec().build()));
  }

  @Test
  void resultsPinTheRepositoryByDigest() {
    ImageBuildResult result = new ImageBuildResult("127.0.0.1:5000/team/agent:abc",
        "sha256:" + "f".repeat(64), "sha256:" + "e".repeat(64), java.util.Set.of("abc"), 1, 4,
        java.time.Duration.ofMillis(5));

    assertThat(result.pinnedReference())
        .isEqualTo("127.0.0.1:5000/team/agent@sha256:" + "f".repeat(64));
  }

  @Test
  void registryTargetsNeverShowThePassword() {
    assertThat(ImageTarget.registry("r/agent:1", "AWS", "s3cr3t").toString())
        .doesNotContain("s3cr3t").contains("****");
  }
}
