package dev.constellation.maven.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What must not pass unnoticed even when every threshold holds (or none was set): a run in which
 * every iteration, or every request, failed measured nothing but failures. Shown in the console
 * (as Maven warnings), at the top of the page, and in summary.json ({@code warnings},
 * {@code allIterationsFailed}).
 *
 * @since 0.1.0
 */
public final class RunWarnings {

  private RunWarnings() {}

  /**
   * The warnings of a run.
   *
   * @param results the merged records
   * @return one sentence per warning, possibly none
   */
  public static List<String> of(RunResults results) {
    List<String> out = new ArrayList<>();
    Stats it = results.iterationTotals();
    if (allIterationsFailed(results)) {
      out.add("every one of the " + it.requests() + " iterations failed (" + top(it.errors()) + "); the run measured nothing but "
          + "failures: see the errors in the report");
    }
    Stats t = results.totals();
    if (t.requests() > 0 && t.failures() == t.requests()) {
      out.add("every one of the " + t.requests() + " requests failed (" + top(errorsAndStatuses(t)) + ")");
    }
    return out;
  }

  /**
   * Whether iterations ran and every one failed.
   *
   * @param results the merged records
   * @return true when at least one iteration ran and none passed
   */
  public static boolean allIterationsFailed(RunResults results) {
    Stats it = results.iterationTotals();
    return it.requests() > 0 && it.failures() == it.requests();
  }

  private static Map<String, Long> errorsAndStatuses(Stats s) {
    Map<String, Long> m = new java.util.TreeMap<>(s.errors());
    s.statusCodes().forEach((k, v) -> {
      if (k.compareTo("400") >= 0) {
        m.put("status " + k, v);
      }
    });
    return m;
  }

  private static String top(Map<String, Long> counts) {
    List<String> parts = new ArrayList<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
        .forEach(e -> parts.add(e.getKey() + " x" + e.getValue()));
    return parts.isEmpty() ? "no error recorded" : String.join(", ", parts);
  }
}
