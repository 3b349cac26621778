package dev.constellation.agent.results.reliable;

import dev.constellation.agent.results.IntervalRecord;
import java.io.IOException;
import java.util.List;

/**
 * What a remote store tells {@link ReliableSink}: how records become batches (the unit of one
 * request and of retry), and how one batch is sent.
 *
 * @param <B> the store's batch type
 */
public interface Transport<B> {

  /**
   * Where the records go, for messages, e.g. {@code s3://bucket/runs/r1/eu-west-1/agent-1/}.
   *
   * @return a description of the destination
   */
  String target();

  /**
   * Turns the records of one flush into batches. Called once per flush, so a store may number them.
   *
   * @param records the records
   * @return the batches, possibly none
   * @throws IOException when the records cannot be encoded
   */
  List<B> batches(List<IntervalRecord> records) throws IOException;

  /**
   * The distinct interval records a batch carries (all or part of each).
   *
   * @param batch the batch
   * @return the records
   */
  List<IntervalRecord> records(B batch);

  /**
   * The memory a buffered batch holds.
   *
   * @param batch the batch
   * @return bytes, roughly
   */
  long bytes(B batch);

  /**
   * Sends one batch. Throws when nothing of it was stored; returns what is left otherwise.
   *
   * @param batch the batch
   * @return {@link Outcome#stored()} or what remains to retry and what the store refused for good
   * @throws Exception when the request failed as a whole
   */
  Outcome<B> send(B batch) throws Exception;

  /**
   * Whether a failure of {@link #send} may go away by itself (throttling, 5xx, network):
   * such failures are retried with backoff; others wait for the next write or close.
   *
   * @param failure what {@link #send} threw
   * @return true when retrying soon makes sense
   */
  boolean isTransient(Exception failure);

  /**
   * The result of a send that reached the store.
   *
   * @param retry batches still to send (items the store refused for a passing reason), usually empty
   * @param rejected records the store refused for good, with the store's reason
   * @param <B> the batch type
   */
  record Outcome<B>(List<B> retry, List<Rejection> rejected) {

    public Outcome {
      retry = List.copyOf(retry);
      rejected = List.copyOf(rejected);
    }

    /**
     * Everything was stored.
     *
     * @param <B> the batch type
     * @return the outcome
     */
    public static <B> Outcome<B> stored() {
      return new Outcome<>(List.of(), List.of());
    }
  }

  /**
   * A record the store refused for good.
   *
   * @param record the record
   * @param reason the store's reason
   */
  record Rejection(IntervalRecord record, String reason) {}
}
