package dev.constellation.maven.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.constellation.aws.AwsClients;
import dev.constellation.aws.DeploySettings;
import dev.constellation.aws.Init;
import dev.constellation.aws.Installation;
import dev.constellation.aws.Step;
import dev.constellation.aws.StepListener;
import dev.constellation.aws.Teardown;
import dev.constellation.awsfake.Call;
import dev.constellation.testservices.DockerRegistry;
import dev.constellation.testservices.Dynalite;
import dev.constellation.awsfake.FakeAws;
import dev.constellation.testservices.S3rver;
import dev.constellation.maven.image.AgentImageBuilder;
import dev.constellation.maven.image.ImageSpec;
import dev.constellation.maven.image.RealAgentImages;
import dev.constellation.maven.run.Interruption;
import dev.constellation.maven.run.PlanException;
import dev.constellation.maven.run.RunContext;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunLog;
import dev.constellation.maven.run.RunPlan;
import dev.constellation.maven.run.RunPlanner;
import dev.constellation.maven.run.RunService;
import dev.constellation.maven.run.Target;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/**
 * {@code constellation:run -Dconstellation.target=aws} end to end on this machine (issue 12):
 * FakeAws runs each ECS task's image (the real agent, built with Jib on a stand-in base and pushed
 * to a loopback {@code docker-registry} as "ECR") as a local process; the real orchestrator jar
 * runs behind the fake Lambda {@code Invoke} on dynalite; agents write to s3rver; the load goes to
 * a loopback server that counts requests. {@code init} first, {@code teardown} last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AwsRunIT {

  static final String HOME = "us-east-1";
  static final String CAPACITY = "Capacity is unavailable at this time. Please try again later or in a different availability zone";

  @TempDir static Path shared;

  static Dynalite dynalite;
  static S3rver s3rver;
  static DockerRegistry registry;
  static FakeAws fake;
  static Map<String, URI> endpoints;
  static ImageSpec spec;
  static HttpServer target;
  static ExecutorService targetThreads;
  static final AtomicLong served = new AtomicLong();

  @TempDir Path dir;
  final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startTheOfflineAwsAndInit() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    targetThreads = Executors.newFixedThreadPool(8);
    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    byte[] pong = "pong".getBytes(StandardCharsets.UTF_8);
    target.createContext("/ping", exchange -> {
      served.incrementAndGet();
      exchange.sendResponseHeaders(200, pong.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(pong);
      }
    });
    target.setExecutor(targetThreads);
    target.start();

    dynalite = Dynalite.start();
    s3rver = S3rver.start(shared.resolve("s3"));
    registry = DockerRegistry.start();
    URI s3 = URI.create("http://127.0.0.1:" + s3rver.port());
    Map<String, String> agentEnv = new LinkedHashMap<>();
    // s3rver accepts only its own key pair; the fake does not check signatures
    agentEnv.put("AWS_ACCESS_KEY_ID", "S3RVER");
    agentEnv.put("AWS_SECRET_ACCESS_KEY", "S3RVER");
    agentEnv.put("AWS_EC2_METADATA_DISABLED", "true");
    agentEnv.put("CONSTELLATION_S3_ENDPOINT", s3.toString());
    FakeAws.Options options = FakeAws.Options.defaults()
        .lambdaEnvironment(Map.of("CONSTELLATION_DYNAMODB_ENDPOINT", dynalite.endpoint().toString(),
            "AWS_ACCESS_KEY_ID", "AKIDTEST", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_EC2_METADATA_DISABLED", "true"))
        .ecrProxyEndpoint(registry.endpoint());
    fake = FakeAws.start(options);
    // the agents' Lambda endpoint is the fake's own, known once it listens; tasks read the options when they start
    agentEnv.put("CONSTELLATION_LAMBDA_ENDPOINT", fake.endpoint().toString());
    options.taskEnvironment(agentEnv);
    endpoints = new HashMap<>();
    for (String s : List.of("sts", "ec2", "iam", "ecs", "ecr", "logs", "servicequotas", "lambda")) {
      endpoints.put(s, fake.endpoint());
    }
    endpoints.put("dynamodb", dynalite.endpoint());
    endpoints.put("s3", s3);
    spec = RealAgentImages.spec(registry.host(), shared.resolve("image"));
    try (AwsClients aws = clients()) {
      new Init(aws, listener(new ArrayList<>()), new Init.Options(false, Duration.ofMillis(20), Duration.ofMillis(100),
          Duration.ofSeconds(60), Duration.ofSeconds(2))).run(settings(), lambdaJar());
      // One loopback registry stands in for ECR in every region, so a run's parallel per-region pushes would
      // upload the same blobs into one repository at once (the registry once answered DIGEST_INVALID); on ECR
      // each region is its own registry. One push here first, so the runs' pushes find the blobs there.
      new EcrImages(() -> spec, new AgentImageBuilder(shared.resolve("cache/base"), shared.resolve("cache/app"), line -> { }),
          new Installation(Installation.DEFAULT_NAME, HOME).repository(), line -> { }).publish(aws, List.of("us-east-2"));
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      if (fake != null) {
        fake.close();
      }
    } finally {
      closeQuietly(registry);
      closeQuietly(s3rver);
      closeQuietly(dynalite);
      if (target != null) {
        target.stop(0);
        targetThreads.shutdownNow();
        targetThreads.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @BeforeEach
  void clear() {
    fake.journal().clear();
    served.set(0);
  }

  @Test
  @Order(1)
  void aDryRunPrintsThePlanAndThePriceAndMakesNoAwsCall() throws Exception {
    RunService.Result r = service().run(plan(Map.of("constellation.dryRun", "true")), env());

    assertThat(r.isDryRun()).isTrue();
    assertThat(fake.journal().calls()).as("AWS calls of a dry run").isEmpty();
    assertThat(lines).contains("  us-east-2         2 tasks, 1 VUs each", "  eu-west-1         1 task , 1 VUs each");
    assertThat(lines).anyMatch(l -> l.startsWith("  total $"));
  }

  @Test
  @Order(2)
  void twoRegionsStartTogetherAndTheReportCountsEveryRequestTheTargetSaw() throws Exception {
    RunService.Result r = service().run(plan(Map.of()), env());

    assertThat(r.passed()).as(String.join("\n", lines)).isTrue();
    JsonNode summary = new ObjectMapper().readTree(r.runDir().resolve("summary.json").toFile());
    long requests = summary.path("totals").path("requests").asLong();
    assertThat(requests).as(String.join("\n", lines)).isPositive().isEqualTo(served.get());
    assertThat(summary.path("regions").has("us-east-2")).isTrue();
    assertThat(summary.path("regions").path("us-east-2").path("agents").asInt()).isEqualTo(2);
    assertThat(summary.path("regions").path("eu-west-1").path("agents").asInt()).isEqualTo(1);
    List<Call> runTasks = fake.journal().calls("ecs", "RunTask");
    assertThat(runTasks).hasSize(3);
    List<String> tokens = runTasks.stream().map(c -> json(c.body()).path("clientToken").asText()).toList();
    assertThat(tokens).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).hasSizeBetween(1, 64));
    assertThat(runTasks).allSatisfy(c -> assertThat(json(c.body()).path("count").asInt()).isEqualTo(1));
    assertThat(fake.journal().calls("ecs", "RegisterTaskDefinition")).extracting(Call::region)
        .containsExactlyInAnyOrder("us-east-2", "eu-west-1");
    assertThat(fake.journal().calls("ecs", "DeregisterTaskDefinition")).extracting(Call::region)
        .containsExactlyInAnyOrder("us-east-2", "eu-west-1");
    assertThat(lines).anyMatch(l -> l.startsWith("start skew us-east-2: "));
    for (String agent : List.of("us-east-2-0", "us-east-2-1", "eu-west-1-0")) {
      assertThat(r.runDir().resolve("records").resolve(agent + ".jsonl")).as("records of every agent, gathered from S3").isNotEmptyFile();
      assertThat(r.runDir().resolve("records").resolve(agent + ".result.json")).isNotEmptyFile();
    }
    // the run keeps its run.json and summary.json beside its records, for runs lists elsewhere (constellation:visualize)
    try (var s3 = s3rver.client()) {
      String bucket = s3.listBuckets().buckets().stream().map(b -> b.name()).filter(n -> n.startsWith("constellation-")).findFirst()
          .orElseThrow();
      for (String name : List.of("run.json", "summary.json")) {
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("runs/" + r.runId() + "/" + name)).asUtf8String())
            .as("runs/<runId>/%s in the bucket", name).isEqualTo(java.nio.file.Files.readString(r.runDir().resolve(name)));
      }
      assertThat(lines).contains("kept run.json and summary.json in s3://" + bucket + "/runs/" + r.runId() + "/");
    }
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  @Test
  @Order(3)
  void aCapacityFailureAndATaskStoppedBeforeItsStartAreLaunchedAgainAndTheRunStartsOnce() throws Exception {
    fake.faults().runTaskFailures("eu-west-1", 1, CAPACITY);
    fake.faults().taskStopsBeforeRunning("us-east-2", 1, "TaskFailedToStart",
        "Timeout waiting for network interface provisioning to complete.");

    RunService.Result r = service().run(plan(Map.of()), env());

    assertThat(r.passed()).as(String.join("\n", lines)).isTrue();
    List<Call> runTasks = fake.journal().calls("ecs", "RunTask");
    assertThat(runTasks).as("3 agents, one capacity failure and one early stop").hasSize(5);
    assertThat(runTasks.stream().map(c -> json(c.body()).path("clientToken").asText()).toList()).doesNotHaveDuplicates();
    JsonNode summary = new ObjectMapper().readTree(r.runDir().resolve("summary.json").toFile());
    assertThat(summary.path("totals").path("requests").asLong()).isPositive().isEqualTo(served.get());
    long resets = fake.journal().calls("lambda", "Invoke").stream().filter(c -> c.body().contains("test-reset")).count();
    assertThat(resets).as("one run, reset once").isEqualTo(1);
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  @Test
  @Order(4)
  void anAgentThatExitsWithBadInputFailsTheRunQuotingItsLogAbortsAndLeavesNoTask() throws Exception {
    fake.faults().taskEnvironment("eu-west-1", 1, Map.of("CONSTELLATION_VUS", "many"));

    assertThatThrownBy(() -> service().run(plan(Map.of()), env()))
        .isInstanceOf(RunException.class)
        .hasMessageContaining("agent eu-west-1-0 in eu-west-1 stopped before the start")
        .hasMessageContaining("exit code 2")
        .hasMessageContaining("CONSTELLATION-ERROR")
        .hasMessageContaining("CONSTELLATION_VUS");
    assertThat(fake.journal().calls("lambda", "Invoke")).anyMatch(c -> c.body().contains("test-abort"));
    assertThat(fake.journal().calls("ecs", "DeregisterTaskDefinition")).hasSize(2);
    awaitNoTaskProcess();
    assertThat(served.get()).as("no load was sent").isZero();
  }

  @Test
  @Order(5)
  void ctrlCStopsEveryTaskOfTheRun() throws Exception {
    RunPlan plan = plan(Map.of("constellation.duration", "60s"));
    Interruption interruption = Interruption.manual(log(), Duration.ofSeconds(30));
    Path runDir = dir.resolve("ctrl-c");
    Thread stopper = new Thread(() -> {
      try {
        long until = System.currentTimeMillis() + 120_000;
        while (served.get() == 0 && System.currentTimeMillis() < until) {
          Thread.sleep(100);
        }
        interruption.interrupt();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    stopper.start();
    long started = System.currentTimeMillis();
    try (AwsClients aws = clients()) {
      var outcome = new AwsRun(aws, images(), fastOptions()).run(plan, new RunContext("ctrl-c-run", runDir, runDir.resolve("records"),
          dir, List.of(), log(), interruption));
      assertThat(outcome.interrupted()).isTrue();
    } finally {
      interruption.close();
      stopper.join();
    }
    assertThat(System.currentTimeMillis() - started).as("stopped long before the 60 s load ended").isLessThan(60_000);
    assertThat(fake.journal().calls("ecs", "StopTask")).hasSize(3);
    awaitNoTaskProcess();
  }

  @Test
  @Order(7)
  void anAgentStillRunningAtTheHardDeadlineIsStoppedThenAndCountedAndTheReportHasEveryRequest() throws Exception {
    // the orchestrator does not answer agent us-east-2-1's test-end for 90 s: its task runs on after its load ended
    fake.faults().invokeDelay(HOME, Map.of("action", "test-end", "agentId", "us-east-2-1"), 20, Duration.ofSeconds(90));
    AwsRun.Options grace5s = new AwsRun.Options(Duration.ofMillis(500), Duration.ofSeconds(10), 3, 10, Duration.ofSeconds(5));
    RunService service = new RunService(Map.of(Target.AWS, new AwsRunner(p -> clients(), images(), grace5s)));

    RunService.Result r;
    try {
      r = service.run(plan(Map.of("constellation.remoteRegions", "us-east-2:2")), env());
    } finally {
      fake.faults().noInvokeDelays(); // the next tests' agent us-east-2-1 answers at once
    }

    assertThat(r.passed()).as(String.join("\n", lines)).isTrue();
    assertThat(lines).contains("the run's hard deadline (start + load + graceful stop + 5 s) passed; stopping 1 straggling task: "
        + "us-east-2-1", "1 straggler stopped for running on too long and counted in the report: us-east-2-1; what they recorded "
        + "up to the stop is in the totals");
    JsonNode summary = new ObjectMapper().readTree(r.runDir().resolve("summary.json").toFile());
    assertThat(summary.path("totals").path("requests").asLong()).as(String.join("\n", lines)).isPositive().isEqualTo(served.get());
    JsonNode region = summary.path("regions").path("us-east-2");
    assertThat(region.path("agents").asInt()).isEqualTo(2);
    assertThat(region.path("stragglers").asInt()).isEqualTo(1);
    assertThat(region.path("stragglerAgents").toString()).isEqualTo("[\"us-east-2-1\"]");
    // only the straggler was stopped, at the hard deadline (the reason says so); the other task ended by itself
    String stragglerTask = new ObjectMapper().readTree(r.runDir().resolve("records").resolve("us-east-2-1.result.json").toFile())
        .path("taskArn").asText();
    assertThat(stragglerTask).startsWith("arn:aws:ecs:us-east-2:123456789012:task/");
    List<Call> stops = fake.journal().calls("ecs", "StopTask");
    assertThat(stops).hasSize(1);
    assertThat(json(stops.get(0).body()).path("task").asText()).isEqualTo(stragglerTask);
    assertThat(json(stops.get(0).body()).path("reason").asText()).isEqualTo(AwsRun.STRAGGLER_REASON);
    List<String> order = fake.journal().calls().stream().map(c -> c.operation().equals("StopTask") ? "StopTask"
        : c.operation().equals("Invoke") && c.body().contains("test-end") ? "test-end " + json(c.body()).path("agentId").asText()
        : "").filter(x -> !x.isEmpty()).toList();
    assertThat(order).as("the straggler is stopped after the other agent ended").containsSubsequence("test-end us-east-2-0", "StopTask");
    awaitNoTaskProcess();
  }

  @Test
  @Order(8)
  void withTimestreamResultsTheAgentsWriteTimestreamAndTheReportCountsEveryRequestTheTargetSaw() throws Exception {
    fake.timestream().customer(true).visibilityDelay(Duration.ofMillis(1500)); // rows visible 1.5 s after the write
    try (AwsClients aws = timestreamClients()) {
      new Init(aws, listener(new ArrayList<>()), new Init.Options(false, Duration.ofMillis(20), Duration.ofMillis(100),
          Duration.ofSeconds(60), Duration.ofSeconds(2))).run(settings().withResultsStore("timestream"), lambdaJar());
      fake.journal().clear();
      served.set(0);
      for (String region : List.of("us-east-2", "us-east-2", "eu-west-1")) {
        fake.faults().taskEnvironment(region, 1, Map.of(TIMESTREAM_ENDPOINT_ENV, fake.endpoint().toString()));
      }
      LocalRecordsWatch watch = LocalRecordsWatch.start(dir.resolve("out"));
      RunService.Result r;
      try {
        r = new RunService(Map.of(Target.AWS, new AwsRunner(p -> timestreamClients(), images(), fastOptions())))
            .run(plan(Map.of("constellation.duration", "6s")), env());
      } catch (RunException e) {
        throw new AssertionError("the run failed; Timestream calls: " + fake.journal().calls().stream()
            .filter(c -> c.service().equals("timestream")).map(c -> c.operation() + "@" + c.region()).toList(), e);
      } finally {
        watch.stop();
      }

      assertThat(r.passed()).as(String.join("\n", lines)).isTrue();
      JsonNode summary = new ObjectMapper().readTree(r.runDir().resolve("summary.json").toFile());
      assertThat(summary.path("totals").path("requests").asLong()).as(String.join("\n", lines)).isPositive().isEqualTo(served.get());
      assertThat(summary.path("regions").path("us-east-2").path("agents").asInt()).isEqualTo(2);
      assertThat(summary.path("regions").path("eu-west-1").path("agents").asInt()).isEqualTo(1);
      assertThat(fake.journal().calls("timestream", "WriteRecords")).as("agents wrote Timestream").isNotEmpty()
          .allSatisfy(c -> assertThat(c.region()).isEqualTo(HOME));
      assertThat(fake.journal().calls("timestream", "Query")).as("progress and gather read Timestream").isNotEmpty();
      assertThat(fake.timestream().recordCount(HOME, Installation.DEFAULT_NAME, "intervals")).isPositive();
      assertThat(lines).contains("results store: Timestream constellation.intervals in us-east-1 (as init set up the task role)");
      assertThat(lines).as("priced again with Timestream writes once the installation check found them")
          .containsSubsequence("results store: Timestream constellation.intervals in us-east-1 (as init set up the task role)",
              "the installation keeps results in Timestream: the estimate with Timestream writes instead of S3 requests");
      assertThat(lines).noneMatch(l -> l.contains("do not add up"));
      for (String agent : List.of("us-east-2-0", "us-east-2-1", "eu-west-1-0")) {
        assertThat(r.runDir().resolve("records").resolve(agent + ".jsonl")).as("records of every agent, gathered from Timestream")
            .isNotEmptyFile();
      }
      assertThat(watch.firstRecordsWhileTasksRan()).as("records were copied into records/ while the agents still ran: "
          + watch).isTrue();
      assertThat(fake.runningTaskProcesses()).isEmpty();

      // the agents' facts rows reached the report: start skew and clock offset per region, not "unknown"
      assertThat(lines).contains("start skew us-east-2: " + summary.path("regions").path("us-east-2").path("startSkewMs").asLong() + " ms");
      assertThat(lines).noneMatch(l -> l.startsWith("start skew") && l.endsWith("unknown"));
      for (String region : List.of("us-east-2", "eu-west-1")) {
        assertThat(summary.path("regions").path(region).path("startSkewMs").isNumber()).as(region + " start skew").isTrue();
        assertThat(summary.path("regions").path(region).path("clockOffsetMs").isNumber()).as(region + " clock offset").isTrue();
      }
      assertThat(r.runDir().resolve("records").resolve("eu-west-1-0.result.json")).isNotEmptyFile();

      // the run's summary row: written when it started (running), replaced once its report was written
      assertThat(fake.journal().calls("timestream", "WriteRecords").stream().filter(c -> c.body().contains("\"MeasureName\":\"run\""))
          .count()).as("the summary row at the start and at the end").isEqualTo(2);
      assertThat(lines).contains("kept the run's summary row (completed) in Timestream constellation.intervals (us-east-1)");
      var store = new dev.constellation.agent.results.timestream.TimestreamResultsStore(aws.timestream(HOME), aws.timestreamQuery(HOME),
          Installation.DEFAULT_NAME, "intervals");
      long until = System.currentTimeMillis() + 10_000;
      java.util.Optional<dev.constellation.agent.results.timestream.RunSummary> row = store.readRunSummary(r.runId());
      while ((row.isEmpty() || row.get().running()) && System.currentTimeMillis() < until) {
        Thread.sleep(200); // visible 1.5 s after the write
        row = store.readRunSummary(r.runId());
      }
      assertThat(row).as("the summary row of " + r.runId()).isPresent();
      assertThat(row.get().status()).isEqualTo("completed");
      assertThat(row.get().passed()).isTrue();
      assertThat(row.get().requests()).isEqualTo(summary.path("totals").path("requests").asLong());
      assertThat(row.get().failures()).isEqualTo(summary.path("totals").path("failures").asLong());
      assertThat(row.get().p95Micros()).isEqualTo(Math.round(summary.path("totals").path("latencyMs").path("p95").asDouble() * 1000));
      assertThat(row.get().durationMs()).isEqualTo(summary.path("durationMs").asLong());
      assertThat(row.get().regions()).containsExactly("eu-west-1", "us-east-2");
      assertThat(row.get().agents()).isEqualTo(3);
      assertThat(row.get().facts()).isEqualTo(new ObjectMapper().readTree(r.runDir().resolve("run.json").toFile()).toString());
    } finally {
      fake.timestream().visibilityDelay(Duration.ZERO);
      try (AwsClients aws = timestreamClients()) { // back to the S3 installation the other tests use
        new Init(aws, listener(new ArrayList<>()), new Init.Options(false, Duration.ofMillis(20), Duration.ofMillis(100),
            Duration.ofSeconds(60), Duration.ofSeconds(2))).run(settings(), lambdaJar());
        var ts = aws.timestream(HOME);
        ts.deleteTable(b -> b.databaseName(Installation.DEFAULT_NAME).tableName("intervals"));
        ts.deleteDatabase(b -> b.databaseName(Installation.DEFAULT_NAME));
      }
      fake.timestream().customer(false);
    }
  }

  @Test
  @Order(6)
  void withS3ResultsRecordsArriveInTheRecordsFolderWhileTheRunGoesOnAndNoneTwice() throws Exception {
    LocalRecordsWatch watch = LocalRecordsWatch.start(dir.resolve("out"));
    RunService.Result r;
    try {
      r = service().run(plan(Map.of("constellation.duration", "6s")), env());
    } finally {
      watch.stop();
    }

    assertThat(r.passed()).as(String.join("\n", lines)).isTrue();
    JsonNode summary = new ObjectMapper().readTree(r.runDir().resolve("summary.json").toFile());
    // copied in pieces during the run and at its end, yet every request counted once: the report's total is the target's
    assertThat(summary.path("totals").path("requests").asLong()).isPositive().isEqualTo(served.get());
    assertThat(watch.firstRecordsWhileTasksRan()).as("records were copied into records/ while the agents still ran: " + watch).isTrue();
    assertThat(lines).anyMatch(l -> l.matches("gathered \\d+ interval records of 3 agents from s3://.*"));
  }

  /** The variable the agent's Timestream store reads its endpoint from (tests only). */
  static final String TIMESTREAM_ENDPOINT_ENV = "CONSTELLATION_TIMESTREAM_ENDPOINT";

  static AwsClients timestreamClients() {
    Map<String, URI> withTimestream = new HashMap<>(endpoints);
    withTimestream.put("timestream", fake.endpoint());
    return new AwsClients(AwsClients.Options.defaults()
        .withEndpoints(withTimestream)
        .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .withCredentials("s3", StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")))
        .withRetryStrategy(AwsRetryStrategy.doNotRetry()));
  }

  /**
   * Watches {@code <out>/<runId>/records/*.jsonl} while a run goes on, and notes whether the first
   * record appeared there while task processes were still alive (before the agents ended).
   */
  static final class LocalRecordsWatch {
    private final Path out;
    private final Thread thread;
    private volatile boolean stop;
    private volatile long firstAt = -1;
    private volatile int tasksAliveThen = -1;

    private LocalRecordsWatch(Path out) {
      this.out = out;
      this.thread = new Thread(this::watch, "local-records-watch");
      this.thread.setDaemon(true);
    }

    static LocalRecordsWatch start(Path out) {
      LocalRecordsWatch w = new LocalRecordsWatch(out);
      w.thread.start();
      return w;
    }

    private void watch() {
      while (!stop && firstAt < 0) {
        int alive = fake.runningTaskProcesses().size();
        if (hasRecords()) {
          firstAt = System.currentTimeMillis();
          tasksAliveThen = alive;
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private boolean hasRecords() {
      if (!Files.isDirectory(out)) {
        return false;
      }
      try (var runs = Files.list(out)) {
        for (Path run : runs.toList()) {
          Path records = run.resolve("records");
          if (Files.isDirectory(records)) {
            try (var files = Files.list(records)) {
              for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(".jsonl") && Files.size(f) > 0) {
                  return true;
                }
              }
            }
          }
        }
      } catch (java.io.IOException e) {
        return false; // a folder being written; look again
      }
      return false;
    }

    void stop() throws InterruptedException {
      stop = true;
      thread.join();
    }

    /** The first local record appeared while every one of the run's 3 task processes still ran. */
    boolean firstRecordsWhileTasksRan() {
      return firstAt > 0 && tasksAliveThen == 3;
    }

    @Override
    public String toString() {
      return "first local record at " + firstAt + " with " + tasksAliveThen + " task processes alive";
    }
  }

  @Test
  @Order(10)
  void aRegionInitDidNotCoverIsNamedWithTheInitCommandAndNothingIsPushedOrLaunched() throws Exception {
    assertThatThrownBy(() -> service().run(plan(Map.of("constellation.remoteRegions", "us-east-2:1,ap-south-1:1")), env()))
        .isInstanceOf(RunException.class)
        .hasMessageContaining("the Constellation installation '" + Installation.DEFAULT_NAME
            + "' is missing or incomplete for this run; nothing was started")
        .hasMessageContaining("[ap-south-1] the ECS cluster " + new Installation(Installation.DEFAULT_NAME, HOME).cluster()
            + " does not exist")
        .hasMessageContaining("[ap-south-1] the log group ")
        .hasMessageContaining("Fix: run mvn constellation:init -Dconstellation.homeRegion=us-east-1 "
            + "-Dconstellation.remoteRegions=us-east-2:1,ap-south-1:1")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("[us-east-2]"));
    assertNothingPushedOrLaunched();
  }

  @Test
  @Order(11)
  void aFargateQuotaTooSmallForThePlanIsNamedBeforeAnythingIsLaunched() throws Exception {
    fake.faults().quota("us-east-2", "fargate", "L-3032A538", 1);
    try {
      assertThatThrownBy(() -> service().run(plan(Map.of()), env()))
          .isInstanceOf(RunException.class)
          .hasMessageContaining("Preflight found 1 problem; nothing was started")
          .hasMessageContaining("[us-east-2] Fargate On-Demand vCPU quota L-3032A538: the plan needs 2 vCPU at once, the quota is 1 "
              + "and 0 are in use. Fix: request an increase of 'Fargate On-Demand vCPU resource count' in Service Quotas for us-east-2")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("[eu-west-1]"));
    } finally {
      fake.faults().quota("us-east-2", "fargate", "L-3032A538", 6);
    }
    assertNothingPushedOrLaunched();
  }

  @Test
  @Order(12)
  void anImagePushEcrDeniesFailsTheRunNamingTheRegionAndThePermissionsAndLaunchesNothing() throws Exception {
    fake.faults().failNextIn("eu-west-1", "ecr", "DescribeRepositories", 1, 400, "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:DescribeRepositories");

    assertThatThrownBy(() -> service().run(plan(Map.of()), env()))
        .isInstanceOf(RunException.class)
        .hasMessageContaining("the agent image could not be published: ")
        .hasMessageContaining("= eu-west-1: AWS refused the credentials for ECR (")
        .hasMessageContaining("not authorized to perform: ecr:DescribeRepositories")
        .hasMessageContaining("Check the AWS credentials")
        .hasMessageContaining("ecr:GetAuthorizationToken")
        .hasMessageEndingWith("; nothing was started");
    assertThat(fake.journal().calls("ecs", "RunTask")).isEmpty();
    assertThat(fake.journal().calls("ecs", "RegisterTaskDefinition")).isEmpty();
    assertThat(fake.journal().calls("lambda", "Invoke")).as("the orchestrator was not reset").isEmpty();
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  @Test
  @Order(13)
  void aTaskThatCannotPullItsImageAbortsTheRunAtOnceWithoutARelaunchAndLeavesNoTask() throws Exception {
    String pull = "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
        + "123456789012.dkr.ecr.eu-west-1.amazonaws.com/constellation-agent:missing: not found";
    fake.faults().taskStopsBeforeRunning("eu-west-1", 1, "TaskFailedToStart", pull);

    assertThatThrownBy(() -> service().run(plan(Map.of()), env()))
        .isInstanceOf(RunException.class)
        .hasMessageContaining("agent eu-west-1-0 in eu-west-1 stopped before the start (TaskFailedToStart: " + pull)
        .hasMessageContaining("the run was aborted (test-abort) and every task of the run stopped; no load was sent")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(" times"));
    assertThat(fake.journal().calls("ecs", "RunTask")).as("a pull that failed for good is not launched again").hasSize(3);
    assertThat(fake.journal().calls("lambda", "Invoke")).anyMatch(c -> c.body().contains("test-abort"));
    assertThat(fake.journal().calls("ecs", "DeregisterTaskDefinition")).hasSize(2);
    awaitNoTaskProcess();
    assertThat(served.get()).as("no load was sent").isZero();
  }

  @Test
  @Order(14)
  void anAgentThatNeverRegistersAbortsTheRunAtTheRegistrationDeadlineNamingItAndTheSetting() throws Exception {
    // the agent in eu-west-1 talks to an orchestrator endpoint that accepts connections and never answers
    try (java.net.ServerSocket blackhole = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> held = Collections.synchronizedList(new ArrayList<>());
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(blackhole.accept());
          }
        } catch (java.io.IOException closed) {
          // the test ended
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      fake.faults().taskEnvironment("eu-west-1", 1, Map.of("CONSTELLATION_LAMBDA_ENDPOINT",
          "http://127.0.0.1:" + blackhole.getLocalPort()));
      long started = System.currentTimeMillis();

      assertThatThrownBy(() -> service().run(plan(Map.of("constellation.registrationDeadline", "30s")), env()))
          .isInstanceOf(RunException.class)
          // the two others register unless this shared machine starts their JVMs slower than the deadline
          .hasMessageMatching("(?s)the run was aborted before it started: registered [0-2]/3 \\(eu-west-1 0/1, us-east-2 [0-2]/2\\); .*")
          .hasMessageContaining("no load was sent")
          .hasMessageContaining("Tasks still starting or waiting at the deadline in the regions short of agents (eu-west-1")
          .hasMessageContaining("eu-west-1-0 (RUNNING)")
          .hasMessageContaining("last log lines of eu-west-1-0:")
          .satisfies(e -> {
            if (e.getMessage().contains("us-east-2 2/2")) {
              assertThat(e.getMessage()).as("agents that registered are not named as the ones that did not")
                  .doesNotContain("us-east-2-0 (").doesNotContain("us-east-2-1 (");
            }
          })
          .hasMessageContaining("-Dconstellation.registrationDeadline");
      assertThat(System.currentTimeMillis() - started).as("ended soon after the 30 s deadline").isLessThan(100_000);
      awaitNoTaskProcess();
      assertThat(served.get()).as("no load was sent").isZero();
      for (java.net.Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  @Order(100)
  void teardownAfterTheRunsLeavesTheFakeEmpty() throws Exception {
    // the SDK's standard retries, as in production: s3rver's DeleteObjects deletes keys in parallel and
    // answers 500 when two of them race to remove the same emptied folder; a retry deletes the rest
    try (AwsClients aws = new AwsClients(AwsClients.Options.defaults()
        .withEndpoints(endpoints)
        .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .withCredentials("s3", StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER"))))) {
      new Teardown(aws, listener(new ArrayList<>()), new Teardown.Options(Teardown.Scope.ALL, false, false, Duration.ofSeconds(10),
          Duration.ofSeconds(5), Duration.ofMillis(50))).run(settings());
    }
    assertThat(fake.resources().stream().filter(r -> !r.arn().contains(":role/aws-service-role/")).toList()).isEmpty();
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  // --- helpers

  private RunPlan plan(Map<String, String> more) throws PlanException {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("constellation.target", "aws");
    cli.put("constellation.homeRegion", HOME);
    cli.put("constellation.remoteRegions", "us-east-2:2,eu-west-1:1");
    cli.put("constellation.vusPerTask", "1");
    cli.put("constellation.duration", "3s");
    cli.put("constellation.gracefulStop", "5s");
    // agents poll the start once a second (back-off to 5 s on a slow answer): a start buffer of a few polls
    cli.put("constellation.startBuffer", "6s");
    cli.put("constellation.registrationDeadline", "90s");
    cli.put("constellation.progressInterval", "1s");
    cli.put("constellation.baseUrl", "http://127.0.0.1:" + target.getAddress().getPort());
    cli.putAll(more);
    return new RunPlanner().plan(new RunPlanner.Sources(Map.of(), cli, dir));
  }

  private RunService service() {
    return new RunService(Map.of(Target.AWS, new AwsRunner(p -> clients(), images(), fastOptions())));
  }

  private RunService.Environment env() {
    return new RunService.Environment(dir.resolve("out"), dir, List.of(), null, log(), false);
  }

  private static AwsRun.Options fastOptions() {
    return new AwsRun.Options(Duration.ofMillis(500), Duration.ofSeconds(10), 3, 10, Duration.ofSeconds(30));
  }

  private AwsRun.Images images() {
    return new EcrImages(() -> spec, new AgentImageBuilder(shared.resolve("cache/base"), shared.resolve("cache/app"), line -> { }),
        new Installation(Installation.DEFAULT_NAME, HOME).repository(), lines::add);
  }

  private RunLog log() {
    return new RunLog() {
      @Override
      public void info(String line) {
        lines.add(line);
        System.out.println("[INFO] " + line);
      }

      @Override
      public void warn(String line) {
        lines.add(line);
        System.out.println("[WARNING] " + line);
      }
    };
  }

  static AwsClients clients() {
    return new AwsClients(AwsClients.Options.defaults()
        .withEndpoints(endpoints)
        .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .withCredentials("s3", StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")))
        .withRetryStrategy(AwsRetryStrategy.doNotRetry()));
  }

  static DeploySettings settings() {
    return DeploySettings.of(new Installation(Installation.DEFAULT_NAME, HOME), List.of("us-east-2", "eu-west-1"))
        .withResultsStore("s3");
  }

  static StepListener listener(List<String> out) {
    return new StepListener() {
      @Override
      public void step(Step step) {
        out.add(step.line());
      }

      @Override
      public void warn(String message) {
        out.add(message);
      }

      @Override
      public void info(String message) {
        out.add(message);
      }
    };
  }

  /** The shaded orchestrator jar the plugin carries (copied into target/classes at prepare-package). */
  static byte[] lambdaJar() throws Exception {
    try (InputStream in = AwsRunIT.class.getClassLoader().getResourceAsStream("META-INF/constellation/orchestrator-lambda.jar")) {
      assertThat(in).as("the embedded orchestrator jar; run the ITs with mvn verify").isNotNull();
      return in.readAllBytes();
    }
  }

  private static JsonNode json(String body) {
    try {
      return new ObjectMapper().readTree(body);
    } catch (Exception e) {
      throw new AssertionError(body, e);
    }
  }

  private static void assertNothingPushedOrLaunched() {
    // the installation check reads each region's ECR lifecycle policy; nothing else of ECR may be called
    assertThat(fake.journal().calls()).as("no image push")
        .noneMatch(c -> c.service().equals("ecr") && !c.operation().equals("GetLifecyclePolicy"));
    assertThat(fake.journal().calls("ecs", "RegisterTaskDefinition")).isEmpty();
    assertThat(fake.journal().calls("ecs", "RunTask")).isEmpty();
    assertThat(fake.journal().calls("lambda", "Invoke")).as("the orchestrator was not reset").isEmpty();
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  private static void awaitNoTaskProcess() throws InterruptedException {
    long until = System.currentTimeMillis() + 60_000;
    while (!fake.runningTaskProcesses().isEmpty() && System.currentTimeMillis() < until) {
      Thread.sleep(200);
    }
    assertThat(fake.runningTaskProcesses()).as("task processes left running").isEmpty();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort at the end of the test
      }
    }
  }
}
