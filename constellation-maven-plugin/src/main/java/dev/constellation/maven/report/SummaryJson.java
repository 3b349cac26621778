package dev.constellation.maven.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.constellation.agent.results.Counts;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;

/** Builds summary.json, whose keys are a contract (see docs/report.md): extend, never rename. */
final class SummaryJson {

  static final ObjectMapper JSON = new ObjectMapper();

  private SummaryJson() {}

  static ObjectNode build(RunFacts facts, RunResults results, List<ThresholdResult> thresholds, Baseline baseline) {
    ObjectNode o = JSON.createObjectNode();
    o.put("runId", facts.runId());
    o.put("startedAt", facts.startedAt().toString());
    o.put("durationMs", facts.durationMs());
    o.put("target", facts.target());
    o.put("plannedDurationMs", facts.plannedDurationMs());
    // an interrupted run never passes: its figures cover only part of the planned load
    o.put("interrupted", facts.interrupted());
    o.put("status", facts.status().json());
    o.put("passed", !facts.interrupted() && thresholds.stream().allMatch(ThresholdResult::passed));
    o.put("allIterationsFailed", RunWarnings.allIterationsFailed(results));
    ArrayNode warnings = o.putArray("warnings");
    RunWarnings.of(results).forEach(warnings::add);
    if (facts.insecureTls()) {
      o.put("insecureTls", true);
    }
    ObjectNode totals = stats(results.totals());
    totals.put("retries", results.retryTotals().requests());
    totals.put("attempts", results.totals().requests() + results.retryTotals().requests());
    if (results.serviceTotals().latencyCount() > 0) {
      totals.set("serviceTimeMs", latency(results.serviceTotals()));
    }
    results.connectionTotals().ifPresent(c -> connections(totals, c));
    o.set("totals", totals);
    // connect and TLS handshake times: measured by the socket engine; java.net.http (the jdk engine) does not expose them
    o.put("connectionTimes", results.connectionTotals().isPresent() ? "measured" : results.totals().requests() == 0
        ? "no requests" : NOT_MEASURED);
    ObjectNode regions = o.putObject("regions");
    TreeSet<String> names = new TreeSet<>(facts.regions().keySet());
    names.addAll(results.regions().keySet());
    for (String name : names) {
      Stats s = results.regions().get(name);
      ObjectNode r = s == null ? stats(RunResults.merge(List.of()).totals()) : stats(s);
      RunFacts.RegionFacts f = facts.regions().get(name);
      r.put("agents", f == null ? 0 : f.agents());
      r.put("vus", f == null ? 0 : f.vus());
      if (f != null) {
        f.extra().forEach((k, v) -> {
          if (!r.has(k)) {
            r.set(k, JSON.valueToTree(v));
          }
        });
      }
      Stats it = results.regionIterations().get(name);
      if (it != null) {
        r.put("iterations", it.requests());
        r.put("iterationFailures", it.failures());
      }
      regions.set(name, r);
    }
    ObjectNode requests = o.putObject("requests");
    results.requests().forEach((name, s) -> {
      ObjectNode r = stats(s);
      r.set("statusCodes", counts(s.statusCodes()));
      r.set("errors", counts(s.errors()));
      Stats retried = results.retries().get(name);
      r.put("retries", retried == null ? 0 : retried.requests());
      r.put("attempts", s.requests() + (retried == null ? 0 : retried.requests()));
      if (retried != null) {
        r.set("retryErrors", counts(retried.errors()));
        r.set("retryLatencyMs", latency(retried));
      }
      if (!s.messages().isEmpty()) {
        r.set("failureMessages", counts(s.messages()));
      }
      Stats service = results.serviceTimes().get(name);
      if (service != null) {
        r.set("serviceTimeMs", latency(service));
      }
      ConnectionStats c = results.connections().get(name);
      if (c != null) {
        connections(r, c);
      }
      requests.set(name, r);
    });
    ObjectNode iterations = o.putObject("iterations");
    results.iterations().forEach((name, s) -> {
      ObjectNode r = stats(s);
      r.set("errors", counts(s.errors()));
      if (!s.messages().isEmpty()) {
        r.set("failureMessages", counts(s.messages()));
      }
      iterations.set(name, r);
    });
    scriptMeasurements(o, results);
    Stats starts = results.scheduleTotals();
    if (starts.requests() + starts.failures() > 0) {
      // the open model: iterations started on schedule, dropped (every VU busy), late (> 10 ms), start lag
      ObjectNode schedule = o.putObject("schedule");
      schedule.put("started", results.counts().started());
      schedule.put("dropped", results.counts().dropped());
      schedule.put("late", results.counts().late());
      ObjectNode lag = schedule.putObject("startLagMs");
      number(lag, "p50", starts.p50());
      number(lag, "p99", starts.p99());
      number(lag, "max", starts.max());
    }
    // the same counts, by the same definition, as each agent's "done" line and <agentId>.result.json
    Counts c = results.counts();
    ObjectNode cn = o.putObject("counts");
    cn.put("requests", c.requests());
    cn.put("requestFailures", c.requestFailures());
    cn.put("iterations", c.iterations());
    cn.put("iterationFailures", c.iterationFailures());
    cn.put("interruptedIterations", c.interrupted());
    cn.put("started", c.started());
    cn.put("dropped", c.dropped());
    cn.put("late", c.late());
    cn.put("teardownFailures", c.teardownFailures());
    o.set("errors", counts(results.errors()));
    o.set("statusCodes", counts(results.statusCodes()));
    o.set("iterationErrors", counts(results.iterationTotals().errors()));
    ArrayNode ts = o.putArray("thresholds");
    for (ThresholdResult t : thresholds) {
      ObjectNode n = ts.addObject();
      n.put("expression", t.expression());
      number(n, "actual", t.actual());
      n.put("passed", t.passed());
      n.put("scope", t.scope());
      n.put("metric", t.metric());
      n.put("unit", t.unit());
      n.put("message", t.message());
    }
    if (baseline != null) {
      o.set("baseline", baseline(baseline, results));
    }
    return o;
  }

  /**
   * What scripts measured themselves: groups (count, failures, duration in ms), checks (passes,
   * fails, pass rate in %), custom counters (total, rate per second), custom trends (count and
   * percentiles of the values as recorded) and feeders (rows handed out, requests that found a
   * unique feeder exhausted). Every percentile from merged histograms.
   */
  static void scriptMeasurements(ObjectNode o, RunResults results) {
    ObjectNode groups = o.putObject("groups");
    results.groups().forEach((name, s) -> {
      ObjectNode g = groups.putObject(name);
      g.put("count", s.requests());
      g.put("failures", s.failures());
      g.put("errorRate", Format.round3(s.errorRate() * 1e3) / 1e3);
      g.put("rate", Format.round3(s.rps()));
      ObjectNode d = latency(s);
      d.put("mean", Format.round3(s.mean()));
      d.put("min", s.min());
      g.set("durationMs", d);
      g.set("errors", counts(s.errors()));
      if (!s.messages().isEmpty()) {
        g.set("failureMessages", counts(s.messages()));
      }
    });
    ObjectNode checks = o.putObject("checks");
    Stats all = results.checkTotals();
    checks.put("passes", all.requests() - all.failures());
    checks.put("fails", all.failures());
    number(checks, "passRate", all.requests() == 0 ? Double.NaN : 100.0 * (all.requests() - all.failures()) / all.requests());
    ObjectNode byName = checks.putObject("byName");
    results.checks().forEach((name, s) -> {
      ObjectNode c = byName.putObject(name);
      c.put("passes", s.requests() - s.failures());
      c.put("fails", s.failures());
      number(c, "passRate", s.requests() == 0 ? Double.NaN : 100.0 * (s.requests() - s.failures()) / s.requests());
      if (!s.messages().isEmpty()) {
        c.set("failureMessages", counts(s.messages()));
      }
    });
    ObjectNode counters = o.putObject("counters");
    results.counters().forEach((name, s) -> {
      ObjectNode c = counters.putObject(name);
      c.put("count", s.requests());
      c.put("rate", Format.round3(s.rps()));
    });
    ObjectNode trends = o.putObject("trends");
    results.trends().forEach((name, s) -> {
      ObjectNode t = trends.putObject(name);
      var h = s.histogram();
      t.put("count", h.getTotalCount());
      t.put("p50", h.getValueAtPercentile(50));
      t.put("p90", h.getValueAtPercentile(90));
      t.put("p95", h.getValueAtPercentile(95));
      t.put("p99", h.getValueAtPercentile(99));
      t.put("max", h.getTotalCount() == 0 ? 0 : h.getMaxValue());
      t.put("min", h.getTotalCount() == 0 ? 0 : h.getMinValue());
      number(t, "mean", h.getTotalCount() == 0 ? Double.NaN : h.getMean());
    });
    ObjectNode feeders = o.putObject("feeders");
    results.feeders().forEach((name, s) -> {
      ObjectNode f = feeders.putObject(name);
      f.put("rows", s.requests());
      f.put("exhausted", s.errors().getOrDefault("exhausted", 0L));
    });
  }

  /** What summary.json, the page and the console say when no record carried connection times. */
  static final String NOT_MEASURED = "not measured by the jdk engine";

  /**
   * New connections of a name (or of all requests): counts, and the p50/p95/p99/max of the TCP
   * connect and TLS handshake times in ms, each only when there was one. Part of the latency.
   */
  static void connections(ObjectNode n, ConnectionStats c) {
    n.put("newConnections", c.newConnections());
    n.put("tlsHandshakes", c.tlsHandshakes());
    n.put("tlsResumed", c.tlsResumed());
    if (c.newConnections() > 0) {
      timesMs(n.putObject("connectMs"), c::connectMs, c.connectMaxMs());
    }
    if (c.tlsHandshakes() > 0) {
      timesMs(n.putObject("tlsHandshakeMs"), c::tlsHandshakeMs, c.tlsHandshakeMaxMs());
    }
  }

  /** {@code p50}, {@code p95}, {@code p99} and {@code max} of a connection time, ms. */
  private static void timesMs(ObjectNode times, DoubleUnaryOperator percentileMs, double maxMs) {
    times.put("p50", percentileMs.applyAsDouble(50));
    times.put("p95", percentileMs.applyAsDouble(95));
    times.put("p99", percentileMs.applyAsDouble(99));
    times.put("max", maxMs);
  }

  /** Percentiles of a histogram of times, ms: the open model's service time, from the actual send. */
  static ObjectNode latency(Stats s) {
    ObjectNode l = JSON.createObjectNode();
    l.put("p50", s.p50());
    l.put("p90", s.p90());
    l.put("p95", s.p95());
    l.put("p99", s.p99());
    l.put("max", s.max());
    return l;
  }

  static ObjectNode stats(Stats s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("requests", s.requests());
    n.put("failures", s.failures());
    n.put("errorRate", Format.round3(s.errorRate() * 1e3) / 1e3);
    n.put("rps", Format.round3(s.rps()));
    n.put("bytes", s.bytes());
    ObjectNode l = n.putObject("latencyMs");
    l.put("p50", s.p50());
    l.put("p90", s.p90());
    l.put("p95", s.p95());
    l.put("p99", s.p99());
    l.put("max", s.max());
    l.put("mean", Format.round3(s.mean()));
    l.put("min", s.min());
    return n;
  }

  private static ObjectNode counts(Map<String, Long> counts) {
    ObjectNode n = JSON.createObjectNode();
    counts.forEach(n::put);
    return n;
  }

  private static void number(ObjectNode n, String field, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      n.putNull(field);
    } else {
      n.put(field, Format.round3(v));
    }
  }

  private static ObjectNode baseline(Baseline baseline, RunResults results) {
    ObjectNode b = JSON.createObjectNode();
    b.put("source", baseline.source());
    b.put("runId", baseline.runId());
    b.set("totals", delta(baseline.totalsDelta(results)));
    ObjectNode req = b.putObject("requests");
    baseline.compare(results).forEach((name, d) -> req.set(name, delta(d)));
    return b;
  }

  static ObjectNode delta(Baseline.Delta d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("status", d.status());
    number(n, "p95", d.now() == null ? Double.NaN : d.now().p95());
    number(n, "baselineP95", d.before() == null ? Double.NaN : d.before().p95());
    number(n, "p95DeltaMs", d.p95DeltaMs());
    number(n, "p95DeltaPct", d.p95DeltaPct());
    number(n, "rps", d.now() == null ? Double.NaN : d.now().rps());
    number(n, "baselineRps", d.before() == null ? Double.NaN : d.before().rps());
    number(n, "rpsDelta", d.rpsDelta());
    number(n, "rpsDeltaPct", d.rpsDeltaPct());
    return n;
  }
}
