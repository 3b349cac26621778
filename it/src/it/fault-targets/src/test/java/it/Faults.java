package it;

import dev.constellation.api.Http;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Iteration;
import dev.constellation.api.Request;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;

/** Calls each misbehaving target once per iteration; transport failures are caught so every target is reached. */
@VirtualUser
public class Faults {
  private Http http;

  @Iteration
  void run(VuContext vu) {
    for (String target : new String[] {"serverError", "reset", "silent", "refused"}) {
      try {
        http.send(Request.get(vu.parameter(target).orElseThrow()).name(target));
      } catch (HttpFailure expected) {
        // counted by the client under its error type
      }
    }
  }
}
