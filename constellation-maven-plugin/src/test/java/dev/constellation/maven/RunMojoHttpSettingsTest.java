package dev.constellation.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.http.HttpOptions;
import dev.constellation.agent.http.TlsSettings;
import dev.constellation.maven.report.Thresholds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP and TLS parameters of constellation:run reach the agent's command line. */
class RunMojoHttpSettingsTest {

  private static RunMojo.RunSettings settings() {
    Duration s = Duration.ofSeconds(1);
    return new RunMojo.RunSettings(s, s, s, s, s, s, s, s, Thresholds.parse(List.of()), Map.of(), Map.of("local", 1));
  }

  @Test
  void defaultsAreTheAgentsDefaults() {
    RunMojo m = new RunMojo();
    m.followRedirects = true;
    m.maxRedirects = 10;
    m.cookies = "vu";
    m.compression = true;
    m.engine = "socket";
    AgentConfig c = m.agentFor(settings(), "r1", "local", 1, Path.of("records"));
    assertThat(c.httpOptions()).isEqualTo(HttpOptions.DEFAULT);
    assertThat(c.tls()).isEqualTo(TlsSettings.DEFAULT);
  }

  @Test
  void everyHttpAndTlsParameterTravelsToTheAgent() {
    RunMojo m = new RunMojo();
    m.followRedirects = false;
    m.maxRedirects = 3;
    m.cookies = " iteration ";
    m.compression = false;
    m.engine = "jdk";
    m.truststore = "classpath:certs/ca.pem";
    m.clientCert = "classpath:certs/me.p12";
    m.clientCertPassword = "pw";
    m.insecure = false;
    AgentConfig c = m.agentFor(settings(), "r1", "local", 1, Path.of("records"));
    AgentConfig back = AgentConfig.parse(c.toArgs().toArray(String[]::new));
    assertThat(back.httpOptions()).isEqualTo(new HttpOptions(false, 3, "iteration", false));
    assertThat(back.tls()).isEqualTo(new TlsSettings("classpath:certs/ca.pem", "", "classpath:certs/me.p12", "", "pw", false));
    m.truststore = null;
    m.clientCert = null;
    m.insecure = true;
    assertThat(AgentConfig.parse(m.agentFor(settings(), "r1", "local", 1, Path.of("records")).toArgs().toArray(String[]::new))
        .tls().insecure()).isTrue();
  }
}
