package dev.constellation.agent.vt;

import dev.constellation.agent.runtime.Threads;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link CarrierThreadsIT}: configures the carriers for the base URL in
 * {@code args[0]} as the agent's main does, then keeps 64 CPU-bound virtual threads busy and
 * prints {@code CARRIERS <distinct carrier threads seen> <description>}.
 */
public final class CarrierProbe {

  private CarrierProbe() {}

  public static void main(String[] args) throws Exception {
    Threads.configureCarriers(args[0]);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService vts = Threads.virtualExecutorIfAvailable("probe-");
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      all.add(vts.submit(() -> {
        long end = System.nanoTime() + 100_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
          x += System.nanoTime() % 7;
          String t = Thread.currentThread().toString();
          seen.add(t.substring(t.indexOf('@') + 1));
          if ((x & 1023) == 0) {
            Thread.yield();
          }
        }
        return x;
      }));
    }
    for (Future<?> f : all) {
      f.get();
    }
    vts.shutdown();
    System.out.println("CARRIERS " + seen.size() + " " + Threads.carriers());
  }
}
