package dev.constellation.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.maven.visualize.Visualizer;
import java.io.StringReader;
import java.nio.file.Path;
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

  /** -Dconstellation.visualize=true starts a visualizer for the run only when none runs over the output directory. */
  @Test
  void visualizeStartsOneVisualizerOverTheOutputDirectory(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    RunMojo off = mojo(dir, false);
    assertThat(off.startVisualizer()).isNull();
    assertThat(Visualizer.running(dir)).isEmpty();

    Visualizer started = mojo(dir, true).startVisualizer();
    assertThat(started).isNotNull();
    try {
      assertThat(started.url().getHost()).isEqualTo("127.0.0.1");
      assertThat(Visualizer.running(dir)).contains(started.url());
      // a second run while it serves uses it (its live URL is printed by the run) instead of starting another
      assertThat(mojo(dir, true).startVisualizer()).isNull();
    } finally {
      long t0 = System.nanoTime();
      started.closeWhenShown();
      // no live view was open: it stops at once
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(4_000);
    }
    assertThat(Visualizer.running(dir)).isEmpty();
  }

  private static RunMojo mojo(Path dir, boolean visualize) {
    RunMojo m = new RunMojo();
    m.outputDirectory = dir.toFile();
    m.visualize = visualize;
    m.visualizePort = 0;
    m.visualizeBind = "127.0.0.1";
    return m;
  }
}
