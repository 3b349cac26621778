package dev.constellation.testservices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Each service starts on loopback, answers its protocol, and is gone (process and port) after close. */
class LoopbackServicesIT {

  @TempDir
  Path tmp;

  @Test
  void dynaliteAnswersDynamoDbAndStopsByHandle() throws Exception {
    Dynalite dynalite = Dynalite.start();
    ProcessHandle handle;
    int port = dynalite.endpoint().getPort();
    try (DynamoDbClient dynamo = dynalite.client()) {
      assertThat(dynamo.listTables().tableNames()).isEmpty();
      handle = ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("").contains("dynalite"))
          .filter(p -> p.info().commandLine().orElse("").contains("--port " + port)).findFirst().orElseThrow();
    } finally {
      dynalite.close();
    }
    assertThat(handle.isAlive()).isFalse();
    assertThat(listening(port)).isFalse();
  }

  @Test
  void s3rverStopsAndRestartsOnTheSamePortKeepingItsObjects() throws Exception {
    try (S3rver s3rver = S3rver.start(tmp.resolve("s3")); S3Client s3 = s3rver.client()) {
      s3.createBucket(b -> b.bucket("bucket-1"));
      s3.putObject(b -> b.bucket("bucket-1").key("k"), RequestBody.fromString("v"));
      s3rver.stop();
      assertThat(listening(s3rver.port())).isFalse();
      s3rver.start();
      assertThat(s3.getObjectAsBytes(b -> b.bucket("bucket-1").key("k")).asUtf8String()).isEqualTo("v");
    }
  }

  @Test
  void anOpenRegistryAnswersV2AndDeletesItsStorageOnClose() throws Exception {
    DockerRegistry.requireInstalled();
    DockerRegistry registry = DockerRegistry.start();
    try {
      assertThat(registry.endpoint()).isEqualTo("http://" + registry.host());
      assertThat(get(registry.client(), registry.endpoint() + "/v2/", null)).isEqualTo(200);
      assertThat(registry.logLines()).anyMatch(l -> l.contains("\"GET /v2/"));
    } finally {
      registry.close();
    }
    assertThat(listening(registry.port())).isFalse();
    // the log lived in the registry's temporary folder, which close deletes
    assertThatThrownBy(registry::logLines).isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  @Test
  void aRegistryWithBasicAuthRefusesOtherCredentialsOverHttps() throws Exception {
    DockerRegistry.requireInstalled();
    try (DockerRegistry registry = DockerRegistry.startWithBasicAuth("ci", "s3cret")) {
      assertThat(registry.authenticated()).isTrue();
      assertThat(registry.endpoint()).startsWith("https://");
      HttpClient http = registry.client();
      assertThat(get(http, registry.endpoint() + "/v2/", null)).isEqualTo(401);
      assertThat(get(http, registry.endpoint() + "/v2/", "ci:wrong")).isEqualTo(401);
      assertThat(get(http, registry.endpoint() + "/v2/", "ci:s3cret")).isEqualTo(200);
    }
  }

  @Test
  void aServiceThatExitsAtOnceIsReportedWithItsLog() throws Exception {
    Path log = tmp.resolve("exits.log");
    Process p = new ProcessBuilder("sh", "-c", "echo no such option >&2; exit 3")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThatThrownBy(() -> Loopback.awaitListening("svc", p, Loopback.freePort(), java.time.Duration.ofSeconds(10), log))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("svc exited with 3: no such option\n");
  }

  private static int get(HttpClient http, String url, String credentials) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url));
    if (credentials != null) {
      r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
