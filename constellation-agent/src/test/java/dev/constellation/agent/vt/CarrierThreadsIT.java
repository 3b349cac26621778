package dev.constellation.agent.vt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a JDK 21+ the agent's process runs its virtual threads on half the CPUs when the target is on
 * this machine, on one carrier per CPU otherwise, and on what the user's
 * {@code -Djdk.virtualThreadScheduler.parallelism} says when given: counted as the distinct carrier
 * threads that 64 CPU-bound virtual threads ran on, in a child JVM that sees 4 CPUs.
 */
class CarrierThreadsIT {

  private static String probe(String baseUrl, String... jvmArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ModernJdk.java().toString(), "-XX:ActiveProcessorCount=4"));
    cmd.addAll(List.of(jvmArgs));
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    cmd.addAll(List.of("-cp", cp, CarrierProbe.class.getName(), baseUrl));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean ended = p.waitFor(2, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ended).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().filter(l -> l.startsWith("CARRIERS ")).findFirst().orElse(out);
  }

  @Test
  void aTargetOnThisMachineGetsHalfTheCpus() throws Exception {
    assertThat(probe("http://127.0.0.1:8080")).startsWith("CARRIERS 2 2 carrier threads (half of 4 CPUs: the target is on this machine");
    assertThat(probe("https://localhost")).startsWith("CARRIERS 2 ");
  }

  @Test
  void aRemoteTargetGetsOneCarrierPerCpu() throws Exception {
    assertThat(probe("https://api.example.com")).isEqualTo("CARRIERS 4 4 carrier threads (one per CPU)");
  }

  @Test
  void theUsersSettingWins() throws Exception {
    assertThat(probe("http://127.0.0.1:8080", "-Djdk.virtualThreadScheduler.parallelism=3"))
        .isEqualTo("CARRIERS 3 3 carrier threads (-Djdk.virtualThreadScheduler.parallelism)");
  }
}
