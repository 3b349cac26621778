package dev.constellation.api;

/**
 * A custom trend: a distribution of whole numbers that scripts record (a queue depth, a
 * server-reported time), kept in HdrHistograms with 3 significant digits and merged over every
 * virtual user, agent and region, so its percentiles are exact to that precision and never
 * averaged. Get one with {@link VuContext#trend(String)}. Safe to use from any thread.
 *
 * <p>Values have no unit in the report: record them in the unit you want to read them in (and
 * name the trend after it, such as {@code queue_wait_ms}).
 *
 * @since 0.3
 */
public interface Trend {

  /** The largest value a trend records: {@value}; larger values are recorded as this. */
  long MAX_VALUE = 3_600_000_000L;

  /**
   * Records one value.
   *
   * @param value the value, from 0 to {@link #MAX_VALUE}; larger values are recorded as {@link #MAX_VALUE}
   * @throws IllegalArgumentException when {@code value} is negative
   */
  void record(long value);

  /**
   * The trend's name.
   *
   * @return the name given to {@link VuContext#trend(String)}
   */
  String name();
}
