package it;

import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;

@VirtualUser
public class Exists {
  @Iteration
  void run() {}
}
