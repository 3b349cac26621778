package dev.constellation.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.awsfake.Call;
import dev.constellation.awsfake.FakeResource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@code constellation:teardown} against FakeAws + dynalite + s3rver (AWS-DEPLOY §5, part 1 acceptance). */
class AwsTeardownIT {

  static final String HOME = "us-east-1";
  static final Installation INST = new Installation(Installation.DEFAULT_NAME, HOME);
  static final DeploySettings INIT = DeploySettings.of(INST, List.of("us-east-2", "eu-west-1")).withResultsStore("s3");
  /** Teardown also looks at a region init never touched, where untagged look-alikes live. */
  static final DeploySettings TEARDOWN = DeploySettings.of(INST, List.of("us-east-2", "eu-west-1", "ap-southeast-2"))
      .withResultsStore("s3");
  static final String BUCKET = "constellation-123456789012-us-east-1";

  @TempDir
  Path dir;
  AwsHarness aws;

  @BeforeEach
  void start() throws Exception {
    aws = AwsHarness.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    aws.close();
  }

  private List<FakeResource> seedLookAlikes() {
    aws.fake.seed().securityGroup("ap-southeast-2", "constellation-agents", "look-alike", Map.of());
    aws.fake.seed().cluster("ap-southeast-2", "constellation", Map.of());
    aws.fake.seed().logGroup("ap-southeast-2", "/constellation/agents", Map.of());
    aws.fake.seed().repository("ap-southeast-2", "constellation-agent", 1, Map.of("owner", "someone"));
    aws.fake.seed().role("/constellation/", "constellation-us-east-1-lookalike", "ecs-tasks.amazonaws.com", Map.of());
    // managed, but another installation's
    aws.fake.seed().cluster("ap-southeast-2", "team-b", Map.of("constellation:managed", "true",
        "constellation:installation", "team-b"));
    return aws.constellationResources();
  }

  @Test
  void teardownAfterInitLeavesNothingAndASecondTeardownDeletesNothing() {
    List<FakeResource> lookAlikes = seedLookAlikes();
    aws.init(INIT);
    aws.fake.journal().clear();

    Summary first = aws.teardown(TEARDOWN, AwsHarness.fastTeardown(Teardown.Scope.ALL, false, false));

    assertThat(first.changed()).isTrue();
    assertThat(aws.constellationResources()).containsExactlyInAnyOrderElementsOf(lookAlikes);
    assertThatThrownBy(() -> aws.clients.dynamo(HOME).describeTable(b -> b.tableName("constellation-runs")))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> aws.clients.s3(HOME).headBucket(b -> b.bucket(BUCKET)))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThat(aws.warnings).anyMatch(w -> w.contains("deleting the results store s3://" + BUCKET));
    assertThat(aws.warnings).anyMatch(w -> w.contains("ap-southeast-2: ECS cluster constellation has Constellation's name"));
    // IAM goes last: every role deletion comes after every other delete
    List<Call> deletes = aws.fake.journal().mutating();
    int lastNonIam = -1;
    int firstIam = Integer.MAX_VALUE;
    for (int i = 0; i < deletes.size(); i++) {
      if (deletes.get(i).service().equals("iam")) {
        firstIam = Math.min(firstIam, i);
      } else {
        lastNonIam = i;
      }
    }
    assertThat(firstIam).isGreaterThan(lastNonIam);

    aws.fake.journal().clear();
    Summary second = aws.teardown(TEARDOWN, AwsHarness.fastTeardown(Teardown.Scope.ALL, false, false));

    assertThat(aws.fake.journal().mutating()).isEmpty();
    assertThat(second.changed()).isFalse();
    assertThat(second.steps()).extracting(Step::outcome).containsOnly(Step.Outcome.ABSENT);
    assertThat(aws.constellationResources()).containsExactlyInAnyOrderElementsOf(lookAlikes);
  }

  @Test
  void runningTasksAreStoppedBeforeTheClusterIsDeleted() {
    aws.init(INIT);
    var ecs = aws.clients.ecs("us-east-2");
    List<software.amazon.awssdk.services.ecs.model.Tag> tags = INST.tags().entrySet().stream()
        .map(e -> software.amazon.awssdk.services.ecs.model.Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    String td = ecs.registerTaskDefinition(b -> b.family("constellation-agent").requiresCompatibilities(Compatibility.FARGATE)
        .networkMode(NetworkMode.AWSVPC).cpu("1024").memory("2048").tags(tags)
        .containerDefinitions(c -> c.name("agent").image("example/agent:1").essential(true)))
        .taskDefinition().taskDefinitionArn();
    // The task stays PROVISIONING (as while Fargate finds capacity; its image could not be pulled
    // anyway): teardown must stop tasks that are not RUNNING yet too.
    aws.fake.faults().taskStartDelay("us-east-2", java.time.Duration.ofMinutes(10));
    ecs.runTask(b -> b.cluster("constellation").taskDefinition(td).count(1).launchType("FARGATE").tags(tags)
        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1").assignPublicIp("ENABLED"))));
    aws.fake.journal().clear();

    aws.teardown(INIT, AwsHarness.fastTeardown(Teardown.Scope.REMOTE, false, false));

    List<String> ecsOps = aws.fake.journal().mutating().stream()
        .filter(c -> c.service().equals("ecs") && c.region().equals("us-east-2")).map(Call::operation).toList();
    assertThat(ecsOps).containsSubsequence("StopTask", "DeregisterTaskDefinition", "DeleteCluster");
    assertThat(aws.fake.resources("ecs")).isEmpty();
    // scope remote keeps the home region and the roles
    assertThat(aws.fake.resources("lambda")).hasSize(1);
    assertThat(aws.fake.resources("iam")).isNotEmpty();
  }

  @Test
  void keepResultsKeepsTheBucketAndDeletesTheRest() {
    aws.init(INIT);

    Summary s = aws.teardown(INIT, AwsHarness.fastTeardown(Teardown.Scope.ALL, true, false));

    aws.clients.s3(HOME).headBucket(b -> b.bucket(BUCKET));
    assertThat(s.steps()).anyMatch(st -> st.resource().equals("S3 bucket " + BUCKET) && st.outcome() == Step.Outcome.KEPT);
    assertThat(aws.constellationResources()).isEmpty();
  }

  @Test
  void dryRunDeletesNothing() {
    aws.init(INIT);
    int before = aws.constellationResources().size();
    aws.fake.journal().clear();

    Summary s = aws.teardown(INIT, AwsHarness.fastTeardown(Teardown.Scope.ALL, false, true));

    assertThat(aws.fake.journal().mutating()).isEmpty();
    assertThat(aws.constellationResources()).hasSize(before);
    aws.clients.s3(HOME).headBucket(b -> b.bucket(BUCKET));
    assertThat(s.steps()).extracting(Step::outcome).contains(Step.Outcome.WOULD_DELETE).doesNotContain(Step.Outcome.DELETED);
  }

  @Test
  void scopeHomeKeepsTheAgentRegions() {
    aws.init(INIT);

    aws.teardown(INIT, AwsHarness.fastTeardown(Teardown.Scope.HOME, false, false));

    assertThat(aws.constellationResources()).extracting(FakeResource::region).containsOnly("us-east-2", "eu-west-1");
  }

  @Test
  void teardownFindsTheInstallationInEveryEnabledRegionNotOnlyTheConfiguredOnes() {
    aws.init(DeploySettings.of(INST, List.of("us-east-1", "us-east-2")).withResultsStore("s3"));
    // an untagged look-alike in a region neither init nor teardown names: found by name, so left alone
    aws.fake.seed().cluster("eu-west-3", "constellation", Map.of());
    aws.fake.journal().clear();

    aws.teardown(DeploySettings.of(INST, List.of("us-east-1")).withResultsStore("s3"),
        AwsHarness.fastTeardown(Teardown.Scope.ALL, false, false));

    assertThat(aws.constellationResources()).extracting(FakeResource::region, FakeResource::arn)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("eu-west-3", "arn:aws:ecs:eu-west-3:123456789012:cluster/constellation"));
    assertThat(aws.fake.journal().calls("ec2", "DescribeRegions")).extracting(Call::region).containsExactly(HOME);
    assertThat(aws.fake.journal().calls("ecs", "DescribeClusters")).extracting(Call::region)
        .contains("us-east-2", "eu-west-3", "ap-southeast-2");
    assertThat(aws.fake.journal().mutating()).extracting(Call::region).contains("us-east-2").doesNotContain("eu-west-3");
    assertThat(aws.fake.journal().calls("ecs", "DeleteCluster")).extracting(Call::region).containsExactlyInAnyOrder(HOME, "us-east-2");
    assertThat(aws.infos).anyMatch(l -> l.matches("searched \\d+ more enabled regions of the account for resources tagged with "
        + "installation constellation: found some in us-east-2 \\(not in the configured regions \\[us-east-1]\\); removing them too"));
  }
}
