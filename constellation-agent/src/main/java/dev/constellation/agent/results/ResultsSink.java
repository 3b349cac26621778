package dev.constellation.agent.results;

import java.io.IOException;
import java.util.List;

/**
 * Where an agent ships its interval records: a local directory, S3 or Timestream.
 * Called from one flushing thread; implementations need not be thread-safe.
 */
public interface ResultsSink extends AutoCloseable {

  /**
   * Writes a batch of records. Returns once they are stored, or buffered for a later retry;
   * records are never silently dropped.
   *
   * @param records the records of one flush
   * @throws IOException when the records can neither be stored nor buffered
   */
  void write(List<IntervalRecord> records) throws IOException;

  /**
   * Stores whatever is buffered, retrying within the sink's limits, and releases resources.
   * Records that still could not be stored are reported in the exception's message.
   *
   * @throws IOException naming how many records were not stored and why
   */
  @Override
  void close() throws IOException;
}
