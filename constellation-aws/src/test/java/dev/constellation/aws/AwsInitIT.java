package dev.constellation.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.awsfake.Call;
import dev.constellation.awsfake.FakeResource;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.RunState;
import dev.constellation.orchestrator.RunStatus;
import dev.constellation.orchestrator.lambda.LambdaOrchestratorClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/** {@code constellation:init} against FakeAws + dynalite + s3rver (AWS-DEPLOY §5, part 1 acceptance). */
class AwsInitIT {

  static final String HOME = "us-east-1";
  static final Installation INST = new Installation(Installation.DEFAULT_NAME, HOME);
  static final DeploySettings SETTINGS = DeploySettings.of(INST, List.of("us-east-2", "eu-west-1"))
      .withResultsStore("s3")
      .withRequiredVcpu(Map.of("us-east-2", 2.0, "eu-west-1", 1.0))
      .withLambdaConcurrency(1);

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

  @Test
  void initTwiceCreatesTaggedResourcesThenMakesOnlyReadCalls() {
    Summary first = aws.init(SETTINGS);

    assertThat(first.changed()).isTrue();
    List<FakeResource> created = aws.constellationResources();
    assertThat(created).extracting(r -> r.service() + "/" + r.type(), FakeResource::region, FakeResource::name)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("iam/role", "global", "constellation-us-east-1-execution"),
            org.assertj.core.groups.Tuple.tuple("iam/role", "global", "constellation-us-east-1-task"),
            org.assertj.core.groups.Tuple.tuple("iam/role", "global", "constellation-us-east-1-orchestrator"),
            org.assertj.core.groups.Tuple.tuple("lambda/function", HOME, "constellation-orchestrator"),
            org.assertj.core.groups.Tuple.tuple("logs/log-group", HOME, "/aws/lambda/constellation-orchestrator"),
            org.assertj.core.groups.Tuple.tuple("ecr/repository", "us-east-2", "constellation-agent"),
            org.assertj.core.groups.Tuple.tuple("ecr/repository", "eu-west-1", "constellation-agent"),
            org.assertj.core.groups.Tuple.tuple("ecs/cluster", "us-east-2", "constellation"),
            org.assertj.core.groups.Tuple.tuple("ecs/cluster", "eu-west-1", "constellation"),
            org.assertj.core.groups.Tuple.tuple("logs/log-group", "us-east-2", "/constellation/agents"),
            org.assertj.core.groups.Tuple.tuple("logs/log-group", "eu-west-1", "/constellation/agents"),
            org.assertj.core.groups.Tuple.tuple("ec2/security-group", "us-east-2", "constellation-agents"),
            org.assertj.core.groups.Tuple.tuple("ec2/security-group", "eu-west-1", "constellation-agents"));
    for (FakeResource r : created) {
      assertThat(r.tags()).as(r.type() + " " + r.name())
          .containsEntry("constellation:managed", "true")
          .containsEntry("constellation:installation", "constellation")
          .containsEntry("constellation:home", HOME);
    }
    var dynamo = aws.clients.dynamo(HOME);
    String tableArn = dynamo.describeTable(b -> b.tableName("constellation-runs")).table().tableArn();
    assertThat(dynamo.listTagsOfResource(b -> b.resourceArn(tableArn)).tags())
        .contains(Tag.builder().key("constellation:managed").value("true").build(),
            Tag.builder().key("constellation:installation").value("constellation").build());
    aws.clients.s3(HOME).headBucket(b -> b.bucket("constellation-123456789012-us-east-1"));
    assertThat(aws.fake.journal().calls("iam", "PutRolePolicy")).hasSize(3);
    assertThat(aws.fake.journal().calls("ecr", "PutLifecyclePolicy")).hasSize(2);

    aws.fake.journal().clear();
    aws.steps.clear();
    Summary second = aws.init(SETTINGS);

    assertThat(aws.fake.journal().mutating()).as("the second init's mutating calls").isEmpty();
    assertThat(aws.fake.journal().calls()).isNotEmpty()
        .allSatisfy(c -> assertThat(c.operation()).matches("(Describe|Get|List).*"));
    assertThat(second.changed()).isFalse();
    assertThat(second.steps()).allSatisfy(s -> assertThat(s.outcome()).isEqualTo(Step.Outcome.UNCHANGED));
    assertThat(aws.infos).anyMatch(i -> i.startsWith("nothing changed"));
  }

  @Test
  void uploadedJarAnswersTestResetThroughInvokeWithWaiting() throws Exception {
    aws.init(SETTINGS);

    LambdaOrchestratorClient client = new LambdaOrchestratorClient(aws.clients.lambda(HOME), "constellation-orchestrator", "live");
    RunStatus status = client.reset(RunSetup.of("it-run-1", Map.of("us-east-2", 2)));

    assertThat(status.state()).isEqualTo(RunState.WAITING);
    assertThat(status.runId()).isEqualTo("it-run-1");
    List<Call> invokes = aws.fake.journal().calls("lambda", "Invoke");
    assertThat(invokes).hasSize(1);
  }

  @Test
  void aChangedOrchestratorJarIsUpdatedInPlaceAndStillAnswers() throws Exception {
    aws.init(SETTINGS);
    // Lambda keeps a function Pending / InProgress for a while after each change; init waits for it
    aws.fake.faults().lambdaPendingFor(java.time.Duration.ofMillis(1500));
    byte[] changed = withExtraEntry(AwsHarness.lambdaJar());
    aws.fake.journal().clear();

    new Init(aws.clients, aws.listener(), AwsHarness.fastInit(false)).run(SETTINGS, changed);

    assertThat(aws.fake.journal().mutating()).extracting(Call::operation)
        .containsExactly("UpdateFunctionCode", "PublishVersion", "UpdateAlias");
    var lambda = aws.clients.lambda(HOME);
    assertThat(lambda.getFunction(b -> b.functionName("constellation-orchestrator")).configuration().codeSha256())
        .isEqualTo(Init.codeSha256(changed));
    assertThat(lambda.getAlias(b -> b.functionName("constellation-orchestrator").name("live")).functionVersion()).isEqualTo("2");
    RunStatus status = new LambdaOrchestratorClient(lambda, "constellation-orchestrator", "live")
        .reset(RunSetup.of("it-run-2", Map.of("eu-west-1", 1)));
    assertThat(status.state()).isEqualTo(RunState.WAITING);
  }

  /** The same jar with one more file in it: different bytes, same classes. */
  private static byte[] withExtraEntry(byte[] jar) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(jar));
         java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
      for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
        z.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
        in.transferTo(z);
        z.closeEntry();
      }
      z.putNextEntry(new java.util.zip.ZipEntry("META-INF/constellation-it.txt"));
      z.write("changed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return out.toByteArray();
  }

  @Test
  void roleThatBecomesAssumableAfterThreeTriesStillLetsInitFinish() {
    aws.fake.faults().failNext("lambda", "CreateFunction", 3, 400, "InvalidParameterValueException",
        "The role defined for the function cannot be assumed by Lambda.");

    aws.init(SETTINGS);

    assertThat(aws.fake.journal().calls("lambda", "CreateFunction")).hasSize(4);
    assertThat(aws.fake.resources("lambda")).extracting(FakeResource::name).contains("constellation-orchestrator");
    assertThat(aws.steps).anyMatch(s -> s.resource().startsWith("Lambda") && s.detail().contains("after 4 tries"));
  }

  @Test
  void aNewRoleThatPropagatesSlowlyIsWaitedFor() {
    // IAM propagation as time: Lambda refuses the orchestrator role until 15 s after CreateRole
    // (longer than the steps between CreateRole and CreateFunction take even on a loaded machine)
    aws.fake.faults().rolesAssumableAfter(java.time.Duration.ofSeconds(15));

    new Init(aws.clients, aws.listener(), new Init.Options(false, java.time.Duration.ofSeconds(1),
        java.time.Duration.ofSeconds(4), java.time.Duration.ofSeconds(90), java.time.Duration.ofSeconds(2)))
        .run(SETTINGS, AwsHarness.lambdaJar());

    assertThat(aws.fake.journal().calls("lambda", "CreateFunction").size()).isGreaterThan(1);
    assertThat(aws.fake.resources("lambda")).extracting(FakeResource::name).containsExactly("constellation-orchestrator");
  }

  @Test
  void roleNeverAssumableFailsWithinBudgetNamingTheRole() {
    aws.fake.faults().failNext("lambda", "CreateFunction", 50, 400, "InvalidParameterValueException",
        "The role defined for the function cannot be assumed by Lambda.");

    // a 3 s budget: even at 100 ms per try the 50 injected failures cannot run out first
    Init init = new Init(aws.clients, aws.listener(), AwsHarness.withRoleBudget(false, java.time.Duration.ofSeconds(3)));
    assertThatThrownBy(() -> init.run(SETTINGS, AwsHarness.lambdaJar()))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("[us-east-1] Lambda constellation-orchestrator: IAM role "
            + "arn:aws:iam::123456789012:role/constellation/constellation-us-east-1-orchestrator still cannot be assumed by Lambda after ")
        .hasMessageContaining(" in 3 s");

    // it gave up because its 3 s budget ran out, not because the fault stopped:
    // each try uploads the ~10 MB jar, so on a loaded machine one try may already use the whole budget
    int tries = aws.fake.journal().calls("lambda", "CreateFunction").size();
    assertThat(tries).isBetween(1, 49);
    assertThat(aws.fake.resources("lambda")).isEmpty();
  }

  @Test
  void everyPreflightProblemInOneErrorAndNoMutatingCall() {
    aws.fake.faults().noDefaultVpc("eu-west-1");
    aws.fake.faults().quota("us-east-2", "fargate", Preflight.FARGATE_VCPU_QUOTA, 1.0);

    assertThatThrownBy(() -> aws.init(SETTINGS))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("Preflight found 2 problems; nothing was created")
        .hasMessageContaining("[eu-west-1] default VPC: this region has no default VPC")
        .hasMessageContaining("aws ec2 create-default-vpc --region eu-west-1")
        .hasMessageContaining("[us-east-2] Fargate On-Demand vCPU quota L-3032A538: the plan needs 2 vCPU at once, the quota is 1 and 0 are in use");

    assertThat(aws.fake.journal().mutating()).isEmpty();
    assertThat(aws.constellationResources()).isEmpty();
  }

  @Test
  void regionNotEnabledIsNamedBeforeAnythingIsCreated() {
    aws.fake.faults().optedOut("af-south-1");

    assertThatThrownBy(() -> aws.init(DeploySettings.of(INST, List.of("us-east-2", "af-south-1")).withResultsStore("s3")))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("Preflight found 1 problem; nothing was created")
        .hasMessageContaining("[af-south-1] region: af-south-1 is not enabled for this account")
        .hasMessageContaining("aws account enable-region --region-name af-south-1");
    assertThat(aws.fake.journal().mutating()).isEmpty();
  }

  @Test
  void dryRunCallsNothingThatChangesAnything() {
    Summary plan = new Init(aws.clients, aws.listener(), AwsHarness.fastInit(true)).run(SETTINGS, AwsHarness.lambdaJar());

    assertThat(aws.fake.journal().mutating()).isEmpty();
    assertThat(aws.constellationResources()).isEmpty();
    assertThat(plan.steps()).extracting(Step::outcome).containsOnly(Step.Outcome.WOULD_CREATE);
    assertThat(plan.steps()).hasSize(1 + 3 + 1 + 1 + 1 + 1 + 2 * 4);
  }

  @Test
  void untaggedLookAlikeIsNeitherAdoptedNorChanged() {
    String sg = aws.fake.seed().securityGroup("eu-west-1", "constellation-agents", "someone else's", Map.of());

    assertThatThrownBy(() -> aws.init(SETTINGS))
        .isInstanceOf(DeployException.class)
        .hasMessageContaining("init found 1 problem before changing anything; nothing was created")
        .hasMessageContaining("[eu-west-1] security group constellation-agents (" + sg + "): it exists but is not Constellation's");
    assertThat(aws.fake.journal().mutating()).isEmpty();
    assertThat(aws.constellationResources()).extracting(FakeResource::id).containsExactly(sg);
    assertThat(aws.fake.resources("ec2")).anyMatch(r -> r.id().equals(sg) && r.tags().isEmpty());
  }
}
