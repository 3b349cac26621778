package dev.constellation.aws;

import dev.constellation.testservices.S3rver;
import dev.constellation.testservices.Dynalite;
import dev.constellation.awsfake.FakeAws;
import dev.constellation.awsfake.FakeResource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;

/**
 * The offline AWS of the ITs: FakeAws (STS, EC2, IAM, ECS, ECR, Logs, Service Quotas, Lambda with
 * the uploaded jar run for real) + dynalite (DynamoDB) + s3rver (S3), all on 127.0.0.1, stopped by
 * {@link #close()}. Static credentials, no SDK retries (so the journal shows each call once).
 */
final class AwsHarness implements AutoCloseable {

  final Dynalite dynalite;
  final S3rver s3rver;
  final FakeAws fake;
  final AwsClients clients;
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  final List<String> infos = Collections.synchronizedList(new ArrayList<>());
  final List<Step> steps = Collections.synchronizedList(new ArrayList<>());

  private AwsHarness(Dynalite dynalite, S3rver s3rver, FakeAws fake) {
    this.dynalite = dynalite;
    this.s3rver = s3rver;
    this.fake = fake;
    Map<String, URI> endpoints = new HashMap<>();
    for (String s : List.of("sts", "ec2", "iam", "ecs", "ecr", "logs", "servicequotas", "lambda")) {
      endpoints.put(s, fake.endpoint());
    }
    endpoints.put("dynamodb", dynalite.endpoint());
    endpoints.put("s3", URI.create("http://127.0.0.1:" + s3rver.port()));
    this.clients = new AwsClients(AwsClients.Options.defaults()
        .withEndpoints(endpoints)
        .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        // s3rver only accepts its built-in key pair
        .withCredentials("s3", StaticCredentialsProvider.create(AwsBasicCredentials.create("S3RVER", "S3RVER")))
        .withRetryStrategy(AwsRetryStrategy.doNotRetry()));
  }

  static AwsHarness start(Path dir) throws IOException, InterruptedException {
    Dynalite d = Dynalite.start();
    S3rver s = null;
    try {
      s = S3rver.start(dir.resolve("s3"));
      FakeAws f = FakeAws.start(FakeAws.Options.defaults()
          .lambdaEnvironment(Map.of("CONSTELLATION_DYNAMODB_ENDPOINT", d.endpoint().toString(),
              "AWS_ACCESS_KEY_ID", "AKIDTEST", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_EC2_METADATA_DISABLED", "true")));
      return new AwsHarness(d, s, f);
    } catch (RuntimeException | IOException e) {
      if (s != null) {
        s.close();
      }
      d.close();
      throw e;
    }
  }

  StepListener listener() {
    return new StepListener() {
      @Override
      public void step(Step step) {
        steps.add(step);
        System.out.println(step.line()); // what a person sees from the Maven goal
      }

      @Override
      public void warn(String message) {
        warnings.add(message);
        System.out.println("[WARNING] " + message);
      }

      @Override
      public void info(String message) {
        infos.add(message);
      }
    };
  }

  /**
   * Init timings for tests: role retries from 20 ms, capped at 100 ms, for at most 60 s (each try
   * uploads the ~10 MB jar, which takes a while on a loaded machine).
   */
  static Init.Options fastInit(boolean dryRun) {
    return withRoleBudget(dryRun, java.time.Duration.ofSeconds(60));
  }

  static Init.Options withRoleBudget(boolean dryRun, java.time.Duration budget) {
    return new Init.Options(dryRun, java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(100),
        budget, java.time.Duration.ofSeconds(2));
  }

  static Teardown.Options fastTeardown(Teardown.Scope scope, boolean keepResults, boolean dryRun) {
    return new Teardown.Options(scope, keepResults, dryRun, java.time.Duration.ofSeconds(10),
        java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(50));
  }

  Summary init(DeploySettings settings) {
    return new Init(clients, listener(), fastInit(false)).run(settings, lambdaJar());
  }

  Summary teardown(DeploySettings settings, Teardown.Options options) {
    return new Teardown(clients, listener(), options).run(settings);
  }

  /** The shaded orchestrator jar the build copied for the ITs (-Dconstellation.lambdaJar). */
  static byte[] lambdaJar() {
    String p = System.getProperty("constellation.lambdaJar");
    if (p == null) {
      throw new IllegalStateException("-Dconstellation.lambdaJar is not set; run the ITs with mvn verify");
    }
    try {
      return Files.readAllBytes(Paths.get(p));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the orchestrator Lambda jar " + p + ": " + e, e);
    }
  }

  /** The fake's resources that are Constellation's to manage (the ECS service-linked role is AWS's). */
  List<FakeResource> constellationResources() {
    return fake.resources().stream()
        .filter(r -> !r.arn().contains(":role/aws-service-role/"))
        .toList();
  }

  @Override
  public void close() throws Exception {
    try {
      clients.close();
      fake.close();
    } finally {
      try {
        s3rver.close();
      } finally {
        dynalite.close();
      }
    }
  }
}
