package dev.constellation.maven.local;

import dev.constellation.agent.AgentConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * What a local run starts.
 *
 * @param runDir the run's output directory
 * @param recordsDir where agents write their interval records
 * @param workDir the agents' working directory (the project's base directory)
 * @param javaExecutable the {@code java} launcher for agents
 * @param jvmArgs extra JVM options for agents
 * @param classpath the project's test classpath plus the agent's own jars
 * @param agents one configuration per agent JVM
 * @param maxDurationMillis duration plus graceful stop: how long agents should run at most
 * @param progressIntervalMillis how often progress is reported
 * @param stragglerGraceMillis how long agents may run on after the first one ended
 */
public record LocalRunSpec(
    Path runDir,
    Path recordsDir,
    Path workDir,
    Path javaExecutable,
    List<String> jvmArgs,
    List<Path> classpath,
    List<AgentConfig> agents,
    long maxDurationMillis,
    long progressIntervalMillis,
    long stragglerGraceMillis) {

  public LocalRunSpec {
    jvmArgs = List.copyOf(jvmArgs);
    classpath = List.copyOf(classpath);
    agents = List.copyOf(agents);
  }
}
