package dev.constellation.maven.local;

import java.util.List;

/**
 * How the agents of a local run ended.
 *
 * @param agents one entry per agent
 */
public record LocalRunOutcome(List<AgentExit> agents) {

  public LocalRunOutcome {
    agents = List.copyOf(agents);
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
