package dev.constellation.maven.report;

import dev.constellation.agent.results.IntervalRecord;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Builds interval records for tests, encoding histograms the way agents do. */
final class TestRecords {

  static final String RUN = "run-1";

  private TestRecords() {}

  static IntervalRecord http(String region, String agent, String name, long startMs, long[] latenciesMicros, long failures,
      Map<String, Long> status, Map<String, Long> errors) {
    Histogram h = IntervalRecord.newHistogram();
    for (long v : latenciesMicros) {
      h.recordValue(v);
    }
    return new IntervalRecord(IntervalRecord.FORMAT_VERSION, RUN, region, agent, "script", name, IntervalRecord.KIND_HTTP,
        startMs, 1000, latenciesMicros.length, failures, status, errors, 100L * latenciesMicros.length, IntervalRecord.encode(h));
  }

  static IntervalRecord http(String region, String agent, String name, long startMs, long... latenciesMicros) {
    return http(region, agent, name, startMs, latenciesMicros, 0, Map.of("200", (long) latenciesMicros.length), Map.of());
  }

  static IntervalRecord iteration(String region, String agent, String script, long startMs, long failures,
      Map<String, Long> errors, long... durationsMicros) {
    Histogram h = IntervalRecord.newHistogram();
    for (long v : durationsMicros) {
      h.recordValue(v);
    }
    return new IntervalRecord(IntervalRecord.FORMAT_VERSION, RUN, region, agent, script, script, IntervalRecord.KIND_ITERATION,
        startMs, 1000, durationsMicros.length, failures, Map.of(), errors, 0, IntervalRecord.encode(h));
  }

  static IntervalRecord schedule(String region, String agent, String script, long startMs, long dropped, long late,
      long... lagsMicros) {
    Histogram h = IntervalRecord.newHistogram();
    for (long v : lagsMicros) {
      h.recordValue(v);
    }
    return new IntervalRecord(IntervalRecord.FORMAT_VERSION, RUN, region, agent, script, script, IntervalRecord.KIND_SCHEDULE,
        startMs, 1000, lagsMicros.length, dropped, Map.of(), Map.of("dropped", dropped, "late", late), 0, IntervalRecord.encode(h));
  }

  static IntervalRecord service(String region, String agent, String name, long startMs, long... micros) {
    Histogram h = IntervalRecord.newHistogram();
    for (long v : micros) {
      h.recordValue(v);
    }
    return new IntervalRecord(IntervalRecord.FORMAT_VERSION, RUN, region, agent, "script", name, IntervalRecord.KIND_SERVICE,
        startMs, 1000, micros.length, 0, Map.of(), Map.of(), 0, IntervalRecord.encode(h));
  }
}
