package dev.constellation.agent.http;

import java.util.Locale;

/**
 * The rules both engines apply to headers a script sets. A script may set any header, {@code Host}
 * and {@code Connection} included ({@code Connection: close} closes the connection after that
 * response), except the ones that frame the message or change the protocol, which the engine
 * must own: {@code Content-Length}, {@code Transfer-Encoding}, {@code Expect} and {@code Upgrade}.
 * Setting one of those fails the request before anything is sent, recorded as
 * {@code invalid_request}, with a message naming the header.
 */
final class RequestHeaders {

  private RequestHeaders() {}

  /**
   * Checks that a script may set a header.
   *
   * @param name the header name
   * @throws IllegalArgumentException naming the header and the fix when it may not be set
   */
  static void checkSettable(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "content-length":
      case "transfer-encoding":
        throw new IllegalArgumentException("request header " + name + " cannot be set by a script: the engine frames the body "
            + "itself (Content-Length from the body's length); remove the header");
      case "expect":
      case "upgrade":
        throw new IllegalArgumentException("request header " + name + " cannot be set by a script: it changes how the exchange "
            + "runs, which the engines do not support; remove the header");
      default:
        return;
    }
  }
}
