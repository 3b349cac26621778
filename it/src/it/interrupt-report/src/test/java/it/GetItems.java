package it;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;

@VirtualUser
public class GetItems {
  private Http http;

  @Iteration
  void run(VuContext vu) {
    http.get("/items/" + vu.iteration()).expectStatus(200);
  }
}
