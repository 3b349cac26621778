package dev.constellation.agent.results.reliable;

import dev.constellation.agent.results.IntervalRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/** Builds realistic interval records (real histograms) for the store tests. */
public final class TestRecords {

  private TestRecords() {}

  /**
   * One record with a histogram of {@code samples} latencies spread over four decades.
   */
  public static IntervalRecord record(String runId, String region, String agent, String name, long startMs,
      int samples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Histogram h = IntervalRecord.newHistogram();
    for (int i = 0; i < samples; i++) {
      h.recordValue((long) Math.exp(random.nextDouble(Math.log(200), Math.log(2_000_000))));
    }
    Map<String, Long> status = new LinkedHashMap<>();
    status.put("200", (long) samples - samples / 10);
    if (samples >= 10) {
      status.put("503", (long) samples / 10);
    }
    Map<String, Long> errors = seed % 3 == 0 ? Map.of("java.net.ConnectException", 2L) : Map.of();
    return new IntervalRecord(IntervalRecord.FORMAT_VERSION, runId, region, agent, "Checkout", name,
        IntervalRecord.KIND_HTTP, startMs, 1000, samples, samples / 10, status, errors, 512L * samples,
        IntervalRecord.encode(h));
  }

  /**
   * Connection times of {@code opened} new connections: connect times of 50 µs to 200 ms, as many
   * TLS handshakes of 1 to 400 ms, a third of them resumed; none when {@code opened} is 0.
   */
  public static IntervalRecord.Connections connections(long opened, long seed) {
    if (opened == 0) {
      return IntervalRecord.Connections.NONE;
    }
    SplittableRandom random = new SplittableRandom(seed);
    Histogram connect = IntervalRecord.newHistogram();
    Histogram tls = IntervalRecord.newHistogram();
    for (long i = 0; i < opened; i++) {
      connect.recordValue((long) Math.exp(random.nextDouble(Math.log(50), Math.log(200_000))));
      tls.recordValue((long) Math.exp(random.nextDouble(Math.log(1_000), Math.log(400_000))));
    }
    return new IntervalRecord.Connections(opened, IntervalRecord.encode(connect), opened / 3, IntervalRecord.encode(tls));
  }

  /** {@code n} records of one flush: names x seconds, with histograms of varying size. */
  public static List<IntervalRecord> flush(String runId, String region, String agent, int flush, int n) {
    List<IntervalRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int samples = (i % 4 == 0) ? 20_000 : 5 + i;
      out.add(record(runId, region, agent, "GET /items/{id}#" + (i % 5), 1_790_000_000_000L + 1000L * (flush * n + i),
          samples, flush * 1000L + i));
    }
    return out;
  }
}
