package dev.constellation.maven.report;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * Benchmark (run by bench/report-build.sh, not a test): writes a synthetic run of
 * {@code hours x regions x names} one-second interval records to a local results store, then
 * times reading them back, merging and writing the full report, and prints the wall time.
 *
 * <p>Arguments: {@code <outDir> [hours=1] [regions=10] [names=20]}.
 */
public final class ReportBuildBench {

  private ReportBuildBench() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-report").toAbsolutePath();
    double hours = args.length > 1 ? Double.parseDouble(args[1]) : 1;
    int regions = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int names = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int seconds = (int) Math.round(hours * 3600);
    String runId = "bench";
    Path records = dir.resolve("records");
    deleteTree(dir);

    long genStart = System.nanoTime();
    List<String> pool = histogramPool(4096, new Random(1));
    long start = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
    LocalDirectoryStore store = new LocalDirectoryStore(records);
    Random random = new Random(2);
    long written = 0;
    Map<String, RunFacts.RegionFacts> facts = new LinkedHashMap<>();
    for (int r = 0; r < regions; r++) {
      String region = "region-" + r;
      String agent = region + "-agent-0";
      facts.put(region, new RunFacts.RegionFacts(1, 100, Map.of("startSkewMs", random.nextInt(40))));
      try (ResultsSink sink = store.sink(agent)) {
        List<IntervalRecord> batch = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
          for (int n = 0; n < names; n++) {
            int h = random.nextInt(pool.size());
            long count = 20 + (h % 61);
            long failures = random.nextInt(50) == 0 ? 1 : 0;
            Map<String, Long> status = failures == 0 ? Map.of("200", count) : Map.of("200", count - 1, "503", 1L);
            batch.add(new IntervalRecord(IntervalRecord.FORMAT_VERSION, runId, region, agent, "Bench", "GET /api/resource-" + n
                + "/{id}", IntervalRecord.KIND_HTTP, start + s * 1000L, 1000, count, failures, status, Map.of(), count * 512,
                pool.get(h)));
          }
          if (batch.size() >= 10_000) {
            sink.write(batch);
            written += batch.size();
            batch.clear();
          }
        }
        sink.write(batch);
        written += batch.size();
      }
    }
    RunFacts runFacts = new RunFacts(runId, Instant.ofEpochMilli(start), seconds * 1000L, "http://127.0.0.1:8080", facts);
    out.printf(Locale.ROOT, "generated %d records (%d s x %d regions x %d names) in %.1f s, %d MB on disk%n", written, seconds,
        regions, names, (System.nanoTime() - genStart) / 1e9, size(records) / (1024 * 1024));

    long gc0 = gcMillis();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    List<IntervalRecord> read = store.readRun(runId);
    long t1 = System.nanoTime();
    RunResults results = RunResults.merge(read, runFacts.durationMs());
    long t2 = System.nanoTime();
    List<ThresholdResult> thresholds = Thresholds.parse(List.of("p(95) < 300ms", "error_rate < 1%",
        "[region=region-0] p(99) < 1s", "[GET /api/resource-0/{id}] p(99.9) < 2s")).evaluate(results);
    ReportFiles files = ReportWriter.write(dir, runFacts, results, thresholds);
    long t3 = System.nanoTime();
    long cpu = processCpuNanos() - cpu0;
    long gc = gcMillis() - gc0;
    runFacts.write(dir);
    Runtime rt = Runtime.getRuntime();
    out.printf(Locale.ROOT, "read %d records: %.1f s | merge: %.1f s | thresholds + report: %.1f s%n", read.size(),
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    out.printf(Locale.ROOT, "REPORT BUILD WALL TIME %.1f s (read + merge + report), max heap %d MB, index.html %d KB%n",
        (t3 - t0) / 1e9, rt.maxMemory() / (1024 * 1024), Files.size(files.indexHtml()) / 1024);
    out.printf(Locale.ROOT, "process CPU %.1f s over %d cores, of which GC %.1f s; load average %.1f%n", cpu / 1e9,
        rt.availableProcessors(), gc / 1e3, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    out.printf(Locale.ROOT, "totals: %d requests, %.1f req/s, p95 %.1f ms; report in %s%n", results.totals().requests(),
        results.totals().rps(), results.totals().p95(), dir);
  }

  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
  }

  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  private static List<String> histogramPool(int size, Random random) {
    List<String> pool = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Histogram h = IntervalRecord.newHistogram();
      int n = 20 + (i % 61);
      double median = 5_000 + random.nextInt(80_000);
      for (int k = 0; k < n; k++) {
        h.recordValue(Math.max(100, (long) (median * Math.exp(random.nextGaussian() * 0.5))));
      }
      pool.add(IntervalRecord.encode(h));
    }
    return pool;
  }

  private static long size(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
