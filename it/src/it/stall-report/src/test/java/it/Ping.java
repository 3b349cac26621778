package it;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;

@VirtualUser
public class Ping {
  private Http http;

  @Iteration
  void run() {
    http.get("/ping").expectStatus(200);
  }
}
