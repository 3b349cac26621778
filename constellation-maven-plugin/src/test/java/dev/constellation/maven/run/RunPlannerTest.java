package dev.constellation.maven.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPlannerTest {

  @TempDir
  Path dir;

  private RunPlan plan(Map<String, ?> pom, Map<String, String> commandLine) throws PlanException {
    return new RunPlanner().plan(new RunPlanner.Sources(pom, commandLine, dir));
  }

  private void seed(String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
  }

  @Test
  void withNothingGivenTheDefaultsMakeALocalOneRegionRun() throws PlanException {
    RunPlan p = plan(Map.of(), Map.of());
    assertThat(p.target()).isEqualTo(Target.LOCAL);
    assertThat(p.workload().duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.workload().model()).isEqualTo("closed");
    assertThat(p.regions()).containsExactly(Map.entry("local", 10));
    assertThat(p.homeRegion()).isEqualTo("us-east-1");
    assertThat(p.engine()).isEqualTo("socket");
    assertThat(p.timings().gracefulStop()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.timings().requestTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.timings().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.timings().startBuffer()).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.timings().registrationDeadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.maxRequestNames()).isEqualTo(500);
    assertThat(p.overrides()).isEmpty();
  }

  @Test
  void aRunOnAwsGetsTimingsSizedForFargateUnlessGiven() throws PlanException {
    RunPlan p = plan(Map.of("target", "aws"), Map.of());
    assertThat(p.timings().startBuffer()).isEqualTo(Duration.ofSeconds(15));
    assertThat(p.timings().registrationDeadline()).isEqualTo(Duration.ofMinutes(5));
    RunPlan given = plan(Map.of("target", "aws"), Map.of("constellation.startBuffer", "20s", "constellation.registrationDeadline", "2m"));
    assertThat(given.timings().startBuffer()).isEqualTo(Duration.ofSeconds(20));
    assertThat(given.timings().registrationDeadline()).isEqualTo(Duration.ofMinutes(2));
  }

  /** Issue 14, item 5: the JSON file silently beat -Dconstellation.duration=5s. */
  @Test
  void theCommandLineBeatsTheSeedFileAndSaysWhatItOverrode() throws Exception {
    seed("{\"DURATION\": 30000, \"HOME_REGION\": \"eu-central-1\", \"REMOTE_REGIONS\": {\"us-east-2\": 20}}");
    RunPlan p = plan(Map.of(), Map.of("constellation.config", "config.json", "constellation.duration", "5s"));
    assertThat(p.workload().duration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.loadDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.overrides()).containsExactly("duration: 5s from -Dconstellation.duration overrides 30s from config.json");
    // what the command line does not name still comes from the file
    assertThat(p.homeRegion()).isEqualTo("eu-central-1");
    assertThat(p.regions()).containsExactly(Map.entry("us-east-2", 20));
  }

  @Test
  void theSeedFileBeatsThePomAndTheCommandLineBeatsBoth() throws Exception {
    seed("{\"DURATION\": 20000, \"HOME_REGION\": \"eu-central-1\", \"REMOTE_REGIONS\": {\"us-east-2\": 20}}");
    Map<String, Object> pom = new LinkedHashMap<>();
    pom.put("config", dir.resolve("config.json").toString());
    pom.put("duration", "10s");
    pom.put("homeRegion", "us-west-2");
    pom.put("remoteRegions", Map.of("eu-west-1", "3"));
    RunPlan fromFile = plan(pom, Map.of());
    assertThat(fromFile.workload().duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(fromFile.homeRegion()).isEqualTo("eu-central-1");
    assertThat(fromFile.regions()).containsExactly(Map.entry("us-east-2", 20));
    assertThat(fromFile.overrides()).containsExactly(
        "duration: 20s from config.json overrides 10s from the pom (<duration>)",
        "homeRegion: eu-central-1 from config.json overrides us-west-2 from the pom (<homeRegion>)",
        "remoteRegions: us-east-2:20 from config.json overrides eu-west-1:3 from the pom (<remoteRegions>)");

    RunPlan fromCommandLine = plan(pom, Map.of("constellation.duration", "1m", "constellation.remoteRegions", "ap-south-1:4"));
    assertThat(fromCommandLine.workload().duration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(fromCommandLine.regions()).containsExactly(Map.entry("ap-south-1", 4));
    assertThat(fromCommandLine.overrides()).containsExactly(
        "duration: 1m from -Dconstellation.duration overrides 20s from config.json and 10s from the pom (<duration>)",
        "homeRegion: eu-central-1 from config.json overrides us-west-2 from the pom (<homeRegion>)",
        "remoteRegions: ap-south-1:4 from -Dconstellation.remoteRegions overrides us-east-2:20 from config.json "
            + "and eu-west-1:3 from the pom (<remoteRegions>)");
  }

  @Test
  void theCommandLineBeatsThePomUnlikeMavensOwnRule() throws PlanException {
    Map<String, Object> pom = Map.of("vus", "5", "duration", "6s", "thresholds", List.of("p(95) < 1s"), "engine", "socket");
    RunPlan p = plan(pom, Map.of("constellation.vus", "7", "constellation.thresholds", "p(99) < 2s,error_rate < 1%",
        "constellation.engine", "jdk"));
    assertThat(p.regions()).containsExactly(Map.entry("local", 7));
    assertThat(p.workload().duration()).isEqualTo(Duration.ofSeconds(6));
    assertThat(p.engine()).isEqualTo("jdk");
    assertThat(p.thresholds().evaluate(dev.constellation.maven.report.RunResults.merge(List.of())))
        .extracting(dev.constellation.maven.report.ThresholdResult::expression).containsExactly("p(99) < 2s", "error_rate < 1%");
    assertThat(p.overrides()).containsExactly(
        "vus: 7 from -Dconstellation.vus overrides 5 from the pom (<vus>)",
        "engine: jdk from -Dconstellation.engine overrides socket from the pom (<engine>)",
        "thresholds: p(99) < 2s,error_rate < 1% from -Dconstellation.thresholds overrides p(95) < 1s from the pom (<thresholds>)");
  }

  @Test
  void anEqualValueFromAnotherSourceIsNoOverride() throws PlanException {
    RunPlan p = plan(Map.of("duration", "30s", "vus", "5"), Map.of("constellation.duration", "PT30S", "constellation.vus", "5"));
    assertThat(p.overrides()).isEmpty();
  }

  @Test
  void scriptParametersFromTheCommandLineOverrideThePomsKeyByKey() throws PlanException {
    RunPlan p = plan(Map.of("parameters", Map.of("user", "alice", "tenant", "t1")),
        Map.of("constellation.param.user", "bob", "constellation.param.extra", "x"));
    assertThat(p.parameters()).containsEntry("user", "bob").containsEntry("tenant", "t1").containsEntry("extra", "x");
    assertThat(p.overrides()).containsExactly("parameter user: bob from -Dconstellation.param.user overrides alice from the pom (<parameters>)");
  }

  @Test
  void workloadModelsAndRegionsArePlanned() throws PlanException {
    RunPlan open = plan(Map.of("rate", "50", "vus", "100"), Map.of());
    assertThat(open.workload().model()).isEqualTo("open");
    assertThat(open.regions()).containsExactly(Map.entry("local", 100));
    RunPlan staged = plan(Map.of("stages", "2s:4,2s:0"), Map.of());
    assertThat(staged.workload().model()).isEqualTo("stages");
    assertThat(staged.loadDuration()).isEqualTo(Duration.ofSeconds(4));
    assertThat(staged.totalVus()).isEqualTo(4);
    RunPlan regions = plan(Map.of("remoteRegionsList", "us-east-2:4,eu-west-1:3"), Map.of());
    assertThat(regions.regions()).containsExactly(Map.entry("us-east-2", 4), Map.entry("eu-west-1", 3));
    assertThat(regions.agents("r1", dir).stream().map(a -> a.agentId()).toList()).containsExactly("us-east-2-0", "eu-west-1-0");
  }

  @Test
  void theTargetIsLocalOrAws() throws PlanException {
    assertThat(plan(Map.of(), Map.of("constellation.target", "AWS")).target()).isEqualTo(Target.AWS);
    assertThat(plan(Map.of("target", "local"), Map.of()).target()).isEqualTo(Target.LOCAL);
    assertThatThrownBy(() -> plan(Map.of(), Map.of("constellation.target", "moon"))).isInstanceOf(PlanException.class)
        .hasMessage("<target> (-Dconstellation.target) is \"moon\"; use local (agent JVMs on this machine) or aws "
            + "(ECS Fargate tasks in each region)");
  }

  @Test
  void everyProblemIsListedAtOnceNamingTheSettingTheValueAndTheFix() {
    assertThatThrownBy(() -> plan(Map.of("duration", "soon", "homeRegion", "mars-1"),
        Map.of("constellation.vus", "many", "constellation.remoteRegions", "us-east-9:5")))
        .isInstanceOf(PlanException.class)
        .satisfies(e -> assertThat(((PlanException) e).problems()).containsExactly(
            "<duration> (-Dconstellation.duration) \"soon\" is not a duration; write it like 30s, 1m30s, 500ms or PT30S",
            "<homeRegion> (-Dconstellation.homeRegion) is \"mars-1\", which is not an AWS region; known regions: "
                + dev.constellation.maven.plan.AwsRegions.list(),
            "<vus> (-Dconstellation.vus) is \"many\"; give a whole number",
            "-Dconstellation.remoteRegions us-east-9 names \"us-east-9\", which is not an AWS region; known regions: "
                + dev.constellation.maven.plan.AwsRegions.list()));
    assertThatThrownBy(() -> plan(Map.of(), Map.of("constellation.vus", "0"))).isInstanceOf(PlanException.class)
        .hasMessage("<vus> (-Dconstellation.vus) is 0; set 1 or more virtual users");
    assertThatThrownBy(() -> plan(Map.of(), Map.of("constellation.config", "missing.json"))).isInstanceOf(PlanException.class)
        .hasMessageContaining("-Dconstellation.config=" + dir.resolve("missing.json") + ": the file does not exist");
    assertThatThrownBy(() -> plan(Map.of(), Map.of("constellation.jvm", dir.resolve("nope").toString())))
        .isInstanceOf(PlanException.class).hasMessageContaining("is not an executable java launcher");
  }
}
