package dev.constellation.bench;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.Trend;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The VUs-per-task script (bench/vus-per-task.sh): each iteration is one GET of the base URL and
 * then a think time drawn uniformly from 0.5–1.5 s (mean 1 s), so each VU asks for about one
 * iteration per second. A VU's first iteration starts with a pause of 0–1 s, so the VUs' requests
 * are spread over the second instead of all leaving at the start. Every think time records how
 * late the VU woke up after it, in microseconds, in the trend {@value #LATE}: a load generator
 * that is short of CPU wakes its VUs late.
 */
@VirtualUser(name = "request and think")
public class RequestThink {

  /** The trend of think-time wake-up lateness, in µs. */
  public static final String LATE = "think_late_us";

  private final Http http;
  private boolean started;

  public RequestThink(Http http) {
    this.http = http;
  }

  @Iteration
  void requestAndThink(VuContext vu) {
    Trend late = vu.trend(LATE);
    if (!started) {
      started = true;
      think(vu, late, ThreadLocalRandom.current().nextLong(1_000_000));
    }
    http.get("/").expectStatus(200);
    think(vu, late, 500_000 + ThreadLocalRandom.current().nextLong(1_000_001));
  }

  private static void think(VuContext vu, Trend late, long micros) {
    long t0 = System.nanoTime();
    vu.pause(Duration.ofNanos(micros * 1000));
    late.record(Math.max(0, (System.nanoTime() - t0) / 1000 - micros));
  }
}
