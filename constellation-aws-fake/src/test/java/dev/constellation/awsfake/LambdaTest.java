package dev.constellation.awsfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.State;

class LambdaTest {

  static final String HANDLER = "dev.constellation.awsfake.testfn.EchoHandler::handleRequest";

  private FakeAws fake;
  private LambdaClient lambda;
  private String role;

  @BeforeEach
  void start() {
    fake = FakeAws.start();
    lambda = Clients.of(LambdaClient.builder(), fake, "eu-west-1");
    try (IamClient iam = Clients.of(IamClient.builder(), fake, "us-east-1")) {
      role = iam.createRole(r -> r.roleName("fn").assumeRolePolicyDocument(IamTest.TRUST)).role().arn();
    }
  }

  @AfterEach
  void stop() {
    lambda.close();
    fake.close();
  }

  /** A deployment package holding the given test classes (paths under target/test-classes). */
  static byte[] zipOf(String... classes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("README.txt"));
      zip.write("test function".getBytes(StandardCharsets.UTF_8));
      for (String c : classes) {
        Path file = Paths.get("target", "test-classes").resolve(c);
        zip.putNextEntry(new ZipEntry(c));
        zip.write(Files.readAllBytes(file));
      }
    }
    return bytes.toByteArray();
  }

  static String sha256(byte[] b) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private CreateFunctionRequest create(byte[] zip) {
    return CreateFunctionRequest.builder().functionName("constellation-orchestrator").runtime(Runtime.JAVA21)
        .handler(HANDLER).role(role).timeout(5).memorySize(256)
        .code(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
        .environment(e -> e.variables(Map.of("GREETING", "hello")))
        .tags(Map.of("constellation:managed", "true")).build();
  }

  @Test
  void controlPlaneFunctionVersionsAliasesTagsAndSettings() throws Exception {
    byte[] zip = zipOf("dev/constellation/awsfake/testfn/EchoHandler.class");
    assertThatThrownBy(() -> lambda.createFunction(create(zip).toBuilder()
        .role("arn:aws:iam::123456789012:role/missing").build()))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("cannot be assumed by Lambda");

    fake.faults().failNext("lambda", "CreateFunction", 2, 400, "InvalidParameterValueException",
        "The role defined for the function cannot be assumed by Lambda.");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> lambda.createFunction(create(zip))).isInstanceOf(InvalidParameterValueException.class);
    }
    var created = lambda.createFunction(create(zip));
    assertThat(created.state()).isEqualTo(State.ACTIVE);
    assertThat(created.codeSha256()).isEqualTo(sha256(zip));
    assertThat(created.functionArn()).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:constellation-orchestrator");
    assertThatThrownBy(() -> lambda.createFunction(create(zip))).isInstanceOf(ResourceConflictException.class);

    var got = lambda.getFunction(r -> r.functionName("constellation-orchestrator"));
    assertThat(got.configuration().environment().variables()).isEqualTo(Map.of("GREETING", "hello"));
    assertThat(got.configuration().lastUpdateStatusAsString()).isEqualTo("Successful");
    assertThat(got.tags()).isEqualTo(Map.of("constellation:managed", "true"));
    lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName("constellation-orchestrator"));

    var v1 = lambda.publishVersion(r -> r.functionName("constellation-orchestrator"));
    assertThat(v1.version()).isEqualTo("1");
    assertThat(lambda.publishVersion(r -> r.functionName("constellation-orchestrator")).version())
        .as("nothing changed: the same version").isEqualTo("1");
    var alias = lambda.createAlias(r -> r.functionName("constellation-orchestrator").name("live").functionVersion("1"));
    assertThat(alias.aliasArn()).isEqualTo(created.functionArn() + ":live");

    byte[] zip2 = zipOf("dev/constellation/awsfake/testfn/EchoHandler.class", "dev/constellation/awsfake/FormAssert.class");
    var updated = lambda.updateFunctionCode(r -> r.functionName("constellation-orchestrator")
        .zipFile(SdkBytes.fromByteArray(zip2)));
    assertThat(updated.codeSha256()).isEqualTo(sha256(zip2)).isNotEqualTo(created.codeSha256());
    lambda.updateFunctionConfiguration(r -> r.functionName("constellation-orchestrator").timeout(30));
    String sha2 = sha256(zip2);
    var v2 = lambda.publishVersion(r -> r.functionName("constellation-orchestrator").codeSha256(sha2));
    assertThat(v2.version()).isEqualTo("2");
    assertThat(v2.timeout()).isEqualTo(30);
    lambda.updateAlias(r -> r.functionName("constellation-orchestrator").name("live").functionVersion("2"));
    assertThat(lambda.getAlias(r -> r.functionName("constellation-orchestrator").name("live")).functionVersion())
        .isEqualTo("2");
    String sha1 = sha256(zip);
    assertThat(lambda.getFunction(r -> r.functionName("constellation-orchestrator").qualifier("1"))
        .configuration().codeSha256()).isEqualTo(sha1);

    lambda.tagResource(r -> r.resource(created.functionArn()).tags(Map.of("constellation:home", "eu-west-1")));
    assertThat(lambda.listTags(r -> r.resource(created.functionArn())).tags())
        .isEqualTo(Map.of("constellation:managed", "true", "constellation:home", "eu-west-1"));
    lambda.untagResource(r -> r.resource(created.functionArn()).tagKeys("constellation:home"));
    assertThat(fake.resources("lambda")).singleElement().satisfies(res -> {
      assertThat(res.arn()).isEqualTo(created.functionArn());
      assertThat(res.tags()).isEqualTo(Map.of("constellation:managed", "true"));
    });

    fake.faults().lambdaConcurrency("eu-west-1", 10);
    assertThat(lambda.getAccountSettings().accountLimit().unreservedConcurrentExecutions()).isEqualTo(10);

    lambda.deleteFunction(r -> r.functionName("constellation-orchestrator"));
    assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("constellation-orchestrator")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(fake.resources("lambda")).isEmpty();

    ObjectMapper json = new ObjectMapper();
    JsonNode body = json.readTree(fake.journal().calls("lambda", "CreateFunction").get(0).body());
    assertThat(body.path("Code").path("ZipFile").asText()).isEqualTo(Base64.getEncoder().encodeToString(zip));
    assertThat(body.path("Runtime").asText()).isEqualTo("java21");
    assertThat(fake.journal().calls("lambda", "GetFunction").get(0).mutating()).isFalse();
  }

  @Test
  void invokeRunsTheHandlerInAWarmJvmAndReportsHandlerErrors() throws Exception {
    lambda.createFunction(create(zipOf("dev/constellation/awsfake/testfn/EchoHandler.class")));
    lambda.publishVersion(r -> r.functionName("constellation-orchestrator"));
    lambda.createAlias(r -> r.functionName("constellation-orchestrator").name("live").functionVersion("1"));
    ObjectMapper json = new ObjectMapper();

    InvokeResponse first = lambda.invoke(r -> r.functionName("constellation-orchestrator").qualifier("live")
        .payload(SdkBytes.fromUtf8String("{\"n\":1}")).logType(LogType.TAIL));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.functionError()).isNull();
    assertThat(first.executedVersion()).isEqualTo("1");
    JsonNode a = json.readTree(first.payload().asUtf8String());
    assertThat(a.path("echo")).isEqualTo(json.readTree("{\"n\":1}"));
    assertThat(a.path("greeting").asText()).isEqualTo("hello");
    assertThat(a.path("region").asText()).isEqualTo("eu-west-1");
    assertThat(a.path("pid").asLong()).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(new String(Base64.getDecoder().decode(first.logResult()), StandardCharsets.UTF_8))
        .contains("log line from the handler");

    JsonNode b = json.readTree(lambda.invoke(r -> r.functionName("constellation-orchestrator").qualifier("live")
        .payload(SdkBytes.fromUtf8String("{\"n\":2}"))).payload().asUtf8String());
    assertThat(b.path("pid").asLong()).as("kept warm").isEqualTo(a.path("pid").asLong());
    assertThat(b.path("invocations").asInt()).isEqualTo(2);

    InvokeResponse failed = lambda.invoke(r -> r.functionName("constellation-orchestrator")
        .payload(SdkBytes.fromUtf8String("{\"boom\":true}")));
    assertThat(failed.statusCode()).isEqualTo(200);
    assertThat(failed.functionError()).isEqualTo("Unhandled");
    JsonNode err = json.readTree(failed.payload().asUtf8String());
    assertThat(err.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(err.path("errorMessage").asText()).isEqualTo("asked to fail: 13 bytes");

    InvokeResponse timedOut = lambda.invoke(r -> r.functionName("constellation-orchestrator")
        .payload(SdkBytes.fromUtf8String("{\"sleep\":true}")));
    assertThat(timedOut.functionError()).isEqualTo("Unhandled");
    assertThat(timedOut.payload().asUtf8String()).contains("Task timed out after 5.00 seconds");
  }

  @Test
  void aPackageWithoutTheHandlerClassFailsEveryInvoke() throws Exception {
    lambda.createFunction(create(zipOf("dev/constellation/awsfake/FormAssert.class")));
    InvokeResponse r = lambda.invoke(x -> x.functionName("constellation-orchestrator")
        .payload(SdkBytes.fromUtf8String("{}")));
    assertThat(r.functionError()).isEqualTo("Unhandled");
    JsonNode err = new ObjectMapper().readTree(r.payload().asUtf8String());
    assertThat(err.path("errorType").asText()).isEqualTo("java.lang.ClassNotFoundException");
    assertThat(err.path("errorMessage").asText()).isEqualTo("Class not found: dev.constellation.awsfake.testfn.EchoHandler");

    byte[] both = zipOf("dev/constellation/awsfake/testfn/EchoHandler.class", "dev/constellation/awsfake/FormAssert.class");
    lambda.updateFunctionCode(x -> x.functionName("constellation-orchestrator").zipFile(SdkBytes.fromByteArray(both)));
    lambda.updateFunctionConfiguration(x -> x.functionName("constellation-orchestrator").runtime(Runtime.JAVA11));
    InvokeResponse tooNew = lambda.invoke(x -> x.functionName("constellation-orchestrator")
        .payload(SdkBytes.fromUtf8String("{}")));
    assertThat(tooNew.functionError()).as("release 17 classes on java11").isEqualTo("Unhandled");
    JsonNode version = new ObjectMapper().readTree(tooNew.payload().asUtf8String());
    assertThat(version.path("errorType").asText()).isEqualTo("java.lang.UnsupportedClassVersionError");
    assertThat(version.path("errorMessage").asText()).contains("class file version 61.0")
        .contains("up to 55.0");

    lambda.updateFunctionConfiguration(x -> x.functionName("constellation-orchestrator")
        .runtime(Runtime.JAVA21).handler("dev.constellation.awsfake.FormAssert::form"));
    InvokeResponse wrongShape = lambda.invoke(x -> x.functionName("constellation-orchestrator")
        .payload(SdkBytes.fromUtf8String("{}")));
    assertThat(wrongShape.functionError()).isEqualTo("Unhandled");
    assertThat(wrongShape.payload().asUtf8String()).contains("No public method named form");
  }

  @Test
  void aPendingFunctionRefusesUpdatesAndInvokesUntilItSettles() throws Exception {
    fake.faults().lambdaPendingFor(java.time.Duration.ofSeconds(5));
    byte[] zip = zipOf("dev/constellation/awsfake/testfn/EchoHandler.class");
    assertThat(lambda.createFunction(create(zip)).state()).isEqualTo(State.PENDING);
    assertThatThrownBy(() -> lambda.updateFunctionCode(r -> r.functionName("constellation-orchestrator")
        .zipFile(SdkBytes.fromByteArray(zip)))).isInstanceOf(ResourceConflictException.class)
        .hasMessageContaining("An update is in progress");
    assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("constellation-orchestrator")
        .payload(SdkBytes.fromUtf8String("{}")))).isInstanceOf(ResourceConflictException.class)
        .hasMessageContaining("Pending");
    lambda.waiter().waitUntilFunctionActiveV2(r -> r.functionName("constellation-orchestrator"));
    var updated = lambda.updateFunctionConfiguration(r -> r.functionName("constellation-orchestrator").timeout(9));
    assertThat(updated.lastUpdateStatusAsString()).isEqualTo("InProgress");
    assertThatThrownBy(() -> lambda.publishVersion(r -> r.functionName("constellation-orchestrator")))
        .isInstanceOf(ResourceConflictException.class);
    var settled = lambda.waiter().waitUntilFunctionUpdatedV2(r -> r.functionName("constellation-orchestrator"));
    assertThat(settled.matched().response().orElseThrow().configuration().lastUpdateStatusAsString())
        .isEqualTo("Successful");
    assertThat(lambda.publishVersion(r -> r.functionName("constellation-orchestrator")).timeout()).isEqualTo(9);
  }

  @Test
  void concurrentInvokesUseAtMostTheWarmPool() throws Exception {
    try (FakeAws small = FakeAws.start(FakeAws.Options.defaults().lambdaMaxWarmPerFunction(2));
         LambdaClient client = Clients.of(LambdaClient.builder(), small, "eu-west-1");
         IamClient iam = Clients.of(IamClient.builder(), small, "us-east-1")) {
      String arn = iam.createRole(r -> r.roleName("fn").assumeRolePolicyDocument(IamTest.TRUST)).role().arn();
      client.createFunction(create(zipOf("dev/constellation/awsfake/testfn/EchoHandler.class")).toBuilder()
          .role(arn).timeout(60).build());
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        java.util.List<java.util.concurrent.Future<InvokeResponse>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
          int n = i;
          calls.add(pool.submit(() -> client.invoke(r -> r.functionName("constellation-orchestrator")
              .payload(SdkBytes.fromUtf8String("{\"n\":" + n + "}")))));
        }
        java.util.Set<Long> pids = new java.util.HashSet<>();
        ObjectMapper json = new ObjectMapper();
        for (var call : calls) {
          InvokeResponse r = call.get(120, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
          pids.add(json.readTree(r.payload().asUtf8String()).path("pid").asLong());
        }
        assertThat(pids).hasSizeBetween(1, 2);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aNewRoleBecomesAssumableOnlyAfterThePropagationDelay() throws Exception {
    fake.faults().rolesAssumableAfter(java.time.Duration.ofSeconds(3));
    String fresh;
    try (IamClient iam = Clients.of(IamClient.builder(), fake, "us-east-1")) {
      fresh = iam.createRole(r -> r.roleName("fresh").assumeRolePolicyDocument(IamTest.TRUST)).role().arn();
    }
    byte[] zip = zipOf("dev/constellation/awsfake/testfn/EchoHandler.class");
    long t0 = System.nanoTime();
    int failures = 0;
    while (true) {
      try {
        lambda.createFunction(create(zip).toBuilder().role(fresh).build());
        break;
      } catch (InvalidParameterValueException e) {
        assertThat(e.getMessage()).contains("cannot be assumed by Lambda");
        failures++;
        Thread.sleep(500);
      }
    }
    assertThat(failures).isPositive();
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(2_000_000_000L);
    assertThat(fake.resources("lambda")).hasSize(1);
  }

  @Test
  void aRuntimeCanHaveItsOwnJava() throws Exception {
    Path java25 = Paths.get(System.getProperty("java25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(java25), "no Java 25 at " + java25);
    try (FakeAws own = FakeAws.start(FakeAws.Options.defaults().javaForRuntime("java25", java25));
         LambdaClient client = Clients.of(LambdaClient.builder(), own, "eu-west-1");
         IamClient iam = Clients.of(IamClient.builder(), own, "us-east-1")) {
      String arn = iam.createRole(r -> r.roleName("fn").assumeRolePolicyDocument(IamTest.TRUST)).role().arn();
      client.createFunction(create(zipOf("dev/constellation/awsfake/testfn/EchoHandler.class")).toBuilder()
          .role(arn).runtime("java25").timeout(60).build());
      InvokeResponse r = client.invoke(x -> x.functionName("constellation-orchestrator").payload(SdkBytes.fromUtf8String("{}")));
      assertThat(r.functionError()).as(r.payload().asUtf8String()).isNull();
      long pid = new ObjectMapper().readTree(r.payload().asUtf8String()).path("pid").asLong();
      String command = ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("");
      assertThat(Paths.get(command).toRealPath()).isEqualTo(java25.toRealPath());
    }
  }
}
