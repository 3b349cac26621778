package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.constellation.agent.AgentMain;
import dev.constellation.agent.runtime.Console;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.maven.image.aws.LambdaInvokeStandIn;
import dev.constellation.maven.local.AgentResults;
import dev.constellation.orchestrator.RunStatus;
import dev.constellation.orchestrator.dynamodb.DynamoDbRunStateStore;
import dev.constellation.orchestrator.lambda.LambdaOrchestratorClient;
import dev.constellation.testservices.Dynalite;
import dev.constellation.testservices.Loopback;
import dev.constellation.testservices.S3rver;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import dev.constellation.api.VirtualUser;
import dev.constellation.maven.image.agentscript.PingScript;
import dev.constellation.orchestrator.RunSetup;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent image as Fargate would run it, without a container runtime: built with the real agent
 * jars and a real script, pushed to a registry, pulled back over the registry API, unpacked, and
 * its entrypoint run with this machine's JDK against a loopback server that counts requests.
 */
class RealAgentImageIT {

  @RegisterExtension static final DockerRegistryExtension REGISTRY = new DockerRegistryExtension();

  private static final String SCRIPT_CLASS_FILE =
      PingScript.class.getName().replace('.', '/') + ".class";

  @TempDir Path dir;

  private HttpServer server;
  private ExecutorService serverThreads;
  private final AtomicLong served = new AtomicLong();

  @BeforeEach
  void startCountingServer() throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    serverThreads = Executors.newFixedThreadPool(8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
    server.createContext("/ping", exchange -> {
      served.incrementAndGet();
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(serverThreads);
    server.start();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.stop(0);
    serverThreads.shutdownNow();
    serverThreads.awaitTermination(5, TimeUnit.SECONDS);
  }

  @TempDir static Path shared;

  private static UnpackedImage image;
  private static ImageBuildResult built;
  private static List<Path> constellationJars;
  private static int dependencyJarCount;
  private static long buildMillis;

  /** Builds the image (no JVM flags given: the defaults), pushes it, pulls it back and unpacks it, once for every test. */
  @BeforeAll
  static void buildPushPullAndUnpackTheImage() throws Exception {
    RegistryApi api = new RegistryApi(REGISTRY.host());
    String base = api.pushStandInBase(Files.createDirectories(shared.resolve("base")));
    Path testClasses = shared.resolve("project/target/test-classes");
    copyFromTestClasses(SCRIPT_CLASS_FILE, testClasses);
    Path jars = Files.createDirectories(shared.resolve("jars"));
    constellationJars = List.of(
        jarOf(AgentMain.class, jars), jarOf(VirtualUser.class, jars), jarOf(RunSetup.class, jars));
    List<Path> dependencyJars = dependencyJars(constellationJars);
    dependencyJarCount = dependencyJars.size();
    ImageSpec spec = ImageSpec.builder()
        .baseImage(base)
        .dependencyJars(dependencyJars)
        .constellationJars(constellationJars)
        .classesDirectory(shared.resolve("project/target/classes"))
        .testClassesDirectory(testClasses)
        .allowInsecureRegistries(true)
        .build();
    long buildStart = System.nanoTime();
    built = new AgentImageBuilder(shared.resolve("cache/base"), shared.resolve("cache/app"), line -> { })
        .build(spec, ImageTarget.registry(REGISTRY.host() + "/constellation-agent:real"));
    buildMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - buildStart);
    image = UnpackedImage.pull(api, "constellation-agent", "real", shared.resolve("rootfs"));
  }

  @Test
  void theImagePulledBackFromTheRegistryRunsTheRealAgentAndRecordsEveryRequestTheServerSaw()
      throws Exception {
    assertThat(image.manifest().digest()).isEqualTo(built.imageDigest());
    // Exec form (a JSON array, no shell): java itself is PID 1 in the container and gets ECS's SIGTERM.
    assertThat(image.config().get("Entrypoint").isArray()).isTrue();
    assertThat(image.entrypoint()).containsExactly("java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-cp",
        "/app/test-classes:/app/classes:/app/constellation/*:/app/libs/*",
        "dev.constellation.agent.AgentMain");
    assertThat(image.config().path("Cmd").isMissingNode() || image.config().path("Cmd").isNull()
        || image.config().path("Cmd").isEmpty()).as("no Cmd: the task definition's command are the arguments").isTrue();
    assertThat(image.layerFiles()).hasSize(4);
    assertThat(image.layerFiles().get(2))
        .contains("app/constellation/" + constellationJars.get(0).getFileName());
    assertThat(image.layerFiles().get(3)).contains("app/test-classes/" + SCRIPT_CLASS_FILE);

    Path results = dir.resolve("results");
    List<String> command = new ArrayList<>(image.localCommand(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    // The task definition's command; no --scripts: the agent finds the script in /app/test-classes.
    command.addAll(List.of("--runId", "image-it", "--vus", "5", "--duration", "2s",
        "--baseUrl", "http://127.0.0.1:" + server.getAddress().getPort(),
        "--resultsDir", results.toString()));
    Path log = dir.resolve("agent.log");
    long runStart = System.nanoTime();
    Process agent = new ProcessBuilder(command)
        .directory(image.workingDirectory().toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    boolean finished = agent.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      agent.descendants().forEach(ProcessHandle::destroyForcibly);
      agent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - runStart);
    String printed = Files.readString(log);
    assertThat(finished).as("agent finished within 60 s:%n%s", printed).isTrue();
    assertThat(agent.exitValue()).as(printed).isZero();
    assertThat(printed).contains("PingScript x5");

    Path records = results.resolve("local-0.jsonl");
    assertThat(records).as(printed).isRegularFile();
    long recorded = 0;
    long failures = 0;
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(records, StandardCharsets.UTF_8)) {
      JsonNode record = json.readTree(line);
      if (record.get("kind").asText().equals("http")) {
        recorded += record.get("count").asLong();
        failures += record.get("failures").asLong();
      }
    }
    System.out.printf("real agent image: %d layers, %d dependency jars; build+push %d ms;"
            + " agent run from the unpacked image %d ms; %d requests recorded, server saw %d%n",
        image.layerFiles().size(), dependencyJarCount, buildMillis, runMillis, recorded,
        served.get());
    assertThat(recorded).as("requests in %s", records).isPositive();
    assertThat(recorded).as("requests recorded by the agent vs seen by the server")
        .isEqualTo(served.get());
    assertThat(failures).isZero();
  }

  // ---- The image as an ECS Fargate task: settings only from the environment, results to S3,
  // ---- registration through Lambda Invoke running the real orchestrator jar against dynalite.

  private static final String FUNCTION = "constellation-orchestrator";
  private static final String BUCKET = "constellation-it";
  private static final String HOME = "us-east-1";

  /** What every task of one task definition shares: its environment (no command: the image's entrypoint alone). */
  private Map<String, String> taskDefinitionEnvironment(String runId, String s3, String lambda, String metadata) {
    Map<String, String> env = new LinkedHashMap<>();
    // What Fargate and the task role give every container (static keys: s3rver accepts only its own pair).
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ACCESS_KEY_ID", "S3RVER");
    env.put("AWS_SECRET_ACCESS_KEY", "S3RVER");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("ECS_CONTAINER_METADATA_URI_V4", metadata);
    // Test endpoints (unset on AWS).
    env.put("CONSTELLATION_S3_ENDPOINT", s3);
    env.put("CONSTELLATION_LAMBDA_ENDPOINT", lambda);
    // The run's common settings.
    env.put("CONSTELLATION_RUN_ID", runId);
    env.put("CONSTELLATION_REGION", "eu-west-1");
    env.put("CONSTELLATION_AGENT_COUNT", "2");
    env.put("CONSTELLATION_DURATION", "2s");
    env.put("CONSTELLATION_BASE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
    env.put("CONSTELLATION_ORCHESTRATOR", "lambda:" + HOME + ":" + FUNCTION + ":live");
    env.put("CONSTELLATION_RESULTS_STORE", "s3");
    env.put("CONSTELLATION_RESULTS_BUCKET", BUCKET);
    env.put("CONSTELLATION_RESULTS_REGION", HOME);
    return env;
  }

  /** Starts the unpacked image's entrypoint with exactly this environment and no arguments, as ECS would. */
  private Process runTask(Map<String, String> environment, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(image.localCommand(Path.of(System.getProperty("java.home"), "bin", "java").toString()))
        .directory(image.workingDirectory().toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment);
    return pb.start();
  }

  private static boolean awaitExit(Process p, long seconds) throws InterruptedException {
    if (p.waitFor(seconds, TimeUnit.SECONDS)) {
      return true;
    }
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    return false;
  }

  private static LambdaOrchestratorClient orchestrator(String endpoint) {
    LambdaClient lambda = LambdaClient.builder().region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .endpointOverride(URI.create(endpoint)).httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    return new LambdaOrchestratorClient(lambda, FUNCTION, "live");
  }

  /** Loopback stand-in for the ECS task metadata endpoint v4: {@code /v4/<task>/task} answers that task's ARN. */
  private HttpServer metadataServer(List<String> asked) throws IOException {
    HttpServer metadata = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    metadata.createContext("/v4/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      asked.add(path);
      String task = path.substring("/v4/".length(), path.length() - "/task".length());
      byte[] body = ("{\"Cluster\":\"arn:aws:ecs:eu-west-1:123456789012:cluster/constellation\",\"TaskARN\":"
          + "\"arn:aws:ecs:eu-west-1:123456789012:task/constellation/" + task + "\",\"AvailabilityZone\":\"eu-west-1a\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    metadata.start();
    return metadata;
  }

  private static long httpCount(List<IntervalRecord> records) {
    return records.stream().filter(r -> r.kind().equals(IntervalRecord.KIND_HTTP)).mapToLong(IntervalRecord::count).sum();
  }

  @Test
  void twoTasksOfOneTaskDefinitionWithOnlyEnvironmentOverridesRegisterThroughLambdaAndLeaveEveryRecordAndTheirFactsInS3()
      throws Exception {
    String runId = "fargate-it-1";
    List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer metadata = metadataServer(asked);
    try (S3rver s3rver = S3rver.start(dir.resolve("s3"));
        Dynalite dynalite = Dynalite.start();
        DynamoDbClient dynamo = dynalite.client();
        S3Client s3 = s3rver.client()) {
      new DynamoDbRunStateStore(dynamo, "constellation-runs").ensureTable();
      new S3ResultsStore(s3, BUCKET).ensureBucket(HOME);
      try (LambdaInvokeStandIn lambda = LambdaInvokeStandIn.start(FUNCTION, LambdaInvokeStandIn.orchestratorLambdaJar(),
          "dev.constellation.orchestrator.lambda.LambdaHandler::handleRequest",
          Map.of("CONSTELLATION_TABLE", "constellation-runs", "AWS_REGION", HOME, "AWS_ACCESS_KEY_ID", "AKIDTEST",
              "AWS_SECRET_ACCESS_KEY", "secret", "AWS_EC2_METADATA_DISABLED", "true",
              "CONSTELLATION_DYNAMODB_ENDPOINT", dynalite.endpoint().toString()), dir)) {
        LambdaOrchestratorClient plugin = orchestrator(lambda.endpoint());
        plugin.reset(new RunSetup(runId, Map.of("eu-west-1", 2), 3000, 120_000));

        String metadataBase = "http://127.0.0.1:" + metadata.getAddress().getPort() + "/v4/";
        Map<String, String> shared = taskDefinitionEnvironment(runId, s3rver.endpoint().toString(), lambda.endpoint(), metadataBase);
        List<Process> tasks = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        int[] vus = {3, 2};
        for (int i = 0; i < 2; i++) {
          Map<String, String> env = new LinkedHashMap<>(shared);
          // RunTask containerOverrides.environment: the only per-task values.
          env.put("CONSTELLATION_AGENT_INDEX", Integer.toString(i));
          env.put("CONSTELLATION_VUS", Integer.toString(vus[i]));
          env.put("ECS_CONTAINER_METADATA_URI_V4", metadataBase + "task" + i);
          logs.add(dir.resolve("task" + i + ".log"));
          tasks.add(runTask(env, logs.get(i)));
        }
        long runStart = System.nanoTime();
        for (int i = 0; i < 2; i++) {
          boolean exited = awaitExit(tasks.get(i), 120);
          String printed = Files.readString(logs.get(i));
          assertThat(exited).as("task %d exited within 120 s:%n%s", i, printed).isTrue();
          assertThat(tasks.get(i).exitValue()).as(printed).isZero();
          assertThat(printed).contains("agent eu-west-1-" + i + ": " + vus[i] + " VUs (PingScript x" + vus[i] + ")")
              .contains("agent eu-west-1-" + i + " runs in ECS task task" + i
                  + " (arn:aws:ecs:eu-west-1:123456789012:task/constellation/task" + i + ")")
              .contains("settings from the environment: CONSTELLATION_RUN_ID")
              .contains("results to s3://" + BUCKET + "/runs/" + runId + "/eu-west-1/eu-west-1-" + i + "/")
              .contains("clock offset to the orchestrator");
        }
        long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - runStart);
        assertThat(asked).containsExactlyInAnyOrder("/v4/task0/task", "/v4/task1/task");

        S3ResultsStore store = new S3ResultsStore(s3, BUCKET);
        List<IntervalRecord> records = store.readRun(runId);
        assertThat(records).extracting(IntervalRecord::agentId).containsOnly("eu-west-1-0", "eu-west-1-1");
        long recorded = httpCount(records);
        assertThat(recorded).isPositive().as("requests in S3 vs seen by the target").isEqualTo(served.get());
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("runs/" + runId + "/eu-west-1/eu-west-1-0/")).contents())
            .extracting(o -> o.key().substring(o.key().lastIndexOf('/') + 1))
            .contains("00000000.jsonl.gz", "agent.json", "result.json");

        Map<String, Map<String, Object>> facts = AgentResults.read(store, runId);
        assertThat(facts).containsOnlyKeys("eu-west-1/eu-west-1-0", "eu-west-1/eu-west-1-1");
        for (Map<String, Object> f : facts.values()) {
          assertThat(f).containsKeys("startSkewMs", "wakeLatenessMs", "clockOffsetMs", "generator");
          // one clock on one machine: the true offset is 0, and the estimate is off by at most half its round trip
          assertThat(Math.abs((Long) f.get("clockOffsetMs"))).as("%s", f).isLessThanOrEqualTo((Long) f.get("clockRoundTripMs") / 2 + 1);
        }

        RunStatus status = plugin.status(runId);
        assertThat(status.complete()).isTrue();
        Map<String, Long> totals = status.regions().get("eu-west-1").totals();
        assertThat(totals.get("requests")).as("test-end totals through the real jar").isEqualTo(served.get());
        assertThat(totals).containsKeys("startSkewMs", "wakeLatenessMicros", "maxCpuPercent", "saturatedSeconds",
            "clockAheadMs", "clockBehindMs", "clockRoundTripMs");
        System.out.printf("fargate-style tasks: 2 agents from the image, %d ms; %d requests in S3 = %d served; %d Lambda"
            + " invocations; facts %s%n", runMillis, recorded, served.get(), lambda.invocations(), facts);
      }
    } finally {
      metadata.stop(0);
    }
  }

  @Test
  void sigtermOneSecondIntoTheLoadEndsTheTaskWithinTheStopTimeoutWithEveryRecordInS3() throws Exception {
    String runId = "fargate-sigterm";
    try (S3rver s3rver = S3rver.start(dir.resolve("s3")); S3Client s3 = s3rver.client()) {
      new S3ResultsStore(s3, BUCKET).ensureBucket(HOME);
      Map<String, String> env = taskDefinitionEnvironment(runId, s3rver.endpoint().toString(), "http://127.0.0.1:9", "");
      env.remove("ECS_CONTAINER_METADATA_URI_V4");
      env.remove("CONSTELLATION_ORCHESTRATOR"); // alone: starts at once
      env.put("CONSTELLATION_AGENT_COUNT", "1");
      env.put("CONSTELLATION_AGENT_INDEX", "0");
      env.put("CONSTELLATION_VUS", "4");
      env.put("CONSTELLATION_DURATION", "60s");
      Path log = dir.resolve("task.log");
      Process task = runTask(env, log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (served.get() == 0 && task.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(served.get()).as(Files.readString(log)).isPositive();
      Thread.sleep(1000);
      long signalled = System.nanoTime();
      task.destroy(); // SIGTERM, as ECS StopTask sends it
      boolean exited = awaitExit(task, 30); // Fargate's default stopTimeout: 30 s, then SIGKILL
      long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
      String printed = Files.readString(log);
      assertThat(exited).as("exited within 30 s of SIGTERM:%n%s", printed).isTrue();
      long recorded = httpCount(new S3ResultsStore(s3, BUCKET).readRun(runId));
      System.out.printf("SIGTERM 1 s into the load: exit %d after %d ms; %d requests in S3, %d served%n",
          task.exitValue(), stopMillis, recorded, served.get());
      assertThat(recorded).as("every request the target served is in S3:%n%s", printed).isEqualTo(served.get());
      assertThat(AgentResults.read(new S3ResultsStore(s3, BUCKET), runId)).containsOnlyKeys("eu-west-1/eu-west-1-0");
    }
  }

  @Test
  void badSettingsInsideTheContainerEndTheTaskWithANonZeroCodeAndOneLineNamingTheSettingAndTheFix() throws Exception {
    try (S3rver s3rver = S3rver.start(dir.resolve("s3")); S3Client s3 = s3rver.client()) {
      new S3ResultsStore(s3, BUCKET).ensureBucket(HOME);
      int closed = Loopback.freePort();
      Map<String, Map<String, String>> cases = new LinkedHashMap<>();
      Map<String, String> base = taskDefinitionEnvironment("fargate-bad", s3rver.endpoint().toString(), "http://127.0.0.1:" + closed, "");
      base.remove("ECS_CONTAINER_METADATA_URI_V4");
      base.put("CONSTELLATION_AGENT_INDEX", "0");
      base.put("CONSTELLATION_VUS", "1");
      Map<String, String> unknownStore = new LinkedHashMap<>(base);
      unknownStore.put("CONSTELLATION_RESULTS_STORE", "dynamo");
      cases.put("unknown store", unknownStore);
      Map<String, String> missingBucket = new LinkedHashMap<>(base);
      missingBucket.put("CONSTELLATION_RESULTS_BUCKET", "no-such-bucket");
      cases.put("missing bucket", missingBucket);
      Map<String, String> unreachableOrchestrator = new LinkedHashMap<>(base);
      unreachableOrchestrator.put("CONSTELLATION_START_TIMEOUT", "3s");
      cases.put("unreachable orchestrator", unreachableOrchestrator);
      Map<String, String> unreachableStore = new LinkedHashMap<>(base);
      unreachableStore.put("CONSTELLATION_S3_ENDPOINT", "http://127.0.0.1:" + closed);
      cases.put("unreachable store", unreachableStore);

      Map<String, Process> tasks = new LinkedHashMap<>();
      for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
        tasks.put(c.getKey(), runTask(c.getValue(), dir.resolve(c.getKey().replace(' ', '-') + ".log")));
      }
      Map<String, Integer> codes = new LinkedHashMap<>();
      Map<String, String> lines = new LinkedHashMap<>();
      for (Map.Entry<String, Process> t : tasks.entrySet()) {
        Path log = dir.resolve(t.getKey().replace(' ', '-') + ".log");
        assertThat(awaitExit(t.getValue(), 90)).as(t.getKey()).isTrue();
        codes.put(t.getKey(), t.getValue().exitValue());
        List<String> errors = Files.readAllLines(log).stream().filter(l -> l.startsWith(Console.ERROR_MARKER)).toList();
        assertThat(errors).as("%s: exactly one error line in%n%s", t.getKey(), Files.readString(log)).hasSize(1);
        lines.put(t.getKey(), errors.get(0).substring(Console.ERROR_MARKER.length()));
      }
      lines.forEach((k, v) -> System.out.println(k + " -> exit " + codes.get(k) + ": " + v));
      assertThat(codes).containsEntry("unknown store", AgentMain.EXIT_BAD_INPUT)
          .containsEntry("missing bucket", AgentMain.EXIT_BAD_INPUT)
          .containsEntry("unreachable orchestrator", AgentMain.EXIT_ABORTED)
          .containsEntry("unreachable store", AgentMain.EXIT_STORE_UNREACHABLE);
      assertThat(lines.get("unknown store")).isEqualTo("CONSTELLATION_RESULTS_STORE is \"dynamo\"; use one of local, s3, timestream"
          + " (local: --resultsDir (CONSTELLATION_RESULTS_DIR) on this machine; s3 or timestream: in the home region)");
      assertThat(lines.get("missing bucket")).isEqualTo("CONSTELLATION_RESULTS_BUCKET is \"no-such-bucket\": the bucket does not"
          + " exist in us-east-1 (NoSuchBucket); no load was sent. Run constellation:init, which creates it, or give the bucket it created");
      assertThat(lines.get("unreachable orchestrator"))
          .startsWith("no load was sent: orchestrator unreachable (CONSTELLATION_ORCHESTRATOR is \"lambda:us-east-1:"
              + "constellation-orchestrator:live\"): unreachable: agent 'eu-west-1-0' got no start for run 'fargate-bad'")
          .contains("Check that the orchestrator is running");
      assertThat(lines.get("unreachable store")).startsWith("results store unreachable: cannot write s3://" + BUCKET
          + "/runs/fargate-bad/eu-west-1/eu-west-1-0/agent.json").endsWith("; no load was sent. Check the task's route to S3 in"
          + " us-east-1 (public IP or a VPC endpoint) and CONSTELLATION_RESULTS_REGION");
      assertThat(served.get()).as("no load from any of them").isZero();
    }
  }

  /** Copies one compiled test class, alone, into a project's test classes folder. */
  static void copyFromTestClasses(String classFile, Path testClasses) throws IOException {
    Path compiled = codeSource(PingScript.class);
    Path target = testClasses.resolve(classFile);
    Files.createDirectories(target.getParent());
    Files.copy(compiled.resolve(classFile), target);
  }

  /**
   * The jar holding a class: the reactor's built jar, or, where the class comes from a class
   * folder (an IDE, or a reactor run that stopped before package), a jar made from that folder.
   */
  static Path jarOf(Class<?> type, Path jarsDir) throws IOException {
    Path location = codeSource(type);
    if (Files.isRegularFile(location)) {
      return location;
    }
    String module = location.getParent().getParent().getFileName().toString();
    Path jar = jarsDir.resolve(module + "-from-classes.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out);
        Stream<Path> files = Files.walk(location)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        JarEntry entry = new JarEntry(location.relativize(file).toString().replace(File.separatorChar, '/'));
        entry.setTime(0);
        zip.putNextEntry(entry);
        zip.write(Files.readAllBytes(file));
        zip.closeEntry();
      }
    }
    return jar;
  }

  /** Every other jar on this test's classpath: the agent's dependencies (and some more). */
  static List<Path> dependencyJars(List<Path> constellationJars) throws IOException {
    Set<Path> exclude = new LinkedHashSet<>();
    for (Class<?> type : List.of(AgentMain.class, VirtualUser.class, RunSetup.class)) {
      exclude.add(codeSource(type).toRealPath());
    }
    for (Path jar : constellationJars) {
      exclude.add(jar.toRealPath());
    }
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Set<Path> jars = new LinkedHashSet<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(path)
          && !exclude.contains(path.toRealPath())) {
        jars.add(path);
      }
    }
    assertThat(jars).as("third-party jars on the test classpath").isNotEmpty();
    return List.copyOf(jars);
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
