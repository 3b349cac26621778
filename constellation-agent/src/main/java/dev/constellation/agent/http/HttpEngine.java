package dev.constellation.agent.http;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The transport under the instrumented client; one instance is shared by every VU of an agent. */
public interface HttpEngine extends AutoCloseable {

  /**
   * Sends one request and reads the whole response body.
   *
   * @param method the HTTP method
   * @param target where the request goes
   * @param headers alternating header names and values
   * @param body the body, or null for none
   * @param timeout the whole request's time limit
   * @return the response
   * @throws IOException when no response arrives
   * @throws InterruptedException when the calling VU is interrupted
   */
  default RawResponse send(String method, RequestTarget target, List<String> headers, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    return send(method, target, headers, body, timeout, Attempts.NONE);
  }

  /**
   * Sends one request and reads the whole response body, telling {@code attempts} about every
   * attempt that reached the wire and was sent again (see docs/user-guide.md, "Retries").
   *
   * @param method the HTTP method
   * @param target where the request goes
   * @param headers alternating header names and values
   * @param body the body, or null for none
   * @param timeout the whole request's time limit, from the first byte sent to the last byte of
   *     the response body, retries included
   * @param attempts told about each retry before it is sent
   * @return the response
   * @throws IOException when no response arrives
   * @throws InterruptedException when the calling VU is interrupted
   * @throws IllegalArgumentException when the request cannot be sent as given (a header a script
   *     may not set, a bad character); nothing was sent
   */
  RawResponse send(String method, RequestTarget target, List<String> headers, byte[] body, Duration timeout, Attempts attempts)
      throws IOException, InterruptedException;

  /**
   * Sends one request to an absolute URI; see {@link #send(String, RequestTarget, List, byte[], Duration)}.
   *
   * @param method the HTTP method
   * @param uri the absolute URI
   * @param headers alternating header names and values
   * @param body the body, or null for none
   * @param timeout the whole request's time limit
   * @return the response
   * @throws IOException when no response arrives
   * @throws InterruptedException when the calling VU is interrupted
   */
  default RawResponse send(String method, URI uri, List<String> headers, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    return send(method, RequestTarget.of(uri), headers, body, timeout);
  }

  @Override
  void close();

  /**
   * Whether this engine tells {@link Attempts#connected} about every connection it opens: the
   * socket engine does; {@code java.net.http} exposes no connect or handshake times, so the jdk
   * engine does not, and its records carry no connection fields (docs/results-format.md).
   *
   * @return true when connect and TLS handshake times are measured
   */
  default boolean measuresConnections() {
    return false;
  }

  /**
   * Hears about attempts an engine sends again and about the connections a request opens; called
   * on the thread that sends the request.
   */
  @FunctionalInterface
  interface Attempts {

    /** Ignores retries. */
    Attempts NONE = (errorType, nanos) -> { };

    /**
     * An attempt that reached the wire failed and the request is about to be sent again.
     *
     * @param errorType why the attempt failed, as {@link ErrorTypes} names it (e.g. {@code connection_closed})
     * @param nanos how long the failed attempt took
     */
    void retried(String errorType, long nanos);

    /**
     * The request opened a new connection (none is reported when a pooled one was reused). Called
     * once the TCP connection is up and, for https, the TLS handshake is done; when the handshake
     * failed, with {@code handshakeNanos = -1} before the failure is thrown. Part of the request's
     * latency, not subtracted from it.
     *
     * @param connectNanos how long the TCP connect took ({@code Socket.connect}, DNS excluded)
     * @param handshakeNanos how long the TLS handshake took ({@code SSLSocket.startHandshake}), or -1
     *     for plain http or a handshake that failed
     * @param resumed whether the handshake resumed an earlier TLS session (an abbreviated handshake)
     */
    default void connected(long connectNanos, long handshakeNanos, boolean resumed) {
      // engines that do not measure connections never call this
    }
  }

  /**
   * A response as the engine received it.
   *
   * @param status the status code
   * @param headers lower-case header names to values
   * @param body the body bytes
   */
  record RawResponse(int status, Map<String, List<String>> headers, byte[] body) {}
}
