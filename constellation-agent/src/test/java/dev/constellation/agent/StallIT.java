package dev.constellation.agent;

import dev.constellation.agent.http.HttpEngines;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.constellation.agent.http.JdkHttpEngine;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stall test: a loopback server that stops answering for 1 s every 10 s. Driven at a
 * constant arrival rate for 30 s, the reported p99 must be the p99 of the intended schedule
 * (about the stall length); a closed-model run of the same target shows how much it hides.
 */
class StallIT {

  private static final long STALL_EVERY_MS = 10_000;
  private static final long STALL_MS = 1_000;

  @TempDir Path dir;

  @VirtualUser
  public static class Get {
    private Http http;

    @Iteration
    void run() {
      http.get("/stall");
    }
  }

  @Test
  void reportsTheStallFromTheIntendedScheduleAndShowsWhatTheClosedModelHides() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 500);
    server.setExecutor(Executors.newCachedThreadPool());
    long serverT0 = System.currentTimeMillis();
    server.createContext("/", exchange -> {
      try (exchange) {
        long phase = (System.currentTimeMillis() - serverT0) % STALL_EVERY_MS;
        if (phase < STALL_MS) {
          Thread.sleep(STALL_MS - phase);
        }
        exchange.sendResponseHeaders(200, 2);
        exchange.getResponseBody().write("ok".getBytes());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    try {
      int rate = 50;
      AgentResult open = run(dir.resolve("open"), url, 200, "" + rate, Duration.ofSeconds(30));
      Histogram truth = IntervalRecord.newHistogram();
      for (long k = 0; k < 30L * rate; k++) {
        long due = open.startAt() + k * 1000 / rate;
        long phase = (due - serverT0) % STALL_EVERY_MS;
        truth.recordValue(Math.max(1, (phase < STALL_MS ? STALL_MS - phase : 0) * 1000));
      }
      double trueP99 = truth.getValueAtPercentile(99) / 1000.0;
      double openP99 = p99(dir.resolve("open"));
      double serviceP99 = p99(dir.resolve("open"), IntervalRecord.KIND_SERVICE);

      AgentResult closed = run(dir.resolve("closed"), url, 10, "", Duration.ofSeconds(12));
      double closedP99 = p99(dir.resolve("closed"));
      System.out.printf("stall test: true p99 of the intended schedule %.1f ms; open model (%d/s) reports %.1f ms (service time "
          + "p99 %.1f ms); closed model (10 VUs, %d requests) reports %.1f ms%n", trueP99, rate, openP99, serviceP99, closed.requests(), closedP99);

      assertThat(trueP99).isGreaterThan(800);
      assertThat(openP99).as("open-model p99 within 10%% of the true p99 %.1f ms", trueP99).isBetween(trueP99 * 0.9, trueP99 * 1.1);
      assertThat(closedP99).as("the closed model hides the stall").isLessThan(trueP99 / 2);
    } finally {
      server.stop(0);
    }
  }

  private AgentResult run(Path records, String url, int vus, String rate, Duration duration) throws Exception {
    AgentConfig c = new AgentConfig("stall", "local", 0, 1, vus, duration, Duration.ofSeconds(5), url, List.of(), records, Map.of(),
        Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1), 100, "", Duration.ofMinutes(1), rate, "", HttpEngines.DEFAULT);
    try (JdkHttpEngine engine = new JdkHttpEngine(c.connectTimeout())) {
      return new Agent(c, List.of(ScriptDefinition.of(Get.class)), engine, new LocalDirectoryStore(records).sink(c.agentId()),
          StartGate.immediate()).run();
    }
  }

  private static double p99(Path records) throws Exception {
    return p99(records, IntervalRecord.KIND_HTTP);
  }

  private static double p99(Path records, String kind) throws Exception {
    Histogram h = IntervalRecord.newHistogram();
    for (IntervalRecord r : new LocalDirectoryStore(records).readRun("stall")) {
      if (r.kind().equals(kind)) {
        h.add(r.decodeHistogram());
      }
    }
    return h.getValueAtPercentile(99) / 1000.0;
  }
}
