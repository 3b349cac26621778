package dev.constellation.orchestrator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.testservices.Dynalite;
import dev.constellation.orchestrator.dynamodb.DynamoDbRunStateStore;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The attached {@code lambda} jar on its own: no other dependency on the class path. */
class LambdaJarIT {

  private static Path lambdaJar() throws Exception {
    try (Stream<Path> files = Files.list(Paths.get("target"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no *-lambda.jar in target; run mvn verify"));
    }
  }

  @Test
  void holdsTheHandlerAndTheDynamoDbClientButNoOtherHttpEngineOrTheLambdaClient() throws Exception {
    try (JarFile jar = new JarFile(lambdaJar().toFile())) {
      List<String> names = jar.stream().map(e -> e.getName()).toList();
      assertThat(names).contains("dev/constellation/orchestrator/lambda/LambdaHandler.class",
          "software/amazon/awssdk/services/dynamodb/DynamoDbClient.class",
          "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
          "com/amazonaws/services/lambda/runtime/RequestStreamHandler.class");
      assertThat(names).noneMatch(n -> n.startsWith("io/netty/")
          || n.startsWith("org/apache/http") || n.startsWith("org/apache/hc/")
          || n.startsWith("software/amazon/awssdk/services/lambda/"));
    }
    System.out.printf("lambda jar: %d KiB%n", Files.size(lambdaJar()) / 1024);
  }

  @Test
  void answersAnInvocationInAJvmWithOnlyTheLambdaJar() throws Exception {
    try (Dynalite dynalite = Dynalite.start(); DynamoDbClient dynamo = dynalite.client()) {
      new DynamoDbRunStateStore(dynamo, "jar-runs").ensureTable();
      String endpoint = dynamo.serviceClientConfiguration().endpointOverride().orElseThrow().toString();
      String reset = call(endpoint, "{\"action\":\"test-reset\",\"runId\":\"jar-1\","
          + "\"expected\":{\"us-east-1\":1}}");
      assertThat(reset).contains("\"state\":\"WAITING\"");
      String started = call(endpoint,
          "{\"action\":\"agg-record\",\"runId\":\"jar-1\",\"region\":\"us-east-1\",\"agentId\":\"a\"}");
      assertThat(started).contains("\"state\":\"STARTED\"").contains("\"registered\":1");
      String aborted = call(endpoint,
          "{\"action\":\"test-abort\",\"runId\":\"jar-1\",\"reason\":\"stopped by the user\"}");
      assertThat(aborted).contains("\"state\":\"ABORTED\"").contains("\"abortReason\":\"stopped by the user\"");
    }
  }

  private static String call(String endpoint, String payload) throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    String cp = lambdaJar().toAbsolutePath() + File.pathSeparator
        + Paths.get("target", "test-classes").toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", cp,
        "dev.constellation.orchestrator.lambda.ShadedJarRunner");
    Map<String, String> env = pb.environment();
    env.put("CONSTELLATION_TABLE", "jar-runs");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", "AKIDTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "secret");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("CONSTELLATION_DYNAMODB_ENDPOINT", endpoint);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    p.getOutputStream().write(payload.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the handler JVM did not exit within 30 s");
    }
    assertThat(p.exitValue()).as("handler JVM exit code, output: %s", out).isZero();
    return out;
  }
}
