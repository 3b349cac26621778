package dev.constellation.orchestrator.lambda;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.RunState;
import dev.constellation.orchestrator.RunStatus;
import dev.constellation.orchestrator.StartState;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

class LambdaOrchestratorClientIT {

  private static final String PATH = "/2015-03-31/functions/constellation-orchestrator/invocations";
  private static final String STATUS = "{\"runId\":\"r1\",\"state\":\"STARTED\",\"startAt\":1700000003000,"
      + "\"deadline\":1700000300000,\"serverTime\":1700000000000,\"complete\":false,\"expected\":2,"
      + "\"registered\":2,\"ended\":1,\"regions\":{\"us-east-2\":{\"expected\":2,\"registered\":2,"
      + "\"ended\":1,\"complete\":false,\"totals\":{\"requests\":40}}}}";

  private WireMockServer wireMock;
  private LambdaClient lambda;
  private LambdaOrchestratorClient client;

  @BeforeEach
  void start() {
    wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    wireMock.start();
    lambda = LambdaClient.builder()
        .region(Region.EU_CENTRAL_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDTEST", "secret")))
        .endpointOverride(URI.create("http://127.0.0.1:" + wireMock.port()))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
    client = new LambdaOrchestratorClient(lambda, "constellation-orchestrator", "live");
  }

  @AfterEach
  void stop() {
    lambda.close();
    wireMock.stop();
  }

  @Test
  void invokesTheAliasWithTheActionAsPayloadAndReadsTheStatus() throws Exception {
    wireMock.stubFor(post(urlPathEqualTo(PATH))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withHeader("X-Amz-Executed-Version", "3").withBody(STATUS)));

    StartState state = client.poll("r1");

    assertThat(state).isEqualTo(new StartState(RunState.STARTED, 1700000003000L, 1700000300000L));
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(PATH))
        .withQueryParam("Qualifier", equalTo("live"))
        .withHeader("X-Amz-Invocation-Type", equalTo("RequestResponse"))
        .withHeader("Authorization", WireMock.containing("AKIDTEST/"))
        .withHeader("Authorization", WireMock.containing("/eu-central-1/lambda/aws4_request"))
        .withRequestBody(equalToJson("{\"action\":\"test-init\",\"runId\":\"r1\",\"view\":\"start\"}")));
  }

  @Test
  void abortsWithTheReasonInThePayloadAndReadsItBack() throws Exception {
    wireMock.stubFor(post(urlPathEqualTo(PATH))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(STATUS.replace("\"STARTED\"", "\"ABORTED\"")
                .replace("\"complete\":false,", "\"complete\":false,\"abortReason\":\"agent exited 2\","))));

    RunStatus status = client.abort("r1", "agent exited 2");

    assertThat(status.state()).isEqualTo(RunState.ABORTED);
    assertThat(status.abortReason()).isEqualTo("agent exited 2");
    assertThat(status.startState()).isEqualTo(
        new StartState(RunState.ABORTED, 1700000003000L, 1700000300000L, "agent exited 2"));
    wireMock.verify(1, postRequestedFor(urlPathEqualTo(PATH))
        .withRequestBody(equalToJson("{\"action\":\"test-abort\",\"runId\":\"r1\",\"reason\":\"agent exited 2\"}")));
  }

  @Test
  void sendsTheEndWithItsSummary() throws Exception {
    wireMock.stubFor(post(urlPathEqualTo(PATH))
        .willReturn(aResponse().withStatus(200).withBody(STATUS)));

    RunStatus status = client.end("r1", "us-east-2", "task-1", Map.of("requests", 40L, "failures", 0L));

    assertThat(status.regions().get("us-east-2").totals()).containsEntry("requests", 40L);
    wireMock.verify(postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(equalToJson(
        "{\"action\":\"test-end\",\"runId\":\"r1\",\"region\":\"us-east-2\",\"agentId\":\"task-1\","
            + "\"summary\":{\"requests\":40,\"failures\":0}}")));
  }

  @Test
  void turnsAnErrorPayloadIntoItsCode() {
    wireMock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withBody("{\"error\":\"agent-not-expected\",\"message\":\"region 'us-east-2' is full\"}")));

    assertThatThrownBy(() -> client.register("r1", "us-east-2", "task-9"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo("agent-not-expected"))
        .hasMessage("region 'us-east-2' is full");
  }

  @Test
  void reportsAFunctionErrorWithItsPayload() {
    wireMock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("X-Amz-Function-Error", "Unhandled")
        .withBody("{\"errorMessage\":\"Task timed out after 3.00 seconds\"}")));

    assertThatThrownBy(() -> client.status("r1"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.INTERNAL))
        .hasMessageContaining("Lambda function constellation-orchestrator:live failed (Unhandled)")
        .hasMessageContaining("Task timed out")
        .hasMessageContaining("CloudWatch");
  }

  @Test
  void namesTheFunctionAndTheFixWhenTheInvokeIsRefused() {
    wireMock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
        .withBody("{\"Type\":\"User\",\"message\":\"Function not found: constellation-orchestrator:live\"}")));

    assertThatThrownBy(() -> client.status("r1"))
        .isInstanceOfSatisfying(OrchestratorException.class, e ->
            assertThat(e.code()).isEqualTo(OrchestratorException.UNREACHABLE))
        .hasMessageContaining("Lambda function constellation-orchestrator:live")
        .hasMessageContaining("Function not found")
        .hasMessageContaining("lambda:InvokeFunction");
  }
}
