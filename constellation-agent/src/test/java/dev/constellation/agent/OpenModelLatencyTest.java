package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.JdkHttpEngine;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What latency means in the open model: a request's service time plus the lateness of its
 * iteration's start, whatever the script does before sending it (issue 18), and never less
 * (coordinated omission, issue 17).
 */
class OpenModelLatencyTest {

  @TempDir Path dir;

  /** Think time before the first request: 200 ms, then one request the server answers in 5 ms. */
  @VirtualUser(name = "think first")
  public static class ThinkFirst {
    private Http http;

    @Iteration
    void run(VuContext vu) {
      vu.pause(Duration.ofMillis(200));
      http.get("/fixed?ms=5");
    }
  }

  /** Two requests in a row: both carry the iteration's lateness. */
  @VirtualUser(name = "two requests")
  public static class TwoRequests {
    private Http http;

    @Iteration
    void run() {
      http.get("/first");
      http.get("/second");
    }
  }

  private AgentResult run(String url, int vus, String rate, Duration duration, Class<?> script, LongConsumer generatorHook) throws Exception {
    AgentConfig c = new AgentConfig("lat", "local", 0, 1, vus, duration, Duration.ofSeconds(5), url, List.of(), dir, Map.of(),
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1), 100, "", Duration.ofMinutes(1), rate, "", HttpEngines.DEFAULT);
    try (JdkHttpEngine engine = new JdkHttpEngine(c.connectTimeout())) {
      Agent agent = new Agent(c, List.of(ScriptDefinition.of(script)), engine, new LocalDirectoryStore(dir).sink(c.agentId()),
          StartGate.immediate());
      agent.beforeEachArrival(generatorHook);
      return agent.run();
    }
  }

  private Histogram histogram(String kind, String name) throws Exception {
    Histogram h = IntervalRecord.newHistogram();
    for (IntervalRecord r : new LocalDirectoryStore(dir).readRun("lat")) {
      if (r.kind().equals(kind) && (name == null || r.name().equals(name))) {
        h.add(r.decodeHistogram());
      }
    }
    return h;
  }

  private static double sumMs(Histogram h) {
    return h.getMean() * h.getTotalCount() / 1000.0;
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  @Test
  void thinkTimeBeforeTheFirstRequestIsNotLatency() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 5)) {
      // The case, 3 s instead of 10 s: 10 iterations/s, 20 VUs, pause 200 ms then GET /fixed.
      run(target.url(), 20, "10", Duration.ofSeconds(3), ThinkFirst.class, k -> {});
      Histogram latency = histogram(IntervalRecord.KIND_HTTP, "GET /fixed");
      Histogram service = histogram(IntervalRecord.KIND_SERVICE, "GET /fixed");
      Histogram lag = histogram(IntervalRecord.KIND_SCHEDULE, null);
      double p50 = ms(latency.getValueAtPercentile(50));
      System.out.printf("think time: latency p50 %.2f ms p99 %.2f ms, service p50 %.2f ms, start lag p99 %.2f ms%n", p50,
          ms(latency.getValueAtPercentile(99)), ms(service.getValueAtPercentile(50)), ms(lag.getValueAtPercentile(99)));

      assertThat(latency.getTotalCount()).isEqualTo(30).isEqualTo(target.requests());
      double serviceP50 = ms(service.getValueAtPercentile(50));
      double maxLag = ms(lag.getMaxValue());
      // On a quiet machine p50 is 5.x ms; on a crowded one the service time itself grows, and the
      // start lag with it, but the 200 ms think time is never in the latency.
      assertThat(p50).as("p50 of a server answering in 5 ms, the 200 ms think time left out").isGreaterThanOrEqualTo(5.0).isLessThan(200.0);
      assertThat(p50).as("p50 between the service time's p50 %.2f ms and that plus the worst start lag %.2f ms", serviceP50, maxLag)
          .isBetween(serviceP50 - 0.05, (serviceP50 + maxLag) * 1.001 + 0.05);
      // Every iteration has one request: its latency is its service time plus its start lag, to the microsecond.
      assertThat(sumMs(latency)).isCloseTo(sumMs(service) + sumMs(lag), org.assertj.core.data.Offset.offset(sumMs(latency) * 0.005 + 0.1));
    }
  }

  @Test
  void aLateStartIsAddedToEveryRequestOfTheIterationAndCounted() throws Exception {
    try (TestTargets.Counting target = new TestTargets.Counting(200, 5)) {
      // 20/s for 2 s: arrival k is due at k * 50 ms. The generator stalls 275 ms before arrival 10
      // (due at 500 ms), so arrivals 10..15 start 275, 225, 175, 125, 75 and 25 ms late or more.
      // 40 VUs for 40 arrivals: none can be dropped, however slow the machine.
      long[] stall = {275};
      AgentResult r = run(target.url(), 40, "20", Duration.ofSeconds(2), TwoRequests.class, k -> {
        if (k == 10) {
          sleep(stall[0]);
        }
      });
      Histogram lag = histogram(IntervalRecord.KIND_SCHEDULE, null);
      long late = new LocalDirectoryStore(dir).readRun("lat").stream().filter(x -> x.kind().equals(IntervalRecord.KIND_SCHEDULE))
          .mapToLong(x -> x.errors().getOrDefault("late", 0L)).sum();
      System.out.printf("late starts: %d late, start lag max %.1f ms, p50 %.2f ms%n", late, ms(lag.getMaxValue()), ms(lag.getValueAtPercentile(50)));

      assertThat(r.started()).isEqualTo(40);
      assertThat(r.dropped()).isZero();
      assertThat(late).as("late starts counted").isGreaterThanOrEqualTo(6).isEqualTo(r.late());
      assertThat(ms(lag.getMaxValue())).isGreaterThanOrEqualTo(274.0);
      long[] lateness = {275, 225, 175, 125, 75, 25};
      for (String name : List.of("GET /first", "GET /second")) {
        Histogram latency = histogram(IntervalRecord.KIND_HTTP, name);
        Histogram service = histogram(IntervalRecord.KIND_SERVICE, name);
        assertThat(latency.getTotalCount()).isEqualTo(40);
        // latency >= lateness + service time (>= 5 ms): the i-th latest start gives at least i+1 such latencies
        for (int i = 0; i < lateness.length; i++) {
          long atLeast = (lateness[i] + 5) * 1000 - 1000;
          assertThat(latency.getCountBetweenValues(atLeast, latency.getMaxValue()))
              .as("%s: requests with latency >= %d ms", name, lateness[i] + 5).isGreaterThanOrEqualTo(i + 1);
        }
        // and exactly: every request's latency is its service time plus its iteration's start lag
        assertThat(sumMs(latency)).as(name + ": sum of latencies = sum of service times + sum of start lags")
            .isCloseTo(sumMs(service) + sumMs(lag), org.assertj.core.data.Offset.offset(sumMs(latency) * 0.005 + 0.1));
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
