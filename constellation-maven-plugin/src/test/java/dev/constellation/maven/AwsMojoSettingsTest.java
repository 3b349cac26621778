package dev.constellation.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.aws.DeploySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How init and teardown read their settings: pom, -D, and the original tool's JSON file. */
class AwsMojoSettingsTest {

  @TempDir
  Path dir;

  private static InitMojo mojo() {
    InitMojo m = new InitMojo();
    m.installation = "constellation";
    m.homeRegion = "us-east-1";
    m.resultsStore = "auto";
    m.logRetentionDays = 7;
    return m;
  }

  @Test
  void pomRegionsBecomeAgentRegionsWithVcpusAndLambdaConcurrency() throws Exception {
    InitMojo m = mojo();
    m.homeRegion = "eu-west-1";
    m.remoteRegions = Map.of("us-east-2", "2600");

    DeploySettings s = m.settings();

    assertThat(s.installation().homeRegion()).isEqualTo("eu-west-1");
    assertThat(s.regions()).containsExactly("us-east-2");
    assertThat(s.requiredVcpu()).containsEntry("us-east-2", 3.0);
    assertThat(s.lambdaConcurrency()).isEqualTo(1);
  }

  @Test
  void theSeedFileWinsOverThePom() throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"DURATION\": 20000, \"HOME_REGION\": \"eu-central-1\", \"REMOTE_REGIONS\": {\"us-east-2\": 20, \"ap-south-1\": 5}}");
    InitMojo m = mojo();
    m.remoteRegionsList = "eu-west-1:10";
    m.config = config.toFile();

    DeploySettings s = m.settings();

    assertThat(s.installation().homeRegion()).isEqualTo("eu-central-1");
    assertThat(s.regions()).containsExactly("us-east-2", "ap-south-1");
  }

  @Test
  void everyBadSettingIsNamedInOneError() {
    InitMojo m = mojo();
    m.installation = "Team_A";
    m.homeRegion = "moon-1";
    m.remoteRegionsList = "mars-2:5";
    m.subnets = Map.of("us-east-2", "subnet-01");
    m.logRetentionDays = 8;

    assertThatThrownBy(m::settings).isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("<homeRegion> (-Dconstellation.homeRegion) is \"moon-1\"")
        .hasMessageContaining("-Dconstellation.remoteRegions mars-2 names \"mars-2\", which is not an AWS region")
        .hasMessageContaining("<subnets><us-east-2> names a region that is not among the agent regions")
        .hasMessageContaining("<installation> (-Dconstellation.installation) is \"Team_A\"")
        .hasMessageContaining("<logRetentionDays> (-Dconstellation.logRetentionDays) is 8");
  }

  @Test
  void subnetsMustBeSubnetIds() throws Exception {
    InitMojo m = mojo();
    m.remoteRegionsList = "us-east-2:5";
    m.subnets = Map.of("us-east-2", "subnet-0a1, subnet-0b2");
    assertThat(m.settings().subnets()).containsEntry("us-east-2", List.of("subnet-0a1", "subnet-0b2"));

    m.subnets = Map.of("us-east-2", "my-subnet");
    assertThatThrownBy(m::settings).hasMessageContaining("<subnets><us-east-2> is \"my-subnet\"; give subnet ids");
  }

  @Test
  void teardownScopeIsCheckedBeforeAnyAwsCall() {
    TeardownMojo t = new TeardownMojo();
    t.scope = "everything";
    assertThatThrownBy(t::execute).isInstanceOf(MojoExecutionException.class)
        .hasMessage("-Dconstellation.scope=everything is not a teardown scope; use remote, home or all");
  }
}
