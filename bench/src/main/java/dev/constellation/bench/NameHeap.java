package dev.constellation.bench;

import dev.constellation.agent.record.MetricRecorder;
import dev.constellation.agent.record.Recording;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap per request name: used heap after full GCs with N names, each having recorded requests of
 * 5 to 50 ms (and service times, as in the open model) and been drained twice, minus a 0-name
 * baseline. Run by bench/heap.sh after the idle-VU measurement.
 */
public final class NameHeap {

  private NameHeap() {}

  public static void main(String[] args) throws Exception {
    int names = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    long baseline = IdleVuHeap.usedAfterGc();
    Recording recording = new Recording("bench", "local", "local-0", names + 1, true);
    List<MetricRecorder> keep = new ArrayList<>();
    for (int n = 0; n < names; n++) {
      MetricRecorder r = recording.http("script", "GET /name/" + n);
      keep.add(r);
      for (int i = 0; i < 1_000; i++) {
        r.recordResponse(5_000 + (i * 45L) % 45_000, 200, 20);
        r.recordService(4_000 + (i * 45L) % 45_000);
      }
    }
    recording.drain(0, 1000);
    for (MetricRecorder r : keep) {
      r.recordResponse(20_000, 200, 20);
      r.recordService(19_000);
    }
    recording.drain(1000, 1000);
    long used = IdleVuHeap.usedAfterGc();
    System.out.printf("used heap after GC: baseline %.1f MB, with %d request names %.1f MB%n", baseline / 1e6, names, used / 1e6);
    System.out.printf("heap per request name (latency and service-time histograms, counters): %.0f bytes (%.1f KB)%n",
        (used - baseline) / (double) names, (used - baseline) / 1024.0 / names);
    System.out.println(keep.size() + " recorders kept");
  }
}
