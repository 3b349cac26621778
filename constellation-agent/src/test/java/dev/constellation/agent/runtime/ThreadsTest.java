package dev.constellation.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The carrier-thread rule: half the CPUs for a target on this machine, the JDK's default otherwise. */
class ThreadsTest {

  @Test
  void aLoopbackTargetGetsHalfTheCpusAtLeastOne() {
    assertThat(Threads.carriersFor("http://127.0.0.1:8080", 2, null)).isEqualTo(1);
    assertThat(Threads.carriersFor("https://localhost:8443/api", 8, null)).isEqualTo(4);
    assertThat(Threads.carriersFor("http://localhost", 1, null)).isEqualTo(1);
    assertThat(Threads.carriersFor("http://127.0.0.1", 7, null)).isEqualTo(3);
  }

  @Test
  void anyOtherTargetAndAUserSettingKeepTheJdkChoice() {
    assertThat(Threads.carriersFor("https://api.example.com", 8, null)).isNull();
    assertThat(Threads.carriersFor("http://10.0.0.5:8080", 8, null)).isNull();
    assertThat(Threads.carriersFor("", 8, null)).isNull();
    assertThat(Threads.carriersFor(null, 8, null)).isNull();
    assertThat(Threads.carriersFor("http://127.0.0.1:8080", 8, "6")).isNull();
  }

  @Test
  void loopbackMeansLocalhostNamesAndLoopbackLiteralsOnly() {
    assertThat(Threads.isLoopback("http://localhost:1")).isTrue();
    assertThat(Threads.isLoopback("http://LOCALHOST")).isTrue();
    assertThat(Threads.isLoopback("http://api.localhost:80/x")).isTrue();
    assertThat(Threads.isLoopback("http://127.0.0.1")).isTrue();
    assertThat(Threads.isLoopback("http://127.1.2.3:9000")).isTrue();
    assertThat(Threads.isLoopback("http://[::1]:8080/")).isTrue();
    assertThat(Threads.isLoopback("http://128.0.0.1")).isFalse();
    assertThat(Threads.isLoopback("http://[::2]")).isFalse();
    assertThat(Threads.isLoopback("http://localhost.example.com")).isFalse();
    assertThat(Threads.isLoopback("http://mylocalhost")).isFalse();
    assertThat(Threads.isLoopback("http://1.2.3.4.5")).isFalse();
    assertThat(Threads.isLoopback("not a url")).isFalse();
    assertThat(Threads.isLoopback("/relative/path")).isFalse();
  }
}
