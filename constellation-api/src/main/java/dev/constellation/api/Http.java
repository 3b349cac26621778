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
}
