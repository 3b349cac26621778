package dev.constellation.orchestrator.lambda;

import dev.constellation.orchestrator.JsonOrchestratorClient;
import dev.constellation.orchestrator.OrchestratorException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * An orchestrator client that invokes the orchestrator Lambda function synchronously (the
 * {@code Invoke} API, authorised by {@code lambda:InvokeFunction}); works from any region.
 *
 * @since 0.1.0
 */
public final class LambdaOrchestratorClient extends JsonOrchestratorClient {

  private final LambdaClient lambda;
  private final String functionName;
  private final String qualifier;
  private final String address;

  /**
   * A client over a Lambda SDK client.
   *
   * @param lambda the client, for the function's region
   * @param functionName the function name or ARN
   * @param qualifier the alias or version to invoke (e.g. {@code live}), or {@code null} for
   *     {@code $LATEST}
   */
  public LambdaOrchestratorClient(LambdaClient lambda, String functionName, String qualifier) {
    this.lambda = Objects.requireNonNull(lambda, "lambda");
    this.functionName = Objects.requireNonNull(functionName, "functionName");
    this.qualifier = qualifier;
    this.address = "Lambda function " + functionName + (qualifier == null ? "" : ":" + qualifier);
  }

  /**
   * A client with the default credentials, for a function in a region.
   *
   * @param region the function's (home) region, e.g. {@code eu-central-1}
   * @param functionName the function name or ARN
   * @param qualifier the alias or version, or {@code null} for {@code $LATEST}
   * @return the client
   */
  public static LambdaOrchestratorClient create(String region, String functionName, String qualifier) {
    return create(region, functionName, qualifier, System::getenv);
  }

  /**
   * Environment variable naming a Lambda stand-in for tests ({@code http://127.0.0.1:<port>}),
   * used as the client's endpoint override. Unset in production, where nothing changes.
   */
  public static final String ENDPOINT_ENV = "CONSTELLATION_LAMBDA_ENDPOINT";

  /**
   * A client with the default credentials, honouring {@value #ENDPOINT_ENV} in the environment.
   *
   * @param region the function's (home) region
   * @param functionName the function name or ARN
   * @param qualifier the alias or version, or {@code null} for {@code $LATEST}
   * @param env the environment; {@code System::getenv} in production
   * @return the client
   */
  public static LambdaOrchestratorClient create(String region, String functionName, String qualifier,
      java.util.function.Function<String, String> env) {
    var builder = LambdaClient.builder()
        .region(Region.of(region))
        .httpClient(UrlConnectionHttpClient.create());
    String endpoint = env.apply(ENDPOINT_ENV);
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(java.net.URI.create(endpoint.trim()));
    }
    return new LambdaOrchestratorClient(builder.build(), functionName, qualifier);
  }

  /** The endpoint override in use, if any (tests). */
  java.util.Optional<java.net.URI> endpointOverride() {
    return lambda.serviceClientConfiguration().endpointOverride();
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  protected String exchange(String jsonRequest) throws OrchestratorException {
    InvokeResponse response;
    try {
      response = lambda.invoke(b -> b.functionName(functionName).qualifier(qualifier)
          .invocationType(InvocationType.REQUEST_RESPONSE)
          .payload(SdkBytes.fromString(jsonRequest, StandardCharsets.UTF_8)));
    } catch (SdkException e) {
      throw new OrchestratorException(OrchestratorException.UNREACHABLE,
          "cannot invoke the orchestrator " + address + " (" + e.getMessage() + "); check the"
              + " function name, alias and region, and that this role may lambda:InvokeFunction", e);
    }
    String payload = response.payload() == null ? "" : response.payload().asUtf8String();
    if (response.functionError() != null) {
      throw new OrchestratorException(OrchestratorException.INTERNAL,
          "the orchestrator " + address + " failed (" + response.functionError() + "): "
              + (payload.length() <= 500 ? payload : payload.substring(0, 500) + "...")
              + "; check its CloudWatch logs");
    }
    return payload;
  }
}
