package dev.constellation.awsfake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.orchestrator.dynamodb.DynamoDbRunStateStore;
import dev.constellation.testservices.Dynalite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * The real shaded orchestrator jar ({@code constellation-orchestrator-*-lambda.jar}, built by the
 * reactor's package phase) uploaded through the real Lambda client and run by the fake's
 * {@code Invoke}, against dynalite.
 */
class OrchestratorLambdaIT {

  static final String HANDLER = "dev.constellation.orchestrator.lambda.LambdaHandler::handleRequest";
  static final String TABLE = "constellation-runs";

  private static Dynalite dynalite;
  private static FakeAws fake;
  private static LambdaClient lambda;
  private static String role;
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path lambdaJar() throws IOException {
    String prop = System.getProperty("constellation.orchestrator.lambdaJar");
    Path jar = prop != null ? Paths.get(prop) : null;
    if (jar == null || !Files.isRegularFile(jar)) {
      throw new IllegalStateException("no orchestrator lambda jar at " + prop + "; build it with"
          + " mvn -pl constellation-aws-fake -am verify (the package phase of constellation-orchestrator)");
    }
    return jar;
  }

  @BeforeAll
  static void start() throws Exception {
    dynalite = Dynalite.start();
    try (DynamoDbClient dynamo = dynalite.client()) {
      new DynamoDbRunStateStore(dynamo, TABLE).ensureTable();
    }
    fake = FakeAws.start(FakeAws.Options.defaults().lambdaEnvironment(
        Map.of("CONSTELLATION_DYNAMODB_ENDPOINT", dynalite.endpoint().toString())));
    lambda = Clients.of(LambdaClient.builder(), fake, "eu-west-1");
    try (IamClient iam = Clients.of(IamClient.builder(), fake, "us-east-1")) {
      role = iam.createRole(r -> r.roleName("constellation-eu-west-1-orchestrator").path("/constellation/")
          .assumeRolePolicyDocument(IamTest.TRUST)).role().arn();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (lambda != null) {
      lambda.close();
    }
    if (fake != null) {
      fake.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
  }

  private static void createFunction(String name, byte[] zip) {
    lambda.createFunction(r -> r.functionName(name).runtime(Runtime.JAVA21).handler(HANDLER).role(role)
        .timeout(30).memorySize(512).code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
        .environment(e -> e.variables(Map.of("CONSTELLATION_TABLE", TABLE))));
  }

  private static InvokeResponse invoke(String name, String qualifier, String payload) {
    return lambda.invoke(r -> r.functionName(name).qualifier(qualifier)
        .payload(SdkBytes.fromUtf8String(payload)));
  }

  @Test
  void theUploadedOrchestratorJarAnswersTestResetThenStartsTheRun() throws Exception {
    createFunction("constellation-orchestrator", Files.readAllBytes(lambdaJar()));
    lambda.publishVersion(r -> r.functionName("constellation-orchestrator"));
    lambda.createAlias(r -> r.functionName("constellation-orchestrator").name("live").functionVersion("1"));

    long cold = System.nanoTime();
    InvokeResponse reset = invoke("constellation-orchestrator", "live",
        "{\"action\":\"test-reset\",\"runId\":\"it-1\",\"expected\":{\"eu-west-1\":1},\"startBufferMs\":1000}");
    cold = System.nanoTime() - cold;
    assertThat(reset.functionError()).as(reset.payload().asUtf8String()).isNull();
    JsonNode status = JSON.readTree(reset.payload().asUtf8String());
    assertThat(status.path("runId").asText()).isEqualTo("it-1");
    assertThat(status.path("state").asText()).isEqualTo("WAITING");
    assertThat(status.path("expected").asInt()).isEqualTo(1);
    assertThat(status.path("registered").asInt()).isZero();

    JsonNode started = JSON.readTree(invoke("constellation-orchestrator", "live",
        "{\"action\":\"agg-record\",\"runId\":\"it-1\",\"region\":\"eu-west-1\",\"agentId\":\"task-0\"}")
        .payload().asUtf8String());
    assertThat(started.path("state").asText()).isEqualTo("STARTED");
    assertThat(started.path("registered").asInt()).isEqualTo(1);
    try (DynamoDbClient dynamo = dynalite.client()) {
      assertThat(new DynamoDbRunStateStore(dynamo, TABLE).get("it-1")).isPresent();
    }
    long[] warm = new long[20];
    for (int i = 0; i < warm.length; i++) {
      long t = System.nanoTime();
      JsonNode polled = JSON.readTree(invoke("constellation-orchestrator", "live",
          "{\"action\":\"test-init\",\"runId\":\"it-1\"}").payload().asUtf8String());
      warm[i] = System.nanoTime() - t;
      assertThat(polled.path("state").asText()).isEqualTo("STARTED");
    }
    java.util.Arrays.sort(warm);
    System.out.printf("fake Lambda, orchestrator jar: cold invoke %d ms; warm test-init p50 %.1f ms, max %.1f ms (%d calls)%n",
        cold / 1_000_000, warm[warm.length / 2] / 1e6, warm[warm.length - 1] / 1e6, warm.length);
  }

  @Test
  void aJarWithoutTheHandlerClassFailsTheInvoke() throws Exception {
    createFunction("no-handler", without(Files.readAllBytes(lambdaJar()),
        "dev/constellation/orchestrator/lambda/LambdaHandler.class"));
    InvokeResponse r = invoke("no-handler", null, "{\"action\":\"test-init\",\"runId\":\"x\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.functionError()).isEqualTo("Unhandled");
    JsonNode err = JSON.readTree(r.payload().asUtf8String());
    assertThat(err.path("errorType").asText()).isEqualTo("java.lang.ClassNotFoundException");
    assertThat(err.path("errorMessage").asText())
        .isEqualTo("Class not found: dev.constellation.orchestrator.lambda.LambdaHandler");
  }

  @Test
  void aFunctionWithoutItsTableVariableFailsInInit() throws Exception {
    lambda.createFunction(r -> r.functionName("no-table").runtime(Runtime.JAVA21).handler(HANDLER).role(role)
        .timeout(30).memorySize(512).code(c -> {
          try {
            c.zipFile(SdkBytes.fromByteArray(Files.readAllBytes(lambdaJar())));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }));
    InvokeResponse r = invoke("no-table", null, "{\"action\":\"test-init\",\"runId\":\"x\"}");
    assertThat(r.functionError()).isEqualTo("Unhandled");
    JsonNode err = JSON.readTree(r.payload().asUtf8String());
    assertThat(err.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(err.path("errorMessage").asText()).startsWith("environment variable CONSTELLATION_TABLE is not set");
  }

  /** The zip without one entry. */
  static byte[] without(byte[] zip, String entry) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip));
         ZipOutputStream out = new ZipOutputStream(bytes)) {
      boolean dropped = false;
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().equals(entry)) {
          dropped = true;
          continue;
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        ((InputStream) in).transferTo(out);
      }
      assertThat(dropped).as("the jar held " + entry).isTrue();
    }
    return bytes.toByteArray();
  }
}
