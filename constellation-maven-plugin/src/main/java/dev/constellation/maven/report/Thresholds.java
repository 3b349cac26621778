package dev.constellation.maven.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pass/fail criteria of a run, parsed from expressions such as {@code p(95) < 300ms},
 * {@code error_rate < 1%} or {@code [GET /items/{id}] p(99) <= 1s}, and evaluated on merged
 * histograms. The grammar is described in docs/thresholds.md. Immutable.
 *
 * @since 0.1.0
 */
public final class Thresholds {

  /** Metrics a threshold can name, as listed in error messages. */
  static final List<String> KNOWN_METRICS = List.of(
      "p(N) (percentile, e.g. p(95), p(99.9))", "max", "mean", "min", "error_rate", "rps", "requests", "failures",
      "iterations", "iteration_failures", "iteration_error_rate", "dropped_iterations", "late_iterations",
      "checks (pass rate of checks)", "count and rate (with [counter=...], [trend=...] or [group=...])");

  private static final Pattern EXPRESSION = Pattern.compile(
      "^\\s*(?:\\[(?<scope>.*)\\]\\s*)?(?<metric>[A-Za-z_][A-Za-z0-9_]*(?:\\s*\\(\\s*[^)]*\\))?)\\s*"
          + "(?<op><=|>=|==|!=|<|>|=)?\\s*(?<value>.*?)\\s*$");
  private static final Pattern PERCENTILE = Pattern.compile("^p\\s*\\(\\s*([0-9]+(?:\\.[0-9]+)?)\\s*\\)$");
  private static final Pattern NUMBER_UNIT = Pattern.compile("^([+-]?[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\\s*([A-Za-z%µ]*)$");

  private final List<Threshold> thresholds;

  private Thresholds(List<Threshold> thresholds) {
    this.thresholds = List.copyOf(thresholds);
  }

  /** No thresholds: every run passes. */
  public static Thresholds none() {
    return new Thresholds(List.of());
  }

  /**
   * Parses threshold expressions.
   *
   * @param expressions one threshold each; blank entries are ignored
   * @return the parsed thresholds, in the given order
   * @throws IllegalArgumentException naming the first bad expression, what is wrong with it and an
   *     example of a valid one
   */
  public static Thresholds parse(List<String> expressions) {
    List<Threshold> out = new ArrayList<>();
    for (String e : expressions) {
      if (e == null || e.isBlank()) {
        continue;
      }
      out.add(parseOne(e.strip()));
    }
    return new Thresholds(out);
  }

  /** The expressions, as parsed. */
  public List<String> expressions() {
    return thresholds.stream().map(Threshold::expression).toList();
  }

  /** Whether there are no thresholds. */
  public boolean isEmpty() {
    return thresholds.isEmpty();
  }

  /**
   * Evaluates every threshold. A scope naming a request, script or region the run did not record
   * fails, with a message listing the names that exist.
   *
   * @param results the merged run results
   * @return one result per threshold, in order
   */
  public List<ThresholdResult> evaluate(RunResults results) {
    return thresholds.stream().map(t -> t.evaluate(results)).toList();
  }

  private static IllegalArgumentException bad(String expression, String what, String example) {
    return new IllegalArgumentException("threshold \"" + expression + "\": " + what + "; for example: " + example);
  }

  static Threshold parseOne(String expression) {
    Matcher m = EXPRESSION.matcher(expression);
    if (!m.matches()) {
      throw bad(expression, "expected [scope] metric operator value", "p(95) < 300ms");
    }
    String scopeText = m.group("scope");
    Scope scope = Scope.ALL;
    if (scopeText != null) {
      String s = scopeText.strip();
      if (s.isEmpty()) {
        throw bad(expression, "the scope [] is empty; name a request, a script or region=<region>",
            "[GET /items/{id}] p(95) < 300ms");
      }
      Scope.Kind keyed = null;
      for (Scope.Kind k : Scope.Kind.values()) {
        if (k.key != null && s.startsWith(k.key + "=")) {
          keyed = k;
        }
      }
      if (keyed != null) {
        String named = s.substring(keyed.key.length() + 1).strip();
        if (named.isEmpty()) {
          throw bad(expression, "the scope [" + keyed.key + "=] names no " + keyed.key, keyed.example);
        }
        scope = new Scope(keyed, named);
      } else {
        scope = new Scope(Scope.Kind.NAME, s.startsWith("name=") ? s.substring("name=".length()).strip() : s);
      }
    }
    String metricText = m.group("metric").replaceAll("\\s+", "");
    String op = m.group("op");
    String valueText = m.group("value");
    Metric metric = metric(expression, metricText);
    if (op == null) {
      throw bad(expression, "no comparison operator after \"" + metricText + "\"; use one of < <= > >= == !=",
          metric.example());
    }
    if (op.equals("=")) {
      throw bad(expression, "\"=\" is not an operator; use == to compare for equality", metric.name() + " == 0");
    }
    if (valueText.isEmpty()) {
      throw bad(expression, "no value after \"" + op + "\"", metric.example());
    }
    checkScope(expression, scope, metric);
    double limit = value(expression, metric, valueText, scope.kind() == Scope.Kind.TREND);
    return new Threshold(expression, scope, metric, Operator.of(op), limit, valueText.replaceAll("\\s+", ""));
  }

  private static Metric metric(String expression, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    Matcher p = PERCENTILE.matcher(lower);
    if (p.matches()) {
      double percentile = Double.parseDouble(p.group(1));
      if (percentile <= 0 || percentile > 100) {
        throw bad(expression, "percentile " + p.group(1) + " is outside (0, 100]", "p(99.9) < 2s");
      }
      return new Metric(Metric.Kind.PERCENTILE, "p(" + p.group(1) + ")", percentile);
    }
    if (lower.matches("p[0-9]+(\\.[0-9]+)?")) {
      throw bad(expression, "unknown metric \"" + text + "\"; percentiles are written p(" + lower.substring(1) + ")",
          "p(" + lower.substring(1) + ") < 300ms");
    }
    if (lower.startsWith("p(") || lower.startsWith("p (")) {
      throw bad(expression, "\"" + text + "\" is not a percentile; write p(<number between 0 and 100>)", "p(95) < 300ms");
    }
    for (Metric.Kind k : Metric.Kind.values()) {
      if (k != Metric.Kind.PERCENTILE && k.key.equals(lower)) {
        return new Metric(k, k.key, 0);
      }
    }
    throw bad(expression, "unknown metric \"" + text + "\"; known metrics: " + String.join(", ", KNOWN_METRICS),
        "p(95) < 300ms");
  }

  /** Which metrics each scope measures; a metric the scope has no such thing for is a mistake, caught before the run. */
  private static void checkScope(String expression, Scope scope, Metric metric) {
    Metric.Kind k = metric.kind();
    boolean ok = switch (scope.kind()) {
      case ALL -> k != Metric.Kind.COUNT && k != Metric.Kind.RATE;
      case NAME, REGION -> k != Metric.Kind.CHECKS && k != Metric.Kind.COUNT && k != Metric.Kind.RATE;
      case GROUP -> k.source == Metric.Source.REQUESTS || k == Metric.Kind.COUNT || k == Metric.Kind.RATE;
      case CHECK -> k == Metric.Kind.CHECKS || k == Metric.Kind.COUNT || k == Metric.Kind.FAILURES;
      case COUNTER -> k == Metric.Kind.COUNT || k == Metric.Kind.RATE;
      case TREND -> k == Metric.Kind.PERCENTILE || k == Metric.Kind.MAX || k == Metric.Kind.MEAN || k == Metric.Kind.MIN
          || k == Metric.Kind.COUNT || k == Metric.Kind.RATE;
    };
    if (ok) {
      return;
    }
    String allowed = switch (scope.kind()) {
      case ALL, NAME, REGION -> metric.kind() == Metric.Kind.CHECKS
          ? "checks looks at checks: write it alone (all checks) or with [check=<name>]"
          : metric.name() + " needs a scope [counter=<name>], [trend=<name>] or [group=<name>]";
      case GROUP -> "a group has p(N), max, mean, min, error_rate, failures, count and rate (runs per second)";
      case CHECK -> "a check has checks (its pass rate in %), count (evaluations) and failures";
      case COUNTER -> "a counter has count (its total) and rate (per second)";
      case TREND -> "a trend has p(N), max, mean, min (numbers without unit), count and rate";
    };
    String example = switch (scope.kind()) {
      case ALL, NAME, REGION -> metric.kind() == Metric.Kind.CHECKS ? "checks > 99%" : "[counter=orders] count > 100";
      default -> scope.kind().example;
    };
    throw bad(expression, "[" + scope.label() + "] has no metric " + metric.name() + "; " + allowed, example);
  }

  private static double value(String expression, Metric metric, String text, boolean plainNumbers) {
    if (plainNumbers && metric.kind().unitKind == Metric.UnitKind.LATENCY) {
      Matcher plain = NUMBER_UNIT.matcher(text.strip());
      if (!plain.matches() || !plain.group(2).isEmpty()) {
        throw bad(expression, "a trend's values have no unit; write the number as the script recorded it", "[trend=queue_depth] p(95) < 40");
      }
      return Double.parseDouble(plain.group(1));
    }
    Matcher m = NUMBER_UNIT.matcher(text.strip());
    if (!m.matches()) {
      throw bad(expression, "\"" + text + "\" is not a number with an optional unit", metric.example());
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    switch (metric.kind().unitKind) {
      case LATENCY -> {
        double factor = switch (unit) {
          case "us", "µs" -> 0.001;
          case "ms" -> 1;
          case "s" -> 1000;
          case "m", "min" -> 60_000;
          case "" -> throw bad(expression, "a latency needs a unit: us, ms, s or m", metric.example());
          default -> throw bad(expression, "unknown latency unit \"" + m.group(2) + "\"; use us, ms, s or m", metric.example());
        };
        return number * factor;
      }
      case PERCENT -> {
        if (!unit.equals("%")) {
          throw bad(expression, "a rate is written in percent, with %" + (unit.isEmpty() ? " (0.01 would be ambiguous)" : ", not \""
              + m.group(2) + "\""), metric.example());
        }
        return number;
      }
      default -> {
        if (!unit.isEmpty()) {
          throw bad(expression, metric.name() + " is a plain number and takes no unit (found \"" + m.group(2) + "\")",
              metric.example());
        }
        return number;
      }
    }
  }

  /** Comparison operators. */
  enum Operator {
    LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!=");

    final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    static Operator of(String s) {
      for (Operator o : values()) {
        if (o.symbol.equals(s)) {
          return o;
        }
      }
      throw new IllegalArgumentException("unknown operator " + s);
    }

    boolean test(double actual, double limit) {
      return switch (this) {
        case LT -> actual < limit;
        case LE -> actual <= limit;
        case GT -> actual > limit;
        case GE -> actual >= limit;
        case EQ -> actual == limit;
        case NE -> actual != limit;
      };
    }
  }

  /** What a threshold measures. */
  record Metric(Kind kind, String name, double percentile) {
    enum UnitKind { LATENCY, PERCENT, RATE, COUNT }

    enum Kind {
      PERCENTILE("p", UnitKind.LATENCY, false),
      MAX("max", UnitKind.LATENCY, false),
      MEAN("mean", UnitKind.LATENCY, false),
      MIN("min", UnitKind.LATENCY, false),
      ERROR_RATE("error_rate", UnitKind.PERCENT, false),
      RPS("rps", UnitKind.RATE, false),
      REQUESTS("requests", UnitKind.COUNT, false),
      FAILURES("failures", UnitKind.COUNT, false),
      ITERATIONS("iterations", UnitKind.COUNT, Source.ITERATIONS),
      ITERATION_FAILURES("iteration_failures", UnitKind.COUNT, Source.ITERATIONS),
      ITERATION_ERROR_RATE("iteration_error_rate", UnitKind.PERCENT, Source.ITERATIONS),
      DROPPED_ITERATIONS("dropped_iterations", UnitKind.COUNT, Source.SCHEDULE),
      LATE_ITERATIONS("late_iterations", UnitKind.COUNT, Source.SCHEDULE),
      CHECKS("checks", UnitKind.PERCENT, Source.CUSTOM),
      COUNT("count", UnitKind.COUNT, Source.CUSTOM),
      RATE("rate", UnitKind.RATE, Source.CUSTOM);

      final String key;
      final UnitKind unitKind;
      final Source source;
      final boolean iterations;

      Kind(String key, UnitKind unitKind, boolean iterations) {
        this(key, unitKind, iterations ? Source.ITERATIONS : Source.REQUESTS);
      }

      Kind(String key, UnitKind unitKind, Source source) {
        this.key = key;
        this.unitKind = unitKind;
        this.source = source;
        this.iterations = source == Source.ITERATIONS || source == Source.SCHEDULE;
      }
    }

    /** Which statistics a metric reads: requests, iterations, or the open model's starts. */
    enum Source {
      REQUESTS, ITERATIONS, SCHEDULE, CUSTOM
    }

    String unit() {
      return switch (kind.unitKind) {
        case LATENCY -> "ms";
        case PERCENT -> "%";
        case RATE -> kind == Kind.RATE ? "/s" : "req/s";
        case COUNT -> "";
      };
    }

    String example() {
      return switch (kind) {
        case PERCENTILE -> "p(95) < 300ms";
        case MAX -> "max < 5s";
        case MEAN -> "mean < 100ms";
        case MIN -> "min > 1ms";
        case ERROR_RATE -> "error_rate < 1%";
        case RPS -> "rps > 50";
        case REQUESTS -> "requests >= 1000";
        case FAILURES -> "failures == 0";
        case ITERATIONS -> "iterations >= 100";
        case ITERATION_FAILURES -> "iteration_failures == 0";
        case ITERATION_ERROR_RATE -> "iteration_error_rate < 1%";
        case DROPPED_ITERATIONS -> "dropped_iterations == 0";
        case LATE_ITERATIONS -> "late_iterations < 10";
        case CHECKS -> "checks > 99%";
        case COUNT -> "[counter=orders] count > 100";
        case RATE -> "[counter=orders] rate > 5";
      };
    }
  }

  /** What part of the run a threshold looks at. */
  record Scope(Kind kind, String name) {
    enum Kind {
      ALL(null, null), NAME(null, null), REGION("region", "[region=eu-west-1] p(95) < 400ms"),
      GROUP("group", "[group=checkout] p(95) < 2s"), CHECK("check", "[check=cart has items] checks == 100%"),
      COUNTER("counter", "[counter=orders] count > 100"), TREND("trend", "[trend=queue_depth] p(95) < 40");

      /** What the scope is written with, {@code [key=name]}; null for the scopes without a key. */
      final String key;
      final String example;

      Kind(String key, String example) {
        this.key = key;
        this.example = example;
      }
    }

    static final Scope ALL = new Scope(Kind.ALL, "");

    String label() {
      return switch (kind) {
        case ALL -> "all requests";
        case NAME -> name;
        default -> kind.key + "=" + name;
      };
    }
  }

  /** One parsed threshold. */
  record Threshold(String expression, Scope scope, Metric metric, Operator operator, double limit, String limitText) {

    String condition() {
      return metric.name() + " " + operator.symbol + " " + limitText;
    }

    ThresholdResult evaluate(RunResults results) {
      if (metric.kind() == Metric.Kind.CHECKS || scope.kind() == Scope.Kind.GROUP || scope.kind() == Scope.Kind.CHECK
          || scope.kind() == Scope.Kind.COUNTER || scope.kind() == Scope.Kind.TREND) {
        return evaluateCustom(results);
      }
      boolean iterations = metric.kind().iterations;
      Optional<Stats> stats = select(results, iterations);
      String label = scope.kind() == Scope.Kind.ALL && iterations ? "all iterations" : scope.label();
      String where = scope.kind() == Scope.Kind.ALL ? "" : " for [" + scope.label() + "]";
      if (stats.isEmpty()) {
        String known = known(results, iterations);
        String what = switch (scope.kind()) {
          case REGION -> "region \"" + scope.name() + "\" recorded nothing; regions in this run: ";
          case NAME -> (iterations ? "script \"" : "request name \"") + scope.name() + "\" was not recorded; "
              + (iterations ? "scripts" : "request names") + " in this run: ";
          default -> "nothing was recorded: ";
        };
        return new ThresholdResult(expression, label, metric.name(), Double.NaN, metric.unit(), false,
            condition() + " failed" + where + ": " + what + known);
      }
      Stats s = stats.get();
      boolean needsRequests = metric.kind().unitKind == Metric.UnitKind.LATENCY
          || metric.kind().unitKind == Metric.UnitKind.PERCENT;
      if (needsRequests && s.requests() == 0 && s.latencyCount() == 0) {
        return new ThresholdResult(expression, label, metric.name(), Double.NaN, metric.unit(), false,
            condition() + " failed" + where + ": no " + (iterations ? "iterations" : "requests") + " were recorded, so "
                + metric.name() + " cannot be measured");
      }
      double actual = switch (metric.kind()) {
        case PERCENTILE -> s.percentileMs(metric.percentile());
        case MAX -> s.max();
        case MEAN -> s.mean();
        case MIN -> s.min();
        case ERROR_RATE, ITERATION_ERROR_RATE -> s.errorRate() * 100;
        case RPS -> s.rps();
        case REQUESTS, ITERATIONS -> s.requests();
        case FAILURES, ITERATION_FAILURES, DROPPED_ITERATIONS -> s.failures();
        case LATE_ITERATIONS -> s.errors().getOrDefault("late", 0L);
        case CHECKS, COUNT, RATE -> throw new IllegalStateException("checked at parse time: " + metric.name() + " needs its scope");
      };
      boolean passed = operator.test(actual, limit);
      ThresholdResult partial = new ThresholdResult(expression, label, metric.name(), actual, metric.unit(), passed, "");
      return new ThresholdResult(expression, label, metric.name(), actual, metric.unit(), passed,
          condition() + (passed ? " passed" : " failed") + where + ": measured " + partial.actualText());
    }

    /** Groups, checks, counters and trends: what the script measured itself. */
    private ThresholdResult evaluateCustom(RunResults results) {
      String where = scope.kind() == Scope.Kind.ALL ? "" : " for [" + scope.label() + "]";
      String label = scope.kind() == Scope.Kind.ALL ? "all checks" : scope.label();
      Map<String, Stats> byName = switch (scope.kind()) {
        case GROUP -> results.groups();
        case COUNTER -> results.counters();
        case TREND -> results.trends();
        default -> results.checks();
      };
      Stats s = scope.kind() == Scope.Kind.ALL ? results.checkTotals() : byName.get(scope.name());
      String unit = scope.kind() == Scope.Kind.TREND && metric.kind().unitKind == Metric.UnitKind.LATENCY ? "" : metric.unit();
      if (s == null) {
        List<String> quoted = byName.keySet().stream().limit(50).map(n -> "\"" + n + "\"").toList();
        return new ThresholdResult(expression, label, metric.name(), Double.NaN, unit, false,
            condition() + " failed" + where + ": " + scope.kind().key + " \"" + scope.name() + "\" was not recorded; "
                + scope.kind().key + "s in this run: " + (quoted.isEmpty() ? "(none)" : String.join(", ", quoted)));
      }
      boolean measurable = switch (metric.kind()) {
        case COUNT, RATE, FAILURES -> true;
        default -> s.requests() > 0 || s.histogram().getTotalCount() > 0;
      };
      if (!measurable) {
        return new ThresholdResult(expression, label, metric.name(), Double.NaN, unit, false,
            condition() + " failed" + where + ": nothing was recorded, so " + metric.name() + " cannot be measured");
      }
      var h = s.histogram();
      boolean raw = scope.kind() == Scope.Kind.TREND;
      double actual = switch (metric.kind()) {
        case PERCENTILE -> raw ? h.getValueAtPercentile(metric.percentile()) : s.percentileMs(metric.percentile());
        case MAX -> raw ? h.getMaxValue() : s.max();
        case MEAN -> raw ? h.getMean() : s.mean();
        case MIN -> raw ? h.getMinValue() : s.min();
        case ERROR_RATE -> s.errorRate() * 100;
        case RPS, RATE -> s.rps();
        case REQUESTS, COUNT -> s.requests();
        case FAILURES -> s.failures();
        case CHECKS -> 100.0 * (s.requests() - s.failures()) / s.requests();
        default -> throw new IllegalStateException("checked at parse time: [" + scope.label() + "] has no " + metric.name());
      };
      boolean passed = operator.test(actual, limit);
      ThresholdResult partial = new ThresholdResult(expression, label, metric.name(), actual, unit, passed, "");
      return new ThresholdResult(expression, label, metric.name(), actual, unit, passed,
          condition() + (passed ? " passed" : " failed") + where + ": measured " + partial.actualText());
    }

    private Optional<Stats> select(RunResults r, boolean iterations) {
      if (metric.kind().source == Metric.Source.SCHEDULE) {
        return switch (scope.kind()) {
          case ALL -> Optional.of(r.scheduleTotals());
          // a script of a closed-model run dropped nothing
          case NAME -> Optional.ofNullable(r.schedules().containsKey(scope.name()) ? r.schedules().get(scope.name())
              : r.iterations().containsKey(scope.name()) ? new Accumulator().toStats(1) : null);
          default -> Optional.empty();
        };
      }
      Map<String, Stats> byName = iterations ? r.iterations() : r.requests();
      Map<String, Stats> byRegion = iterations ? r.regionIterations() : r.regions();
      return switch (scope.kind()) {
        case ALL -> Optional.of(iterations ? r.iterationTotals() : r.totals());
        case NAME -> Optional.ofNullable(byName.get(scope.name()));
        case REGION -> Optional.ofNullable(byRegion.get(scope.name()));
        default -> Optional.empty();
      };
    }

    private String known(RunResults r, boolean iterations) {
      var names = switch (scope.kind()) {
        case REGION -> (iterations ? r.regionIterations() : r.regions()).keySet();
        default -> (iterations ? r.iterations() : r.requests()).keySet();
      };
      if (names.isEmpty()) {
        return "(none)";
      }
      List<String> quoted = names.stream().limit(50).map(n -> "\"" + n + "\"").toList();
      return String.join(", ", quoted) + (names.size() > 50 ? ", ... (" + names.size() + " in all)" : "");
    }
  }
}
