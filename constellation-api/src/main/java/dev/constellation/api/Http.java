package dev.constellation.api;

/**
 * The instrumented HTTP client a {@link VirtualUser} receives. Every call through it is timed and
 * recorded under the request's name; calls made with any other client are not measured.
 *
 * <p>A path such as {@code "/items/42"} is resolved against the run's base URL; an absolute
 * {@code http://} or {@code https://} URL is used as is. A response with any status is returned
 * normally (statuses of 400 and above are counted as failed requests); a request that gets no
 * response at all (connection refused, reset, timeout) throws {@link HttpFailure}, which fails the
 * iteration.
 *
 * <p>Redirects are followed (up to the run's {@code maxRedirects}, each hop recorded as its own
 * request) unless the run or the request ({@link Request#followRedirects(boolean)}) turns it off;
 * more hops than allowed fail the request with the error type {@code too_many_redirects}. A
 * gzip or deflate body ({@code Content-Encoding}) is decoded before the script sees it.
 *
 * <p>One instance belongs to one virtual user; it is not shared between threads.
 *
 * @since 0.1
 */
public interface Http {

  /**
   * Sends a GET request.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @return the response, its body read in full
   * @throws HttpFailure when no response arrives
   */
  Response get(String pathOrUrl);

  /**
   * Sends a POST request with a body.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @param body the request body, sent as UTF-8
   * @param contentType the {@code Content-Type} header, for example {@code "application/json"}
   * @return the response, its body read in full
   * @throws HttpFailure when no response arrives
   */
  Response post(String pathOrUrl, String body, String contentType);

  /**
   * Sends a PUT request with a body.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @param body the request body, sent as UTF-8
   * @param contentType the {@code Content-Type} header
   * @return the response, its body read in full
   * @throws HttpFailure when no response arrives
   */
  Response put(String pathOrUrl, String body, String contentType);

  /**
   * Sends a DELETE request.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @return the response, its body read in full
   * @throws HttpFailure when no response arrives
   */
  Response delete(String pathOrUrl);

  /**
   * Sends a request built with {@link Request}, for headers, other methods or an explicit name.
   *
   * @param request the request
   * @return the response, its body read in full
   * @throws HttpFailure when no response arrives
   */
  Response send(Request request);

  /**
   * This virtual user's cookie jar: cookies that responses set ({@code Set-Cookie}, also on
   * redirect responses) are stored here and sent with later requests that match them (RFC 6265:
   * domain, path, expiry, {@code Secure}). The jar lives as long as the virtual user unless the run
   * clears it before each iteration ({@code cookies=iteration}); with {@code cookies=off} nothing
   * is stored or sent automatically, but the jar can still be read and filled by the script.
   *
   * @return the jar, never null
   * @since 0.2
   */
  Cookies cookies();
}
