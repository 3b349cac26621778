package dev.constellation.maven.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LaunchRulesTest {

  @Test
  void clientTokensAreDeterministicDistinctAnd64Chars() {
    String t = ClientTokens.of("20261129-161500-abcd", "us-east-2", 0, 0);
    assertThat(t).hasSize(ClientTokens.MAX_LENGTH).matches("[0-9a-f]{64}");
    assertThat(ClientTokens.of("20261129-161500-abcd", "us-east-2", 0, 0)).isEqualTo(t);
    Set<String> all = new HashSet<>();
    for (String region : List.of("us-east-2", "eu-west-1")) {
      for (int i = 0; i < 10; i++) {
        for (int attempt = 0; attempt < 3; attempt++) {
          all.add(ClientTokens.of("r", region, i, attempt));
        }
      }
    }
    assertThat(all).hasSize(60);
  }

  @Test
  void theTokenBucketLetsTheBurstThroughThenPacesAtItsRate() throws InterruptedException {
    long[] now = {0};
    List<Long> sleeps = new ArrayList<>();
    TokenBucket.Clock clock = new TokenBucket.Clock() {
      @Override
      public long nanoTime() {
        return now[0];
      }

      @Override
      public void sleepNanos(long nanos) {
        sleeps.add(nanos);
        now[0] += nanos;
      }
    };
    TokenBucket b = new TokenBucket(10, 10, clock);
    for (int i = 0; i < 30; i++) {
      b.take();
    }
    // 10 at once, then one every 100 ms: 20 more take 2 s
    assertThat(now[0]).isBetween(1_999_000_000L, 2_001_000_000L);
    assertThat(sleeps).hasSize(20);
  }

  @Test
  void capacityAndStartTimeoutsAreTransientBadInputAndAccessArePermanent() {
    assertThat(StopReasons.ofLaunchFailure(
        "Capacity is unavailable at this time. Please try again later or in a different availability zone"))
        .isEqualTo(StopReasons.Kind.TRANSIENT);
    assertThat(StopReasons.ofLaunchFailure("MISSING")).isEqualTo(StopReasons.Kind.PERMANENT);
    assertThat(StopReasons.ofStop("TaskFailedToStart", "Timeout waiting for network interface provisioning to complete.", null, null))
        .isEqualTo(StopReasons.Kind.TRANSIENT);
    assertThat(StopReasons.ofStop("TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        + "failed to resolve ref: dial tcp: i/o timeout", null, null)).isEqualTo(StopReasons.Kind.TRANSIENT);
    assertThat(StopReasons.ofStop("TaskFailedToStart", "CannotPullContainerError: ref pull has been retried 1 time(s): "
        + "failed to resolve ref 123.dkr.ecr.us-east-1.amazonaws.com/constellation-agent@sha256:00: not found", null, null))
        .isEqualTo(StopReasons.Kind.PERMANENT);
    assertThat(StopReasons.ofStop("TaskFailedToStart", "ResourceInitializationError: unable to pull secrets or registry auth: "
        + "AccessDeniedException", null, null)).isEqualTo(StopReasons.Kind.PERMANENT);
    assertThat(StopReasons.ofStop("EssentialContainerExited", "Essential container in task exited", null, 2))
        .isEqualTo(StopReasons.Kind.PERMANENT);
    assertThat(StopReasons.ofStop("TaskFailedToStart", "CannotStartContainerError: exec format error", null, null))
        .isEqualTo(StopReasons.Kind.PERMANENT);
    assertThat(StopReasons.ofStop("SpotInterruption", "Your Spot Task was interrupted.", null, null))
        .isEqualTo(StopReasons.Kind.TRANSIENT);
  }

  @Test
  void startedByIsSanitisedTo36Characters() {
    assertThat(AwsRun.startedBy("20261129-161500-abcd")).isEqualTo("20261129-161500-abcd");
    assertThat(AwsRun.startedBy("a.b/c" + "x".repeat(40))).hasSize(36).startsWith("a-b-c");
  }
}
