package dev.constellation.awsfake;

import java.util.ArrayList;
import java.util.List;

/** Every call the fake received, in order; thread-safe. */
public final class Journal {

  private final List<Call> calls = new ArrayList<>();

  synchronized void add(Call call) {
    calls.add(call);
  }

  /** All calls so far, oldest first (a copy). */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls that may change infrastructure (see {@link Call#mutating()}). */
  public synchronized List<Call> mutating() {
    return calls.stream().filter(Call::mutating).toList();
  }

  /** The calls to one operation of one service, e.g. {@code calls("ecs", "RunTask")}. */
  public synchronized List<Call> calls(String service, String operation) {
    return calls.stream()
        .filter(c -> c.service().equals(service) && c.operation().equals(operation)).toList();
  }

  /** Forgets every call so far. */
  public synchronized void clear() {
    calls.clear();
  }
}
