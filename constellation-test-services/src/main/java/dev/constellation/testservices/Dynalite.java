package dev.constellation.testservices;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A dynalite (DynamoDB stand-in, npm package pinned in .ci/node) process on 127.0.0.1 and a free
 * port, started by a test and stopped by its process handle ({@link #close()}). Tables are created
 * at once ({@code --createTableMs 0}). Code that runs elsewhere (a Lambda handler in the AWS fake, an
 * agent task) reaches it through {@link #endpoint()}.
 */
public final class Dynalite implements AutoCloseable {

  private final Process process;
  private final int port;

  private Dynalite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts dynalite on a free port and waits until it accepts connections (at most 30 s).
   *
   * @throws IllegalStateException when dynalite is not installed (the message says how to install
   *     it), exits, or does not listen in time (with its log)
   */
  public static Dynalite start() throws IOException, InterruptedException {
    Path cli = NodeModules.script("dynalite", "cli.js");
    int port = Loopback.freePort();
    Path log = Files.createTempFile("dynalite-", ".log");
    Process p = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--createTableMs", "0")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    Loopback.awaitListening("dynalite", p, port, Duration.ofSeconds(30), log);
    return new Dynalite(p, port);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A DynamoDB client for this dynalite: fake credentials, no retries, JDK HTTP client. */
  public DynamoDbClient client() {
    return client(new ExecutionInterceptor() { });
  }

  /**
   * A client like {@link #client()} that also runs an interceptor on every call (e.g. to count
   * the operations it sends).
   *
   * @param interceptor sees every request
   * @return the client
   */
  public DynamoDbClient client(ExecutionInterceptor interceptor) {
    return DynamoDbClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDTEST", "secret")))
        .endpointOverride(endpoint())
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(interceptor))
        .build();
  }

  /** Stops dynalite and its child processes by handle (SIGTERM, SIGKILL after 5 s). */
  @Override
  public void close() throws InterruptedException {
    Loopback.stop(process, Duration.ofSeconds(5));
  }
}
