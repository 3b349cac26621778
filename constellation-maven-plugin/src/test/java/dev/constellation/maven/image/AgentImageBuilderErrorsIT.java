package dev.constellation.maven.image;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the user reads when a registry is missing, refuses, or has no such base image. */
class AgentImageBuilderErrorsIT {

  @RegisterExtension static final DockerRegistryExtension REGISTRY = new DockerRegistryExtension();

  @TempDir static Path shared;
  @TempDir Path dir;

  private static String base;
  private static WireMockServer refusing;

  @BeforeAll
  static void start() throws Exception {
    base = new RegistryApi(REGISTRY.host()).pushStandInBase(
        Files.createDirectories(shared.resolve("base")));
    refusing = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    refusing.start();
    refusing.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401)
        .withHeader("WWW-Authenticate", "Basic realm=\"constellation-test\"")
        .withHeader("Content-Type", "application/json")
        .withBody("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}")));
  }

  @AfterAll
  static void stop() {
    if (refusing != null) {
      refusing.stop();
    }
  }

  private ImageException buildFails(ImageSpec spec, ImageTarget target) throws IOException {
    AgentImageBuilder builder = new AgentImageBuilder(
        dir.resolve("base-layers"), dir.resolve("app-layers"), line -> { });
    ImageException error =
        catchThrowableOfType(ImageException.class, () -> builder.build(spec, target));
    assertThat(error).as("the build should have failed").isNotNull();
    System.out.println(error.getMessage());
    return error;
  }

  private TestProject project() throws IOException {
    return TestProject.create(dir.resolve("project"));
  }

  @Test
  void anUnreachableTargetRegistryNamesTheRegistrySetting() throws Exception {
    String target = "127.0.0.1:" + closedPort() + "/agent:1";
    ImageException error = buildFails(project().spec(base).build(), ImageTarget.registry(target));

    assertThat(error.setting()).isEqualTo("<registry> (-Dconstellation.image.registry)");
    assertThat(error.value()).isEqualTo(target);
    assertThat(error.getMessage()).startsWith("<registry> (-Dconstellation.image.registry) = " + target + ": ")
        .contains("cannot be reached").contains("Check the host name and port");
  }

  @Test
  void anUnreachableBaseRegistryNamesTheBaseSetting() throws Exception {
    String missingBase = "127.0.0.1:" + closedPort() + "/test/base:1";
    ImageException error = buildFails(project().spec(missingBase).build(),
        ImageTarget.registry(REGISTRY.host() + "/agent:1"));

    assertThat(error.setting()).isEqualTo("<base> (-Dconstellation.image.base)");
    assertThat(error.value()).isEqualTo(missingBase);
    assertThat(error.getMessage()).contains("cannot be reached");
  }

  @Test
  void aBaseImageThatDoesNotExistNamesTheBaseSetting() throws Exception {
    String missingBase = REGISTRY.host() + "/test/no-such-base:1";
    ImageException error = buildFails(project().spec(missingBase).build(),
        ImageTarget.registry(REGISTRY.host() + "/agent:1"));

    assertThat(error.setting()).isEqualTo("<base> (-Dconstellation.image.base)");
    assertThat(error.getMessage()).contains("the base image cannot be pulled")
        .contains("Check the repository name and tag or digest");
  }

  @Test
  void aPlainHttpRegistryWithoutTheOptInSaysHowToAllowIt() throws Exception {
    long start = System.nanoTime();
    ImageException error = buildFails(project().spec(base).allowInsecureRegistries(false).build(),
        ImageTarget.registry(REGISTRY.host() + "/agent:1"));

    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(
        java.time.Duration.ofSeconds(10));

    assertThat(error.setting()).isEqualTo("<base> (-Dconstellation.image.base)");
    assertThat(error.getMessage()).contains("insecure registries are not allowed")
        .contains("<allowInsecureRegistries> (-Dconstellation.image.allowInsecureRegistries) to true");
  }

  @Test
  void aRegistryThatRefusesTheCredentialsSaysSo() throws Exception {
    String target = "127.0.0.1:" + refusing.port() + "/agent:1";
    ImageException error = buildFails(project().spec(base).build(),
        ImageTarget.registry(target, "AWS", "wrong-password"));

    assertThat(error.setting()).isEqualTo("<registry> (-Dconstellation.image.registry)");
    assertThat(error.value()).isEqualTo(target);
    assertThat(error.getMessage()).contains("refused the credentials")
        .contains("Check the registry credentials");
  }

  @Test
  void aBaseRegistryThatRefusesAnonymousPullsNamesTheBaseSetting() throws Exception {
    String privateBase = "127.0.0.1:" + refusing.port() + "/private/base:1";
    ImageException error = buildFails(project().spec(privateBase).build(),
        ImageTarget.registry(REGISTRY.host() + "/agent:1"));

    assertThat(error.setting()).isEqualTo("<base> (-Dconstellation.image.base)");
    assertThat(error.getMessage()).contains("refused the credentials")
        .contains("allows anonymous pulls");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
