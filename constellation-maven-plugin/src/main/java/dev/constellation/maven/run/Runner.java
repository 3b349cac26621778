package dev.constellation.maven.run;

import java.io.IOException;

/**
 * Runs the agents of a planned load test somewhere and returns when they have ended: locally
 * ({@link LocalRunner}) or, later, on AWS. Reporting is not its job: {@link RunService} reads the
 * records the agents left and writes the report the same way for every runner.
 */
public interface Runner {

  /**
   * Starts the agents, relays their progress, and waits until every agent has ended or the run
   * is interrupted (then the agents are stopped and have flushed before this returns).
   *
   * @param plan what to run
   * @param context the run's id, directories, classpath, log and interruption
   * @return how the agents ended
   * @throws RunException when the run cannot be started or the orchestrator refuses it
   * @throws IOException when agents cannot be started or records cannot be read
   * @throws InterruptedException when the calling thread is interrupted (the agents are stopped first)
   */
  RunOutcome run(RunPlan plan, RunContext context) throws RunException, IOException, InterruptedException;

  /**
   * What happens before anything is created: prints what the runner will start (on AWS the tasks
   * per region and the price) and checks limits that need no call anywhere. Nothing is started,
   * nothing is written, no credentials are needed.
   *
   * @param plan what to run
   * @param log where lines go
   * @return false when the run stops here (a dry run)
   * @throws PlanException when the plan exceeds a limit the user set (such as the most it may cost)
   */
  default boolean preview(RunPlan plan, RunLog log) throws PlanException {
    return true;
  }

  /**
   * Called once the run's report files are written (for an interrupted run too): on AWS the run's {@code run.json}
   * and {@code summary.json} are kept in the results store beside its records, so a runs list elsewhere shows the
   * run without reading its records. A failure is the runner's to report as a warning; the run's outcome stands.
   *
   * @param plan what ran
   * @param context the run's id, directories and log
   */
  default void reported(RunPlan plan, RunContext context) {
  }
}
