package dev.constellation.agent.results.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsErrorsTest {

  private static AwsServiceException service(int status, String code) {
    return AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build()).build();
  }

  @Test
  void throttlingServerErrorsAndNetworkFailuresAreTransient() {
    assertThat(AwsErrors.isTransient(service(400, "ThrottlingException"))).isTrue();
    assertThat(AwsErrors.isTransient(service(503, "SlowDown"))).isTrue();
    assertThat(AwsErrors.isTransient(service(500, "InternalError"))).isTrue();
    assertThat(AwsErrors.isTransient(service(429, "TooManyRequests"))).isTrue();
    assertThat(AwsErrors.isTransient(service(400, "RequestTimeout"))).isTrue();
    assertThat(AwsErrors.isTransient(service(400, "ExpiredToken"))).isTrue();
    assertThat(AwsErrors.isTransient(SdkClientException.builder().message("Unable to execute HTTP request")
        .cause(new ConnectException("Connection refused")).build())).isTrue();
    assertThat(AwsErrors.isTransient(new IOException("reset"))).isTrue();
  }

  @Test
  void clientMistakesAreNot() {
    assertThat(AwsErrors.isTransient(service(403, "AccessDenied"))).isFalse();
    assertThat(AwsErrors.isTransient(service(404, "NoSuchBucket"))).isFalse();
    assertThat(AwsErrors.isTransient(service(400, "ValidationException"))).isFalse();
    assertThat(AwsErrors.isTransient(SdkClientException.create("Unable to load credentials"))).isFalse();
    assertThat(AwsErrors.isTransient(new IllegalStateException("bug"))).isFalse();
  }
}
