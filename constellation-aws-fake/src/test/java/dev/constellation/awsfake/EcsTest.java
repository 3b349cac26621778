package dev.constellation.awsfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.ClusterContainsTasksException;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskField;

class EcsTest {

  private static final Tag MANAGED = Tag.builder().key("constellation:managed").value("true").build();

  private FakeAws fake;
  private EcsClient ecs;

  @BeforeEach
  void start() {
    fake = FakeAws.start();
    ecs = Clients.of(EcsClient.builder(), fake, "eu-west-1");
  }

  @AfterEach
  void stop() {
    ecs.close();
    fake.close();
  }

  @Test
  void clusterCreateDescribeTagDelete() throws Exception {
    var c = ecs.createCluster(r -> r.clusterName("constellation").tags(MANAGED)).cluster();
    assertThat(c.clusterArn()).isEqualTo("arn:aws:ecs:eu-west-1:123456789012:cluster/constellation");
    assertThat(c.status()).isEqualTo("ACTIVE");

    var described = ecs.describeClusters(r -> r.clusters("constellation", "missing").include(ClusterField.TAGS));
    assertThat(described.clusters()).singleElement().satisfies(x -> assertThat(x.tags()).containsExactly(MANAGED));
    assertThat(described.failures()).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
    assertThat(ecs.describeClusters(r -> r.clusters("constellation")).clusters().get(0).tags()).isEmpty();

    ecs.tagResource(r -> r.resourceArn(c.clusterArn()).tags(Tag.builder().key("constellation:home").value("eu-west-1").build()));
    assertThat(ecs.listTagsForResource(r -> r.resourceArn(c.clusterArn())).tags()).extracting(Tag::key)
        .containsExactly("constellation:managed", "constellation:home");
    ecs.untagResource(r -> r.resourceArn(c.clusterArn()).tagKeys("constellation:home"));
    assertThat(ecs.listClusters().clusterArns()).containsExactly(c.clusterArn());
    assertThat(fake.resources("ecs")).singleElement().satisfies(res ->
        assertThat(res.tags()).isEqualTo(Map.of("constellation:managed", "true")));

    ecs.deleteCluster(r -> r.cluster("constellation"));
    assertThat(ecs.listClusters().clusterArns()).isEmpty();
    assertThat(ecs.describeClusters(r -> r.clusters("constellation")).clusters())
        .singleElement().satisfies(x -> assertThat(x.status()).isEqualTo("INACTIVE"));
    assertThat(fake.resources("ecs")).isEmpty();

    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(fake.journal().calls("ecs", "CreateCluster").get(0).body())).isEqualTo(json.readTree(
        "{\"clusterName\":\"constellation\",\"tags\":[{\"key\":\"constellation:managed\",\"value\":\"true\"}]}"));
  }

  @Test
  void taskDefinitionsRunTaskClientTokenStopAndThrottling() throws Exception {
    // The dummy images cannot be pulled (EcsTaskProcessTest runs real ones): the tasks stay
    // PROVISIONING for this test's life, as tasks do while Fargate finds capacity.
    fake.faults().taskStartDelay("eu-west-1", java.time.Duration.ofMinutes(10));
    ecs.createCluster(r -> r.clusterName("constellation"));
    var td = ecs.registerTaskDefinition(r -> r.family("constellation-agent").networkMode(NetworkMode.AWSVPC)
        .requiresCompatibilities(Compatibility.FARGATE).cpu("1024").memory("2048")
        .containerDefinitions(ContainerDefinition.builder().name("agent").image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/constellation-agent@sha256:abc").essential(true).build())
        .tags(MANAGED)).taskDefinition();
    assertThat(td.taskDefinitionArn()).isEqualTo("arn:aws:ecs:eu-west-1:123456789012:task-definition/constellation-agent:1");
    assertThat(td.revision()).isEqualTo(1);
    var td2 = ecs.registerTaskDefinition(r -> r.family("constellation-agent").networkMode(NetworkMode.AWSVPC)
        .requiresCompatibilities(Compatibility.FARGATE).cpu("1024").memory("2048")
        .containerDefinitions(ContainerDefinition.builder().name("agent").image("img").build())).taskDefinition();
    assertThat(td2.revision()).isEqualTo(2);
    assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition("constellation-agent").include(TaskDefinitionField.TAGS)))
        .satisfies(d -> {
          assertThat(d.taskDefinition().revision()).isEqualTo(2);
          assertThat(d.tags()).isEmpty();
        });
    assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition("constellation-agent:1").include(TaskDefinitionField.TAGS)).tags())
        .containsExactly(MANAGED);
    assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("bad").networkMode(NetworkMode.BRIDGE)
        .requiresCompatibilities(Compatibility.FARGATE).cpu("256").memory("512")
        .containerDefinitions(ContainerDefinition.builder().name("a").image("i").build())))
        .isInstanceOf(software.amazon.awssdk.services.ecs.model.ClientException.class).hasMessageContaining("awsvpc");

    RunTaskRequest run = RunTaskRequest.builder().cluster("constellation").taskDefinition(td2.taskDefinitionArn())
        .launchType(LaunchType.FARGATE).count(2).startedBy("constellation-r1")
        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").securityGroups("sg-1")
            .assignPublicIp(AssignPublicIp.ENABLED)))
        .tags(Tag.builder().key("constellation:run").value("r1").build())
        .clientToken("r1-eu-west-1-0").build();
    var ran = ecs.runTask(run);
    assertThat(ran.failures()).isEmpty();
    assertThat(ran.tasks()).hasSize(2).allSatisfy(t -> {
      assertThat(t.lastStatus()).isEqualTo("PROVISIONING");
      assertThat(t.desiredStatus()).isEqualTo("RUNNING");
      assertThat(t.cpu()).isEqualTo("1024");
      assertThat(t.taskArn()).matches("arn:aws:ecs:eu-west-1:123456789012:task/constellation/[0-9a-f]{32}");
    });
    List<String> arns = ran.tasks().stream().map(t -> t.taskArn()).toList();
    assertThat(ecs.runTask(run).tasks()).extracting(t -> t.taskArn()).isEqualTo(arns);
    assertThatThrownBy(() -> ecs.runTask(run.toBuilder().count(1).build())).isInstanceOf(ConflictException.class);

    assertThat(ecs.listTasks(r -> r.cluster("constellation").startedBy("constellation-r1")).taskArns())
        .containsExactlyElementsOf(arns);
    assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster("constellation")))
        .isInstanceOf(ClusterContainsTasksException.class);

    var stopped = ecs.stopTask(r -> r.cluster("constellation").task(arns.get(0)).reason("run ended")).task();
    assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
    assertThat(stopped.stoppedReason()).isEqualTo("run ended");
    var described = ecs.describeTasks(r -> r.cluster("constellation").tasks(arns.get(0), arns.get(1), "nope")
        .include(TaskField.TAGS));
    assertThat(described.tasks()).extracting(t -> t.lastStatus()).containsExactly("STOPPED", "PROVISIONING");
    assertThat(described.tasks().get(0).stopCode().toString()).isEqualTo("UserInitiated");
    assertThat(described.tasks().get(1).tags()).extracting(Tag::key).containsExactly("constellation:run");
    assertThat(described.failures()).singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
    assertThat(ecs.listTasks(r -> r.cluster("constellation")).taskArns()).containsExactly(arns.get(1));

    fake.faults().runTaskFailures("eu-west-1", 1, "Capacity is unavailable at this time.");
    var partial = ecs.runTask(run.toBuilder().clientToken("partial").build());
    assertThat(partial.tasks()).hasSize(1);
    assertThat(partial.failures()).singleElement().satisfies(f -> {
      assertThat(f.reason()).isEqualTo("Capacity is unavailable at this time.");
      assertThat(f.arn()).isEqualTo("arn:aws:ecs:eu-west-1:123456789012:cluster/constellation");
    });
    ecs.stopTask(r -> r.cluster("constellation").task(partial.tasks().get(0).taskArn()));

    assertThatThrownBy(() -> ecs.runTask(run.toBuilder().clientToken("bad-override")
        .overrides(o -> o.containerOverrides(co -> co.name("agnet").command("x"))).build()))
        .isInstanceOfSatisfying(software.amazon.awssdk.services.ecs.model.InvalidParameterException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage())
                .isEqualTo("Override for container named agnet is not a container in the TaskDefinition."));

    assertThatThrownBy(() -> ecs.runTask(run.toBuilder().clientToken("both")
        .capacityProviderStrategy(p -> p.capacityProvider("FARGATE_SPOT").weight(1)).build()))
        .isInstanceOfSatisfying(software.amazon.awssdk.services.ecs.model.InvalidParameterException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage())
                .isEqualTo("Specifying both a launch type and capacity provider strategy is not supported."));
    var spot = ecs.runTask(run.toBuilder().clientToken("spot").launchType((String) null).count(1)
        .capacityProviderStrategy(p -> p.capacityProvider("FARGATE_SPOT").weight(1)).build()).tasks().get(0);
    assertThat(spot.capacityProviderName()).isEqualTo("FARGATE_SPOT");
    assertThat(spot.launchTypeAsString()).isEqualTo("FARGATE");
    ecs.stopTask(r -> r.cluster("constellation").task(spot.taskArn()));

    fake.faults().failNext("ecs", "RunTask", 1, 400, "ThrottlingException", "Rate exceeded");
    assertThatThrownBy(() -> ecs.runTask(run.toBuilder().clientToken("other").build()))
        .isInstanceOfSatisfying(EcsException.class, e -> {
          assertThat(e.isThrottlingException()).isTrue();
          assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
        });

    ecs.deregisterTaskDefinition(r -> r.taskDefinition("constellation-agent:1"));
    assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("constellation-agent")).taskDefinitionArns())
        .containsExactly(td2.taskDefinitionArn());
    var deleted = ecs.deleteTaskDefinitions(r -> r.taskDefinitions("constellation-agent:1", "constellation-agent:2"));
    assertThat(deleted.taskDefinitions()).hasSize(1);
    assertThat(deleted.failures()).hasSize(1);

    ObjectMapper json = new ObjectMapper();
    var body = json.readTree(fake.journal().calls("ecs", "RunTask").get(0).body());
    assertThat(body.path("clientToken").asText()).isEqualTo("r1-eu-west-1-0");
    assertThat(body.path("networkConfiguration")).isEqualTo(json.readTree(
        "{\"awsvpcConfiguration\":{\"subnets\":[\"subnet-1\"],\"securityGroups\":[\"sg-1\"],\"assignPublicIp\":\"ENABLED\"}}"));
  }

  @Test
  void runTaskIsThrottledByATokenBucket() throws Exception {
    fake.faults().runTaskRate("eu-west-1", 3, 0.5);
    ecs.createCluster(r -> r.clusterName("c"));
    String td = ecs.registerTaskDefinition(r -> r.family("f").networkMode(NetworkMode.AWSVPC)
        .requiresCompatibilities(Compatibility.FARGATE).cpu("256").memory("512")
        .containerDefinitions(ContainerDefinition.builder().name("a").image("i").build()))
        .taskDefinition().taskDefinitionArn();
    RunTaskRequest run = RunTaskRequest.builder().cluster("c").taskDefinition(td).launchType(LaunchType.FARGATE)
        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("s"))).build();
    int ok = 0;
    int throttled = 0;
    for (int i = 0; i < 6; i++) {
      try {
        ecs.runTask(run);
        ok++;
      } catch (EcsException e) {
        assertThat(e.isThrottlingException()).isTrue();
        throttled++;
      }
    }
    assertThat(ok).as("burst 3 plus what 0.5/s refills while 6 calls run").isBetween(3, 5);
    assertThat(throttled).isPositive();
    Thread.sleep(2100);
    assertThat(ecs.runTask(run).tasks()).hasSize(1);
  }

  @Test
  void aTaskWhoseImageCannotBePulledStopsWithCannotPullContainerError() throws Exception {
    ecs.createCluster(r -> r.clusterName("c"));
    String td = ecs.registerTaskDefinition(r -> r.family("f").networkMode(NetworkMode.AWSVPC)
        .requiresCompatibilities(Compatibility.FARGATE).cpu("256").memory("512")
        .containerDefinitions(ContainerDefinition.builder().name("a").image("example/agent:1").build()))
        .taskDefinition().taskDefinitionArn();
    String arn = ecs.runTask(r -> r.cluster("c").taskDefinition(td).launchType(LaunchType.FARGATE)
        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("s")))).tasks().get(0).taskArn();
    long deadline = System.nanoTime() + 30_000_000_000L;
    var t = ecs.describeTasks(r -> r.cluster("c").tasks(arn)).tasks().get(0);
    while (!t.lastStatus().equals("STOPPED") && System.nanoTime() < deadline) {
      Thread.sleep(20);
      t = ecs.describeTasks(r -> r.cluster("c").tasks(arn)).tasks().get(0);
    }
    String reason = "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to"
        + " resolve ref docker.io/example/agent:1: the fake has no registry (FakeAws.Options.ecrProxyEndpoint is not set)";
    assertThat(t.lastStatus()).isEqualTo("STOPPED");
    assertThat(t.stopCodeAsString()).isEqualTo("TaskFailedToStart");
    assertThat(t.stoppedReason()).isEqualTo(reason);
    assertThat(t.containers().get(0).reason()).isEqualTo(reason);
    assertThat(t.containers().get(0).exitCode()).isNull();
    assertThat(t.startedAt()).isNull();
    assertThat(fake.runningTaskProcesses()).isEmpty();
  }

  @Test
  void aSecurityGroupUsedByARunningTaskCannotBeDeleted() {
    fake.faults().taskStartDelay("eu-west-1", java.time.Duration.ofMinutes(10));
    String sg = fake.seed().securityGroup("eu-west-1", "constellation-agents", "agents", Map.of());
    ecs.createCluster(r -> r.clusterName("c"));
    String td = ecs.registerTaskDefinition(r -> r.family("f").networkMode(NetworkMode.AWSVPC)
        .requiresCompatibilities(Compatibility.FARGATE).cpu("256").memory("512")
        .containerDefinitions(ContainerDefinition.builder().name("a").image("i").build()))
        .taskDefinition().taskDefinitionArn();
    String task = ecs.runTask(r -> r.cluster("c").taskDefinition(td).launchType(LaunchType.FARGATE)
        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("s").securityGroups(sg))))
        .tasks().get(0).taskArn();
    try (var ec2 = Clients.of(software.amazon.awssdk.services.ec2.Ec2Client.builder(), fake, "eu-west-1")) {
      assertThatThrownBy(() -> ec2.deleteSecurityGroup(r -> r.groupId(sg))).isInstanceOfSatisfying(
          software.amazon.awssdk.services.ec2.model.Ec2Exception.class,
          e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("DependencyViolation"));
      ecs.stopTask(r -> r.cluster("c").task(task));
      ec2.deleteSecurityGroup(r -> r.groupId(sg));
    }
  }
}
