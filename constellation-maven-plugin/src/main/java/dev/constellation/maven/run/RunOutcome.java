package dev.constellation.maven.run;

import java.util.List;

/**
 * How the agents of a run ended.
 *
 * @param agents one entry per agent that was started
 * @param stragglers agents stopped because they ran on too long after the others ended
 * @param interrupted whether the run was stopped before its end (Ctrl-C)
 */
public record RunOutcome(List<AgentExit> agents, List<String> stragglers, boolean interrupted) {

  public RunOutcome {
    agents = List.copyOf(agents);
    stragglers = List.copyOf(stragglers);
  }

  /**
   * One agent's end.
   *
   * @param agentId the agent
   * @param exitCode its exit code (see the agent's exit codes in docs/configuration.md)
   * @param fatalError the error it reported, or null
   */
  public record AgentExit(String agentId, int exitCode, String fatalError) {}
}
