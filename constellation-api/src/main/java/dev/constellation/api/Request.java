package dev.constellation.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An HTTP request to send with {@link Http#send(Request)}. Immutable: each {@code with}-style
 * method returns a new request.
 *
 * <pre>{@code
 * http.send(Request.post("/orders")
 *     .header("Authorization", "Bearer " + token)
 *     .body("{\"item\":42}", "application/json")
 *     .name("create order"));
 * }</pre>
 *
 * @since 0.1
 */
public final class Request {

  private final String method;
  private final String pathOrUrl;
  private final List<String> headers;
  private final byte[] body;
  private final String name;
  private final Boolean followRedirects;

  private Request(String method, String pathOrUrl, List<String> headers, byte[] body, String name) {
    this(method, pathOrUrl, headers, body, name, null);
  }

  private Request(String method, String pathOrUrl, List<String> headers, byte[] body, String name, Boolean followRedirects) {
    this.method = method;
    this.pathOrUrl = pathOrUrl;
    this.headers = headers;
    this.body = body;
    this.name = name;
    this.followRedirects = followRedirects;
  }

  /**
   * Starts a request with any method.
   *
   * @param method the HTTP method, such as {@code "PATCH"}; upper-cased
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @return a request with no headers, no body and the default name
   */
  public static Request of(String method, String pathOrUrl) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pathOrUrl, "pathOrUrl");
    if (method.isBlank()) {
      throw new IllegalArgumentException("HTTP method is blank; use GET, POST, PUT, DELETE, ...");
    }
    return new Request(method.trim().toUpperCase(java.util.Locale.ROOT), pathOrUrl, List.of(), null, null);
  }

  /**
   * Starts a GET request.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @return the request
   */
  public static Request get(String pathOrUrl) {
    return of("GET", pathOrUrl);
  }

  /**
   * Starts a POST request.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @return the request
   */
  public static Request post(String pathOrUrl) {
    return of("POST", pathOrUrl);
  }

  /**
   * Starts a PUT request.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @return the request
   */
  public static Request put(String pathOrUrl) {
    return of("PUT", pathOrUrl);
  }

  /**
   * Starts a DELETE request.
   *
   * @param pathOrUrl a path resolved against the base URL, or an absolute URL
   * @return the request
   */
  public static Request delete(String pathOrUrl) {
    return of("DELETE", pathOrUrl);
  }

  /**
   * Adds a header (headers with the same name accumulate).
   *
   * @param name the header name
   * @param value the header value
   * @return a new request with the header added
   */
  public Request header(String name, String value) {
    Objects.requireNonNull(name, "header name");
    Objects.requireNonNull(value, "header value");
    List<String> copy = new ArrayList<>(headers.size() + 2);
    copy.addAll(headers);
    copy.add(name);
    copy.add(value);
    return new Request(method, pathOrUrl, Collections.unmodifiableList(copy), body, this.name, followRedirects);
  }

  /**
   * Sets a text body, sent as UTF-8, and its content type.
   *
   * @param text the body
   * @param contentType the {@code Content-Type} header value
   * @return a new request with the body
   */
  public Request body(String text, String contentType) {
    Objects.requireNonNull(text, "body");
    return body(text.getBytes(StandardCharsets.UTF_8), contentType);
  }

  /**
   * Sets a binary body and its content type.
   *
   * @param bytes the body; copied
   * @param contentType the {@code Content-Type} header value
   * @return a new request with the body
   */
  public Request body(byte[] bytes, String contentType) {
    Objects.requireNonNull(bytes, "body");
    Request withType = contentType == null ? this : header("Content-Type", contentType);
    return new Request(method, pathOrUrl, withType.headers, bytes.clone(), name, followRedirects);
  }

  /**
   * Sets the name the request is recorded under. Requests with the same name share one line in
   * the results. The default is the method and the path with numeric and UUID segments replaced
   * by {@code {id}}, for example {@code "GET /items/{id}"}.
   *
   * @param metricName the name; not blank
   * @return a new request with the name
   */
  public Request name(String metricName) {
    Objects.requireNonNull(metricName, "name");
    if (metricName.isBlank()) {
      throw new IllegalArgumentException("request name is blank; give a short label such as \"login\"");
    }
    return new Request(method, pathOrUrl, headers, body, metricName, followRedirects);
  }

  /**
   * Sets whether a redirect response (301, 302, 303, 307, 308 with a {@code Location}) is followed
   * for this request, overriding the run's {@code followRedirects} setting. With {@code false} the
   * redirect response itself is returned, so a script can read its headers and {@code Set-Cookie}
   * (which the cookie jar has stored either way).
   *
   * @param follow true to follow redirects, false to return the redirect response
   * @return a new request with the choice
   * @since 0.2
   */
  public Request followRedirects(boolean follow) {
    return new Request(method, pathOrUrl, headers, body, name, follow);
  }

  /**
   * Whether this request follows redirects, if set with {@link #followRedirects(boolean)}.
   *
   * @return true or false, or empty when the run's setting applies
   * @since 0.2
   */
  public java.util.Optional<Boolean> followRedirects() {
    return java.util.Optional.ofNullable(followRedirects);
  }

  /**
   * The HTTP method.
   *
   * @return the method, upper case
   */
  public String method() {
    return method;
  }

  /**
   * The path or absolute URL as given.
   *
   * @return the path or URL
   */
  public String pathOrUrl() {
    return pathOrUrl;
  }

  /**
   * The headers as alternating names and values.
   *
   * @return an unmodifiable list {@code [name1, value1, name2, value2, ...]}
   */
  public List<String> headers() {
    return headers;
  }

  /**
   * The body.
   *
   * @return a copy of the body, or an empty array when there is none
   */
  public byte[] body() {
    return body == null ? new byte[0] : body.clone();
  }

  /**
   * Whether a body was set.
   *
   * @return true when {@link #body(byte[], String)} or {@link #body(String, String)} was called
   */
  public boolean hasBody() {
    return body != null;
  }

  /**
   * The explicit name, if one was set with {@link #name(String)}.
   *
   * @return the name, or null when the default applies
   */
  public String explicitName() {
    return name;
  }

  @Override
  public String toString() {
    return method + " " + pathOrUrl + (name == null ? "" : " [" + name + "]");
  }
}
