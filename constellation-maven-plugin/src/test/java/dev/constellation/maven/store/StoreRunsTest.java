package dev.constellation.maven.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.aws.AwsClients;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The one sentence the runs list shows when the store cannot be read, per kind of failure, and the start a run id carries. */
class StoreRunsTest {

  private static StoreRuns store(String bucket) {
    return new StoreRuns(new AwsClients(AwsClients.Options.defaults()), true, "eu-west-1", bucket, "team-a");
  }

  private static IOException s3(int status, String code) {
    return new IOException("cannot list", S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("the answer").build()).build());
  }

  @Test
  void eachFailureNamesTheStoreAndItsFix() {
    try (StoreRuns s = store("results-1")) {
      assertThat(s.explain(s3(404, "NoSuchBucket"))).isEqualTo("The results store s3://results-1 (eu-west-1) does not exist "
          + "(NoSuchBucket). Fix: name the bucket your AWS runs wrote to with -Dconstellation.resultsBucket, or the installation and "
          + "home region that mvn constellation:init created it for (-Dconstellation.installation, -Dconstellation.homeRegion).");
      assertThat(s.explain(s3(403, "AccessDenied"))).isEqualTo("The results store s3://results-1 (eu-west-1) refused these credentials "
          + "(AccessDenied). Fix: they need s3:ListBucket and s3:GetObject on the bucket (the operator policy in docs/aws.md), or use "
          + "another profile with -Dconstellation.profile.");
      assertThat(s.explain(s3(403, "InvalidAccessKeyId"))).isEqualTo("The results store s3://results-1 (eu-west-1) refused the "
          + "credentials (InvalidAccessKeyId). Fix: check -Dconstellation.profile / AWS_PROFILE, or run 'aws sso login' when the SSO "
          + "session expired.");
      assertThat(s.explain(new IOException("x", SdkClientException.create("Unable to load credentials from any of the providers in "
          + "the chain AwsCredentialsProviderChain(...)")))).isEqualTo("The results store s3://results-1 (eu-west-1) cannot be read: "
          + "no AWS credentials were found (Unable to load credentials from any of the providers in the chain "
          + "AwsCredentialsProviderChain(...)). Fix: give a profile with -Dconstellation.profile=<name> (after 'aws sso login' for an "
          + "SSO profile), or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
      assertThat(s.explain(new IOException("x", SdkClientException.create("Unable to execute HTTP request: Connection refused",
          new ConnectException("Connection refused"))))).isEqualTo("The results store s3://results-1 (eu-west-1) did not answer "
          + "(ConnectException: Connection refused). Fix: check the network and the home region (-Dconstellation.homeRegion=eu-west-1);"
          + " it is tried again every 30 s.");
    }
  }

  @Test
  void withoutABucketTheStoreIsTheInstallations() {
    try (StoreRuns s = store(null)) {
      assertThat(s.describe()).isEqualTo("the results bucket of installation 'team-a' in eu-west-1");
      assertThat(s.status().path("state").asText()).isEqualTo("loading");
    }
  }

  @Test
  void aPluginRunIdCarriesItsStartInUtc() {
    assertThat(StoreRuns.startOf("20261129-163601-7fa3")).isEqualTo("2026-11-29T16:36:01Z");
    assertThat(StoreRuns.startOf("my-run")).isEmpty();
    assertThat(StoreRuns.startOf("20261399-163601-7fa3")).isEmpty();
  }

  private static software.amazon.awssdk.services.timestreamquery.model.TimestreamQueryException timestream(int status, String code,
      String message) {
    return (software.amazon.awssdk.services.timestreamquery.model.TimestreamQueryException)
        software.amazon.awssdk.services.timestreamquery.model.TimestreamQueryException.builder().statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
  }

  @Test
  void aTimestreamStoreNamesItsTableAndItsFixes() {
    try (StoreRuns s = StoreRuns.timestream(new AwsClients(AwsClients.Options.defaults()), true, "eu-west-1", "team-a", "intervals")) {
      assertThat(s.describe()).isEqualTo("Timestream team-a.intervals (eu-west-1)");
      assertThat(s.explain(new IOException("x", timestream(400, "ResourceNotFoundException", "The table intervals does not exist."))))
          .isEqualTo("The results store Timestream team-a.intervals (eu-west-1) does not exist (ResourceNotFoundException: The table "
              + "intervals does not exist.). Fix: name the database and table your AWS runs wrote to with "
              + "-Dconstellation.timestreamDatabase and -Dconstellation.timestreamTable (init names the database after the installation, "
              + "the table intervals), and their home region with -Dconstellation.homeRegion.");
      assertThat(s.explain(new IOException("x", timestream(400, "AccessDeniedException", "Only existing Timestream for LiveAnalytics "
          + "customers can access the service.")))).isEqualTo("The results store Timestream team-a.intervals (eu-west-1) refused these "
          + "credentials (AccessDeniedException: Only existing Timestream for LiveAnalytics customers can access the service.). Fix: they "
          + "need timestream:Select on the table and timestream:DescribeEndpoints (the operator policy in docs/aws.md), or use another "
          + "profile with -Dconstellation.profile.");
      assertThat(s.explain(new IOException("x", SdkClientException.create("Unable to execute HTTP request: Connection refused",
          new ConnectException("Connection refused"))))).isEqualTo("The results store Timestream team-a.intervals (eu-west-1) did not "
          + "answer (ConnectException: Connection refused). Fix: check the network and the home region "
          + "(-Dconstellation.homeRegion=eu-west-1); it is tried again every 30 s.");
    }
  }

  @Test
  void aTimestreamRowShowsTheSummarysFiguresOrRunningThenIncompleteWithout() {
    long start = 1_795_780_800_000L;
    dev.constellation.agent.results.timestream.RunSummary done = new dev.constellation.agent.results.timestream.RunSummary("r-1", start,
        "interrupted", 14_000, 60_000, false, 1234, 5, 21_503, 50, 2, java.util.List.of("eu-west-1", "us-east-2"), "{}", "[]");
    var row = StoreRuns.row(done, start + 3_600_000);
    assertThat(row.toString()).isEqualTo("{\"runId\":\"r-1\",\"source\":\"store\",\"report\":false,\"startedAt\":\"2026-11-27T12:00:00Z\","
        + "\"target\":\"\",\"regions\":[\"eu-west-1\",\"us-east-2\"],\"vus\":50,\"agents\":2,\"plannedDurationMs\":60000,"
        + "\"status\":\"interrupted\",\"durationMs\":14000,\"passed\":false,\"requests\":1234,\"failures\":5,\"p95\":21.503,"
        + "\"final\":true}");
    dev.constellation.agent.results.timestream.RunSummary running = new dev.constellation.agent.results.timestream.RunSummary("r-2",
        start, "running", 0, 60_000, false, 0, 0, -1, 50, 2, java.util.List.of("eu-west-1"), "{}", "[]");
    var now = StoreRuns.row(running, start + 10_000);
    assertThat(now.path("status").asText()).isEqualTo("running");
    assertThat(now.path("durationMs").asLong()).isEqualTo(10_000);
    assertThat(now.path("requests").isNull()).isTrue();
    var last = StoreRuns.row(running, start + 60_000 + StoreRuns.RUNNING_SLACK_MS - 1);
    assertThat(last.path("status").asText()).isEqualTo("running");
    var later = StoreRuns.row(running, start + 60_000 + StoreRuns.RUNNING_SLACK_MS);
    assertThat(later.path("status").asText()).as("its build died: past its planned end plus the slack").isEqualTo("incomplete");
    assertThat(later.path("durationMs").isNull()).isTrue();
    assertThat(later.path("passed").isNull()).isTrue();
    assertThat(later.path("p95").isNull()).isTrue();
  }
}
