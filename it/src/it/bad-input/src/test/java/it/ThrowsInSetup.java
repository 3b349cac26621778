package it;

import dev.constellation.api.BeforeVirtualUser;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;

@VirtualUser
public class ThrowsInSetup {
  @BeforeVirtualUser
  void logIn() {
    throw new IllegalStateException("no account for this user");
  }

  @Iteration
  void run() {}
}
