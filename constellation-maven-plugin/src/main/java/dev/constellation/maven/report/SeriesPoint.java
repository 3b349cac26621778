package dev.constellation.maven.report;

/**
 * One point of a time series: what happened in one step (normally one second) of the run,
 * with percentiles from the histograms of that step merged across agents and request names.
 *
 * @param startMs step start, epoch milliseconds
 * @param requests requests completed in the step
 * @param failures failed requests in the step
 * @param rps requests per second in the step
 * @param p50 median latency in the step, ms
 * @param p95 95th percentile latency in the step, ms
 * @param p99 99th percentile latency in the step, ms
 * @since 0.1.0
 */
public record SeriesPoint(long startMs, long requests, long failures, double rps, double p50, double p95, double p99) {

  /** Failures per second in the step. */
  public double errorsPerSecond(long stepMs) {
    return stepMs <= 0 ? 0 : failures * 1000.0 / stepMs;
  }
}
