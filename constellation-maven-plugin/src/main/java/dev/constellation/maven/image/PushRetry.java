package dev.constellation.maven.image;

import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.http.ResponseException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * How often a registry push is tried again after a transient failure, and which failures are
 * transient.
 *
 * <p>One attempt is a whole Jib push of the image: Jib checks every blob first ({@code HEAD}) and
 * uploads only those the registry lacks, so a second attempt re-sends only what the first did not
 * finish. Between attempts the pusher waits a "full jitter" exponential backoff, as the AWS SDK's
 * {@code standard} retry mode does: a uniformly random time between 0 and {@code min(maxDelay,
 * baseDelay * 2^(attempt-1))} (AWS Builders' Library, "Timeouts, retries and backoff with jitter";
 * SDK retry behavior, AWS SDKs and Tools Reference Guide).
 *
 * <p>Transient: HTTP 5xx, 429 and 408 from the registry; a connection reset, closed or timed out
 * mid-exchange; and the blob-upload errors {@code DIGEST_INVALID}, {@code BLOB_UPLOAD_UNKNOWN} and
 * {@code BLOB_UPLOAD_INVALID} (OCI distribution spec error codes), which a registry answers when
 * an upload session was lost or two uploads of the same blob overlapped: the local layer file and
 * its digest do not change between attempts, so a real digest mismatch fails again within the bound.
 * Permanent (never tried again): 401 and 403 (credentials), 404 and every other 4xx such as {@code
 * NAME_UNKNOWN} or {@code MANIFEST_INVALID}, a refused connection or an unknown host (nothing
 * listens there), and every setting error.
 *
 * @param maxAttempts attempts in all, the first included (at least 1)
 * @param baseDelay the backoff ceiling after the first failed attempt; doubled after each next one
 * @param maxDelay the largest backoff ceiling
 */
public record PushRetry(int maxAttempts, Duration baseDelay, Duration maxDelay) {

  /**
   * 3 attempts (the AWS SDK standard mode's count), backoff ceilings of 1 s then 2 s (capped at 20
   * s, the SDK's cap). The base is 1 s rather than the SDK's 100 ms because an attempt is a whole
   * push, not one request, and a registry that answered 5xx under concurrent uploads needs a moment.
   */
  public static final PushRetry STANDARD = new PushRetry(3, Duration.ofSeconds(1), Duration.ofSeconds(20));

  /** Registry error codes that mean "upload again", not "the image is wrong". */
  private static final List<String> RETRIED_CODES =
      List.of("DIGEST_INVALID", "BLOB_UPLOAD_UNKNOWN", "BLOB_UPLOAD_INVALID");

  public PushRetry {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts is " + maxAttempts + "; use 1 or more");
    }
    if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("baseDelay " + baseDelay + " must be 0 or more and at most maxDelay "
          + maxDelay);
    }
  }

  /** One push attempt. */
  @FunctionalInterface
  public interface Attempt {
    /** Pushes once. */
    ImageBuildResult run() throws ImageException;
  }

  /** Turns the last failure into the error the caller throws. */
  @FunctionalInterface
  public interface Failure {
    /**
     * @param last the last attempt's failure
     * @param attempts attempts made, the last included
     * @param transientCause why the last failure was transient ({@link #transientCause}), empty
     *     when it was permanent (then {@code attempts} may be below the bound)
     */
    ImageException map(ImageException last, int attempts, Optional<String> transientCause);
  }

  /**
   * Runs {@code attempt} until it succeeds, fails permanently, or {@link #maxAttempts()} attempts
   * failed, waiting {@link #backoff} between attempts and logging each retry as {@code
   * "<prefix>: push attempt 1 of 3 to <destination> failed (HTTP 500), trying again in 412 ms"}.
   *
   * @throws ImageException what {@code failure} makes of the last failure, or an interrupted wait
   */
  public ImageBuildResult push(Attempt attempt, String logPrefix, String destination,
      Consumer<String> log, DoubleSupplier random, Failure failure) throws ImageException {
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (ImageException e) {
        Optional<String> cause = transientCause(e);
        if (cause.isEmpty() || n >= maxAttempts) {
          throw failure.map(e, n, cause);
        }
        Duration wait = backoff(n, random);
        log.accept(logPrefix + ": push attempt " + n + " of " + maxAttempts + " to " + destination
            + " failed (" + cause.get() + "), trying again in " + wait.toMillis() + " ms");
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ImageException(e.setting(), e.value(),
              "the push to " + destination + " was interrupted", "Run it again", e);
        }
      }
    }
  }

  /**
   * Builds {@code spec} and pushes it to a registry image reference (the image goal's {@code
   * <registry>}) under this retry: transient failures are tried again as {@link #push} says, logged
   * as {@code "registry: push attempt 1 of 3 to <registry> failed (HTTP 500), trying again in 412
   * ms"}; the last one becomes {@link #exhausted}, a permanent one is thrown as it is.
   *
   * @param registry the image reference, e.g. {@code 127.0.0.1:5000/constellation-agent:dev}
   * @param random uniform in [0, 1), for the backoff's jitter
   * @return what the successful attempt pushed
   * @throws ImageException the permanent failure, or the last transient one after the bound
   */
  public ImageBuildResult pushToRegistry(AgentImageBuilder builder, ImageSpec spec, String registry,
      Consumer<String> log, DoubleSupplier random) throws ImageException {
    ImageTarget target = ImageTarget.registry(registry);
    return push(() -> builder.build(spec, target), "registry", registry, log, random,
        (e, attempts, cause) -> cause.isEmpty() ? e : exhausted(e, attempts, cause.get()));
  }

  /**
   * The error after a push gave up on transient failures: the setting and value of {@code last},
   * the count, the transient cause and {@code last}'s problem.
   */
  public static ImageException exhausted(ImageException last, int attempts, String cause) {
    return new ImageException(last.setting(), last.value(),
        "the push failed " + attempts + " times on transient registry errors (" + cause + "), the last: "
            + last.problem(),
        "Run it again later; if it keeps failing, check the registry's health", last);
  }

  /**
   * The wait after attempt {@code failedAttempt} (1 = the first) failed.
   *
   * @param random uniform in [0, 1)
   */
  public Duration backoff(int failedAttempt, DoubleSupplier random) {
    long ceiling = baseDelay.toMillis();
    for (int i = 1; i < failedAttempt && ceiling < maxDelay.toMillis(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, maxDelay.toMillis());
    return Duration.ofMillis((long) (random.getAsDouble() * ceiling));
  }

  /**
   * Why {@code failure} is worth another attempt (for example {@code "HTTP 500"}), or empty when it
   * is permanent.
   */
  public static Optional<String> transientCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RegistryUnauthorizedException || t instanceof RegistryAuthenticationFailedException) {
        return Optional.empty();
      }
      if (t instanceof ResponseException response) {
        int status = response.getStatusCode();
        if (status >= 500 || status == 429 || status == 408) {
          return Optional.of("HTTP " + status);
        }
        String content = response.getContent() == null ? "" : response.getContent();
        for (String code : RETRIED_CODES) {
          if (content.contains("\"" + code + "\"")) {
            return Optional.of("HTTP " + status + " " + code);
          }
        }
        return Optional.empty();
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return Optional.empty();
      }
      if (t instanceof SocketTimeoutException) {
        return Optional.of("timed out: " + t.getMessage());
      }
      if (t instanceof SocketException) {
        return Optional.of("connection failed: " + t.getMessage());
      }
      String name = t.getClass().getSimpleName();
      if (name.equals("NoHttpResponseException") || name.equals("ConnectionClosedException")) {
        return Optional.of("connection closed: " + t.getMessage());
      }
    }
    return Optional.empty();
  }
}
