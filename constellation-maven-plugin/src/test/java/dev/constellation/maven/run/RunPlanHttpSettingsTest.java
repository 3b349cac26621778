package dev.constellation.maven.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.http.HttpOptions;
import dev.constellation.agent.http.TlsSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP and TLS settings of constellation:run (pom or -D) reach the agent's command line. */
class RunPlanHttpSettingsTest {

  @TempDir
  Path dir;

  private AgentConfig agent(Map<String, ?> pom, Map<String, String> commandLine) throws PlanException {
    RunPlan plan = new RunPlanner().plan(new RunPlanner.Sources(pom, commandLine, dir));
    AgentConfig c = plan.agents("r1", dir.resolve("records")).get(0);
    // what the agent JVM reads back from its command line
    return AgentConfig.parse(c.toArgs().toArray(String[]::new));
  }

  @Test
  void defaultsAreTheAgentsDefaults() throws PlanException {
    AgentConfig c = agent(Map.of(), Map.of());
    assertThat(c.httpOptions()).isEqualTo(HttpOptions.DEFAULT);
    assertThat(c.tls()).isEqualTo(TlsSettings.DEFAULT);
    assertThat(c.retries()).isTrue();
  }

  @Test
  void everyHttpAndTlsSettingTravelsToTheAgent() throws PlanException {
    AgentConfig c = agent(Map.of("followRedirects", "false", "maxRedirects", "3", "cookies", "iteration", "compression", "false",
        "engine", "jdk"), Map.of("constellation.retries", "false"));
    assertThat(c.httpOptions()).isEqualTo(new HttpOptions(false, 3, "iteration", false));
    assertThat(c.engine()).isEqualTo("jdk");
    assertThat(c.retries()).isFalse();
    assertThat(agent(Map.of(), Map.of("constellation.insecure", "true")).tls().insecure()).isTrue();
  }

  @Test
  void aRelativeTruststorePathStartsAtTheProjectDirectoryAndIsCheckedBeforeTheRun() {
    // the agents run in another directory, so the plan hands them the resolved path; a missing file stops the run first
    assertThatThrownBy(() -> agent(Map.of("truststore", "certs/ca.pem"), Map.of())).isInstanceOf(PlanException.class)
        .hasMessageContaining("<truststore>").hasMessageContaining(dir.resolve("certs/ca.pem").toString());
  }

  @Test
  void aBooleanThatIsNeitherTrueNorFalseIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> agent(Map.of(), Map.of("constellation.compression", "yes")))
        .isInstanceOf(PlanException.class).hasMessageContaining("<compression>").hasMessageContaining("\"yes\"");
  }
}
