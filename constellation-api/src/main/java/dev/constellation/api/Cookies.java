package dev.constellation.api;

import java.util.Map;
import java.util.Optional;

/**
 * A virtual user's cookie jar, from {@link Http#cookies()}. Paths are resolved against the run's
 * base URL as requests are; matching follows RFC 6265 section 5.4 (domain, path, expiry,
 * {@code Secure} only over https).
 *
 * <pre>{@code
 * http.get("/login");
 * String sid = http.cookies().get("/", "sid").orElseThrow();
 * http.cookies().set("/", "locale", "de");
 * }</pre>
 *
 * @since 0.2
 */
public interface Cookies {

  /**
   * The cookies that a request to a URL would carry.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @return cookie names to values, in the order they would be sent
   */
  Map<String, String> forUrl(String pathOrUrl);

  /**
   * The value of one cookie that a request to a URL would carry.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @param name the cookie name, case-sensitive
   * @return the value, or empty when no such cookie would be sent
   */
  Optional<String> get(String pathOrUrl, String name);

  /**
   * Stores a cookie for the URL's host (host-only) and path {@code /}, as if the server had sent
   * {@code Set-Cookie: name=value; Path=/}.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @param name the cookie name
   * @param value the cookie value
   * @throws IllegalArgumentException when the name is empty or either contains {@code ;}, {@code =} (name) or a control character
   */
  void set(String pathOrUrl, String name, String value);

  /**
   * Stores a cookie given as a {@code Set-Cookie} header value, with all its attributes, as if a
   * response from the URL had carried it (so {@code Domain} must match the URL's host).
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @param setCookie for example {@code "sid=abc; Path=/; Max-Age=3600; Secure"}
   */
  void add(String pathOrUrl, String setCookie);

  /** Removes every cookie. */
  void clear();
}
