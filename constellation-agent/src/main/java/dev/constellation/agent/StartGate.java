package dev.constellation.agent;

/** Decides when load starts: at once for a lone agent, or when the orchestrator says so. */
public interface StartGate {

  /**
   * Blocks until load may start.
   *
   * @return the start time, epoch milliseconds
   * @throws AbortedException when the run was aborted and no load may be sent
   * @throws InterruptedException when the agent is stopped while waiting
   */
  long awaitStart() throws InterruptedException;

  /** A gate that opens at once. */
  static StartGate immediate() {
    return System::currentTimeMillis;
  }

  /** The run was aborted before it started; the message says why. */
  final class AbortedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the run was aborted
     */
    public AbortedException(String message) {
      super(message);
    }
  }
}
