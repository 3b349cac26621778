package dev.constellation.testservices;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * An s3rver (S3 stand-in, npm package pinned in .ci/node) process on 127.0.0.1 that a test starts,
 * stops (by process handle) and restarts on the same port and directory, e.g. to cut S3 off in the
 * middle of a run. Its only credentials are S3RVER/S3RVER.
 */
public final class S3rver implements AutoCloseable {

  private final Path script;
  private final Path directory;
  private final Path log;
  private final int port;
  private Process process;

  private S3rver(Path script, Path directory, int port) {
    this.script = script;
    this.directory = directory;
    this.log = directory.resolveSibling(directory.getFileName() + ".log");
    this.port = port;
  }

  /** Starts s3rver on a free loopback port, storing objects under {@code directory}. */
  public static S3rver start(Path directory) throws IOException {
    S3rver server = new S3rver(NodeModules.script("s3rver", "bin/s3rver.js"), directory, Loopback.freePort());
    server.start();
    return server;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Starts (again) on the same port and directory; waits until it accepts connections (at most 30 s).
   *
   * @throws IllegalStateException when s3rver exits or does not listen in time (with its log)
   */
  public void start() throws IOException {
    Files.createDirectories(directory);
    // s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 17+ only offers with
    // the legacy OpenSSL provider; without it every truncated listing answers HTTP 500.
    ProcessBuilder pb = new ProcessBuilder(List.of("node", "--openssl-legacy-provider", script.toString(), "--address", "127.0.0.1",
        "--port", Integer.toString(port), "--directory", directory.toString(), "--silent"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    Loopback.awaitListening("s3rver", p, port, Duration.ofSeconds(30), log);
    process = p;
  }

  /** Stops the process and its descendants by handle (SIGTERM, SIGKILL after 10 s). */
  public void stop() {
    if (process == null) {
      return;
    }
    Loopback.stop(process, Duration.ofSeconds(10));
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  /** A client as AWS-NOTES §4.2/§4.5 prescribe for s3rver: path style, no aws-chunked bodies, no SDK retries. */
  public S3Client client() {
    return S3Client.builder()
        .region(Region.US_EAST_1)
        // s3rver only accepts its built-in account's key pair
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")))
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(10)).build())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }
}
