package dev.constellation.bench;

import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Heap script: every VU counts itself in and then sits in think time until the agent stops. */
@VirtualUser(name = "idle")
public class IdlePause {

  /** How many VUs have reached their pause. */
  static final AtomicInteger PAUSED = new AtomicInteger();

  @Iteration
  void idle(VuContext vu) {
    PAUSED.incrementAndGet();
    vu.pause(Duration.ofHours(1));
  }
}
