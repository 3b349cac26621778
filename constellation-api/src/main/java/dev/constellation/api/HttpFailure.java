package dev.constellation.api;

/**
 * Thrown by {@link Http} when a request gets no response: the connection was refused or reset,
 * the request timed out, the address could not be resolved, or the request could not be sent at
 * all ({@code invalid_request}). The request is recorded as failed
 * under {@link #errorType()} before this is thrown; the iteration fails, and the virtual user
 * carries on with its next iteration.
 *
 * @since 0.1
 */
public class HttpFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String errorType;
  private final String requestName;

  /**
   * Creates a failure.
   *
   * @param errorType a short, stable error type such as {@code "connection_refused"}
   * @param requestName the name the request was recorded under
   * @param message what happened
   * @param cause the underlying exception, or null
   */
  public HttpFailure(String errorType, String requestName, String message, Throwable cause) {
    super(requestName + ": " + errorType + ": " + message, cause);
    this.errorType = errorType;
    this.requestName = requestName;
  }

  /**
   * The error type the request was counted under.
   *
   * @return one of {@code connection_refused}, {@code connection_reset}, {@code connection_closed},
   *     {@code connect_timeout}, {@code timeout}, {@code unknown_host}, {@code tls_error},
   *     {@code too_many_redirects} (more redirects than the run's {@code maxRedirects}),
   *     {@code decode_error} (a gzip or deflate body that does not decode), {@code io_error},
   *     {@code interrupted}, or {@code invalid_request} for a request that could not be sent at
   *     all (a URL or header nothing can send; nothing went on the wire)
   */
  public String errorType() {
    return errorType;
  }

  /**
   * The name of the request that failed.
   *
   * @return the recorded request name
   */
  public String requestName() {
    return requestName;
  }
}
