package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.Setting;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpEnginesTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void createsTheSocketEngineByDefaultAndTheJdkEngineOnRequest() {
    try (HttpEngine socket = HttpEngines.create(HttpEngines.DEFAULT, Duration.ofSeconds(1));
        HttpEngine jdk = HttpEngines.create("jdk", Duration.ofSeconds(1))) {
      assertThat(socket).isInstanceOf(SocketHttpEngine.class);
      assertThat(jdk).isInstanceOf(JdkHttpEngine.class);
    }
  }

  @Test
  void eachFactoryMethodGivesTheNamedEngineWithItsRetriesAndTlsContext() throws Exception {
    // a TLS server whose certificate only the test's context trusts, and that drops the second
    // request on a connection without a byte: a retry sends it again on a new connection
    try (RawServer s = new RawServer((head, out, c, n) -> {
      if (n == 2) {
        return false;
      }
      RawServer.ok(out, "");
      return true;
    }).tls(TestTls.serverContext())) {
      RequestTarget target = RequestTarget.of(s.url() + "/");
      javax.net.ssl.SSLContext trusting = TestTls.trusting().sslContext();
      for (String name : HttpEngines.NAMES) {
        Class<?> type = name.equals(HttpEngines.SOCKET) ? SocketHttpEngine.class : JdkHttpEngine.class;
        try (HttpEngine withRetries = HttpEngines.create(name, Duration.ofSeconds(2), trusting);
            HttpEngine noRetries = HttpEngines.create(name, Duration.ofSeconds(2), false, trusting);
            HttpEngine defaultTls = HttpEngines.create(name, Duration.ofSeconds(2), true)) {
          assertThat(withRetries).as(name).isInstanceOf(type);
          assertThat(noRetries).as(name).isInstanceOf(type);
          assertThat(defaultTls).as(name).isInstanceOf(type);
          assertThat(withRetries.measuresConnections()).as(name).isEqualTo(name.equals(HttpEngines.SOCKET));
          int connections = s.connections();
          assertThat(withRetries.send("GET", target, List.of(), null, TIMEOUT).status()).as(name).isEqualTo(200);
          assertThat(withRetries.send("GET", target, List.of(), null, TIMEOUT).status()).as(name).isEqualTo(200);
          assertThat(s.connections() - connections).as(name + ": the dropped request went again on a new connection").isEqualTo(2);
          assertThat(noRetries.send("GET", target, List.of(), null, TIMEOUT).status()).as(name).isEqualTo(200);
          assertThat(catchThrowable(() -> noRetries.send("GET", target, List.of(), null, TIMEOUT))).as(name)
              .isInstanceOf(java.io.IOException.class);
          // the JVM's default context does not trust the test's certificate
          assertThat(ErrorTypes.classify(catchThrowable(() -> defaultTls.send("GET", target, List.of(), null, TIMEOUT))))
              .as(name).isEqualTo("tls_error");
        }
      }
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
