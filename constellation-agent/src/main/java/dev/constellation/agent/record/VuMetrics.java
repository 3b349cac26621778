package dev.constellation.agent.record;

import dev.constellation.api.Counter;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Trend;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One virtual user's groups, checks, counters and trends, recorded into the agent's
 * {@link Recording} under the VU's script. Used by the VU's own thread (counters and trends are
 * safe from any thread).
 */
public final class VuMetrics {

  /** What separates the names of nested groups: {@code checkout::pay}. */
  public static final String GROUP_SEPARATOR = "::";

  private final Recording recording;
  private final String script;
  private final LongSupplier failedRequests;
  private final Map<String, Counter> counters = new HashMap<>();
  private final Map<String, Trend> trends = new HashMap<>();
  private String groupPath = "";
  private boolean checkFailed;

  /**
   * Creates the metrics of one VU.
   *
   * @param recording the agent's recording
   * @param script the VU's script name
   * @param failedRequests how many requests of this VU failed so far (a group with one more failed)
   */
  public VuMetrics(Recording recording, String script, LongSupplier failedRequests) {
    this.recording = recording;
    this.script = script;
    this.failedRequests = failedRequests;
  }

  /**
   * Runs a block as a group (see {@code VuContext.group}).
   *
   * @param <T> the result type
   * @param name the group's name
   * @param block the block
   * @return what the block returned
   */
  public <T> T group(String name, Supplier<T> block) {
    requireName("group", name);
    if (name.contains(GROUP_SEPARATOR)) {
      throw new IllegalArgumentException("group(\"" + name + "\"): a group name may not hold \"" + GROUP_SEPARATOR
          + "\", which separates nested groups; nest a group inside the other instead");
    }
    Objects.requireNonNull(block, "block");
    String outer = groupPath;
    boolean outerCheckFailed = checkFailed;
    String path = outer.isEmpty() ? name : outer + GROUP_SEPARATOR + name;
    MetricRecorder recorder = recording.group(script, path);
    long failedBefore = failedRequests.getAsLong();
    groupPath = path;
    checkFailed = false;
    long t0 = System.nanoTime();
    try {
      T result = block.get();
      long micros = (System.nanoTime() - t0) / 1000;
      if (failedRequests.getAsLong() > failedBefore) {
        recorder.recordFailure(micros, -1, "request_failed", null);
      } else if (checkFailed) {
        recorder.recordFailure(micros, -1, "check_failed", null);
      } else {
        recorder.recordSuccess(micros);
      }
      return result;
    } catch (RuntimeException | Error t) {
      long micros = (System.nanoTime() - t0) / 1000;
      String type = t instanceof HttpFailure f ? f.errorType() : t.getClass().getSimpleName();
      recorder.recordFailure(micros, -1, type, t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
      throw t;
    } finally {
      boolean inner = checkFailed;
      groupPath = outer;
      checkFailed = outerCheckFailed || inner;
    }
  }

  /**
   * Counts a check.
   *
   * @param name the check's name
   * @param passed whether it held
   * @param message why it failed, or null
   * @return {@code passed}
   */
  public boolean check(String name, boolean passed, String message) {
    requireName("check", name);
    recording.check(script, name).recordCheck(passed, message);
    if (!passed) {
      checkFailed = true;
    }
    return passed;
  }

  /**
   * Counts a check written as assertions: passes when {@code assertion} returns, fails on an {@link AssertionError}.
   *
   * @param name the check's name
   * @param assertion the assertions
   * @return whether it passed
   */
  public boolean check(String name, Runnable assertion) {
    requireName("check", name);
    try {
      assertion.run();
    } catch (AssertionError e) {
      return check(name, false, "AssertionError" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
    return check(name, true, null);
  }

  /**
   * A counter of the VU's script.
   *
   * @param name the counter's name
   * @return the counter
   */
  public Counter counter(String name) {
    requireName("counter", name);
    return counters.computeIfAbsent(name, n -> {
      MetricRecorder r = recording.counter(script, n);
      return new Counter() {
        @Override
        public void add(long amount) {
          if (amount < 0) {
            throw new IllegalArgumentException("counter \"" + n + "\": add(" + amount + "): a counter only grows; add 0 or more");
          }
          r.add(amount);
        }

        @Override
        public String name() {
          return n;
        }
      };
    });
  }

  /**
   * A trend of the VU's script.
   *
   * @param name the trend's name
   * @return the trend
   */
  public Trend trend(String name) {
    requireName("trend", name);
    return trends.computeIfAbsent(name, n -> {
      MetricRecorder r = recording.trend(script, n);
      return new Trend() {
        @Override
        public void record(long value) {
          if (value < 0) {
            throw new IllegalArgumentException("trend \"" + n + "\": record(" + value + "): trends hold values from 0 to " + MAX_VALUE
                + "; shift negative values or count them in a counter");
          }
          r.recordValue(value);
        }

        @Override
        public String name() {
          return n;
        }
      };
    });
  }

  private static void requireName(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + "(" + (name == null ? "null" : "\"" + name + "\"") + "): give the " + what + " a name");
    }
  }
}
