package dev.constellation.maven.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedConfigTest {

  @TempDir Path dir;

  private Path file(String json) throws Exception {
    return Files.writeString(dir.resolve("c.json"), json);
  }

  @Test
  void readsTheOriginalToolsFileAsIs() throws Exception {
    SeedConfig c = SeedConfig.read(file("""
        {"DURATION": 20000, "HOME_REGION": "eu-central-1",
         "REMOTE_REGIONS": {"ap-northeast-1": 5, "us-east-2": 202, "ca-central-1": 777}}"""));
    assertThat(c.duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.homeRegion()).isEqualTo("eu-central-1");
    assertThat(c.remoteRegions()).containsExactly(Map.entry("ap-northeast-1", 5), Map.entry("us-east-2", 202), Map.entry("ca-central-1", 777));
  }

  @Test
  void namesTheKeyTheValueAndTheFix() throws Exception {
    assertThatThrownBy(() -> SeedConfig.read(dir.resolve("none.json"))).hasMessageContaining("none.json: the file does not exist");
    assertThatThrownBy(() -> SeedConfig.read(file("{\"DURATION\": 20000,"))).hasMessageContaining("malformed JSON at line 1");
    assertThatThrownBy(() -> SeedConfig.read(file("{\"DURATION\": -5, \"HOME_REGION\": \"eu-central-1\", \"REMOTE_REGIONS\": {\"us-east-2\": 1}}")))
        .hasMessageContaining("DURATION is -5; give the test duration in milliseconds");
    assertThatThrownBy(() -> SeedConfig.read(file("{\"DURATION\": 5, \"HOME_REGION\": \"mars-1\", \"REMOTE_REGIONS\": {\"us-east-2\": 1}}")))
        .hasMessageContaining("HOME_REGION is \"mars-1\"; give an AWS region name");
    assertThatThrownBy(() -> SeedConfig.read(file("{\"DURATION\": 5, \"HOME_REGION\": \"eu-central-1\", \"REMOTE_REGIONS\": {\"us-east-2\": 0}}")))
        .hasMessageContaining("REMOTE_REGIONS.us-east-2 is 0; give the number of VUs, 1 or more");
    assertThatThrownBy(() -> SeedConfig.read(file("{\"DURATION\": 5, \"HOME_REGION\": \"eu-central-1\", \"REMOTE_REGIONS\": {}, \"X\": 1}")))
        .hasMessageContaining("unknown key \"X\"");
  }

  @Test
  void regionsFromPomPropertyOrSeedAreCheckedAgainstKnownRegions() {
    Map<String, String> pom = new LinkedHashMap<>();
    pom.put("us-east-1", "20");
    pom.put("eu-west-1", "10");
    assertThat(RegionVus.resolve(pom, null, null)).containsExactly(Map.entry("us-east-1", 20), Map.entry("eu-west-1", 10));
    assertThat(RegionVus.resolve(pom, "sa-east-1:3", null)).containsExactly(Map.entry("sa-east-1", 3));
    assertThat(RegionVus.resolve(pom, "sa-east-1:3", Map.of("us-west-2", 7))).containsExactly(Map.entry("us-west-2", 7));
    assertThat(RegionVus.resolve(null, null, null)).isEmpty();
    assertThatThrownBy(() -> RegionVus.resolve(Map.of("us-east-9", "5"), null, null))
        .hasMessageContaining("<remoteRegions><us-east-9> names \"us-east-9\", which is not an AWS region; known regions: af-south-1");
    assertThatThrownBy(() -> RegionVus.resolve(Map.of("us-east-1", "many"), null, null))
        .hasMessageContaining("<remoteRegions><us-east-1> is \"many\"; give the number of VUs");
    assertThatThrownBy(() -> RegionVus.resolve(null, "us-east-1", null)).hasMessageContaining("is not region:VUs");
  }
}
