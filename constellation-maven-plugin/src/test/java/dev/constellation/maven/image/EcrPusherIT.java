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
import dev.constellation.testservices.FaultInjectingProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  /** In front of the registry for the retry tests: the registry the ECR token names. */
  private static FaultInjectingProxy proxy;
  /** Small waits for the tests; the jitter is fixed at half the ceiling: 25 ms, then 50 ms. */
  private static final PushRetry FAST_RETRY =
      new PushRetry(3, Duration.ofMillis(50), Duration.ofMillis(200));
  private final List<String> log = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    base = new RegistryApi(REGISTRY.host())
        .pushStandInBase(Files.createDirectories(shared.resolve("base")));
    ecr = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    ecr.start();
    proxy = FaultInjectingProxy.start(REGISTRY.port());
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
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

  private EcrPusher pusher(String repositoryName) {
    AgentImageBuilder builder = new AgentImageBuilder(
        dir.resolve("base-layers"), dir.resolve("app-layers"), line -> { });
    return new EcrPusher(builder, clients(), repositoryName, line -> {
      synchronized (log) {
        log.add(line);
      }
    }, FAST_RETRY, () -> 0.5);
  }

  /** The repository exists, the image does not, and the token's registry is the proxy. */
  private void stubPushThroughTheProxy() {
    ecr.stubFor(op("DescribeRepositories")
        .willReturn(json(200, "{\"repositories\":[" + repository() + "]}")));
    ecr.stubFor(op("DescribeImages").willReturn(json(400,
        "{\"__type\":\"ImageNotFoundException\",\"message\":\"no such image\"}")));
    String token = Base64.getEncoder()
        .encodeToString("AWS:ecr-password".getBytes(StandardCharsets.UTF_8));
    ecr.stubFor(op("GetAuthorizationToken").willReturn(json(200,
        "{\"authorizationData\":[{\"authorizationToken\":\"" + token + "\","
            + "\"expiresAt\":1.7955E9,\"proxyEndpoint\":\"http://" + proxy.host() + "\"}]}")));
  }

  private List<String> retryLines() {
    synchronized (log) {
      return log.stream().filter(l -> l.contains(": push attempt ")).toList();
    }
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

  @Test
  void aBlobCheckAnswered500IsTriedAgainAndThePushSucceeds() throws Exception {
    // The CI failure: 500 on a blob HEAD while regions pushed the same blobs at once.
    stubPushThroughTheProxy();
    proxy.failFirst(1, "HEAD", "/v2/retry-head/blobs/sha256:[0-9a-f]{64}", 500, "");
    ImageSpec spec = TestProject.create(dir.resolve("project")).spec(base).build();

    List<RegionImage> images = pusher("retry-head").push(spec, List.of("eu-west-1"));

    assertThat(proxy.faulted()).isEqualTo(1);
    assertThat(retryLines()).containsExactly("eu-west-1: push attempt 1 of 3 to " + proxy.host()
        + "/retry-head failed (HTTP 500), trying again in 25 ms");
    String tag = new AgentImageBuilder(dir, dir, l -> { }).contentTag(spec);
    assertThat(images).singleElement().satisfies(image -> assertThat(image.imageDigest())
        .isEqualTo(new RegistryApi(REGISTRY.host()).manifest("retry-head", tag).digest()));
  }

  @Test
  void aManifestPutAnswered500TwiceSucceedsOnTheThirdAndLastAttempt() throws Exception {
    stubPushThroughTheProxy();
    proxy.failFirst(2, "PUT", "/v2/retry-twice/manifests/[^/]+", 500, "");
    ImageSpec spec = TestProject.create(dir.resolve("project")).spec(base).build();

    List<RegionImage> images = pusher("retry-twice").push(spec, List.of("us-west-2"));

    assertThat(proxy.matched()).as("manifest PUTs: one per attempt").isEqualTo(3);
    assertThat(proxy.faulted()).isEqualTo(2);
    assertThat(retryLines()).containsExactly(
        "us-west-2: push attempt 1 of 3 to " + proxy.host()
            + "/retry-twice failed (HTTP 500), trying again in 25 ms",
        "us-west-2: push attempt 2 of 3 to " + proxy.host()
            + "/retry-twice failed (HTTP 500), trying again in 50 ms");
    assertThat(images).singleElement().satisfies(image -> assertThat(image.pushed()).isTrue());
  }

  @Test
  void aRegistryThatAlways500sFailsAfterTheBoundNamingRegionRepositoryAndLastCause() throws Exception {
    ImageException error = pushWithManifestPutAnswered("retry-always", "ap-northeast-1", 500, "");

    assertThat(proxy.matched()).as("attempts").isEqualTo(3);
    assertThat(retryLines()).hasSize(2);
    assertThat(error.setting()).isEqualTo("<ecrRegions> (-Dconstellation.image.ecrRegions)");
    assertThat(error.value()).isEqualTo("ap-northeast-1");
    assertThat(error.getMessage())
        .startsWith("<ecrRegions> (-Dconstellation.image.ecrRegions) = ap-northeast-1: pushing to "
            + proxy.host() + "/retry-always failed 3 times on transient registry errors (HTTP 500),"
            + " the last: the image cannot be written (")
        .contains("500 Internal Server Error")
        .endsWith("Run it again later; if it keeps failing, check the registry's health (for ECR:"
            + " the AWS Health Dashboard for ap-northeast-1)");
  }

  /** Pushes to {@code repository} in {@code region} with every manifest PUT answered so; the error. */
  private ImageException pushWithManifestPutAnswered(
      String repository, String region, int status, String body) throws Exception {
    stubPushThroughTheProxy();
    proxy.failFirst(Integer.MAX_VALUE, "PUT", "/v2/" + repository + "/manifests/[^/]+", status, body);
    ImageSpec spec = TestProject.create(dir.resolve("project")).spec(base).build();
    return catchThrowableOfType(ImageException.class,
        () -> pusher(repository).push(spec, List.of(region)));
  }

  @Test
  void aRefusedManifestPutIsNotTriedAgain() throws Exception {
    ImageException error = pushWithManifestPutAnswered("retry-401", "eu-north-1", 401,
        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");

    assertThat(proxy.matched()).as("attempts").isEqualTo(1);
    assertThat(retryLines()).isEmpty();
    assertThat(error.getMessage()).startsWith("<ecrRegions> (-Dconstellation.image.ecrRegions) ="
        + " eu-north-1: pushing to " + proxy.host() + "/retry-401 failed: registry " + proxy.host()
        + " refused the credentials (");
  }

  @Test
  void anInvalidManifestIsNotTriedAgain() throws Exception {
    ImageException error = pushWithManifestPutAnswered("retry-invalid", "eu-south-1", 400,
        "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\"}]}");

    assertThat(proxy.matched()).as("attempts").isEqualTo(1);
    assertThat(retryLines()).isEmpty();
    assertThat(error.getMessage()).startsWith("<ecrRegions> (-Dconstellation.image.ecrRegions) ="
        + " eu-south-1: pushing to " + proxy.host() + "/retry-invalid failed: the image cannot be written (");
  }

  @Test
  void aDigestInvalidUploadRaceIsTriedAgain() throws Exception {
    // What two pushes of one blob to one registry at once can answer (seen in AwsRunIT).
    stubPushThroughTheProxy();
    proxy.failFirst(1, "PUT", "/v2/retry-digest/blobs/uploads/[^?]+\\?.*digest=.*", 400,
        "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"provided digest did not match uploaded content\"}]}");
    ImageSpec spec = TestProject.create(dir.resolve("project")).spec(base).build();

    List<RegionImage> images = pusher("retry-digest").push(spec, List.of("ca-central-1"));

    assertThat(proxy.faulted()).isEqualTo(1);
    assertThat(retryLines()).containsExactly("ca-central-1: push attempt 1 of 3 to " + proxy.host()
        + "/retry-digest failed (HTTP 400 DIGEST_INVALID), trying again in 25 ms");
    assertThat(images).singleElement().satisfies(image -> assertThat(image.pushed()).isTrue());
  }
}
