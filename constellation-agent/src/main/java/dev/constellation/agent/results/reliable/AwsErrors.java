package dev.constellation.agent.results.reliable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** Sorts AWS SDK failures into "retry soon" (throttling, 5xx, network) and the rest. */
public final class AwsErrors {

  private static final Set<String> TRANSIENT_CODES = Set.of(
      "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled", "RequestThrottledException",
      "SlowDown", "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
      "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalServerError", "InternalServerException",
      "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException", "ExpiredToken", "ExpiredTokenException",
      "RequestExpired", "PriorRequestNotComplete", "InvalidEndpointException");

  private AwsErrors() {}

  /**
   * Whether a failure may go away by retrying after a pause.
   *
   * @param failure what an SDK call threw
   * @return true for throttling, HTTP 5xx and 429, timeouts, expired credentials and I/O errors
   */
  public static boolean isTransient(Throwable failure) {
    if (failure instanceof AwsServiceException e) {
      if (e.isThrottlingException() || e.statusCode() >= 500 || e.statusCode() == 429) {
        return true;
      }
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      return code != null && TRANSIENT_CODES.contains(code);
    }
    if (failure instanceof SdkServiceException e) {
      return e.isThrottlingException() || e.statusCode() >= 500 || e.statusCode() == 429;
    }
    if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    if (failure instanceof IOException || failure instanceof UncheckedIOException) {
      return true;
    }
    if (failure instanceof SdkClientException e) {
      if (e.retryable()) {
        return true;
      }
      for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        if (c instanceof IOException) {
          return true;
        }
      }
    }
    return false;
  }
}
