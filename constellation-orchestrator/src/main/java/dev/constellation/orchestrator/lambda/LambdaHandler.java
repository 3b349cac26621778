package dev.constellation.orchestrator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.constellation.orchestrator.Orchestrator;
import dev.constellation.orchestrator.OrchestratorActions;
import dev.constellation.orchestrator.dynamodb.DynamoDbRunStateStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The orchestrator as an AWS Lambda function: the invocation payload is the action JSON, the
 * result is the reply JSON (errors included, as {@code {"error":…}}). Run state lives in the
 * DynamoDB table named by {@code CONSTELLATION_TABLE}, in the region {@code AWS_REGION}.
 * Handler string: {@code dev.constellation.orchestrator.lambda.LambdaHandler::handleRequest}.
 *
 * <p>One handler lives per Lambda container and keeps the runs it saw {@code STARTED}: an agent's
 * start poll ({@code test-init} with {@code "view":"start"}) for such a run is answered without
 * reading DynamoDB (the start time is written once; AWS-DEPLOY §2.12, G13). {@code test-abort} and
 * {@code test-reset} through this container drop the entry; a plain {@code test-init} always reads.
 *
 * @since 0.1.0
 */
public final class LambdaHandler implements RequestStreamHandler {

  /** Environment variable naming the run-state table. */
  public static final String TABLE_ENV = "CONSTELLATION_TABLE";
  /** Environment variable naming the table's region (set by Lambda itself). */
  public static final String REGION_ENV = "AWS_REGION";
  /** Optional environment variable: a DynamoDB endpoint URL replacing AWS's (for stand-ins). */
  public static final String ENDPOINT_ENV = "CONSTELLATION_DYNAMODB_ENDPOINT";

  private final OrchestratorActions actions;

  /** The handler Lambda instantiates: table and region from the environment. */
  public LambdaHandler() {
    this(System.getenv(), region -> defaultClient(region, System.getenv(ENDPOINT_ENV)));
  }

  LambdaHandler(Map<String, String> env, Function<Region, DynamoDbClient> clients) {
    String table = env.get(TABLE_ENV);
    if (table == null || table.isBlank()) {
      throw new IllegalStateException("environment variable " + TABLE_ENV + " is not set; set it"
          + " to the run-state table name in the function configuration (constellation:init does)");
    }
    String region = env.get(REGION_ENV);
    if (region == null || region.isBlank()) {
      throw new IllegalStateException("environment variable " + REGION_ENV + " is not set; Lambda"
          + " sets it, so outside Lambda set it to the table's region, e.g. eu-central-1");
    }
    DynamoDbRunStateStore store = new DynamoDbRunStateStore(clients.apply(Region.of(region)), table);
    this.actions = new OrchestratorActions(new Orchestrator(store, Clock.systemUTC(), true));
  }

  private static DynamoDbClient defaultClient(Region region, String endpoint) {
    DynamoDbClientBuilder builder = DynamoDbClient.builder()
        .region(region)
        .httpClient(UrlConnectionHttpClient.create());
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    String request = new String(input.readAllBytes(), StandardCharsets.UTF_8);
    output.write(actions.handle(request).getBytes(StandardCharsets.UTF_8));
    output.flush();
  }
}
