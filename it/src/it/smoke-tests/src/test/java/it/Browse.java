package it;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;

@VirtualUser
public class Browse {
  private final Http http;

  public Browse(Http http) {
    this.http = http;
  }

  @Iteration
  void run() {
    http.get("/items").expectStatus(200);
  }
}
