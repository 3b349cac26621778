package it;

import dev.constellation.api.BeforeVirtualUser;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;

@VirtualUser
public class Buy {
  private Http http;

  @BeforeVirtualUser
  void logIn() {
    http.post("/login", "{}", "application/json").expectStatus(200);
  }

  @Iteration
  void run() {
    http.post("/cart", "{\"item\":1}", "application/json").expectStatus(200);
  }
}
