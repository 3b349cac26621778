package dev.constellation.maven.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a runner needs besides the plan.
 *
 * @param runId the run's id
 * @param runDir the run's directory (report, {@code run.json})
 * @param recordsDir where the agents' interval records go
 * @param workDir the agents' working directory (the project directory)
 * @param classpath the project's test classpath plus the agent's jars, for local agent JVMs
 * @param log where lines go
 * @param interruption the run's Ctrl-C handling: runners register how to stop their agents
 */
public record RunContext(String runId, Path runDir, Path recordsDir, Path workDir, List<Path> classpath, RunLog log,
    Interruption interruption) {

  public RunContext {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(interruption, "interruption");
    classpath = List.copyOf(classpath);
  }
}
