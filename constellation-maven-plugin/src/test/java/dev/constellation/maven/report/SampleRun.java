package dev.constellation.maven.report;

import dev.constellation.agent.results.IntervalRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A small but complete synthetic run used by the report tests: two regions, hostile request names. */
final class SampleRun {

  static final long START = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
  static final String HOSTILE = "GET /search?q=</script><script>alert(1)</script>&x=\"'";

  final List<IntervalRecord> records = new ArrayList<>();
  final RunFacts facts;

  SampleRun(int seconds, long seed) {
    Random random = new Random(seed);
    String[] regions = {"eu-west-1", "us-east-1"};
    String[] names = {"GET /items/{id}", "POST /orders", HOSTILE};
    for (int s = 0; s < seconds; s++) {
      for (int ri = 0; ri < regions.length; ri++) {
        for (int agent = 0; agent < 2; agent++) {
          for (String name : names) {
            int n = 20 + random.nextInt(30);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
              double base = (ri == 0 ? 8 : 60) * (name.startsWith("POST") ? 3 : 1) * (s > seconds / 2 ? 1.5 : 1);
              v[i] = Math.max(50, (long) (1000 * base * Math.exp(random.nextGaussian() * 0.4)));
            }
            long failures = random.nextInt(10) == 0 ? 1 : 0;
            Map<String, Long> status = new LinkedHashMap<>();
            status.put("200", n - failures);
            if (failures > 0) {
              status.put("503", failures);
            }
            Map<String, Long> errors = random.nextInt(15) == 0 ? Map.of("java.net.ConnectException", 1L) : Map.of();
            records.add(TestRecords.http(regions[ri], regions[ri] + "-" + agent, name, START + s * 1000L, v, failures, status,
                errors));
          }
          long f = random.nextInt(20) == 0 ? 1 : 0;
          records.add(TestRecords.iteration(regions[ri], regions[ri] + "-" + agent, "BrowseAndBuy", START + s * 1000L, f,
              f > 0 ? Map.of("org.opentest4j.AssertionFailedError", 1L) : Map.of(), 120_000, 150_000, 180_000));
        }
      }
    }
    Map<String, RunFacts.RegionFacts> rf = new LinkedHashMap<>();
    rf.put("eu-west-1", new RunFacts.RegionFacts(2, 50, Map.of("startSkewMs", 12)));
    rf.put("us-east-1", new RunFacts.RegionFacts(2, 50, Map.of("startSkewMs", 31)));
    facts = new RunFacts("run-20261127-1000", Instant.ofEpochMilli(START), seconds * 1000L, "http://127.0.0.1:8080", rf);
  }

  RunResults results() {
    return RunResults.merge(records, facts.durationMs());
  }
}
