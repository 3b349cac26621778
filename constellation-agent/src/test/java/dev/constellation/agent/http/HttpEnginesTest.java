package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.Setting;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpEnginesTest {

  @Test
  void createsTheSocketEngineByDefaultAndTheJdkEngineOnRequest() {
    try (HttpEngine socket = HttpEngines.create(HttpEngines.DEFAULT, Duration.ofSeconds(1));
        HttpEngine jdk = HttpEngines.create("jdk", Duration.ofSeconds(1))) {
      assertThat(socket).isInstanceOf(SocketHttpEngine.class);
      assertThat(jdk).isInstanceOf(JdkHttpEngine.class);
    }
  }

  @Test
  void rejectsAnUnknownEngineNamingTheKnownOnes() {
    assertThatThrownBy(() -> HttpEngines.create("netty", Duration.ofSeconds(1)))
        .hasMessage("HTTP engine \"netty\" is unknown; use one of [socket, jdk]");
  }

  @Test
  void agentOptionEngineIsParsedValidatedAndWrittenBack() {
    AgentConfig jdk = AgentConfig.parse(new String[] {"--runId", "r", "--duration", "5s", "--engine", "jdk"});
    assertThat(jdk.engine()).isEqualTo("jdk");
    assertThat(AgentConfig.parse(jdk.toArgs().toArray(String[]::new))).isEqualTo(jdk);
    assertThat(AgentConfig.parse(new String[] {"--runId", "r", "--duration", "5s"}).engine()).isEqualTo("socket");
    AgentConfig bad = AgentConfig.parse(new String[] {"--runId", "r", "--duration", "5s", "--engine", "okhttp"});
    assertThatThrownBy(() -> bad.validate(Setting::flag))
        .hasMessageContaining("--engine is \"okhttp\"; use one of [socket, jdk] (default socket)");
  }

  @Test
  void agentOptionRetriesIsParsedAndWrittenBack() {
    AgentConfig off = AgentConfig.parse(new String[] {"--runId", "r", "--duration", "5s", "--retries", "false"});
    assertThat(off.retries()).isFalse();
    assertThat(AgentConfig.parse(off.toArgs().toArray(String[]::new))).isEqualTo(off);
    assertThat(AgentConfig.parse(new String[] {"--runId", "r", "--duration", "5s"}).retries()).isTrue();
    assertThatThrownBy(() -> AgentConfig.parse(new String[] {"--runId", "r", "--duration", "5s", "--retries", "no"}))
        .hasMessage("--retries is \"no\"; use true or false");
  }
}
