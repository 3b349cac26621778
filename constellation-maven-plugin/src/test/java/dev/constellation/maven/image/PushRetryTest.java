package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bound, the backoff and the loop; the registry's own answers are in {@code EcrPusherIT}. */
class PushRetryTest {

  private static final String IMAGE = "127.0.0.1:5000/constellation-agent:dev";
  private static final ImageBuildResult PUSHED = new ImageBuildResult(IMAGE,
      "sha256:" + "ab".repeat(32), "sha256:" + "cd".repeat(32), Set.of("dev"), 3, 2, Duration.ofSeconds(1));
  private static final PushRetry FAST = new PushRetry(3, Duration.ofMillis(4), Duration.ofMillis(20));

  private final List<String> log = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();

  private static ImageException failure(Throwable cause) {
    return new ImageException(ImageSpec.SETTING_REGISTRY, IMAGE,
        "the image cannot be written (" + cause.getMessage() + ")", "Check the target", cause);
  }

  /** As ImageMojo maps the last failure for a {@code <registry>} target. */
  private static ImageException asTheMojo(ImageException e, int attempts, Optional<String> cause) {
    return cause.isEmpty() ? e : PushRetry.exhausted(e, attempts, cause.get());
  }

  @Test
  void theStandardIsThreeAttemptsWithBackoffCeilingsOfOneThenTwoSecondsCappedAtTwenty() {
    PushRetry standard = PushRetry.STANDARD;
    assertThat(standard.maxAttempts()).isEqualTo(3);
    assertThat(standard.backoff(1, () -> 0.5)).isEqualTo(Duration.ofMillis(500));
    assertThat(standard.backoff(2, () -> 0.5)).isEqualTo(Duration.ofMillis(1_000));
    assertThat(standard.backoff(3, () -> 0.5)).isEqualTo(Duration.ofMillis(2_000));
    assertThat(standard.backoff(5, () -> 0.5)).as("16 s ceiling").isEqualTo(Duration.ofMillis(8_000));
    assertThat(standard.backoff(6, () -> 0.5)).as("capped at 20 s").isEqualTo(Duration.ofMillis(10_000));
    assertThat(standard.backoff(40, () -> 0.999)).isEqualTo(Duration.ofMillis(19_980));
    assertThat(standard.backoff(1, () -> 0.0)).as("full jitter: down to no wait").isZero();
  }

  @Test
  void aResetConnectionIsTriedAgainUntilThePushSucceeds() throws Exception {
    ImageBuildResult result = FAST.push(() -> {
      if (calls.incrementAndGet() < 3) {
        throw failure(new SocketException("Connection reset"));
      }
      return PUSHED;
    }, "registry", IMAGE, log::add, () -> 0.5, PushRetryTest::asTheMojo);

    assertThat(result).isSameAs(PUSHED);
    assertThat(calls.get()).isEqualTo(3);
    assertThat(log).containsExactly(
        "registry: push attempt 1 of 3 to " + IMAGE + " failed (connection failed: Connection reset), trying again in 2 ms",
        "registry: push attempt 2 of 3 to " + IMAGE + " failed (connection failed: Connection reset), trying again in 4 ms");
  }

  @Test
  void aPushThatKeepsTimingOutFailsAfterTheBoundWithTheLastCause() {
    ImageException error = catchThrowableOfType(ImageException.class, () -> FAST.push(() -> {
      throw failure(new SocketTimeoutException("Read timed out " + calls.incrementAndGet()));
    }, "registry", IMAGE, log::add, () -> 0.5, PushRetryTest::asTheMojo));

    assertThat(calls.get()).isEqualTo(3);
    assertThat(error.setting()).isEqualTo(ImageSpec.SETTING_REGISTRY);
    assertThat(error.getMessage()).isEqualTo(ImageSpec.SETTING_REGISTRY + " = " + IMAGE
        + ": the push failed 3 times on transient registry errors (timed out: Read timed out 3), the last:"
        + " the image cannot be written (Read timed out 3). Run it again later; if it keeps failing,"
        + " check the registry's health");
  }

  @Test
  void aRefusedConnectionIsNotTriedAgain() {
    ImageException first = failure(new ConnectException("Connection refused"));
    ImageException error = catchThrowableOfType(ImageException.class, () -> FAST.push(() -> {
      calls.incrementAndGet();
      throw first;
    }, "registry", IMAGE, log::add, () -> 0.5, PushRetryTest::asTheMojo));

    assertThat(calls.get()).isEqualTo(1);
    assertThat(error).isSameAs(first);
    assertThat(log).isEmpty();
  }

  @Test
  void aSettingErrorWithoutAnIoCauseIsPermanent() {
    assertThat(PushRetry.transientCause(new ImageException(ImageSpec.SETTING_BASE, "x", "not an image reference",
        "Write it as registry/repository:tag", null))).isEmpty();
  }
}
