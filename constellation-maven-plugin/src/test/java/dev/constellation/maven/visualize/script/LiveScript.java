package dev.constellation.maven.visualize.script;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.time.Duration;

/** The visualizer test's script: one GET per iteration and 20 ms of think time, so two VUs send about 100 requests/s. */
@VirtualUser
public class LiveScript {
  private Http http;

  @Iteration
  void run(VuContext vu) {
    http.get("/ping").expectStatus(200);
    vu.pause(Duration.ofMillis(20));
  }
}
