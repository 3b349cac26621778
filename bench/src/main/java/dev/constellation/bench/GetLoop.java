package dev.constellation.bench;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;

/** Throughput script: each iteration is one GET of the base URL, no think time. */
@VirtualUser(name = "get loop")
public class GetLoop {

  private final Http http;

  public GetLoop(Http http) {
    this.http = http;
  }

  @Iteration
  void get() {
    http.get("/").expectStatus(200);
  }
}
