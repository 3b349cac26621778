package dev.constellation.maven.run;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.maven.local.LocalRun;
import dev.constellation.maven.local.LocalRunOutcome;
import dev.constellation.maven.local.LocalRunSpec;
import dev.constellation.maven.report.ConsoleSummary;
import dev.constellation.maven.report.RunResults;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.http.HttpOrchestratorClient;
import dev.constellation.orchestrator.http.LocalOrchestratorServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a plan on this machine: a local orchestrator on loopback, one agent JVM per region with
 * the project's test classpath (the same main class and arguments a container gets), live
 * progress from the records. On interruption its agents are stopped and flush before it returns.
 */
public final class LocalRunner implements Runner {

  /** How long each agent has to end on its own after SIGTERM before it is killed. */
  static final long AGENT_STOP_MILLIS = 60_000;

  @Override
  public RunOutcome run(RunPlan plan, RunContext ctx) throws RunException, IOException, InterruptedException {
    List<AgentConfig> agents = plan.agents(ctx.runId(), ctx.recordsDir());
    AgentConfig first = agents.get(0);
    checkTarget(plan.baseUrl(), plan.timings().targetWait(), ctx);
    if (ctx.interruption().interrupted()) {
      return new RunOutcome(List.of(), List.of(), true);
    }
    RunPlan.Timings t = plan.timings();
    long maxMillis = t.registrationDeadline().plus(t.startBuffer()).plus(first.loadDuration()).plus(first.gracefulStop()).toMillis();
    long startedAt = System.currentTimeMillis();
    try (LocalOrchestratorServer orchestrator = new LocalOrchestratorServer(0).start()) {
      Files.createDirectories(ctx.runDir());
      HttpOrchestratorClient client = new HttpOrchestratorClient(orchestrator.url(), Duration.ofSeconds(10));
      Map<String, Integer> expected = new LinkedHashMap<>();
      plan.regions().keySet().forEach(r -> expected.put(r, 1));
      client.reset(new RunSetup(ctx.runId(), expected, t.startBuffer().toMillis(), t.registrationDeadline().toMillis()));
      List<AgentConfig> coordinated = agents.stream().map(a -> a.withOrchestrator(orchestrator.url().toString(),
          t.registrationDeadline().plus(t.startBuffer()).plusSeconds(30))).toList();
      LocalRunSpec spec = new LocalRunSpec(ctx.runDir(), ctx.recordsDir(), ctx.workDir(), plan.javaExecutable(), plan.jvmArgs(),
          ctx.classpath(), coordinated, maxMillis, t.progressInterval().toMillis(), first.gracefulStop().plusSeconds(15).toMillis());
      Progress progress = new Progress(startedAt, first.loadDuration().toMillis(), plan.totalVus(), ctx.log());
      LocalRun run = new LocalRun(spec, ctx.log()::info, ctx.log()::warn);
      ctx.interruption().onInterrupt(() -> run.stop(AGENT_STOP_MILLIS));
      LocalRunOutcome outcome = run.run(client, ctx.runId(), progress::accept);
      return new RunOutcome(outcome.agents().stream().map(e -> new RunOutcome.AgentExit(e.agentId(), e.exitCode(), e.fatalError()))
          .toList(), outcome.stragglers(), run.stopped() || ctx.interruption().interrupted());
    } catch (OrchestratorException e) {
      throw new RunException("the local orchestrator refused the run: " + e.getMessage(), e);
    }
  }

  private static void checkTarget(String url, Duration wait, RunContext ctx) {
    if (url.isEmpty()) {
      return;
    }
    URI u = URI.create(url);
    int port = u.getPort() > 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
    long until = System.currentTimeMillis() + wait.toMillis();
    while (!ctx.interruption().interrupted()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(u.getHost(), port), 2000);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() >= until) {
          ctx.log().warn("the base URL " + url + " does not accept connections (" + e.getMessage() + "); the run goes on and counts "
              + "the failures. Start the target first, or set <targetWait> to wait for it");
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Live progress: merges the records that arrived since the last line and prints one line. */
  private static final class Progress {
    private final long startedAt;
    private final long durationMs;
    private final int vus;
    private final RunLog log;
    private long loadStartedAt = Long.MAX_VALUE;

    Progress(long startedAt, long durationMs, int vus, RunLog log) {
      this.startedAt = startedAt;
      this.durationMs = durationMs;
      this.vus = vus;
      this.log = log;
    }

    void accept(List<IntervalRecord> fresh) {
      if (fresh.isEmpty()) {
        return;
      }
      long from = fresh.stream().mapToLong(IntervalRecord::startMs).min().orElse(0);
      long to = fresh.stream().mapToLong(r -> r.startMs() + r.lengthMs()).max().orElse(from);
      // the first interval of every agent starts at the common start: elapsed counts from there
      loadStartedAt = Math.min(loadStartedAt, from);
      long elapsed = System.currentTimeMillis() - Math.max(loadStartedAt, startedAt);
      RunResults window = RunResults.merge(fresh, Math.max(to - from, 1));
      log.info(ConsoleSummary.progressLine(elapsed, durationMs, vus, window));
    }
  }
}
