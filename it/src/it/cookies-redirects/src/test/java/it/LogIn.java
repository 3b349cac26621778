package it;

import dev.constellation.api.Http;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;

/** Logs in (a 302 with a session cookie, then the page that needs it), then walks into a redirect loop. */
@VirtualUser
public class LogIn {
  private Http http;

  @Iteration
  void run() {
    http.get("/cookie-login").expectStatus(200);
    try {
      http.get("/redirect-loop");
      throw new AssertionError("a redirect loop must fail");
    } catch (HttpFailure expected) {
      if (!expected.errorType().equals("too_many_redirects")) {
        throw expected;
      }
    }
  }
}
