package demo;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.time.Duration;

/** A visitor who only reads the catalogue. */
@VirtualUser(name = "just looking")
public class JustLooking {

  private Http http;

  @Iteration
  void look(VuContext vu) {
    http.get("/items").expectStatus(200);
    vu.pause(Duration.ofMillis(100), Duration.ofMillis(300));
  }
}
