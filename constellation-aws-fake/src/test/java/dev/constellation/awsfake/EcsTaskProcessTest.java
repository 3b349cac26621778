package dev.constellation.awsfake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.testservices.DockerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * RunTask really runs the task: a tiny image pushed to a loopback docker-registry, pulled by the
 * fake, its entrypoint started as a local process; everything through the real SDK clients.
 */
class EcsTaskProcessTest {

  private static final String REGION = "eu-west-1";
  private static final String GROUP = "/constellation/agents";

  private static DockerRegistry registry;
  private static Path workDir;
  private static String digest;

  private FakeAws fake;
  private EcsClient ecs;
  private CloudWatchLogsClient logs;

  @BeforeAll
  static void pushImage() throws Exception {
    if (!java.nio.file.Files.isExecutable(DockerRegistry.BINARY) && !"true".equals(System.getenv("CI"))) {
      // As the other registry tests: skipped with the install command on a developer's machine,
      // a failure in CI (CI=true), where .ci/run installs it.
      org.junit.jupiter.api.Assumptions.abort(DockerRegistry.BINARY + " is missing; run: apt-get install -y docker-registry");
    }
    registry = DockerRegistry.start();
    workDir = Files.createTempDirectory("fake-task-test-");
    digest = TestImage.push(registry, "1", workDir);
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (workDir != null) {
      TaskImages.deleteTree(workDir);
    }
  }

  @BeforeEach
  void start() {
    fake = FakeAws.start(FakeAws.Options.defaults().ecrProxyEndpoint(registry.endpoint())
        .taskEnvironment(Map.of("FROM_OPTIONS", "options", "FROM_TD", "options wins over the task definition")));
    ecs = Clients.of(EcsClient.builder(), fake, REGION);
    logs = Clients.of(CloudWatchLogsClient.builder(), fake, REGION);
    ecs.createCluster(r -> r.clusterName("constellation"));
    logs.createLogGroup(r -> r.logGroupName(GROUP));
  }

  @AfterEach
  void stop() {
    ecs.close();
    logs.close();
    fake.close();
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  /** The ECR form of the pushed image, pinned by digest. */
  private static String ecrImage() {
    return "123456789012.dkr.ecr." + REGION + ".amazonaws.com/" + TestImage.REPOSITORY + "@" + digest;
  }

  private String taskDefinition(String image, Consumer<ContainerDefinition.Builder> more) {
    ContainerDefinition.Builder c = ContainerDefinition.builder().name("agent").image(image).essential(true)
        .environment(KeyValuePair.builder().name("FROM_TD").value("td").build(),
            KeyValuePair.builder().name("TD_ONLY").value("td only").build(),
            KeyValuePair.builder().name("OVERRIDDEN").value("td").build())
        .logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS).options(Map.of("awslogs-group", GROUP,
            "awslogs-region", REGION, "awslogs-stream-prefix", "constellation")));
    more.accept(c);
    return ecs.registerTaskDefinition(r -> r.family("constellation-agent").networkMode(NetworkMode.AWSVPC)
        .requiresCompatibilities(Compatibility.FARGATE).cpu("1024").memory("2048")
        .containerDefinitions(c.build())).taskDefinition().taskDefinitionArn();
  }

  private RunTaskRequest.Builder run(String td) {
    return RunTaskRequest.builder().cluster("constellation").taskDefinition(td).launchType(LaunchType.FARGATE)
        .count(1).networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")));
  }

  private Task describe(String arn) {
    return ecs.describeTasks(r -> r.cluster("constellation").tasks(arn)).tasks().get(0);
  }

  /** Polls DescribeTasks until the task has {@code status}; returns the statuses seen, in order. */
  private List<String> await(String arn, String status, Duration max) throws InterruptedException {
    Set<String> seen = new LinkedHashSet<>();
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      String s = describe(arn).lastStatus();
      seen.add(s);
      if (s.equals(status)) {
        return new ArrayList<>(seen);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("task " + arn + " not " + status + " within " + max + "; seen " + seen);
  }

  private List<String> logLines(String taskArn) {
    String id = taskArn.substring(taskArn.lastIndexOf('/') + 1);
    return logs.getLogEvents(r -> r.logGroupName(GROUP).logStreamName("constellation/agent/" + id)
        .startFromHead(true)).events().stream().map(OutputLogEvent::message).toList();
  }

  private void awaitLogLine(String taskArn, String line) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (logLines(taskArn).contains(line)) {
          return;
        }
      } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException notYet) {
        // the awslogs stream appears when the container starts
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no log line '" + line + "' from " + taskArn + ": " + logLines(taskArn));
  }

  @Test
  void theEntrypointRunsWithTheCommandOverrideAndTheEnvironmentAndItsOutputIsInCloudWatchLogs() throws Exception {
    // Long enough that a slow first DescribeTasks still sees PROVISIONING and PENDING.
    fake.faults().taskStartDelay(REGION, Duration.ofSeconds(3));
    String td = taskDefinition(ecrImage(), c -> c.command("print", "the task definition's command"));
    RunTaskResponse ran = ecs.runTask(run(td).startedBy("constellation-r1").group("family:constellation-agent")
        .overrides(o -> o.containerOverrides(co -> co.name("agent")
            .environment(KeyValuePair.builder().name("OVERRIDDEN").value("override").build())
            .command("print", "hello", "env", "GREETING", "env", "TD_ONLY", "env", "OVERRIDDEN", "env", "FROM_TD",
                "env", "FROM_OPTIONS", "env", "AWS_REGION", "env", "JAVA_HOME", "env", "AWS_EC2_METADATA_DISABLED",
                "cwd", "metadata", "err", "to stderr", "sleep", "800", "exit", "3")))
        .build());
    Task first = ran.tasks().get(0);
    assertThat(first.lastStatus()).isEqualTo("PROVISIONING");
    assertThat(first.desiredStatus()).isEqualTo("RUNNING");
    assertThat(first.startedAt()).isNull();
    assertThat(first.containers().get(0).lastStatus()).isEqualTo("PENDING");
    String arn = first.taskArn();
    String id = arn.substring(arn.lastIndexOf('/') + 1);

    List<String> seen = await(arn, "STOPPED", Duration.ofSeconds(60));
    assertThat(seen).containsSubsequence("PROVISIONING", "PENDING", "RUNNING", "STOPPED");

    Task t = describe(arn);
    assertThat(t.stopCodeAsString()).isEqualTo("EssentialContainerExited");
    assertThat(t.stoppedReason()).isEqualTo("Essential container in task exited");
    assertThat(t.desiredStatus()).isEqualTo("STOPPED");
    assertThat(t.startedBy()).isEqualTo("constellation-r1");
    assertThat(t.group()).isEqualTo("family:constellation-agent");
    assertThat(t.containers().get(0).exitCode()).isEqualTo(3);
    assertThat(t.containers().get(0).lastStatus()).isEqualTo("STOPPED");
    assertThat(t.containers().get(0).imageDigest()).isEqualTo(digest);
    assertThat(t.createdAt()).isNotNull();
    assertThat(t.pullStartedAt()).isAfterOrEqualTo(t.createdAt());
    assertThat(t.startedAt()).isAfterOrEqualTo(t.pullStoppedAt());
    assertThat(t.stoppedAt()).isAfterOrEqualTo(t.startedAt());
    assertThat(t.overrides().containerOverrides().get(0).command()).startsWith("print", "hello");

    Path rootfs = fake.taskRuns.imagesRoot().orElseThrow();
    List<String> lines = logLines(arn);
    assertThat(lines.subList(0, 10)).containsExactly(
        "hello",
        "GREETING=hello from the image",
        "TD_ONLY=td only",
        "OVERRIDDEN=override",
        "FROM_TD=options wins over the task definition",
        "FROM_OPTIONS=options",
        "AWS_REGION=eu-west-1",
        "JAVA_HOME=null",
        "AWS_EC2_METADATA_DISABLED=true",
        "cwd=" + rootfs.resolve("image-" + digest.substring(7)).resolve("rootfs").resolve("app"));
    assertThat(lines.get(10)).startsWith("metadata=");
    JsonNode metadata = new ObjectMapper().readTree(lines.get(10).substring("metadata=".length()));
    assertThat(metadata.path("TaskARN").asText()).isEqualTo(arn);
    assertThat(metadata.path("Cluster").asText()).isEqualTo("arn:aws:ecs:eu-west-1:123456789012:cluster/constellation");
    assertThat(metadata.path("Family").asText()).isEqualTo("constellation-agent");
    assertThat(metadata.path("Revision").asText()).isEqualTo("1");
    assertThat(metadata.path("LaunchType").asText()).isEqualTo("FARGATE");
    assertThat(metadata.path("AvailabilityZone").asText()).isEqualTo("eu-west-1a");
    assertThat(metadata.path("KnownStatus").asText()).isEqualTo("RUNNING");
    assertThat(metadata.path("Limits").path("CPU").asDouble()).isEqualTo(1.0);
    assertThat(metadata.path("Containers").get(0).path("Name").asText()).isEqualTo("agent");
    assertThat(metadata.path("Containers").get(0).path("ImageID").asText()).isEqualTo(digest);
    assertThat(metadata.path("Containers").get(0).path("LogOptions").path("awslogs-stream").asText())
        .isEqualTo("constellation/agent/" + id);
    assertThat(lines.subList(11, lines.size())).containsExactly("to stderr");

    // The newest lines first by default (startFromHead=false), with a limit: what a runner quotes.
    var tail = logs.getLogEvents(r -> r.logGroupName(GROUP).logStreamName("constellation/agent/" + id).limit(2));
    assertThat(tail.events()).extracting(OutputLogEvent::message).containsExactly(lines.get(10), "to stderr");
    var older = logs.getLogEvents(r -> r.logGroupName(GROUP).logStreamName("constellation/agent/" + id)
        .limit(2).nextToken(tail.nextBackwardToken()));
    assertThat(older.events()).extracting(OutputLogEvent::message).containsExactly(lines.get(8), lines.get(9));
    var end = logs.getLogEvents(r -> r.logGroupName(GROUP).logStreamName("constellation/agent/" + id)
        .nextToken(tail.nextForwardToken()));
    assertThat(end.events()).isEmpty();
    assertThat(end.nextForwardToken()).isEqualTo(tail.nextForwardToken());

    var filtered = logs.filterLogEvents(r -> r.logGroupName(GROUP).logStreamNamePrefix("constellation/")
        .filterPattern("\"from the image\""));
    assertThat(filtered.events()).extracting(FilteredLogEvent::message).containsExactly("GREETING=hello from the image");
    assertThat(filtered.events().get(0).logStreamName()).isEqualTo("constellation/agent/" + id);
    assertThat(logs.describeLogStreams(r -> r.logGroupName(GROUP)).logStreams())
        .singleElement().satisfies(s -> assertThat(s.logStreamName()).isEqualTo("constellation/agent/" + id));
    assertThat(fake.runningTaskProcesses()).isEmpty();
    assertThat(fake.resources("ecs")).extracting(FakeResource::type).doesNotContain("task");
  }

  @Test
  void stopTaskSendsSigtermAndTheProcessExitsWith143() throws Exception {
    String td = taskDefinition(ecrImage(), c -> c.command("onterm", "got SIGTERM", "print", "started", "sleep", "60000"));
    String arn = ecs.runTask(run(td).build()).tasks().get(0).taskArn();
    awaitLogLine(arn, "started");
    assertThat(describe(arn).lastStatus()).isEqualTo("RUNNING");
    assertThat(fake.runningTaskProcesses()).hasSize(1);

    Task stopping = ecs.stopTask(r -> r.cluster("constellation").task(arn).reason("constellation: run ended")).task();
    assertThat(stopping.desiredStatus()).isEqualTo("STOPPED");
    assertThat(stopping.stopCodeAsString()).isEqualTo("UserInitiated");
    assertThat(stopping.stoppedReason()).isEqualTo("constellation: run ended");

    await(arn, "STOPPED", Duration.ofSeconds(30));
    Task t = describe(arn);
    assertThat(t.stopCodeAsString()).isEqualTo("UserInitiated");
    assertThat(t.stoppedReason()).isEqualTo("constellation: run ended");
    assertThat(t.containers().get(0).exitCode()).as("128 + SIGTERM").isEqualTo(143);
    assertThat(logLines(arn)).containsExactly("started", "got SIGTERM");
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterStopTimeout() throws Exception {
    String td = taskDefinition(ecrImage(), c -> c.stopTimeout(2).command("ignoreterm", "print", "started", "sleep", "60000"));
    String arn = ecs.runTask(run(td).build()).tasks().get(0).taskArn();
    awaitLogLine(arn, "started");
    long t0 = System.nanoTime();
    ecs.stopTask(r -> r.cluster("constellation").task(arn).reason("deadline"));
    awaitLogLine(arn, "ignoring SIGTERM");
    assertThat(describe(arn).lastStatus()).isEqualTo("RUNNING");
    await(arn, "STOPPED", Duration.ofSeconds(30));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).as("SIGKILL after stopTimeout 2 s").isBetween(2000L, 15000L);
    assertThat(describe(arn).containers().get(0).exitCode()).as("128 + SIGKILL").isEqualTo(137);
  }

  @Test
  void aClientTokenSeenBeforeReturnsTheSameTaskAndStartsNothing() throws Exception {
    String td = taskDefinition(ecrImage(), c -> c.command("print", "started", "sleep", "60000"));
    RunTaskRequest req = run(td).clientToken("r1-eu-west-1-0-0").build();
    String arn = ecs.runTask(req).tasks().get(0).taskArn();
    awaitLogLine(arn, "started");
    assertThat(ecs.runTask(req).tasks()).extracting(Task::taskArn).containsExactly(arn);
    assertThat(fake.journal().calls("ecs", "RunTask")).hasSize(2)
        .allSatisfy(c -> assertThat(c.body()).contains("\"clientToken\":\"r1-eu-west-1-0-0\""));
    assertThat(fake.runningTaskProcesses()).hasSize(1);
    assertThat(ecs.listTasks(r -> r.cluster("constellation")).taskArns()).containsExactly(arn);
  }

  @Test
  void closingTheFakeStopsEveryTaskProcess() throws Exception {
    String td = taskDefinition(ecrImage(), c -> c.command("print", "started", "sleep", "60000"));
    String arn = ecs.runTask(run(td).build()).tasks().get(0).taskArn();
    awaitLogLine(arn, "started");
    List<ProcessHandle> alive = fake.runningTaskProcesses();
    assertThat(alive).hasSize(1);
    fake.close();
    assertThat(alive.get(0).isAlive()).isFalse();
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  @Test
  void anImageThatIsNotInTheRegistryStopsTheTaskWithCannotPullContainerError() throws Exception {
    String image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/missing:1";
    String td = taskDefinition(image, c -> { });
    String arn = ecs.runTask(run(td).build()).tasks().get(0).taskArn();
    await(arn, "STOPPED", Duration.ofSeconds(30));
    Task t = describe(arn);
    String reason = "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "
        + image + ": " + image + ": not found";
    assertThat(t.stopCodeAsString()).isEqualTo("TaskFailedToStart");
    assertThat(t.stoppedReason()).isEqualTo(reason);
    assertThat(t.containers().get(0).reason()).isEqualTo(reason);
    assertThat(t.containers().get(0).exitCode()).isNull();
    assertThat(t.startedAt()).isNull();
  }

  @Test
  void faultTaskStopsBeforeRunningStopsTheNextTaskWithoutAProcessAndTheOneAfterRuns() throws Exception {
    fake.faults().taskStopsBeforeRunning(REGION, 1, "TaskFailedToStart",
        "Timeout waiting for network interface provisioning to complete.");
    String td = taskDefinition(ecrImage(), c -> c.command("print", "started", "sleep", "60000"));
    List<String> arns = ecs.runTask(run(td).count(2).build()).tasks().stream().map(Task::taskArn).toList();
    assertThat(await(arns.get(0), "STOPPED", Duration.ofSeconds(30))).doesNotContain("RUNNING");
    Task failed = describe(arns.get(0));
    assertThat(failed.stopCodeAsString()).isEqualTo("TaskFailedToStart");
    assertThat(failed.stoppedReason()).isEqualTo("Timeout waiting for network interface provisioning to complete.");
    assertThat(failed.startedAt()).isNull();
    assertThat(failed.pullStartedAt()).isNull();
    awaitLogLine(arns.get(1), "started");
    assertThat(describe(arns.get(1)).lastStatus()).isEqualTo("RUNNING");
    assertThat(fake.runningTaskProcesses()).hasSize(1);
  }

  @Test
  void faultTaskEnvironmentReachesOnlyTheNextTasksAndWinsOverEveryOtherSource() throws Exception {
    fake.faults().taskEnvironment(REGION, 1, Map.of("EXTRA", "fault", "FROM_OPTIONS", "fault wins"));
    fake.faults().taskEnvironment("us-east-1", 1, Map.of("EXTRA", "other region"));
    String td = taskDefinition(ecrImage(), c -> c.command("env", "EXTRA", "env", "FROM_OPTIONS", "exit", "0"));
    List<String> arns = ecs.runTask(run(td).count(2).build()).tasks().stream().map(Task::taskArn).toList();
    for (String arn : arns) {
      await(arn, "STOPPED", Duration.ofSeconds(60));
      assertThat(describe(arn).containers().get(0).exitCode()).isZero();
    }
    assertThat(logLines(arns.get(0))).containsExactly("EXTRA=fault", "FROM_OPTIONS=fault wins");
    assertThat(logLines(arns.get(1))).containsExactly("EXTRA=null", "FROM_OPTIONS=options");
  }

  @Test
  void faultTaskStartDelayKeepsTheTaskProvisioningAndPendingThatLong() throws Exception {
    fake.faults().taskStartDelay(REGION, Duration.ofMillis(2400));
    String td = taskDefinition(ecrImage(), c -> c.command("print", "started", "sleep", "60000"));
    long t0 = System.nanoTime();
    String arn = ecs.runTask(run(td).build()).tasks().get(0).taskArn();
    List<String> seen = await(arn, "RUNNING", Duration.ofSeconds(60));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(seen).containsSubsequence("PROVISIONING", "PENDING", "RUNNING");
    assertThat(ms).isGreaterThanOrEqualTo(2400);
  }

  @Test
  void aMissingLogGroupStopsTheTaskUnlessTheDriverMayCreateIt() throws Exception {
    String td = taskDefinition(ecrImage(), c -> c.command("print", "logged", "exit", "0")
        .logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS).options(Map.of("awslogs-group", "/missing",
            "awslogs-region", REGION, "awslogs-stream-prefix", "p"))));
    String arn = ecs.runTask(run(td).build()).tasks().get(0).taskArn();
    await(arn, "STOPPED", Duration.ofSeconds(30));
    assertThat(describe(arn).stopCodeAsString()).isEqualTo("TaskFailedToStart");
    assertThat(describe(arn).stoppedReason()).startsWith("ResourceInitializationError: failed to validate logger args:")
        .contains("ResourceNotFoundException: The specified log group does not exist.");

    String created = taskDefinition(ecrImage(), c -> c.command("print", "logged", "exit", "0")
        .logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS).options(Map.of("awslogs-group", "/created",
            "awslogs-region", REGION, "awslogs-stream-prefix", "p", "awslogs-create-group", "true"))));
    String arn2 = ecs.runTask(run(created).build()).tasks().get(0).taskArn();
    await(arn2, "STOPPED", Duration.ofSeconds(60));
    assertThat(describe(arn2).stopCodeAsString()).isEqualTo("EssentialContainerExited");
    String id = arn2.substring(arn2.lastIndexOf('/') + 1);
    assertThat(logs.getLogEvents(r -> r.logGroupName("/created").logStreamName("p/agent/" + id)).events())
        .extracting(OutputLogEvent::message).containsExactly("logged");
  }

  @Test
  void anImageForAnotherCpuArchitectureExitsWithExecFormatErrorLikeOnFargate() throws Exception {
    String armDigest = TestImage.push(registry, "arm", "arm64", workDir);
    String armImage = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/" + TestImage.REPOSITORY + "@" + armDigest;
    String td = taskDefinition(armImage, c -> c.command("print", "started", "exit", "0"));
    String arn = ecs.runTask(run(td).build()).tasks().get(0).taskArn();
    await(arn, "STOPPED", Duration.ofSeconds(30));
    Task t = describe(arn);
    assertThat(t.stopCodeAsString()).isEqualTo("EssentialContainerExited");
    assertThat(t.stoppedReason()).isEqualTo("Essential container in task exited");
    assertThat(t.containers().get(0).exitCode()).isEqualTo(1);
    assertThat(logLines(arn)).containsExactly("exec java: exec format error");

    String arm = ecs.registerTaskDefinition(r -> r.family("arm").networkMode(NetworkMode.AWSVPC)
        .requiresCompatibilities(Compatibility.FARGATE).cpu("1024").memory("2048")
        .runtimePlatform(p -> p.cpuArchitecture("ARM64").operatingSystemFamily("LINUX"))
        .containerDefinitions(ContainerDefinition.builder().name("agent").image(armImage)
            .command("print", "started", "exit", "0").build())).taskDefinition().taskDefinitionArn();
    String ok = ecs.runTask(run(arm).build()).tasks().get(0).taskArn();
    await(ok, "STOPPED", Duration.ofSeconds(60));
    assertThat(describe(ok).containers().get(0).exitCode()).isZero();
  }
}
