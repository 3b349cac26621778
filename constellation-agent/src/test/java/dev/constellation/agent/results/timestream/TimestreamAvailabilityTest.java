package dev.constellation.agent.results.timestream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.constellation.agent.results.ResultsStores;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

class TimestreamAvailabilityTest {

  private static final String LIST = "Timestream_20181101.ListDatabases";
  private static final String JSON_10 = "application/x-amz-json-1.0";
  private WireMockServer wm;
  private TimestreamWriteClient client;

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    wm.start();
    client = client(wm.port());
  }

  @AfterEach
  void stop() {
    client.close();
    wm.stop();
  }

  private void listDatabasesAnswers(int status, String body) {
    wm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(LIST))
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", JSON_10).withBody(body)));
  }

  private ResultsStores.Choice chooseAuto() {
    return ResultsStores.choose("auto", true, new TimestreamAvailability(client, "eu-west-1"));
  }

  @Test
  void autoChoosesTimestreamWhenListDatabasesSucceeds() {
    listDatabasesAnswers(200, "{\"Databases\":[]}");
    ResultsStores.Choice c = chooseAuto();
    assertThat(c.store()).isEqualTo(ResultsStores.Kind.TIMESTREAM);
    assertThat(c.reason()).isEqualTo("Timestream for LiveAnalytics answers in eu-west-1");
    wm.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(LIST))
        .withRequestBody(equalTo("{\"MaxResults\":1}")));
  }

  @Test
  void autoChoosesS3WhenTheAccountIsNotATimestreamCustomer() {
    listDatabasesAnswers(400, "{\"__type\":\"AccessDeniedException\",\"Message\":\"Only existing Timestream for "
        + "LiveAnalytics customers can access the service. Reach out to AWS Support for more information.\"}");
    ResultsStores.Choice c = chooseAuto();
    assertThat(c.store()).isEqualTo(ResultsStores.Kind.S3);
    assertThat(c.reason()).contains("not available to this account in eu-west-1")
        .contains("Only existing Timestream for LiveAnalytics customers").contains("using S3 instead");
  }

  @Test
  void autoChoosesS3WhenTheCredentialsMayNotUseTimestream() {
    listDatabasesAnswers(400, "{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:iam::123456789012:user/ci "
        + "is not authorized to perform: timestream:ListDatabases\"}");
    ResultsStores.Choice c = chooseAuto();
    assertThat(c.store()).isEqualTo(ResultsStores.Kind.S3);
    assertThat(c.reason()).startsWith("these credentials may not use Timestream in eu-west-1")
        .contains("timestream:ListDatabases");
  }

  @Test
  void autoChoosesS3WhenTimestreamFailsOtherwise() {
    listDatabasesAnswers(500, "{\"__type\":\"InternalServerException\",\"Message\":\"try later\"}");
    ResultsStores.Choice c = chooseAuto();
    assertThat(c.store()).isEqualTo(ResultsStores.Kind.S3);
    assertThat(c.reason()).contains("answered InternalServerException");
  }

  @Test
  void autoChoosesS3WhenTimestreamCannotBeReached() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (TimestreamWriteClient unreachable = client(closedPort)) {
      ResultsStores.Choice c = ResultsStores.choose("auto", true, new TimestreamAvailability(unreachable, "eu-west-1"));
      assertThat(c.store()).isEqualTo(ResultsStores.Kind.S3);
      assertThat(c.reason()).startsWith("could not reach Timestream in eu-west-1");
    }
  }

  /** A write client for an answer stubbed on WireMock (each error form), with the SDK's retries off. */
  static TimestreamWriteClient client(int port) {
    return TimestreamWriteClient.builder()
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIDTEST", "secret")))
        .endpointOverride(java.net.URI.create("http://127.0.0.1:" + port))
        .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
        .build();
  }
}
