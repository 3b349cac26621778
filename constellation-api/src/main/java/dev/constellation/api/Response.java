package dev.constellation.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A response received through {@link Http}, with its body read in full.
 *
 * @since 0.1
 */
public interface Response {

  /**
   * The status code.
   *
   * @return the HTTP status, such as 200
   */
  int status();

  /**
   * The first value of a header.
   *
   * @param name the header name, case-insensitive
   * @return the value, or empty when the header is absent
   */
  Optional<String> header(String name);

  /**
   * All headers.
   *
   * @return header names (lower case) to their values
   */
  Map<String, List<String>> headers();

  /**
   * The body decoded as UTF-8 (or the charset the {@code Content-Type} names).
   *
   * @return the body text, empty when there is no body
   */
  String text();

  /**
   * The raw body.
   *
   * @return a copy of the body bytes
   */
  byte[] bytes();

  /**
   * The request's recorded name.
   *
   * @return the name this response was recorded under
   */
  String name();

  /**
   * Fails the iteration unless the status is one of the given codes.
   *
   * @param expected the acceptable status codes
   * @return this response, for chaining
   * @throws AssertionError naming the request, the expected and the actual status
   */
  Response expectStatus(int... expected);
}
