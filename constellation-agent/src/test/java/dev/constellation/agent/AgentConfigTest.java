package dev.constellation.agent;

import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.HttpOptions;
import dev.constellation.agent.http.TlsSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  @Test
  void readsBackTheCommandLineItWrites() {
    AgentConfig c = new AgentConfig("r1", "eu-west-1", 1, 3, 25, Duration.ofSeconds(90), Duration.ofSeconds(5),
        "http://127.0.0.1:8080", List.of("a.B", "c.D"), Path.of("out"), Map.of("user", "x=y"), Duration.ofSeconds(60),
        Duration.ofSeconds(10), Duration.ofSeconds(1), 500, "http://127.0.0.1:9000/", Duration.ofMinutes(2), "10s:50,1m:100", "", HttpEngines.DEFAULT);
    assertThat(AgentConfig.parse(c.toArgs().toArray(String[]::new))).isEqualTo(c);
  }

  @Test
  void reportsEveryBadSettingWithTheCallersName() {
    AgentConfig c = new AgentConfig("r1", "local", 0, 1, 0, Duration.ZERO, Duration.ofSeconds(1), "ftp://x", List.of(),
        Path.of("out"), Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10, "", Duration.ofMinutes(5), "fast", "10s:zero", HttpEngines.DEFAULT);
    assertThatThrownBy(() -> c.validate(Setting::pom))
        .hasMessageContaining("<vus> (-Dconstellation.vus) is 0; set 1 or more virtual users")
        .hasMessageContaining("<duration> (-Dconstellation.duration) is 0ms; set a positive duration")
        .hasMessageContaining("<baseUrl> (-Dconstellation.baseUrl) is \"ftp://x\": not an http:// or https:// URL")
        .hasMessageContaining("<rate> (-Dconstellation.rate) is \"fast\": \"fast\" is not a number of iterations per second")
        .hasMessageContaining("<stages> (-Dconstellation.stages) and <rate> (-Dconstellation.rate) are both set")
        .hasMessageContaining("<stages> (-Dconstellation.stages) is \"10s:zero\": \"zero\" is not a number of VUs");
  }

  @Test
  void carriesHttpOptionsAndTlsSettingsThroughTheCommandLine() {
    AgentConfig base = new AgentConfig("r1", "local", 0, 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), "", List.of(),
        Path.of("out"), Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10, "", Duration.ofMinutes(5), "",
        "", HttpEngines.DEFAULT);
    assertThat(base.httpOptions()).isEqualTo(HttpOptions.DEFAULT);
    AgentConfig c = base.withHttp(new HttpOptions(false, 3, HttpOptions.COOKIES_ITERATION, false),
        new TlsSettings("ca.pem", "", "client.p12", "", "secret", false));
    assertThat(AgentConfig.parse(c.toArgs().toArray(String[]::new))).isEqualTo(c);
    AgentConfig insecure = base.withHttp(HttpOptions.DEFAULT, new TlsSettings("", "", "", "", "", true));
    assertThat(AgentConfig.parse(insecure.toArgs().toArray(String[]::new)).tls().insecure()).isTrue();
    assertThatThrownBy(() -> AgentConfig.parse(new String[] {"--runId", "r", "--insecure", "yes"}))
        .hasMessageContaining("--insecure is \"yes\"; use true or false");
  }

  @Test
  void namesBadHttpAndTlsSettingsWithTheirFix() {
    AgentConfig base = new AgentConfig("r1", "local", 0, 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), "", List.of(),
        Path.of("out"), Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 10, "", Duration.ofMinutes(5), "",
        "", HttpEngines.DEFAULT);
    AgentConfig c = base.withHttp(new HttpOptions(true, -1, "always", true), new TlsSettings("no-such-ca.pem", "", "", "", "", false));
    assertThatThrownBy(() -> c.validate(Setting::pom))
        .hasMessageContaining("<maxRedirects> (-Dconstellation.maxRedirects) is -1; set 0 or more (default 10)")
        .hasMessageContaining("<cookies> (-Dconstellation.cookies) is \"always\"; use vu")
        .hasMessageContaining("<truststore> (-Dconstellation.truststore) \"no-such-ca.pem\" does not exist");
  }

  @Test
  void parsesDurationsAsUsersWriteThem() {
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.parse("1500")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThatThrownBy(() -> Durations.parse("ten seconds")).hasMessageContaining("like 30s");
    assertThatThrownBy(() -> AgentConfig.parse(new String[] {"--runId", "r", "--duration", "soon"}))
        .hasMessageContaining("--duration \"soon\" is not a duration");
  }

  @Test
  void takesEachSettingFromTheEnvironmentWhenItsFlagIsAbsentAndTheFlagWhenBothAreGiven() {
    Map<String, String> env = Map.of("CONSTELLATION_AGENT_INDEX", "3", "CONSTELLATION_AGENT_COUNT", "4", "CONSTELLATION_VUS", "7",
        "CONSTELLATION_RESULTS_STORE", "s3", "CONSTELLATION_RESULTS_BUCKET", "constellation-123456789012-eu-west-1",
        "CONSTELLATION_RESULTS_REGION", "eu-west-1", "CONSTELLATION_POLL_INTERVAL", "2s", "CONSTELLATION_REGION", "us-east-2");
    AgentConfig c = AgentConfig.parse(new String[] {"--runId", "r1", "--duration", "10s", "--vus", "9"}, env::get);
    assertThat(c.agentIndex()).isEqualTo(3);
    assertThat(c.agentCount()).isEqualTo(4);
    assertThat(c.vus()).as("the flag wins over the environment").isEqualTo(9);
    assertThat(c.agentId()).isEqualTo("us-east-2-3");
    assertThat(c.resultsStore()).isEqualTo("s3");
    assertThat(c.resultsBucket()).isEqualTo("constellation-123456789012-eu-west-1");
    assertThat(c.resultsRegion()).isEqualTo("eu-west-1");
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    c.validate(Setting::flagOrEnv);
    assertThat(AgentConfig.sources(new String[] {"--runId", "r1", "--vus", "9"}, env::get))
        .containsEntry(Setting.VUS, "--vus").containsEntry(Setting.AGENT_INDEX, "CONSTELLATION_AGENT_INDEX")
        .doesNotContainKey(Setting.ENGINE);
    assertThat(Setting.AGENT_INDEX.env()).isEqualTo("CONSTELLATION_AGENT_INDEX");
    assertThat(Setting.GRACE.env()).isEqualTo("CONSTELLATION_GRACEFUL_STOP");
    assertThat(Setting.RUN_ID.env()).isEqualTo("CONSTELLATION_RUN_ID");
  }

  @Test
  void namesTheEnvironmentVariableWhenItsValueIsBad() {
    Map<String, String> env = Map.of("CONSTELLATION_AGENT_INDEX", "three");
    assertThatThrownBy(() -> AgentConfig.parse(new String[] {"--runId", "r1", "--duration", "1s"}, env::get))
        .hasMessage("CONSTELLATION_AGENT_INDEX is \"three\"; give a whole number");
    assertThatThrownBy(() -> AgentConfig.parse(new String[] {"--duration", "1s"}, k -> null))
        .hasMessage("--runId is required; give it on the command line or as CONSTELLATION_RUN_ID");
  }

  @Test
  void refusesAnUnknownStoreAndARemoteStoreWithoutItsBucketOrRegion() {
    AgentConfig unknown = AgentConfig.parse(new String[] {"--runId", "r1", "--duration", "1s"},
        Map.of("CONSTELLATION_RESULTS_STORE", "dynamo")::get);
    assertThatThrownBy(() -> unknown.validate(Setting::flagOrEnv)).hasMessage("--resultsStore (CONSTELLATION_RESULTS_STORE) is"
        + " \"dynamo\"; use one of local, s3, timestream (local: --resultsDir (CONSTELLATION_RESULTS_DIR) on this machine;"
        + " s3 or timestream: in the home region)");
    AgentConfig s3 = AgentConfig.parse(new String[] {"--runId", "r1", "--duration", "1s", "--resultsStore", "s3"}, k -> null);
    assertThatThrownBy(() -> s3.validate(Setting::flagOrEnv))
        .hasMessageContaining("--resultsRegion (CONSTELLATION_RESULTS_REGION) is missing; --resultsStore (CONSTELLATION_RESULTS_STORE)"
            + " s3 needs the home region of the results, e.g. us-east-1")
        .hasMessageContaining("--resultsBucket (CONSTELLATION_RESULTS_BUCKET) is missing; --resultsStore"
            + " (CONSTELLATION_RESULTS_STORE) s3 needs the bucket constellation:init created");
    AgentConfig badName = AgentConfig.parse(new String[] {"--runId", "r1", "--duration", "1s", "--resultsStore", "s3",
        "--resultsBucket", "My_Bucket", "--resultsRegion", "eu-west-1"}, k -> null);
    assertThatThrownBy(() -> badName.validate(Setting::flag)).hasMessageStartingWith("--resultsBucket is \"My_Bucket\"; an S3 bucket name");
  }

  @Test
  void pollsALambdaOrchestratorOncePerSecondAndALocalOneEvery200Ms() {
    assertThat(AgentConfig.parse(new String[] {"--runId", "r", "--duration", "1s", "--orchestrator",
        "lambda:us-east-1:constellation-orchestrator:live"}, k -> null).pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(AgentConfig.parse(new String[] {"--runId", "r", "--duration", "1s", "--orchestrator", "http://127.0.0.1:1/"},
        k -> null).pollInterval()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void boundsItsLifetimeByTheStartTimeoutTheLoadTheGracefulStopAndTheStoreAllowance() {
    AgentConfig c = AgentConfig.parse(new String[] {"--runId", "r", "--duration", "2m", "--gracefulStop", "10s",
        "--startTimeout", "6m"}, k -> null);
    assertThat(c.maxLifetime()).isEqualTo(Duration.ofMinutes(8).plusSeconds(10).plusSeconds(90));
  }

  @Test
  void readsBackTheCloudSettingsItWrites() {
    AgentConfig c = AgentConfig.parse(new String[] {"--runId", "r", "--duration", "1s", "--resultsStore", "timestream",
        "--resultsRegion", "eu-west-1", "--timestreamDatabase", "db1", "--timestreamTable", "t1", "--fallbackDir", "/var/tmp/x",
        "--pollInterval", "750ms", "--resultsBucket", "b-1"}, k -> null);
    assertThat(AgentConfig.parse(c.toArgs().toArray(String[]::new), k -> null)).isEqualTo(c);
  }
}
