package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry credentials against a real registry that checks them: Debian's docker-registry with its
 * own htpasswd (bcrypt) authentication over HTTPS. The right user and password push the image;
 * a wrong password or none is refused by the registry, and the user reads which setting to fix.
 */
class RegistryCredentialsIT {

  private static final String USER = "constellation";
  private static final String PASSWORD = "s3cret-Pa55";

  /** Serves the stand-in base image anonymously. */
  @RegisterExtension static final DockerRegistryExtension BASE_REGISTRY = new DockerRegistryExtension();
  /** Answers only USER with PASSWORD. */
  @RegisterExtension static final DockerRegistryExtension PRIVATE = DockerRegistryExtension.withBasicAuth(USER, PASSWORD);

  @TempDir static Path shared;
  @TempDir Path dir;

  private static String base;

  @BeforeAll
  static void pushBase() throws Exception {
    base = new RegistryApi(BASE_REGISTRY.host()).pushStandInBase(Files.createDirectories(shared.resolve("base")));
  }

  private AgentImageBuilder builder() {
    return new AgentImageBuilder(dir.resolve("base-layers"), dir.resolve("app-layers"), line -> { });
  }

  private ImageSpec spec() throws Exception {
    // allowInsecureRegistries: the base registry is plain HTTP, the private one's certificate is self-signed.
    return TestProject.create(dir.resolve("project")).spec(base).allowInsecureRegistries(true).build();
  }

  private HttpResponse<Void> manifestHead(String reference, String authorization) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(PRIVATE.baseUrl() + "/v2/agent/manifests/" + reference))
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json");
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return PRIVATE.client().send(r.build(), HttpResponse.BodyHandlers.discarding());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theRightCredentialsPushTheImageAndTheRegistryHoldsIt() throws Exception {
    assertThat(manifestHead("v2", null).statusCode()).as("the registry refuses anonymous reads").isEqualTo(401);

    ImageBuildResult result = builder().build(spec(), ImageTarget.registry(PRIVATE.host() + "/agent:v2", USER, PASSWORD));

    HttpResponse<Void> held = manifestHead("v2", basic(USER, PASSWORD));
    assertThat(held.statusCode()).isEqualTo(200);
    assertThat(held.headers().firstValue("Docker-Content-Digest")).contains(result.imageDigest());
    assertThat(PRIVATE.completedBlobUploads(0)).isPositive();
  }

  @Test
  void aWrongPasswordIsRefusedByTheRegistryAndNamesTheSetting() throws Exception {
    String target = PRIVATE.host() + "/agent:wrong";
    ImageException error = catchThrowableOfType(ImageException.class,
        () -> builder().build(spec(), ImageTarget.registry(target, USER, PASSWORD + "x")));

    assertThat(error).as("the build should have failed").isNotNull();
    assertThat(error.setting()).isEqualTo("<registry> (-Dconstellation.image.registry)");
    assertThat(error.value()).isEqualTo(target);
    assertThat(error.getMessage()).contains("refused the credentials").contains("Check the registry credentials");
    assertThat(manifestHead("wrong", basic(USER, PASSWORD)).statusCode()).as("nothing was pushed").isEqualTo(404);
  }

  @Test
  void noCredentialsAreRefusedByTheRegistry() throws Exception {
    String target = PRIVATE.host() + "/agent:anonymous";
    ImageException error = catchThrowableOfType(ImageException.class,
        () -> builder().build(spec(), ImageTarget.registry(target)));

    assertThat(error).as("the build should have failed").isNotNull();
    assertThat(error.setting()).isEqualTo("<registry> (-Dconstellation.image.registry)");
    assertThat(error.getMessage()).contains("refused the credentials");
    assertThat(manifestHead("anonymous", basic(USER, PASSWORD)).statusCode()).as("nothing was pushed").isEqualTo(404);
  }
}
