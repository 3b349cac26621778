package dev.constellation.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/** Runs and records steps, reporting each to the listener as it finishes. Thread-safe. */
final class Steps {

  private final StepListener listener;
  private final List<Step> done = Collections.synchronizedList(new ArrayList<>());

  Steps(StepListener listener) {
    this.listener = listener;
  }

  /** A step's result: the outcome and a detail for the reader. */
  record Done(Step.Outcome outcome, String detail) {
    static Done of(Step.Outcome outcome) {
      return new Done(outcome, "");
    }
  }

  Step run(String region, String resource, Supplier<Done> action) {
    long start = System.nanoTime();
    Done d = action.get();
    Step s = new Step(region, resource, d.outcome(), Duration.ofNanos(System.nanoTime() - start), d.detail());
    done.add(s);
    listener.step(s);
    return s;
  }

  List<Step> all() {
    synchronized (done) {
      return List.copyOf(done);
    }
  }
}
