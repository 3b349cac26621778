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
}
