package dev.constellation.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.codehaus.plexus.util.xml.Xpp3DomBuilder;
import org.junit.jupiter.api.Test;

class RunMojoTest {

  /**
   * The execution's configuration as Maven hands it to the mojo: what the pom sets, merged with
   * the goal's defaults, where a parameter the pom leaves out carries its property expression.
   */
  @Test
  void onlyWhatThePomWritesCountsAsThePomsValue() throws Exception {
    Xpp3Dom config = Xpp3DomBuilder.build(new StringReader("<configuration>"
        + "<duration>6s</duration>"
        + "<vus default-value=\"10\">${constellation.vus}</vus>"
        + "<baseUrl>${constellation.baseUrl}</baseUrl>"
        + "<remoteRegions><us-east-2>4</us-east-2></remoteRegions>"
        + "<thresholds><threshold>p(95) &lt; 1s</threshold></thresholds>"
        + "<jvm>${my.jdk}</jvm>"
        + "<parameters/>"
        + "</configuration>"));
    assertThat(RunMojo.configuredInPom(config, "duration")).isTrue();
    assertThat(RunMojo.configuredInPom(config, "vus")).isFalse();
    assertThat(RunMojo.configuredInPom(config, "baseUrl")).isFalse();
    assertThat(RunMojo.configuredInPom(config, "remoteRegions")).isTrue();
    assertThat(RunMojo.configuredInPom(config, "thresholds")).isTrue();
    assertThat(RunMojo.configuredInPom(config, "jvm")).isTrue();
    assertThat(RunMojo.configuredInPom(config, "parameters")).isFalse();
    assertThat(RunMojo.configuredInPom(config, "stages")).isFalse();
    assertThat(RunMojo.configuredInPom(null, "duration")).isFalse();
  }
}
