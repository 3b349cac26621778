package dev.constellation.agent.vt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.runtime.Threads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Virtual users run on virtual threads exactly when the runtime has them (21+), and on small
 * daemon platform threads before. {@link VirtualThreadPathIT} runs this class on a JDK 21+ too.
 */
class VirtualThreadsTest {

  private static boolean isVirtual(Thread t) throws Exception {
    return Runtime.version().feature() >= 21 && (boolean) Thread.class.getMethod("isVirtual").invoke(t);
  }

  @Test
  void virtualUsersAndHttpCallsGetVirtualThreadsExactlyFromJava21() throws Exception {
    boolean modern = Runtime.version().feature() >= ModernJdk.MIN_FEATURE;
    assertThat(Threads.virtualAvailable()).isEqualTo(modern);

    CompletableFuture<Thread> ran = new CompletableFuture<>();
    Thread t = Threads.vuFactory("vu-").newThread(() -> ran.complete(Thread.currentThread()));
    t.start();
    Thread vu = ran.get(10, TimeUnit.SECONDS);
    assertThat(isVirtual(vu)).isEqualTo(modern);
    assertThat(vu.isDaemon()).isTrue();
    assertThat(vu.getName()).startsWith("vu-");

    ExecutorService http = Threads.virtualExecutorIfAvailable("http-");
    if (modern) {
      assertThat(http).isNotNull();
      try {
        assertThat(isVirtual(http.submit(Thread::currentThread).get(10, TimeUnit.SECONDS))).isTrue();
      } finally {
        http.shutdownNow();
      }
    } else {
      assertThat(http).isNull();
    }
  }
}
