package dev.constellation.maven.image.agentscript;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;

/** A real script for the image tests: one GET per iteration; copied alone into an image's test classes. */
@VirtualUser
public class PingScript {
  private Http http;

  @Iteration
  void run() {
    http.get("/ping").expectStatus(200);
  }
}
