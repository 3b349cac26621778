package dev.constellation.agent.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Maps a transport exception to the short, stable error type results are counted under. */
final class ErrorTypes {

  private ErrorTypes() {}

  /** A request that could not be sent as given (a URL or header nothing can send); nothing went on the wire. */
  static final String INVALID_REQUEST = "invalid_request";

  static String classify(Throwable failure) {
    if (failure instanceof IllegalArgumentException) {
      return INVALID_REQUEST;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return "interrupted";
      }
      if (t instanceof HttpConnectTimeoutException) {
        return "connect_timeout";
      }
      if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
        return "timeout";
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown_host";
      }
      if (t instanceof NoRouteToHostException) {
        return "no_route";
      }
      if (t instanceof ConnectException) {
        return "connection_refused";
      }
      if (t instanceof SSLException && !(t.getCause() instanceof IOException && !(t.getCause() instanceof SSLException))) {
        // an SSLException caused by the TCP connection's own failure (a reset, an end of stream)
        // is classified by that cause, below, as it is over plain http
        return "tls_error";
      }
    }
    if (anyMessageContains(failure, "reset") || anyMessageContains(failure, "broken pipe")) {
      // a broken pipe is a write to a connection the server reset (Linux EPIPE)
      return "connection_reset";
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return "connection_closed";
      }
    }
    if (anyMessageContains(failure, "closed") || anyMessageContains(failure, "no bytes") || anyMessageContains(failure, "eof")) {
      return "connection_closed";
    }
    return "io_error";
  }

  private static boolean anyMessageContains(Throwable failure, String word) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(word)) {
        return true;
      }
    }
    return false;
  }
}
