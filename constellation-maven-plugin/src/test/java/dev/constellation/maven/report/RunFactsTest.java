package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFactsTest {

  @TempDir
  Path dir;

  @Test
  void factsWrittenToARunDirectoryReadBackEqual() throws IOException {
    RunFacts facts = new RunFacts("r1", Instant.parse("2026-11-27T10:00:00.123Z"), 60_000, "https://api.example.test",
        Map.of("eu-west-1", new RunFacts.RegionFacts(3, 120, Map.of("startSkewMs", 14, "note", "ok", "az", List.of("a", "b"))),
            "us-east-1", RunFacts.RegionFacts.of(1, 10)));
    Path file = facts.write(dir);
    assertThat(file).isEqualTo(dir.resolve("run.json"));
    RunFacts back = RunFacts.read(dir);
    assertThat(back).isEqualTo(facts);
    assertThat(back.totalVus()).isEqualTo(130);
    assertThat(back.totalAgents()).isEqualTo(4);
  }

  @Test
  void aRunDirectoryThatDoesNotExistYetIsCreatedAndAJsonPathIsUsedAsIs() throws IOException {
    RunFacts facts = new RunFacts("r2", Instant.EPOCH, 1000, "", Map.of());
    assertThat(facts.write(dir.resolve("target/constellation/r2"))).isEqualTo(dir.resolve("target/constellation/r2/run.json"));
    assertThat(facts.write(dir.resolve("elsewhere.json"))).isEqualTo(dir.resolve("elsewhere.json"));
    assertThat(RunFacts.read(dir.resolve("elsewhere.json"))).isEqualTo(facts);
    assertThat(RunFacts.read(dir.resolve("target/constellation/r2"))).isEqualTo(facts);
  }

  @Test
  void readingAMissingOrForeignFileSaysWhatIsWrong() throws IOException {
    assertThatThrownBy(() -> RunFacts.read(dir)).isInstanceOf(IOException.class).hasMessageContaining("run.json does not exist");
    Files.writeString(dir.resolve("run.json"), "{\"runId\":\"x\"}");
    assertThatThrownBy(() -> RunFacts.read(dir)).isInstanceOf(IOException.class).hasMessageContaining("\"startedAt\"");
  }

  @Test
  void statusAndPlannedDurationAreKeptAndAnOlderFileReadsAsCompleted() throws IOException {
    RunFacts running = new RunFacts("r3", Instant.EPOCH, 60_000, "http://127.0.0.1:1", Map.of("local", RunFacts.RegionFacts.of(1, 5)),
        60_000, RunFacts.Status.RUNNING);
    running.write(dir);
    assertThat(Files.readString(dir.resolve("run.json"))).contains("\"status\" : \"running\"").contains("\"plannedDurationMs\" : 60000");
    assertThat(RunFacts.read(dir)).isEqualTo(running);
    assertThat(RunFacts.read(dir).interrupted()).isTrue();
    RunFacts ended = running.ended(RunFacts.Status.INTERRUPTED, 15_000, running.regions());
    ended.write(dir);
    RunFacts back = RunFacts.read(dir);
    assertThat(back.status()).isEqualTo(RunFacts.Status.INTERRUPTED);
    assertThat(back.durationMs()).isEqualTo(15_000);
    assertThat(back.plannedDurationMs()).isEqualTo(60_000);
    assertThat(back.totalVus()).isEqualTo(5);
    assertThat(back.target()).isEqualTo("http://127.0.0.1:1");
    Files.writeString(dir.resolve("run.json"), "{\"runId\":\"old\",\"startedAt\":\"1970-01-01T00:00:00Z\",\"durationMs\":3000}");
    RunFacts old = RunFacts.read(dir);
    assertThat(old.status()).isEqualTo(RunFacts.Status.COMPLETED);
    assertThat(old.plannedDurationMs()).isEqualTo(3000);
    assertThat(old.interrupted()).isFalse();
  }
}
