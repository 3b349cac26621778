package dev.constellation.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

class PerRegionTest {

  @Test
  void everyRegionRunsAtOnceAndOneRegionsBugDoesNotStopTheOthers() {
    List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
    Set<String> done = ConcurrentHashMap.newKeySet();
    CountDownLatch allStarted = new CountDownLatch(3);
    List<Runnable> tasks = new ArrayList<>();
    for (String region : List.of("eu-west-1", "us-east-1", "ap-south-1")) {
      tasks.add(() -> {
        allStarted.countDown();
        try {
          // each waits for the others: passes only when the three run at the same time
          assertThat(allStarted.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        if (region.equals("us-east-1")) {
          throw new IllegalStateException("boom");
        }
        done.add(region);
      });
    }
    PerRegion.runAll("init", tasks, problems);
    assertThat(done).containsExactlyInAnyOrder("eu-west-1", "ap-south-1");
    assertThat(problems).extracting(Problem::line)
        .containsExactly("[global] init: java.lang.IllegalStateException: boom. Fix: report this as a bug");
  }

  @Test
  void noTasksStartNothing() {
    List<Problem> problems = new ArrayList<>();
    PerRegion.runAll("teardown", List.of(), problems);
    assertThat(problems).isEmpty();
  }

  @Test
  void anInterruptedCallerStopsWithTheOperationNamed() {
    List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> PerRegion.runAll("teardown", List.of(() -> { }), problems))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("teardown interrupted; run it again to finish");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void guardedKeepsADeployExceptionsProblemsAndTurnsAnAwsFailureIntoOneWithTheCallersFix() {
    List<Problem> problems = new ArrayList<>();
    Problem vpc = new Problem("eu-west-1", "default VPC", "none in this region", "create one");
    PerRegion.guarded("eu-west-1", problems, e -> "unused", () -> {
      throw new DeployException("x", List.of(vpc));
    });
    PerRegion.guarded("us-east-1", problems, e -> "run init again (" + e.getMessage() + ")", () -> {
      throw SdkClientException.create("connection refused");
    });
    PerRegion.guarded("ap-south-1", problems, e -> "unused", () -> { });
    assertThat(problems).extracting(Problem::line).containsExactly(
        "[eu-west-1] default VPC: none in this region. Fix: create one",
        "[us-east-1] AWS call: connection refused. Fix: run init again (connection refused)");
  }

  @Test
  void countSaysProblemOrProblems() {
    Problem p = new Problem("global", "r", "p", "f");
    assertThat(PerRegion.count(List.of(p))).isEqualTo("1 problem");
    assertThat(PerRegion.count(List.of(p, p, p))).isEqualTo("3 problems");
  }
}
