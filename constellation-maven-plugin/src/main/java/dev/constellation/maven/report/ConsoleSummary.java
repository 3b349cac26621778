package dev.constellation.maven.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text the plugin prints: the end-of-test table and the live progress line. Plain text with
 * aligned columns; only the threshold marks (✓/✗, each followed by PASS/FAIL so they stay
 * readable on consoles without those glyphs) are outside ASCII.
 *
 * @since 0.1.0
 */
public final class ConsoleSummary {

  /** How a warning line of {@link #render} starts; the plugin logs such lines as Maven warnings. */
  public static final String WARNING = "WARNING: ";

  private ConsoleSummary() {}

  /**
   * The end-of-test summary: run facts, a table per request name and per region (requests,
   * failures %, req/s, p50/p95/p99/max ms), then every threshold with its measured value.
   *
   * @param facts what the run was
   * @param results the merged records
   * @param thresholds evaluated thresholds, possibly none
   * @return lines separated by {@code \n}, ending with one
   */
  public static String render(RunFacts facts, RunResults results, List<ThresholdResult> thresholds) {
    StringBuilder b = new StringBuilder();
    b.append("Run ").append(ascii(facts.runId())).append(": ").append(Format.duration(facts.durationMs()))
        .append(", ").append(facts.regions().size()).append(facts.regions().size() == 1 ? " region, " : " regions, ")
        .append(facts.totalVus()).append(" VUs, ").append(facts.totalAgents()).append(facts.totalAgents() == 1 ? " agent" : " agents");
    if (!facts.target().isEmpty()) {
      b.append(", target ").append(ascii(facts.target()));
    }
    if (facts.interrupted()) {
      b.append('\n').append("INTERRUPTED: ").append(HtmlReport.interruptedText(facts));
    }
    b.append('\n');
    if (facts.insecureTls()) {
      b.append(WARNING).append("INSECURE TLS (insecure=true): every https certificate was trusted and no host name checked\n");
    }
    b.append('\n');
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Request", "Requests", "Failed", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"});
    for (Map.Entry<String, Stats> e : results.requests().entrySet()) {
      rows.add(row(e.getKey(), e.getValue()));
    }
    rows.add(row("TOTAL", results.totals()));
    table(b, rows);
    if (results.regions().size() > 0) {
      b.append('\n');
      List<String[]> regionRows = new ArrayList<>();
      regionRows.add(new String[] {"Region", "Requests", "Failed", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"});
      results.regions().forEach((name, s) -> regionRows.add(row(name, s)));
      table(b, regionRows);
    }
    if (results.totals().requests() > 0) {
      b.append('\n').append(connectionsLine(results)).append('\n');
    }
    Stats retried = results.retryTotals();
    if (retried.requests() > 0) {
      b.append('\n').append("Retries: ").append(retried.requests()).append(" (attempts on the wire ")
          .append(results.totals().requests() + retried.requests()).append(" = requests + retries): ");
      List<String> parts = new ArrayList<>();
      results.retries().forEach((name, s) -> parts.add(ascii(name) + " x" + s.requests() + " " + ascii(s.errors().toString())));
      b.append(String.join(", ", parts)).append('\n');
    }
    if (results.iterationTotals().requests() > 0) {
      Stats i = results.iterationTotals();
      b.append('\n').append("Iterations: ").append(i.requests()).append(", failed ").append(i.failures())
          .append(" (").append(Format.pct(i.errorRate())).append(")");
      if (!i.errors().isEmpty()) {
        b.append(": ");
        List<String> parts = new ArrayList<>();
        i.errors().forEach((k, v) -> parts.add(ascii(k) + " x" + v));
        b.append(String.join(", ", parts));
      }
      b.append('\n');
    }
    scriptMeasurements(b, results);
    for (String w : RunWarnings.of(results)) {
      b.append('\n').append(WARNING).append(ascii(w)).append('\n');
    }
    failureMessages(b, results);
    if (!thresholds.isEmpty()) {
      long failed = thresholds.stream().filter(t -> !t.passed()).count();
      b.append('\n').append("Thresholds: ").append(thresholds.size() - failed).append(" passed, ").append(failed)
          .append(" failed\n");
      for (ThresholdResult t : thresholds) {
        b.append(t.passed() ? "  \u2713 PASS  " : "  \u2717 FAIL  ").append(ascii(t.message())).append('\n');
      }
    }
    return b.toString();
  }

  /** Groups, checks, custom counters and trends, and feeders: each a small table, shown only when the run has some. */
  static void scriptMeasurements(StringBuilder b, RunResults results) {
    if (!results.groups().isEmpty()) {
      b.append('\n');
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"Group", "Count", "Failed", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"});
      results.groups().forEach((name, s) -> rows.add(row(name, s)));
      table(b, rows);
    }
    if (!results.checks().isEmpty()) {
      b.append('\n');
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"Check", "Passed", "Failed", "Pass rate"});
      results.checks().forEach((name, s) -> rows.add(checkRow(name, s)));
      rows.add(checkRow("ALL CHECKS", results.checkTotals()));
      table(b, rows);
      results.checks().forEach((name, s) -> s.messages().forEach((m, c) ->
          b.append("  ").append(ascii(name)).append(": ").append(ascii(m)).append("  x").append(c).append('\n')));
    }
    if (!results.counters().isEmpty() || !results.trends().isEmpty()) {
      b.append('\n');
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"Metric", "Count", "per s", "p50", "p95", "p99", "max"});
      results.counters().forEach((name, s) -> rows.add(new String[] {"counter " + ascii(name), Long.toString(s.requests()),
          Format.rate(s.rps()), "", "", "", ""}));
      results.trends().forEach((name, s) -> {
        var h = s.histogram();
        rows.add(new String[] {"trend " + ascii(name), Long.toString(h.getTotalCount()), Format.rate(s.rps()),
            Long.toString(h.getValueAtPercentile(50)), Long.toString(h.getValueAtPercentile(95)), Long.toString(h.getValueAtPercentile(99)),
            Long.toString(h.getTotalCount() == 0 ? 0 : h.getMaxValue())});
      });
      table(b, rows);
    }
    if (!results.feeders().isEmpty()) {
      List<String> parts = new ArrayList<>();
      results.feeders().forEach((name, s) -> {
        long exhausted = s.errors().getOrDefault("exhausted", 0L);
        parts.add(ascii(name) + " " + s.requests() + " rows" + (exhausted > 0 ? " (ran out " + exhausted + "x)" : ""));
      });
      b.append('\n').append("Feeders: ").append(String.join(", ", parts)).append('\n');
    }
  }

  /**
   * One line on the run's new connections: how many, TLS handshakes and resumptions, connect and
   * handshake p95 and max (merged histograms); or that they were not measured.
   */
  static String connectionsLine(RunResults results) {
    java.util.Optional<ConnectionStats> all = results.connectionTotals();
    if (all.isEmpty()) {
      return "Connections: connect and TLS handshake times " + SummaryJson.NOT_MEASURED;
    }
    ConnectionStats c = all.get();
    StringBuilder b = new StringBuilder("Connections: ").append(c.newConnections()).append(" new");
    if (c.newConnections() > 0) {
      b.append(", connect p95 ").append(Format.ms(c.connectMs(95))).append(" ms max ").append(Format.ms(c.connectMaxMs())).append(" ms");
    }
    if (c.tlsHandshakes() > 0) {
      b.append("; TLS handshakes ").append(c.tlsHandshakes()).append(" (").append(c.tlsResumed()).append(" resumed), p95 ")
          .append(Format.ms(c.tlsHandshakeMs(95))).append(" ms max ").append(Format.ms(c.tlsHandshakeMaxMs())).append(" ms");
    }
    return b.append(" (part of the latency)").toString();
  }

  private static String[] checkRow(String name, Stats s) {
    long passed = s.requests() - s.failures();
    return new String[] {ascii(name), Long.toString(passed), Long.toString(s.failures()),
        s.requests() == 0 ? "-" : Format.pct((double) passed / s.requests())};
  }

  /** The most frequent failure messages per script (iterations) and per request name. */
  private static void failureMessages(StringBuilder b, RunResults results) {
    List<String> lines = new ArrayList<>();
    results.iterations().forEach((script, s) -> s.messages().forEach((m, c) ->
        lines.add("  " + ascii(script) + " (iterations): " + ascii(m) + "  x" + c)));
    results.requests().forEach((name, s) -> s.messages().forEach((m, c) ->
        lines.add("  " + ascii(name) + ": " + ascii(m) + "  x" + c)));
    if (!lines.isEmpty()) {
      b.append('\n').append("Why requests and iterations failed (most frequent messages, ids and numbers folded):\n");
      lines.forEach(l -> b.append(l).append('\n'));
    }
  }

  /**
   * One line of live progress, e.g.
   * {@code elapsed 10s/30s | VUs 50 | 812.0 req/s | p95 23.1 ms | errors 0.00%}.
   *
   * @param elapsedMs time since the load started, ms
   * @param durationMs planned duration, ms
   * @param vus virtual users running
   * @param window results of the last few seconds (rates over the window's span)
   * @return the line, without a line break
   */
  public static String progressLine(long elapsedMs, long durationMs, int vus, RunResults window) {
    Stats s = window.totals();
    String p95 = s.latencyCount() == 0 ? "-" : Format.ms(s.p95()) + " ms";
    return String.format(Locale.ROOT, "elapsed %s/%s | VUs %d | %.1f req/s | p95 %s | errors %s",
        seconds(elapsedMs), seconds(durationMs), vus, s.rps(), p95, Format.pct(s.errorRate()));
  }

  private static String seconds(long ms) {
    return Math.max(0, ms / 1000) + "s";
  }

  private static String[] row(String name, Stats s) {
    return new String[] {ascii(name), Long.toString(s.requests()), Format.pct(s.errorRate()), Format.rate(s.rps()),
        Format.ms(s.p50()), Format.ms(s.p95()), Format.ms(s.p99()), Format.ms(s.max())};
  }

  private static void table(StringBuilder b, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    width[0] = Math.min(width[0], 60);
    for (int ri = 0; ri < rows.size(); ri++) {
      String[] r = rows.get(ri);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        String cell = r[i];
        if (i == 0) {
          if (cell.length() > width[0]) {
            cell = cell.substring(0, width[0] - 3) + "...";
          }
          line.append(cell).append(" ".repeat(width[0] - cell.length()));
        } else {
          line.append("  ").append(" ".repeat(width[i] - cell.length())).append(cell);
        }
      }
      b.append(line.toString().stripTrailing()).append('\n');
      if (ri == 0) {
        int total = width[0];
        for (int i = 1; i < cols; i++) {
          total += 2 + width[i];
        }
        b.append("-".repeat(total)).append('\n');
      }
    }
  }

  /** Replaces non-printable and non-ASCII characters so user text cannot break the layout. */
  static String ascii(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return b.toString();
  }
}
