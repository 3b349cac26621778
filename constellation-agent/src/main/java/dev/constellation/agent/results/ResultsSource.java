package dev.constellation.agent.results;

import java.io.IOException;
import java.util.List;

/** Reads back every interval record of a run from a results store. */
public interface ResultsSource {

  /**
   * All records of one run, in no particular order.
   *
   * @param runId the run
   * @return the records
   * @throws IOException when the store cannot be read
   */
  List<IntervalRecord> readRun(String runId) throws IOException;
}
