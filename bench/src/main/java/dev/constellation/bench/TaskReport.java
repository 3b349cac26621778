package dev.constellation.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * One row of bench/vus-per-task.sh from one agent run: its records, its result file and its GC log.
 *
 * <pre>TaskReport &lt;resultsDir&gt; &lt;vus&gt; &lt;warmupSeconds&gt; &lt;durationSeconds&gt; &lt;gcLog&gt; &lt;cpuSamples&gt;</pre>
 *
 * <p>The steady window is the whole-second intervals from {@code warmup} seconds after the load
 * started (the agent's {@code startAt}) to the end of the load duration, the last (partial)
 * interval left out. Prints one line of {@code key=value}: iterations per second in the window
 * and as a share of the intended rate (vus per second: each VU thinks 1 s on average), request
 * failures, request latency p50/p99/max and think-time wake-up lateness p99/max from merged
 * histograms (never averages), the agent's self-check (highest own CPU over a second, worst
 * scheduling lag, saturated seconds, their main cause), and from the GC log the collector, the
 * number of pauses, their total and longest time and the largest heap after a collection.
 *
 * <p>The CPU samples ({@code <epoch ms> <CPU seconds so far>} of the agent's process about once a
 * second, from bench/lib/rusage.py) give the agent's CPU in the steady window as a share of its one
 * core: on average, the highest second, and the longest run of seconds above the self-check's
 * limit of 90% (three in a row is what makes the agent's self-check blame its own CPU). The
 * self-check itself also counts the first seconds, where the JIT compiler shares the one core.
 */
public final class TaskReport {

  private static final Pattern GC_PAUSE = Pattern.compile("Pause .*? (\\d+)M->(\\d+)M\\((\\d+)M\\) ([\\d.]+)ms");
  /** The agent self-check's own-CPU limit (SelfCheck.CPU_LIMIT). */
  private static final double CPU_LIMIT = 0.90;
  private static final Pattern GC_USING = Pattern.compile("Using (\\w+)");

  private TaskReport() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int vus = Integer.parseInt(args[1]);
    long warmupMs = Long.parseLong(args[2]) * 1000;
    long durationMs = Long.parseLong(args[3]) * 1000;
    Path gcLog = Path.of(args[4]);
    Path cpuSamples = Path.of(args[5]);

    JsonNode result = null;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.result.json")) {
      for (Path f : files) {
        result = new ObjectMapper().readTree(f.toFile());
      }
    }
    if (result == null) {
      throw new IOException("no agent result file in " + dir + " (did the agent finish?)");
    }
    long startAt = result.path("startAt").asLong();
    long from = startAt + warmupMs;
    long to = startAt + durationMs;

    Histogram latency = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
    latency.setAutoResize(true);
    Histogram late = new Histogram(IntervalRecord.SIGNIFICANT_DIGITS);
    late.setAutoResize(true);
    TreeMap<Long, Long> intervals = new TreeMap<>();
    long iterations = 0;
    long requests = 0;
    long failures = 0;
    long allFailures = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
      for (Path f : files) {
        for (String line : Files.readAllLines(f)) {
          if (line.isBlank()) {
            continue;
          }
          IntervalRecord r = IntervalRecordCodec.fromJsonLine(line);
          if (r.kind().equals(IntervalRecord.KIND_HTTP)) {
            allFailures += r.failures();
          }
          if (r.startMs() < from || r.startMs() + r.lengthMs() > to) {
            continue;
          }
          intervals.put(r.startMs(), r.lengthMs());
          switch (r.kind()) {
            case IntervalRecord.KIND_ITERATION -> iterations += r.count();
            case IntervalRecord.KIND_HTTP -> {
              requests += r.count();
              failures += r.failures();
              latency.add(r.decodeHistogram());
            }
            case IntervalRecord.KIND_TREND -> {
              if (r.name().equals(RequestThink.LATE)) {
                late.add(r.decodeHistogram());
              }
            }
            default -> { }
          }
        }
      }
    }
    long windowMs = intervals.values().stream().mapToLong(Long::longValue).sum();
    double rate = windowMs == 0 ? 0 : iterations * 1000.0 / windowMs;

    // the agent's CPU in the window, from consecutive samples inside it
    List<long[]> samples = new ArrayList<>();
    if (Files.exists(cpuSamples)) {
      for (String line : Files.readAllLines(cpuSamples)) {
        String[] f = line.trim().split(" ");
        if (f.length == 2) {
          samples.add(new long[] {Long.parseLong(f[0]), Math.round(Double.parseDouble(f[1]) * 1000)});
        }
      }
    }
    double cpuMax = 0;
    long cpuFirstMs = -1;
    long cpuFirst = 0;
    long cpuLastMs = -1;
    long cpuLast = 0;
    int run = 0;
    int longestRun = 0;
    for (int i = 1; i < samples.size(); i++) {
      long[] a = samples.get(i - 1);
      long[] b = samples.get(i);
      if (a[0] < from || b[0] > to || b[0] <= a[0]) {
        continue;
      }
      if (cpuFirstMs < 0) {
        cpuFirstMs = a[0];
        cpuFirst = a[1];
      }
      cpuLastMs = b[0];
      cpuLast = b[1];
      double share = (b[1] - a[1]) / (double) (b[0] - a[0]);
      cpuMax = Math.max(cpuMax, share);
      run = share > CPU_LIMIT ? run + 1 : 0;
      longestRun = Math.max(longestRun, run);
    }
    double cpuAvg = cpuLastMs > cpuFirstMs ? (cpuLast - cpuFirst) / (double) (cpuLastMs - cpuFirstMs) : -0.01;

    String gc = "?";
    long pauses = 0;
    double pauseMs = 0;
    double maxPauseMs = 0;
    long maxAfterMb = 0;
    long maxCommittedMb = 0;
    if (Files.exists(gcLog)) {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher using = GC_USING.matcher(line);
        if (gc.equals("?") && using.find()) {
          gc = using.group(1);
        }
        Matcher m = GC_PAUSE.matcher(line);
        if (m.find()) {
          pauses++;
          double ms = Double.parseDouble(m.group(4));
          pauseMs += ms;
          maxPauseMs = Math.max(maxPauseMs, ms);
          maxAfterMb = Math.max(maxAfterMb, Long.parseLong(m.group(2)));
          maxCommittedMb = Math.max(maxCommittedMb, Long.parseLong(m.group(3)));
        }
      }
    }
    System.out.println(String.format(Locale.ROOT,
        "window_s=%.0f iterations_per_s=%.1f intended_per_s=%d kept=%.3f requests=%d failures=%d failures_whole_run=%d "
            + "p50_ms=%.2f p99_ms=%.2f max_ms=%.1f late_p99_ms=%.2f late_max_ms=%.1f "
            + "window_cpu_avg_pct=%.0f window_cpu_max_pct=%.0f window_cpu_over90_run_s=%d "
            + "cpu_max_pct=%d lag_max_ms=%d saturated_s=%d cause=%s machine_max_pct=%d "
            + "gc=%s gc_pauses=%d gc_total_ms=%.0f gc_max_ms=%.1f heap_after_gc_max_mb=%d heap_committed_max_mb=%d",
        windowMs / 1000.0, rate, vus, rate / vus, requests, failures, allFailures,
        ms(latency, 50), ms(latency, 99), latency.getMaxValue() / 1000.0, ms(late, 99), late.getMaxValue() / 1000.0,
        cpuAvg * 100, cpuMax * 100, longestRun,
        result.path("maxCpuPercent").asLong(), result.path("maxSchedulingLagMs").asLong(), result.path("saturatedSeconds").asLong(),
        result.path("saturationCause").asText("?"), result.path("maxMachineCpuPercent").asLong(-1),
        gc, pauses, pauseMs, maxPauseMs, maxAfterMb, maxCommittedMb));
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
