package dev.constellation.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Work done in several regions at once, the way preflight, init and teardown do it: one task per
 * region on a pool of at most {@value #MAX_THREADS} threads, every task awaited, and what went wrong
 * collected as {@link Problem}s rather than thrown, so that one region's failure does not stop the
 * others and the user sees every problem in one answer.
 */
final class PerRegion {

  /** Regions worked on at the same time at most. */
  static final int MAX_THREADS = 8;

  private PerRegion() {
  }

  /**
   * Runs every task (at most {@value #MAX_THREADS} at a time) and waits until all have ended.
   *
   * @param operation {@code preflight}, {@code init} or {@code teardown}: names the problem a task's
   *     unexpected exception becomes ({@code [global] <operation>: <exception>. Fix: report this as a
   *     bug}) and the interruption
   * @param tasks the work, one task per region; none: nothing is started
   * @param problems a synchronized list that receives the problems
   * @throws IllegalStateException when the calling thread is interrupted while waiting (the pool's
   *     threads are interrupted too)
   */
  static void runAll(String operation, List<Runnable> tasks, List<Problem> problems) {
    if (tasks.isEmpty()) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_THREADS, tasks.size()));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable task : tasks) {
        futures.add(pool.submit(task));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          problems.add(new Problem("global", operation, String.valueOf(e.getCause()), "report this as a bug"));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(operation + " interrupted; run it again to finish", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs one region's work; the problems of a {@link DeployException} it throws, or an AWS call's
   * failure ({@code [region] AWS call: <message>. Fix: <fix(e)>}), go into {@code problems}.
   */
  static void guarded(String region, List<Problem> problems, Function<SdkException, String> fix, Runnable work) {
    try {
      work.run();
    } catch (DeployException e) {
      problems.addAll(e.problems());
    } catch (SdkException e) {
      problems.add(new Problem(region, "AWS call", e.getMessage(), fix.apply(e)));
    }
  }

  /** {@code 1 problem}, {@code 3 problems}. */
  static String count(List<Problem> problems) {
    return problems.size() + (problems.size() == 1 ? " problem" : " problems");
  }
}
