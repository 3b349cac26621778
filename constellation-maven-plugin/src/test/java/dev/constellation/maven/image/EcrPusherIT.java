package dev.constellation.maven.image;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * Pushes through {@link EcrPusher} with the ECR control plane stubbed by WireMock (JSON 1.1
 * protocol) and the registry token pointing at a real loopback docker-registry.
 */
class EcrPusherIT {

  @RegisterExtension static final DockerRegistryExtension REGISTRY = new DockerRegistryExtension();

  private static final String TARGET = "AmazonEC2ContainerRegistry_V20150921.";
  private static final String JSON_11 = "application/x-amz-json-1.1";

  @TempDir static Path shared;
  @TempDir Path dir;

  private static String base;
  private static WireMockServer ecr;
  private final List<String> log = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    base = new RegistryApi(REGISTRY.host())
        .pushStandInBase(Files.createDirectories(shared.resolve("base")));
    ecr = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    ecr.start();
  }

  @AfterAll
  static void stop() {
    if (ecr != null) {
      ecr.stop();
    }
  }

  @BeforeEach
  void resetStubs() {
    ecr.resetAll();
  }

  private Function<String, EcrClient> clients() {
    return region -> EcrClient.builder()
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .endpointOverride(URI.create("http://127.0.0.1:" + ecr.port()))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private EcrPusher pusher() {
    AgentImageBuilder builder = new AgentImageBuilder(
        dir.resolve("base-layers"), dir.resolve("app-layers"), line -> { });
    return new EcrPusher(builder, clients(), "constellation-agent", line -> {
      synchronized (log) {
        log.add(line);
      }
    });
  }

  private static MappingBuilder op(String operation) {
    return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET + operation));
  }

  private static RequestPatternBuilder called(String operation, String region) {
    return postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo(TARGET + operation))
        .withHeader("Content-Type", containing(JSON_11))
        .withHeader("Authorization", containing("/" + region + "/ecr/aws4_request"));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(
      int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", JSON_11).withBody(body);
  }

  private String repository() {
    return "{\"repositoryName\":\"constellation-agent\",\"registryId\":\"123456789012\","
        + "\"repositoryArn\":\"arn:aws:ecr:us-east-1:123456789012:repository/constellation-agent\","
        + "\"repositoryUri\":\"" + REGISTRY.host() + "/constellation-agent\"}";
  }

  private void stubTokenForLocalRegistry() {
    String token = Base64.getEncoder()
        .encodeToString("AWS:ecr-password".getBytes(StandardCharsets.UTF_8));
    ecr.stubFor(op("GetAuthorizationToken").willReturn(json(200,
        "{\"authorizationData\":[{\"authorizationToken\":\"" + token + "\","
            + "\"expiresAt\":1.7955E9,\"proxyEndpoint\":\"http://" + REGISTRY.host() + "\"}]}")));
  }

  @Test
  void createsTheMissingRepositoryAndPushesToEveryRegionInParallel() throws Exception {
    // Each region's first call is held 2 s: pushes one region after the other would send the
    // second region's first call only after the first region's whole push.
    int held = 2_000;
    ecr.stubFor(op("DescribeRepositories").willReturn(json(400,
        "{\"__type\":\"RepositoryNotFoundException\",\"message\":\"The repository with name"
            + " 'constellation-agent' does not exist in the registry with id '123456789012'\"}").withFixedDelay(held)));
    ecr.stubFor(op("CreateRepository")
        .willReturn(json(200, "{\"repository\":" + repository() + "}")));
    ecr.stubFor(op("DescribeImages").willReturn(json(400,
        "{\"__type\":\"ImageNotFoundException\",\"message\":\"The image requested does not exist\"}")));
    stubTokenForLocalRegistry();
    TestProject project = TestProject.create(dir.resolve("project"));
    ImageSpec spec = project.spec(base).build();
    String tag = new AgentImageBuilder(dir, dir, l -> { }).contentTag(spec);

    List<RegionImage> images = pusher().push(spec, List.of("eu-west-1", "ap-southeast-2"));

    assertThat(images).extracting(RegionImage::region).containsExactly("eu-west-1", "ap-southeast-2");
    RegistryApi.Manifest manifest = new RegistryApi(REGISTRY.host())
        .manifest("constellation-agent", tag);
    for (RegionImage image : images) {
      assertThat(image.pushed()).isTrue();
      assertThat(image.tag()).isEqualTo(tag);
      assertThat(image.imageDigest()).isEqualTo(manifest.digest());
      assertThat(image.pinnedReference())
          .isEqualTo(REGISTRY.host() + "/constellation-agent@" + manifest.digest());
    }
    assertThat(images.get(0).layersPushed() + images.get(1).layersPushed()).isGreaterThanOrEqualTo(5);
    for (String region : List.of("eu-west-1", "ap-southeast-2")) {
      ecr.verify(1, called("DescribeRepositories", region)
          .withRequestBody(equalToJson("{\"repositoryNames\":[\"constellation-agent\"]}")));
      ecr.verify(1, called("CreateRepository", region).withRequestBody(equalToJson(
          "{\"repositoryName\":\"constellation-agent\",\"imageTagMutability\":\"MUTABLE\","
              + "\"imageScanningConfiguration\":{\"scanOnPush\":false},"
              + "\"tags\":[{\"Key\":\"constellation:managed\",\"Value\":\"true\"}]}")));
      ecr.verify(1, called("DescribeImages", region).withRequestBody(equalToJson(
          "{\"repositoryName\":\"constellation-agent\",\"imageIds\":[{\"imageTag\":\"" + tag
              + "\"}]}")));
      ecr.verify(1, called("GetAuthorizationToken", region).withRequestBody(equalToJson("{}")));
    }
    assertThat(log).anyMatch(l -> l.startsWith("eu-west-1: pushed "));
    long first = ecr.findAll(called("DescribeRepositories", "eu-west-1")).get(0).getLoggedDate().getTime();
    long second = ecr.findAll(called("DescribeRepositories", "ap-southeast-2")).get(0).getLoggedDate().getTime();
    assertThat(Math.abs(first - second)).as("the regions' first calls arrived together (ms apart)").isLessThan(held);
  }

  @Test
  void anImageAlreadyInTheRegionIsNotBuiltOrPushedAgain() throws Exception {
    TestProject project = TestProject.create(dir.resolve("project"));
    ImageSpec spec = project.spec(base).build();
    String tag = new AgentImageBuilder(dir, dir, l -> { }).contentTag(spec);
    String digest = "sha256:" + "ab".repeat(32);
    ecr.stubFor(op("DescribeRepositories")
        .willReturn(json(200, "{\"repositories\":[" + repository() + "]}")));
    ecr.stubFor(op("DescribeImages").willReturn(json(200,
        "{\"imageDetails\":[{\"repositoryName\":\"constellation-agent\",\"imageDigest\":\""
            + digest + "\",\"imageTags\":[\"" + tag + "\"]}]}")));
    int logMark = REGISTRY.logLines().size();

    List<RegionImage> images = pusher().push(spec, List.of("us-east-1"));

    assertThat(images).singleElement().satisfies(image -> {
      assertThat(image.pushed()).isFalse();
      assertThat(image.imageDigest()).isEqualTo(digest);
      assertThat(image.pinnedReference())
          .isEqualTo(REGISTRY.host() + "/constellation-agent@" + digest);
    });
    ecr.verify(0, called("CreateRepository", "us-east-1"));
    ecr.verify(0, called("GetAuthorizationToken", "us-east-1"));
    assertThat(REGISTRY.completedBlobUploads(logMark)).isZero();
    assertThat(log).containsExactly("us-east-1: " + REGISTRY.host() + "/constellation-agent:"
        + tag + " is already there, not pushed again");
  }

  @Test
  void aRegistryEndpointThatCannotBeReachedNamesTheRegionAndRepository() throws Exception {
    int closed;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    ecr.stubFor(op("DescribeRepositories")
        .willReturn(json(200, "{\"repositories\":[" + repository() + "]}")));
    ecr.stubFor(op("DescribeImages").willReturn(json(400,
        "{\"__type\":\"ImageNotFoundException\",\"message\":\"no such image\"}")));
    ecr.stubFor(op("GetAuthorizationToken").willReturn(json(200,
        "{\"authorizationData\":[{\"authorizationToken\":\"QVdTOng=\","
            + "\"proxyEndpoint\":\"http://127.0.0.1:" + closed + "\"}]}")));
    TestProject project = TestProject.create(dir.resolve("project"));

    ImageException error = catchThrowableOfType(ImageException.class,
        () -> pusher().push(project.spec(base).build(), List.of("sa-east-1")));

    assertThat(error.setting()).isEqualTo("<ecrRegions> (-Dconstellation.image.ecrRegions)");
    assertThat(error.value()).isEqualTo("sa-east-1");
    assertThat(error.getMessage()).startsWith("<ecrRegions> (-Dconstellation.image.ecrRegions) = sa-east-1: pushing to 127.0.0.1:"
        + closed + "/constellation-agent failed: registry 127.0.0.1:" + closed
        + " cannot be reached");
  }

  @Test
  void refusedAwsCredentialsNameTheRegionAndThePermissions() throws Exception {
    ecr.stubFor(op("DescribeRepositories").willReturn(json(400,
        "{\"__type\":\"UnrecognizedClientException\","
            + "\"message\":\"The security token included in the request is invalid.\"}")));
    TestProject project = TestProject.create(dir.resolve("project"));

    ImageException error = catchThrowableOfType(ImageException.class,
        () -> pusher().push(project.spec(base).build(), List.of("eu-central-1")));

    assertThat(error.setting()).isEqualTo("<ecrRegions> (-Dconstellation.image.ecrRegions)");
    assertThat(error.value()).isEqualTo("eu-central-1");
    assertThat(error.getMessage()).contains("AWS refused the credentials for ECR")
        .contains("The security token included in the request is invalid")
        .contains("ecr:GetAuthorizationToken");
  }
}
