package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifetimeTest {

  private final AgentConfig config = AgentConfig.parse(new String[] {"--runId", "r", "--region", "eu-west-1", "--duration", "2s",
      "--gracefulStop", "1s", "--startTimeout", "10s"}, k -> null);

  @Test
  void anAgentStillRunningAfterItsLifetimeIsStoppedAndTheProcessEndsWithCode5() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch exited = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread t = Lifetime.watch(config, Duration.ofMillis(100), millis -> {
      events.add("stop " + millis);
      return true;
    }, done, Duration.ofSeconds(20), lines::add, code -> {
      events.add("exit " + code);
      exited.countDown();
    });
    assertThat(exited.await(10, TimeUnit.SECONDS)).isTrue();
    t.join(1000);
    assertThat(events).containsExactly("stop 20000", "exit 5");
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("agent eu-west-1-0 is still running after its lifetime of 100ms"
        + " (--startTimeout 10s + load 2s + --gracefulStop 1s + 1m30s to store results) and stops itself");
  }

  @Test
  void anAgentThatEndsInTimeIsLeftAlone() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread t = Lifetime.watch(config, Duration.ofMillis(300), millis -> events.add("stop") , done, Duration.ofSeconds(1),
        events::add, code -> events.add("exit " + code));
    done.countDown();
    t.join(2000);
    assertThat(t.isAlive()).isFalse();
    Thread.sleep(400);
    assertThat(events).isEmpty();
  }
}
