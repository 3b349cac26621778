package dev.constellation.maven.local;

import java.util.List;

/**
 * How the agents of a local run ended.
 *
 * @param agents one entry per agent
 * @param stragglers agents stopped because they ran on too long after the others ended
 */
public record LocalRunOutcome(List<AgentExit> agents, List<String> stragglers) {

  public LocalRunOutcome {
    agents = List.copyOf(agents);
    stragglers = List.copyOf(stragglers);
  }

  /**
   * One agent's end.
   *
   * @param agentId the agent
   * @param exitCode its exit code
   * @param fatalError the error it reported, or null
   */
  public record AgentExit(String agentId, int exitCode, String fatalError) {}
}
