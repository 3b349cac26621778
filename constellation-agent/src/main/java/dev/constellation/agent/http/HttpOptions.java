package dev.constellation.agent.http;

import java.util.List;

/**
 * How a virtual user's client behaves, the same on every engine (the engines send one exchange
 * each; {@link InstrumentedHttp} does redirects, cookies and decoding).
 *
 * @param followRedirects whether redirects are followed unless a request says otherwise
 * @param maxRedirects how many redirects one request may follow; one more fails it with
 *     {@code too_many_redirects}
 * @param cookies {@link #COOKIES_VU} (a jar per virtual user, kept across iterations),
 *     {@link #COOKIES_ITERATION} (emptied before each iteration) or {@link #COOKIES_OFF}
 * @param compression whether {@code Accept-Encoding: gzip, deflate} is sent when the script sets
 *     no {@code Accept-Encoding} (responses in gzip or deflate are decoded either way)
 */
public record HttpOptions(boolean followRedirects, int maxRedirects, String cookies, boolean compression) {

  /** A cookie jar per virtual user, kept across its iterations (the default). */
  public static final String COOKIES_VU = "vu";
  /** A cookie jar per virtual user, emptied before each iteration. */
  public static final String COOKIES_ITERATION = "iteration";
  /** No cookies stored or sent automatically. */
  public static final String COOKIES_OFF = "off";
  /** Every value {@code cookies} takes. */
  public static final List<String> COOKIE_MODES = List.of(COOKIES_VU, COOKIES_ITERATION, COOKIES_OFF);
  /** The default redirect limit: 10, as k6 and Go's net/http (the JDK's HttpClient stops at 5, browsers at 20). */
  public static final int DEFAULT_MAX_REDIRECTS = 10;
  /** Follow up to 10 redirects, a cookie jar per VU, ask for gzip and deflate. */
  public static final HttpOptions DEFAULT = new HttpOptions(true, DEFAULT_MAX_REDIRECTS, COOKIES_VU, true);
}
