package dev.constellation.maven.report;

import java.util.Locale;

/**
 * The verdict on one threshold.
 *
 * @param expression the threshold as the user wrote it, e.g. {@code [GET /items/{id}] p(95) < 300ms}
 * @param scope what it was evaluated on: {@code all requests}, a request name, a script name or
 *     {@code region=<name>}
 * @param metric the metric, e.g. {@code p(95)}, {@code error_rate}
 * @param actual the measured value in {@code unit}; NaN when it could not be measured (the scope
 *     does not exist or recorded nothing)
 * @param unit unit of {@code actual}: {@code ms}, {@code %}, {@code req/s} or empty for counts
 * @param passed whether the run met the threshold
 * @param message one line for people, e.g.
 *     {@code p(95) < 300ms failed for [GET /items/{id}]: measured 412.3 ms}
 * @since 0.1.0
 */
public record ThresholdResult(String expression, String scope, String metric, double actual, String unit, boolean passed,
    String message) {

  /** The measured value with its unit, e.g. {@code 412.3 ms}, or {@code n/a}. */
  public String actualText() {
    if (Double.isNaN(actual)) {
      return "n/a";
    }
    String number;
    if (unit.isEmpty()) {
      number = actual == Math.rint(actual) && Math.abs(actual) < 1e15
          ? Long.toString((long) actual) : String.format(Locale.ROOT, "%.3f", actual);
    } else if (unit.equals("%")) {
      return String.format(Locale.ROOT, "%.2f%%", actual);
    } else {
      number = String.format(Locale.ROOT, "%.1f", actual);
    }
    return unit.isEmpty() ? number : number + " " + unit;
  }
}
