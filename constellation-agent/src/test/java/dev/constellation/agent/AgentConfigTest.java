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
        .hasMessageContaining("--insecure is \"yes\"; give true or false");
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
}
