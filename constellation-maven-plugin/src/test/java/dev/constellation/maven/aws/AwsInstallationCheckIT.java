package dev.constellation.maven.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.aws.AwsClients;
import dev.constellation.aws.DeploySettings;
import dev.constellation.aws.Init;
import dev.constellation.aws.Installation;
import dev.constellation.aws.Preflight;
import dev.constellation.aws.StepListener;
import dev.constellation.testservices.Dynalite;
import dev.constellation.awsfake.FakeAws;
import dev.constellation.testservices.S3rver;
import dev.constellation.maven.run.CollectingRunLog;
import dev.constellation.maven.run.Interruption;
import dev.constellation.maven.run.RunContext;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunLog;
import dev.constellation.maven.run.RunPlan;
import dev.constellation.maven.run.RunPlanner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/**
 * The run's read-only check that {@code init} ran with this plugin version (issue 12, "init not run
 * or out of date"): an installation made by another version's init (another orchestrator jar, an
 * older role policy, no ECR lifecycle policy) stops the run before anything is pushed or started,
 * naming the region, the piece, what differs and the {@code init} command; after {@code init} of
 * this version the check passes.
 */
class AwsInstallationCheckIT {

  static final String HOME = "us-east-1";
  static final Installation INST = new Installation(Installation.DEFAULT_NAME, HOME);
  static final DeploySettings SETTINGS = DeploySettings.of(INST, List.of("us-east-2")).withResultsStore("s3");

  @TempDir Path dir;
  Dynalite dynalite;
  S3rver s3rver;
  FakeAws fake;
  AwsClients aws;
  final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    dynalite = Dynalite.start();
    s3rver = S3rver.start(dir.resolve("s3"));
    fake = FakeAws.start(FakeAws.Options.defaults().lambdaEnvironment(Map.of("CONSTELLATION_DYNAMODB_ENDPOINT",
        dynalite.endpoint().toString())));
    Map<String, URI> endpoints = new HashMap<>();
    for (String s : List.of("sts", "ec2", "iam", "ecs", "ecr", "logs", "servicequotas", "lambda")) {
      endpoints.put(s, fake.endpoint());
    }
    endpoints.put("dynamodb", dynalite.endpoint());
    endpoints.put("s3", URI.create("http://127.0.0.1:" + s3rver.port()));
    aws = new AwsClients(AwsClients.Options.defaults()
        .withEndpoints(endpoints)
        .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .withCredentials("s3", StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")))
        .withRetryStrategy(AwsRetryStrategy.doNotRetry()));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      aws.close();
      fake.close();
    } finally {
      try {
        s3rver.close();
      } finally {
        dynalite.close();
      }
    }
  }

  @Test
  void anOrchestratorFromAnotherPluginVersionStopsTheRunBeforeAnythingChangesAndInitOfThisVersionFixesIt() throws Exception {
    byte[] thisVersion = AwsRun.orchestratorJar();
    byte[] otherVersion = withExtraEntry(thisVersion);
    init(otherVersion);
    fake.journal().clear();

    assertThatThrownBy(() -> new AwsRun(aws, noImages(), AwsRun.Options.defaults()).run(plan(), context()))
        .isInstanceOf(RunException.class)
        .hasMessageStartingWith("the Constellation installation 'constellation' is out of date (init ran with another plugin version) "
            + "for this run; nothing was started:\n  - [us-east-1] the orchestrator Lambda constellation-orchestrator:live (version 1) "
            + "runs other code than this plugin version carries: CodeSha256 " + Init.codeSha256(otherVersion)
            + ", this plugin's orchestrator jar " + Init.codeSha256(thisVersion) + "\nFix: run mvn constellation:init "
            + "-Dconstellation.homeRegion=us-east-1 -Dconstellation.remoteRegions=us-east-2:1");
    assertThat(fake.journal().mutating()).as("nothing was changed, pushed or started").isEmpty();
    assertThat(fake.journal().calls("lambda", "Invoke")).as("the orchestrator was not reset").isEmpty();

    init(thisVersion);

    InstallationCheck.Found found = check(thisVersion);
    assertThat(found.bucket()).isEqualTo("constellation-123456789012-us-east-1");
    assertThat(found.securityGroups()).containsOnlyKeys("us-east-2");
  }

  @Test
  void aRolePolicyAndAnEcrLifecyclePolicyOtherThanThisVersionShipsAreNamedWithWhatDiffers() throws Exception {
    byte[] jar = AwsRun.orchestratorJar();
    init(jar);
    // as an older init left them: the task role without its S3 statement, the repository without a lifecycle policy
    String task = INST.roleName(Installation.Role.TASK);
    aws.iam("aws").putRolePolicy(b -> b.roleName(task).policyName(Installation.POLICY_NAME).policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Orchestrator\",\"Effect\":\"Allow\",\"Action\":\"lambda:InvokeFunction\","
            + "\"Resource\":\"arn:aws:lambda:us-east-1:123456789012:function:constellation-orchestrator:live\"}]}"));
    aws.ecr("us-east-2").deleteLifecyclePolicy(b -> b.repositoryName(INST.repository()));
    fake.journal().clear();

    assertThatThrownBy(() -> check(jar))
        .isInstanceOf(RunException.class)
        .hasMessageContaining("is out of date (init ran with another plugin version) for this run; nothing was started")
        .hasMessageContaining("- [global] IAM role " + task + ": its inline policy constellation is not the one this plugin version "
            + "ships (statement ResultsS3 is missing)")
        .hasMessageContaining("- [us-east-2] the ECR repository constellation-agent: its lifecycle policy is not the one this plugin "
            + "version sets (keep the 10 newest images): it has none")
        .hasMessageContaining("Fix: run mvn constellation:init -Dconstellation.homeRegion=us-east-1")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("orchestrator Lambda")
            .doesNotContain(INST.roleName(Installation.Role.EXECUTION)));
    assertThat(fake.journal().mutating()).isEmpty();

    init(jar);

    check(jar);
  }

  // --- helpers

  private void init(byte[] jar) {
    new Init(aws, StepListener.silent(), new Init.Options(false, Duration.ofMillis(20), Duration.ofMillis(100),
        Duration.ofSeconds(60), Duration.ofSeconds(2))).run(SETTINGS, jar);
  }

  private InstallationCheck.Found check(byte[] jar) throws Exception {
    Preflight.Result pre = new Preflight(aws, StepListener.silent()).run(SETTINGS);
    return new InstallationCheck(aws, INST, pre, jar).check(List.of("us-east-2"), plan());
  }

  private RunPlan plan() throws Exception {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("constellation.target", "aws");
    cli.put("constellation.homeRegion", HOME);
    cli.put("constellation.remoteRegions", "us-east-2:1");
    cli.put("constellation.vusPerTask", "1");
    cli.put("constellation.duration", "3s");
    cli.put("constellation.baseUrl", "http://127.0.0.1:9");
    return new RunPlanner().plan(new RunPlanner.Sources(Map.of(), cli, dir));
  }

  private RunContext context() {
    RunLog log = CollectingRunLog.into(lines);
    return new RunContext("check-run", dir.resolve("run"), dir.resolve("run/records"), dir, List.of(), log,
        Interruption.manual(log, Duration.ofSeconds(5)));
  }

  /** Images must not be built or pushed: the check comes first. */
  private static AwsRun.Images noImages() {
    return new AwsRun.Images() {
      @Override
      public Map<String, String> publish(AwsClients clients, List<String> regions) {
        throw new AssertionError("the image was published before the installation check");
      }

      @Override
      public String cpuArchitecture() {
        throw new AssertionError("the image was built before the installation check");
      }
    };
  }

  /** The same orchestrator with one more file: another plugin version's jar, as Lambda's CodeSha256 sees it. */
  private static byte[] withExtraEntry(byte[] jar) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar)); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        zip.putNextEntry(new ZipEntry(e.getName()));
        in.transferTo(zip);
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry("META-INF/constellation-other-version.txt"));
      zip.write("another plugin version".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return out.toByteArray();
  }
}
