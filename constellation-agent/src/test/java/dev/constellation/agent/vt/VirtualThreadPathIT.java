package dev.constellation.agent.vt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's tests that exercise its threads (virtual users in both workload models, the weight
 * split, latency from the intended start, the counts, the lifetime, the self-check and the HTTP
 * engines) run again on a JDK 21+, where the agent uses virtual threads, as in its image. The JDK
 * is found by {@link ModernJdk}; in CI, none found fails.
 */
class VirtualThreadPathIT {

  /** The test classes run on the 21+ JDK. */
  static final List<String> CLASSES = List.of(
      "dev.constellation.agent.vt.VirtualThreadsTest",
      "dev.constellation.agent.AgentTest",
      "dev.constellation.agent.WeightTest",
      "dev.constellation.agent.OpenModelLatencyTest",
      "dev.constellation.agent.AgentCountsTest",
      "dev.constellation.agent.LifetimeTest",
      "dev.constellation.agent.SelfCheckTest",
      "dev.constellation.agent.http.HttpEnginesTest");

  /** System properties the test JVMs get from the pom, passed on to the child. */
  private static final List<String> PROPERTIES = List.of("sun.net.httpserver.nodelay",
      "jdk.httpclient.redirects.retrylimit", "jdk.httpclient.enableAllMethodRetry",
      "jdk.httpclient.disableRetryConnect", "jdk.httpclient.allowRestrictedHeaders");

  @TempDir Path dir;

  @Test
  void theThreadTestsPassOnAJdk21OrLater() throws Exception {
    Path java = ModernJdk.java();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java.toString()));
    for (String p : PROPERTIES) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.addAll(List.of("-cp", cp, ChildTestRun.class.getName()));
    cmd.addAll(CLASSES);
    Path log = dir.resolve("child.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(10, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    String result = out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b).orElse("");
    assertThat(result).as(out).contains("failed=0 aborted=0").containsPattern("java=(2[1-9]|[3-9]\\d)");
    int found = Integer.parseInt(result.replaceAll(".*found=(\\d+).*", "$1"));
    assertThat(found).as("tests run on the JDK 21+ (every class contributes)").isGreaterThanOrEqualTo(CLASSES.size());
  }
}
