package dev.constellation.maven.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.maven.report.RunFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunServiceTest {

  @TempDir
  Path dir;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final RunLog log = CollectingRunLog.markingWarnings(lines);

  private RunPlan plan(Map<String, String> commandLine) throws PlanException {
    return new RunPlanner().plan(new RunPlanner.Sources(Map.of("baseUrl", "http://127.0.0.1:9", "vus", "4", "duration", "60s",
        "thresholds", List.of("requests > 0")), commandLine, dir));
  }

  private RunService.Environment env() {
    return new RunService.Environment(dir.resolve("out"), dir, List.of(), null, log, false);
  }

  /** Two seconds of records of one agent, 10 requests per second at 20 ms. */
  private static void record(RunContext ctx, long startMs) throws IOException {
    try (ResultsSink sink = new LocalDirectoryStore(ctx.recordsDir()).sink("local-0")) {
      for (int s = 0; s < 2; s++) {
        Histogram h = IntervalRecord.newHistogram();
        for (int i = 0; i < 10; i++) {
          h.recordValue(20_000);
        }
        sink.write(List.of(new IntervalRecord(IntervalRecord.FORMAT_VERSION, ctx.runId(), "local", "local-0", "script", "GET /",
            IntervalRecord.KIND_HTTP, startMs + s * 1000L, 1000, 10, 0, Map.of("200", 10L), Map.of(), 1000, IntervalRecord.encode(h))));
      }
    }
  }

  @Test
  void aTargetWithoutARunnerIsRefusedBeforeAnythingIsCreated() throws PlanException {
    RunPlan aws = plan(Map.of("constellation.target", "aws"));
    assertThatThrownBy(() -> new RunService().run(aws, env())).isInstanceOf(PlanException.class)
        .hasMessageStartingWith("<target> (-Dconstellation.target) is aws, which has no runner here");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aDryRunOnAwsPrintsThePlanAndCallsNothing() throws Exception {
    RunPlan aws = plan(Map.of("constellation.target", "aws", "constellation.dryRun", "true",
        "constellation.remoteRegions", "us-east-2:2002,eu-west-1:3", "constellation.tasksPerRegion", "eu-west-1:2"));
    List<String> lines = new java.util.ArrayList<>();
    RunLog log = CollectingRunLog.into(lines);
    RunService.Result r = new RunService(Map.of(Target.AWS, noAwsCalls())).run(aws, new RunService.Environment(dir.resolve("out"), dir,
        List.of(), null, log, false));
    assertThat(r.isDryRun()).isTrue();
    assertThat(dir.resolve("out")).doesNotExist();
    assertThat(lines).contains("  us-east-2         3 tasks, 667-668 VUs each", "  eu-west-1         2 tasks, 1-2 VUs each");
    assertThat(lines).anyMatch(l -> l.startsWith("Estimated cost (USD, prices as of "));
    assertThat(lines).anyMatch(l -> l.startsWith("  total $"));
    assertThat(lines).anyMatch(l -> l.startsWith("dry run"));
  }

  @Test
  void aRunOnAwsAboveMaxCostIsRefusedBeforeAnyAwsCall() throws Exception {
    RunPlan aws = plan(Map.of("constellation.target", "aws", "constellation.maxCost", "0.01", "constellation.duration", "10m",
        "constellation.remoteRegions", "us-east-1:2000,eu-west-1:2000"));
    assertThatThrownBy(() -> new RunService(Map.of(Target.AWS, noAwsCalls())).run(aws, env()))
        .isInstanceOf(PlanException.class)
        .hasMessageStartingWith("<maxCost> (-Dconstellation.maxCost) is $0.01, but this run is estimated at $")
        .hasMessageContaining("nothing was started");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aTaskSizeFargateDoesNotOfferIsRefusedWithTheAllowedValues() {
    assertThatThrownBy(() -> plan(Map.of("constellation.target", "aws", "constellation.taskCpu", "1024",
        "constellation.taskMemory", "1024"))).isInstanceOf(PlanException.class)
        .hasMessageContaining("<taskMemory> (-Dconstellation.taskMemory) = 1024 MiB does not go with <taskCpu>");
  }

  /** The AWS runner whose every AWS call (clients, image) fails the test. */
  private static dev.constellation.maven.aws.AwsRunner noAwsCalls() {
    dev.constellation.maven.aws.AwsRun.Images images = new dev.constellation.maven.aws.AwsRun.Images() {
      @Override
      public Map<String, String> publish(dev.constellation.aws.AwsClients aws, List<String> regions) {
        throw new AssertionError("no image may be published before the plan is accepted");
      }

      @Override
      public String cpuArchitecture() {
        return "X86_64";
      }
    };
    return new dev.constellation.maven.aws.AwsRunner(p -> {
      throw new AssertionError("no AWS client may be created before the plan is accepted");
    }, images, dev.constellation.maven.aws.AwsRun.Options.defaults());
  }

  @Test
  void theFactsAreOnDiskWhileTheRunRunsAndAnInterruptedRunIsReportedAsSuchAndDoesNotPass() throws Exception {
    AtomicReference<RunFacts> whileRunning = new AtomicReference<>();
    Runner interrupted = (plan, ctx) -> {
      whileRunning.set(RunFacts.read(ctx.runDir()));
      record(ctx, 1_000_000);
      return new RunOutcome(List.of(new RunOutcome.AgentExit("local-0", 143, null)), List.of(), true);
    };
    RunService.Result result = new RunService(Map.of(Target.LOCAL, interrupted)).run(plan(Map.of()), env());

    RunFacts started = whileRunning.get();
    assertThat(started.status()).isEqualTo(RunFacts.Status.RUNNING);
    assertThat(started.plannedDurationMs()).isEqualTo(60_000);
    assertThat(started.target()).isEqualTo("http://127.0.0.1:9");
    assertThat(started.totalVus()).isEqualTo(4);

    assertThat(result.interrupted()).isTrue();
    assertThat(result.passed()).isFalse();
    RunFacts ended = RunFacts.read(result.runDir());
    assertThat(ended.status()).isEqualTo(RunFacts.Status.INTERRUPTED);
    assertThat(ended.durationMs()).isEqualTo(2_000);
    assertThat(ended.plannedDurationMs()).isEqualTo(60_000);
    assertThat(ended.totalVus()).isEqualTo(4);
    JsonNode summary = new ObjectMapper().readTree(result.runDir().resolve("summary.json").toFile());
    assertThat(summary.path("interrupted").asBoolean()).isTrue();
    assertThat(summary.path("status").asText()).isEqualTo("interrupted");
    assertThat(summary.path("passed").asBoolean(true)).isFalse();
    assertThat(summary.path("thresholds").get(0).path("passed").asBoolean()).isTrue();
    assertThat(summary.path("durationMs").asLong()).isEqualTo(2_000);
    assertThat(summary.path("plannedDurationMs").asLong()).isEqualTo(60_000);
    assertThat(summary.path("totals").path("requests").asLong()).isEqualTo(20);
    assertThat(summary.path("totals").path("rps").asDouble()).isEqualTo(10.0);
    assertThat(summary.path("regions").path("local").path("vus").asInt()).isEqualTo(4);
    assertThat(Files.readString(result.runDir().resolve("index.html"))).contains("<div class=\"banner interrupted\"")
        .contains("the figures cover 2s of the planned 1m");
    assertThat(lines).contains("INTERRUPTED: the run was stopped before its end: the figures cover 2s of the planned 1m and the run "
        + "does not pass.");
    assertThat(lines).contains("WARN the run was interrupted; the report of the partial run, marked interrupted, is "
        + result.runDir().resolve("index.html"));
  }

  @Test
  void aCompletedRunKeepsItsPlannedDurationAndPasses() throws Exception {
    Runner completed = (plan, ctx) -> {
      record(ctx, 1_000_000);
      return new RunOutcome(List.of(new RunOutcome.AgentExit("local-0", 0, null)), List.of(), false);
    };
    RunService.Result result = new RunService(Map.of(Target.LOCAL, completed)).run(plan(Map.of("constellation.duration", "2s")), env());
    assertThat(result.passed()).isTrue();
    RunFacts facts = RunFacts.read(result.runDir());
    assertThat(facts.status()).isEqualTo(RunFacts.Status.COMPLETED);
    assertThat(facts.durationMs()).isEqualTo(2_000);
    assertThat(lines).contains("duration: 2s from -Dconstellation.duration overrides 60s from the pom (<duration>)");
    assertThat(lines.indexOf("duration: 2s from -Dconstellation.duration overrides 60s from the pom (<duration>)"))
        .isLessThan(lines.stream().filter(l -> l.startsWith("constellation run ")).map(lines::indexOf).findFirst().orElseThrow());
  }

  /** An agent's result file as the agent leaves it beside its records (only the fields the duration needs). */
  private static void result(RunContext ctx, String agentId, long startAt, long loadEndAt) throws IOException {
    Files.createDirectories(ctx.recordsDir());
    Files.writeString(ctx.recordsDir().resolve(agentId + dev.constellation.agent.AgentMain.RESULT_SUFFIX),
        "{\"agentId\":\"" + agentId + "\",\"startAt\":" + startAt + ",\"loadEndAt\":" + loadEndAt + ",\"endAt\":" + (loadEndAt + 700)
            + ",\"saturationCause\":\"none\"}");
  }

  /** Issue #15: a run a feeder ended early (END_RUN) covers the load the agents reported, not the planned duration. */
  @Test
  void aRunThatEndedEarlyReportsTheLoadTheAgentsReportedNotThePlannedDuration() throws Exception {
    Runner endedEarly = (plan, ctx) -> {
      record(ctx, 1_000_000);
      // two agents on their own clocks: 2,345 ms and 1,900 ms of load of the planned 60 s
      result(ctx, "us-east-2-0", 1_000_000, 1_002_345);
      result(ctx, "eu-west-1-0", 5_000_000, 5_001_900);
      return new RunOutcome(List.of(new RunOutcome.AgentExit("us-east-2-0", 0, null), new RunOutcome.AgentExit("eu-west-1-0", 0, null)),
          List.of(), false);
    };
    RunService.Result result = new RunService(Map.of(Target.LOCAL, endedEarly))
        .run(plan(Map.of("constellation.remoteRegions", "us-east-2:2,eu-west-1:2")), env());
    assertThat(result.interrupted()).isFalse();
    assertThat(result.passed()).isTrue();
    RunFacts facts = RunFacts.read(result.runDir());
    assertThat(facts.status()).isEqualTo(RunFacts.Status.COMPLETED);
    assertThat(facts.durationMs()).isEqualTo(2_345);
    assertThat(facts.plannedDurationMs()).isEqualTo(60_000);
    JsonNode summary = new ObjectMapper().readTree(result.runDir().resolve("summary.json").toFile());
    assertThat(summary.path("durationMs").asLong()).isEqualTo(2_345);
    assertThat(summary.path("plannedDurationMs").asLong()).isEqualTo(60_000);
    assertThat(summary.path("status").asText()).isEqualTo("completed");
    // the rate divides by the load that ran: 20 requests in 2.345 s
    assertThat(summary.path("totals").path("rps").asDouble()).isCloseTo(20 / 2.345, org.assertj.core.data.Offset.offset(0.01));
    assertThat(Files.readString(result.runDir().resolve("index.html"))).contains("2s of 1m planned");
  }

  @Test
  void theCoveredDurationIsThePlannedOneUnlessEveryAgentReportedAnEarlierEnd() {
    assertThat(RunService.completedMillis(60_000, List.of(2_345L, 1_900L))).isEqualTo(2_345);
    assertThat(RunService.completedMillis(60_000, List.of(60_000L, 1_900L))).isEqualTo(60_000);
    // an agent's loop may end a few ms after its planned end: never more than planned
    assertThat(RunService.completedMillis(60_000, List.of(60_004L))).isEqualTo(60_000);
    // an agent that left no result (or an older agent without loadEndAt): nothing says the run ended early
    assertThat(RunService.completedMillis(60_000, List.of(2_345L, -1L))).isEqualTo(60_000);
    assertThat(RunService.completedMillis(60_000, List.of())).isEqualTo(60_000);
  }

  /** What the shutdown hook does on Ctrl-C: stops the agents, then holds the JVM until the partial report is written. */
  @Test
  void theInterruptionStopsTheAgentsAndWaitsForTheReport() throws Exception {
    Interruption interruption = Interruption.manual(log, Duration.ofSeconds(20));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runner waiting = (plan, ctx) -> {
      ctx.interruption().onInterrupt(stopped::countDown);
      record(ctx, 5_000_000);
      running.countDown();
      assertThat(stopped.await(20, TimeUnit.SECONDS)).isTrue();
      return new RunOutcome(List.of(new RunOutcome.AgentExit("local-0", 143, null)), List.of(), false);
    };
    AtomicReference<RunService.Result> result = new AtomicReference<>();
    Thread run = new Thread(() -> {
      try {
        result.set(new RunService(Map.of(Target.LOCAL, waiting)).run(plan(Map.of()), env(), interruption));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    run.start();
    assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
    AtomicBoolean reportBeforeHookReturned = new AtomicBoolean();
    interruption.interrupt();
    // the hook returned: the report must already be there
    try (var runs = Files.list(dir.resolve("out"))) {
      Path runDir = runs.findFirst().orElseThrow();
      reportBeforeHookReturned.set(Files.exists(runDir.resolve("summary.json")) && RunFacts.read(runDir).interrupted());
    }
    run.join(20_000);
    assertThat(reportBeforeHookReturned).isTrue();
    assertThat(result.get().interrupted()).isTrue();
    assertThat(lines).contains("WARN interrupted: stopping the agents (each flushes what it recorded), then writing the report of "
        + "the partial run");
  }

  /** A cancelled build interrupts the build thread instead of sending a signal: the partial run is reported the same way. */
  @Test
  void anInterruptedBuildThreadGetsTheSameReportAndKeepsItsInterruptFlag() throws Exception {
    Runner cancelled = (plan, ctx) -> {
      record(ctx, 1_000_000);
      throw new InterruptedException("build cancelled");
    };
    AtomicReference<RunService.Result> result = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread run = new Thread(() -> {
      try {
        result.set(new RunService(Map.of(Target.LOCAL, cancelled)).run(plan(Map.of()), env()));
        flagKept.set(Thread.currentThread().isInterrupted());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    run.start();
    run.join(20_000);
    assertThat(result.get().interrupted()).isTrue();
    assertThat(flagKept).isTrue();
    JsonNode summary = new ObjectMapper().readTree(result.get().runDir().resolve("summary.json").toFile());
    assertThat(summary.path("interrupted").asBoolean()).isTrue();
    assertThat(summary.path("passed").asBoolean(true)).isFalse();
    assertThat(summary.path("totals").path("requests").asLong()).isEqualTo(20);
  }
}
