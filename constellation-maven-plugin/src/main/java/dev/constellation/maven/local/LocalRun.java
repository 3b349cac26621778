package dev.constellation.maven.local;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.AgentMain;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.orchestrator.OrchestratorClient;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A run on this machine: one agent JVM per region, started with the same main class and
 * arguments a container gets, results in the run's records directory, live progress from those
 * records while the agents run.
 */
public final class LocalRun {

  /** Extra time allowed past duration + graceful stop for JVM start, setup and the final flush. */
  private static final long SLACK_MILLIS = 120_000;

  private final LocalRunSpec spec;
  private final Consumer<String> info;
  private final Consumer<String> warn;
  private final List<AgentProcess> agents = new ArrayList<>();
  private volatile boolean stopping;

  /**
   * Prepares a local run.
   *
   * @param spec what to run
   * @param info where agent output and progress lines go
   * @param warn where warnings go
   */
  public LocalRun(LocalRunSpec spec, Consumer<String> info, Consumer<String> warn) {
    this.spec = spec;
    this.info = info;
    this.warn = warn;
  }

  /**
   * Starts the agents, reports progress, and waits until the orchestrator says every agent has
   * ended. An agent still running a grace period after the first one ended is stopped (it
   * flushes and reports its end) and counted as a straggler.
   *
   * @param orchestrator the run's orchestrator, already reset for this run
   * @param runId the run
   * @param progress called every progress interval with the records that arrived since the last call
   * @return how each agent ended
   * @throws IOException when an agent cannot be started or the records cannot be read
   * @throws InterruptedException when the build is interrupted (the agents are stopped first)
   */
  public LocalRunOutcome run(OrchestratorClient orchestrator, String runId, Consumer<List<IntervalRecord>> progress)
      throws IOException, InterruptedException {
    Files.createDirectories(spec.recordsDir());
    Path argFile = spec.runDir().resolve("agent-classpath.txt");
    Files.writeString(argFile, "-cp\n\"" + String.join(java.io.File.pathSeparator, spec.classpath().stream()
        .map(p -> p.toAbsolutePath().toString().replace("\\", "\\\\")).toList()) + "\"\n", StandardCharsets.UTF_8);
    try {
      for (AgentConfig agent : spec.agents()) {
        List<String> cmd = new ArrayList<>();
        cmd.add(spec.javaExecutable().toString());
        cmd.addAll(spec.jvmArgs());
        cmd.add("@" + argFile.toAbsolutePath());
        cmd.add(AgentMain.class.getName());
        cmd.addAll(agent.toArgs());
        synchronized (agents) {
          if (stopping) {
            break;
          }
          agents.add(AgentProcess.start(agent.agentId(), cmd, spec.workDir(), info, warn));
        }
      }
      LocalDirectoryStore.Tail tail = new LocalDirectoryStore(spec.recordsDir()).tail();
      long limit = System.currentTimeMillis() + spec.maxDurationMillis() + SLACK_MILLIS;
      long nextProgress = System.currentTimeMillis() + spec.progressIntervalMillis();
      long nextStatus = 0;
      long firstEndAt = -1;
      List<String> stragglers = new ArrayList<>();
      while (!stopping && agents.stream().anyMatch(AgentProcess::alive)) {
        long now = System.currentTimeMillis();
        if (now > limit) {
          warn.accept("agents still running " + (SLACK_MILLIS / 1000) + " s past duration + graceful stop; stopping them");
          break;
        }
        if (now >= nextStatus) {
          nextStatus = now + 500;
          RunStatus status = status(orchestrator, runId);
          if (status != null && status.complete()) {
            break;
          }
          if (status != null && status.ended() > 0 && firstEndAt < 0) {
            firstEndAt = now;
          }
        }
        if (firstEndAt >= 0 && now - firstEndAt > spec.stragglerGraceMillis()) {
          for (AgentProcess a : agents) {
            if (a.alive()) {
              warn.accept("agent " + a.label() + " is still running " + (spec.stragglerGraceMillis() / 1000)
                  + " s after the first agent ended; stopping it (it flushes what it recorded) and counting it as a straggler");
              stragglers.add(a.label());
              a.stop(30_000);
            }
          }
          break;
        }
        Thread.sleep(100);
        if (System.currentTimeMillis() >= nextProgress) {
          progress.accept(tail.poll());
          nextProgress += spec.progressIntervalMillis();
        }
      }
      List<LocalRunOutcome.AgentExit> exits = new ArrayList<>();
      for (AgentProcess a : agents) {
        int code = a.waitFor(30_000);
        if (code == Integer.MIN_VALUE) {
          code = a.stop(30_000);
        }
        exits.add(new LocalRunOutcome.AgentExit(a.label(), code, a.fatalError()));
      }
      return new LocalRunOutcome(exits, stragglers);
    } catch (InterruptedException e) {
      stop(10_000);
      throw e;
    }
  }

  /**
   * Stops every agent of the run, from any thread (a shutdown hook on Ctrl-C): each gets SIGTERM,
   * stops its VUs and flushes what it recorded; one still alive after the wait is killed. No
   * further agent is started, and {@link #run} returns with the agents' exits.
   *
   * @param millis how long to wait for each agent's own exit before killing it
   */
  public void stop(long millis) {
    List<AgentProcess> started;
    synchronized (agents) {
      stopping = true;
      started = List.copyOf(agents);
    }
    started.forEach(AgentProcess::requestStop);
    for (AgentProcess a : started) {
      try {
        a.stop(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Whether {@link #stop} was called. */
  public boolean stopped() {
    return stopping;
  }

  /** Process ids of the agents started so far. */
  public List<Long> agentPids() {
    synchronized (agents) {
      return agents.stream().map(AgentProcess::pid).toList();
    }
  }

  private RunStatus status(OrchestratorClient orchestrator, String runId) {
    try {
      return orchestrator.status(runId);
    } catch (OrchestratorException e) {
      warn.accept("the local orchestrator did not answer (" + e.getMessage() + "); waiting for the agents to exit");
      return null;
    }
  }
}
