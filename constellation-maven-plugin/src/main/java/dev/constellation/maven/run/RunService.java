package dev.constellation.maven.run;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.AgentMain;
import dev.constellation.agent.Durations;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.maven.local.AgentResults;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import dev.constellation.maven.report.ThresholdResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * One load test from plan to report, the same for every {@link Target}: prints the overridden
 * settings, writes the run's facts ({@code run.json}) before anything starts, lets the target's
 * {@link Runner} run the agents under a Ctrl-C {@link Interruption}, then reads the records and
 * writes the report, marked interrupted when the run was stopped early.
 */
public final class RunService {

  /** How long the Ctrl-C hook holds the JVM for the agents' stop and the partial report. */
  static final Duration INTERRUPT_WAIT = Duration.ofSeconds(150);

  private final Map<Target, Runner> runners;

  /** The service with the local runner only ({@link LocalRunner}); the Maven goal adds the AWS runner. */
  public RunService() {
    this(Map.of(Target.LOCAL, new LocalRunner()));
  }

  /**
   * The service with given runners.
   *
   * @param runners the runner of each target that can be run
   */
  public RunService(Map<Target, Runner> runners) {
    this.runners = Map.copyOf(runners);
  }

  /**
   * Where and with what a run happens, besides its plan.
   *
   * @param outputDirectory the folder of runs; the run gets {@code <outputDirectory>/<runId>}
   * @param workDir the agents' working directory (the project directory)
   * @param classpath the project's test classpath plus the agent's jars
   * @param baseline an earlier run to compare with in the report, or null
   * @param log where lines go
   * @param installHook whether to install the Ctrl-C shutdown hook (tests that interrupt by hand pass false)
   */
  public record Environment(Path outputDirectory, Path workDir, List<Path> classpath, Path baseline, RunLog log,
      boolean installHook) {}

  /**
   * How a run ended.
   *
   * @param runId the run
   * @param runDir its directory
   * @param thresholds the evaluated thresholds
   * @param interrupted whether it was stopped early (then it does not pass, whatever the thresholds say)
   */
  public record Result(String runId, Path runDir, List<ThresholdResult> thresholds, boolean interrupted) {
    /** Whether every threshold held and the run ran its course. */
    public boolean passed() {
      return !interrupted && thresholds.stream().allMatch(ThresholdResult::passed);
    }

    /** The result of a dry run: the plan was printed, nothing ran. */
    public static Result dryRun() {
      return new Result(null, null, List.of(), false);
    }

    /** Whether this was a dry run (nothing ran, no run directory). */
    public boolean isDryRun() {
      return runId == null;
    }
  }

  /**
   * Runs a plan and writes its report.
   *
   * @param plan what to run
   * @param env where and with what
   * @return the result; an interrupted run returns (after its report) with {@code interrupted}
   * @throws PlanException when the plan's target cannot be run here; nothing was started
   * @throws RunException when the run could not be carried out or an agent failed (the message says where the results are)
   * @throws InterruptedException when the calling thread is interrupted
   */
  public Result run(RunPlan plan, Environment env) throws PlanException, RunException, InterruptedException {
    return run(plan, env, null);
  }

  /**
   * Runs a plan with a given interruption (tests trigger it by hand).
   *
   * @param plan what to run
   * @param env where and with what
   * @param given the interruption to use, or null to install the shutdown hook per {@code env}
   * @return the result
   * @throws PlanException when the plan's target cannot be run here; nothing was started
   * @throws RunException when the run could not be carried out or an agent failed
   * @throws InterruptedException when the calling thread is interrupted
   */
  Result run(RunPlan plan, Environment env, Interruption given) throws PlanException, RunException, InterruptedException {
    Runner runner = runners.get(plan.target());
    if (runner == null) {
      throw new PlanException(List.of("<target> (-Dconstellation.target) is " + plan.target().key()
          + ", which has no runner here; use local, or aws through mvn constellation:run"));
    }
    RunLog log = env.log();
    plan.overrides().forEach(log::info);
    if (!runner.preview(plan, log)) {
      return Result.dryRun();
    }
    String runId = newRunId();
    Path runDir = env.outputDirectory().resolve(runId);
    Path recordsDir = runDir.resolve("records");
    List<AgentConfig> agents = plan.agents(runId, recordsDir);
    Instant startedAt = Instant.now();
    long plannedMs = plan.loadDuration().toMillis();
    Map<String, RunFacts.RegionFacts> planned = new LinkedHashMap<>();
    Map<String, Integer> agentsPerRegion = plan.agentsPerRegion();
    agents.forEach(a -> planned.put(a.region(), RunFacts.RegionFacts.of(agentsPerRegion.get(a.region()), a.vuCount())));
    RunFacts facts = new RunFacts(runId, startedAt, plannedMs, plan.baseUrl(), planned, plannedMs, RunFacts.Status.RUNNING);
    try {
      facts.write(runDir);
    } catch (IOException e) {
      throw new RunException("the run directory " + runDir + " could not be written: " + e.getMessage(), e);
    }
    AgentConfig first = agents.get(0);
    if (first.tls().insecure()) {
      log.warn("INSECURE TLS (insecure=true): every https certificate is trusted and no host name is checked; the results say "
          + "nothing about the target's real TLS setup. Give a <truststore> instead where you can");
    }
    log.info("constellation run " + runId + ": " + (first.rate().isEmpty() ? "" : "rate " + first.rate() + "/s per region, ")
        + plan.totalVus() + " VUs for " + Durations.format(plan.loadDuration())
        + (plan.baseUrl().isEmpty() ? "" : " against " + plan.baseUrl()) + " (" + plan.target().key() + ", " + planned.values().stream().mapToInt(RunFacts.RegionFacts::agents).sum() + " agent"
        + (planned.values().stream().mapToInt(RunFacts.RegionFacts::agents).sum() == 1 ? "" : "s") + ": " + String.join(", ", plan.regions().keySet()) + ")");
    // a visualizer over this output directory (constellation:visualize, or -Dconstellation.visualize=true) shows the run live
    dev.constellation.maven.visualize.Visualizer.liveUrl(env.outputDirectory(), runId).ifPresent(u -> log.info("live view: " + u));
    Interruption interruption = given != null ? given
        : env.installHook() ? Interruption.install(log, INTERRUPT_WAIT) : Interruption.manual(log, INTERRUPT_WAIT);
    RunContext context = new RunContext(runId, runDir, recordsDir, env.workDir(), env.classpath(), log, interruption);
    try {
      RunOutcome outcome;
      boolean threadInterrupted = false;
      try {
        outcome = runner.run(plan, context);
      } catch (IOException e) {
        throw new RunException("the " + plan.target().key() + " run could not be started or read: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        // the build thread was interrupted (a cancelled build in a long-lived JVM): the runner stopped its
        // agents; report the partial run like a Ctrl-C, then restore the flag
        threadInterrupted = true;
        outcome = new RunOutcome(List.of(), List.of(), true);
      }
      boolean interrupted = outcome.interrupted() || interruption.interrupted();
      if (threadInterrupted) {
        try {
          return interruptedResult(plan, env, facts, outcome, recordsDir, runDir);
        } finally {
          runner.reported(plan, context);
          Thread.currentThread().interrupt();
        }
      }
      if (!interrupted) {
        refuseFailedStart(outcome);
      }
      if (interrupted) {
        try {
          return interruptedResult(plan, env, facts, outcome, recordsDir, runDir);
        } finally {
          runner.reported(plan, context);
        }
      }
      List<ThresholdResult> thresholds;
      try {
        thresholds = report(plan, env, facts, outcome, false, recordsDir, runDir);
      } finally {
        runner.reported(plan, context);
      }
      List<String> broken = new ArrayList<>();
      for (RunOutcome.AgentExit exit : outcome.agents()) {
        if (exit.exitCode() != 0 && !outcome.stragglers().contains(exit.agentId())) {
          broken.add("agent " + exit.agentId() + " exited with code " + exit.exitCode()
              + (exit.fatalError() == null ? "" : ": " + exit.fatalError()));
        }
      }
      if (!broken.isEmpty()) {
        throw new RunException(String.join("\n", broken) + "\nthe results it flushed are in " + runDir);
      }
      return new Result(runId, runDir, thresholds, false);
    } finally {
      interruption.close();
    }
  }

  private static Result interruptedResult(RunPlan plan, Environment env, RunFacts facts, RunOutcome outcome, Path recordsDir,
      Path runDir) throws RunException {
    List<ThresholdResult> thresholds = report(plan, env, facts, outcome, true, recordsDir, runDir);
    env.log().warn("the run was interrupted; the report of the partial run, marked interrupted, is " + runDir.resolve(ReportWriter.INDEX_HTML));
    return new Result(facts.runId(), runDir, thresholds, true);
  }

  /** Bad settings or an aborted start: nothing was sent, so there is nothing to report. */
  private static void refuseFailedStart(RunOutcome outcome) throws RunException {
    for (RunOutcome.AgentExit exit : outcome.agents()) {
      if (exit.exitCode() == AgentMain.EXIT_BAD_INPUT) {
        throw new RunException(exit.fatalError() != null ? exit.fatalError()
            : "agent " + exit.agentId() + " rejected its settings; see its output above");
      }
    }
    List<RunOutcome.AgentExit> aborted = outcome.agents().stream().filter(e -> e.exitCode() == AgentMain.EXIT_ABORTED).toList();
    if (!aborted.isEmpty()) {
      throw new RunException("the run was aborted before it started; no load was sent.\n  " + aborted.stream()
          .map(e -> e.agentId() + ": " + e.fatalError()).collect(Collectors.joining("\n  ")));
    }
  }

  private static List<ThresholdResult> report(RunPlan plan, Environment env, RunFacts started, RunOutcome outcome, boolean interrupted,
      Path recordsDir, Path runDir) throws RunException {
    RunLog log = env.log();
    try {
      List<IntervalRecord> records = new LocalDirectoryStore(recordsDir).readRun(started.runId());
      Map<String, RunFacts.RegionFacts> regions = new LinkedHashMap<>();
      List<Long> loads = new ArrayList<>();
      for (Map.Entry<String, RunFacts.RegionFacts> e : started.regions().entrySet()) {
        List<Map<String, Object>> perAgent = new ArrayList<>();
        List<String> stragglers = new ArrayList<>();
        for (int i = 0; i < e.getValue().agents(); i++) {
          String agentId = e.getKey() + "-" + i;
          loads.add(AgentResults.loadMillis(recordsDir, agentId));
          Map<String, Object> one = AgentResults.read(recordsDir, agentId);
          if (!one.isEmpty()) {
            perAgent.add(one);
          }
          if (outcome.stragglers().contains(agentId)) {
            stragglers.add(agentId);
          }
        }
        Map<String, Object> extra = new LinkedHashMap<>(perAgent.size() == 1 ? perAgent.get(0)
            : perAgent.isEmpty() ? Map.of() : AgentResults.region(perAgent));
        extra.put("stragglers", stragglers.size());
        if (!stragglers.isEmpty()) {
          extra.put("stragglerAgents", List.copyOf(stragglers)); // which agents were stopped for running on too long
        }
        if (plan.tls().insecure()) {
          extra.put(RunFacts.INSECURE_TLS, true);
        }
        regions.put(e.getKey(), new RunFacts.RegionFacts(e.getValue().agents(), e.getValue().vus(), extra));
      }
      long durationMs = interrupted ? coveredMillis(records) : completedMillis(started.plannedDurationMs(), loads);
      RunFacts facts = started.ended(interrupted ? RunFacts.Status.INTERRUPTED : RunFacts.Status.COMPLETED, durationMs, regions);
      RunResults results = RunResults.merge(records, durationMs);
      facts.write(runDir);
      List<ThresholdResult> outcomes = ReportStep.write(runDir, facts, results, plan.thresholds(), env.baseline(), log);
      if (regions.size() > 1) {
        // unknown when no agent of the region left its account (a run on AWS with Timestream results)
        regions.forEach((region, f) -> log.info("start skew " + region + ": " + (f.extra().get("startSkewMs") == null ? "unknown"
            : f.extra().get("startSkewMs") + " ms")));
      }
      if (!outcome.stragglers().isEmpty()) {
        List<String> named = outcome.stragglers().stream().sorted().toList();
        log.warn(named.size() + " straggler" + (named.size() == 1 ? "" : "s") + " stopped for running on too long and counted in the "
            + "report: " + String.join(", ", named) + "; what they recorded up to the stop is in the totals");
      }
      regions.forEach((region, f) -> {
        if (f.extra().get("generator") instanceof Map<?, ?> g) {
          dev.constellation.maven.local.AgentResults.saturationWarning(region, g).ifPresent(log::warn);
        }
      });
      return outcomes;
    } catch (IOException e) {
      throw new RunException("the results in " + recordsDir + " could not be read or the report written: " + e.getMessage(), e);
    }
  }

  /**
   * The duration a completed run's figures cover: the planned load duration, or less when every
   * agent's load ended early (a unique feeder ran out with {@code END_RUN}, or every VU of each agent
   * was stopped by {@code STOP_VU}): then the longest load an agent reported. Each agent's load is
   * measured on its own clock ({@code loadEndAt - startAt} of its result file), so clock offsets
   * between machines do not enter.
   *
   * @param plannedMs the planned load duration, ms
   * @param agentLoadsMs every agent's load duration, ms, -1 for an agent that reported none
   * @return milliseconds, at most {@code plannedMs}; {@code plannedMs} when any agent reported none
   */
  public static long completedMillis(long plannedMs, List<Long> agentLoadsMs) {
    if (agentLoadsMs.isEmpty() || agentLoadsMs.stream().anyMatch(ms -> ms < 0)) {
      return plannedMs;
    }
    return Math.min(plannedMs, agentLoadsMs.stream().mapToLong(Long::longValue).max().orElse(plannedMs));
  }

  /**
   * The time the records of a partial run cover: from the first interval's start to the last one's end.
   *
   * @param records the run's records
   * @return milliseconds, 0 when there are none
   */
  public static long coveredMillis(List<IntervalRecord> records) {
    long from = records.stream().mapToLong(IntervalRecord::startMs).min().orElse(0);
    long to = records.stream().mapToLong(r -> r.startMs() + r.lengthMs()).max().orElse(from);
    return Math.max(0, to - from);
  }

  private static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + "-"
        + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }
}
