package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.constellation.testservices.FaultInjectingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image goal's push to a {@code <registry>} ({@link PushRetry#pushToRegistry}, what {@code
 * ImageMojo} calls) tries transient registry failures again and gives up after the bound: a real
 * loopback {@code docker-registry} behind a {@link FaultInjectingProxy} that answers the first
 * manifest PUTs with 500.
 */
class RegistryPushIT {

  @RegisterExtension static final DockerRegistryExtension REGISTRY = new DockerRegistryExtension();

  /** Small waits; the jitter is fixed at half the ceiling: 25 ms, then 50 ms. */
  private static final PushRetry FAST_RETRY = new PushRetry(3, Duration.ofMillis(50), Duration.ofMillis(200));

  @TempDir static Path shared;
  @TempDir Path dir;

  private static String base;
  private static FaultInjectingProxy proxy;
  private final List<String> log = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    base = new RegistryApi(REGISTRY.host()).pushStandInBase(Files.createDirectories(shared.resolve("base")));
    proxy = FaultInjectingProxy.start(REGISTRY.port());
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  private ImageBuildResult push(String reference) throws Exception {
    ImageSpec spec = TestProject.create(dir.resolve("project")).spec(base).build();
    AgentImageBuilder builder = new AgentImageBuilder(dir.resolve("base-layers"), dir.resolve("app-layers"), l -> { });
    return FAST_RETRY.pushToRegistry(builder, spec, reference, log::add, () -> 0.5);
  }

  @Test
  void aManifestPutAnswered500OnceIsPushedAgainAndLands() throws Exception {
    proxy.clearFaults();
    proxy.failFirst(1, "PUT", "/v2/reg-once/manifests/[^/]+", 500, "");
    String reference = proxy.host() + "/reg-once:dev";

    ImageBuildResult r = push(reference);

    assertThat(proxy.matched()).as("manifest PUTs: one per attempt").isEqualTo(2);
    assertThat(proxy.faulted()).isEqualTo(1);
    assertThat(log).containsExactly(
        "registry: push attempt 1 of 3 to " + reference + " failed (HTTP 500), trying again in 25 ms");
    assertThat(r.imageDigest()).isEqualTo(new RegistryApi(REGISTRY.host()).manifest("reg-once", "dev").digest());
  }

  @Test
  void aRegistryThatAlways500sFailsAfterThreeAttemptsNamingTheCause() throws Exception {
    proxy.clearFaults();
    proxy.failFirst(Integer.MAX_VALUE, "PUT", "/v2/reg-always/manifests/[^/]+", 500, "");
    String reference = proxy.host() + "/reg-always:dev";

    ImageException error = catchThrowableOfType(ImageException.class, () -> push(reference));

    assertThat(proxy.matched()).as("attempts").isEqualTo(3);
    assertThat(log).hasSize(2);
    assertThat(error).isNotNull();
    assertThat(error.problem()).startsWith("the push failed 3 times on transient registry errors (HTTP 500), the last: ");
    assertThat(error.getMessage()).contains("Run it again later; if it keeps failing, check the registry's health");
  }

  @Test
  void aRefusedManifestIsNotPushedAgain() throws Exception {
    proxy.clearFaults();
    proxy.failFirst(Integer.MAX_VALUE, "PUT", "/v2/reg-invalid/manifests/[^/]+", 400,
        "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\"}]}");
    String reference = proxy.host() + "/reg-invalid:dev";

    ImageException error = catchThrowableOfType(ImageException.class, () -> push(reference));

    assertThat(proxy.matched()).as("attempts").isEqualTo(1);
    assertThat(log).isEmpty();
    assertThat(error).isNotNull();
    assertThat(error.problem()).doesNotContain("times on transient");
  }
}
