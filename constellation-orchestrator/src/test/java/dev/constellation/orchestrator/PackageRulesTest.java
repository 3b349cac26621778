package dev.constellation.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PackageRulesTest {

  private static final Path MAIN = Paths.get("src", "main", "java", "dev", "constellation", "orchestrator");

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
    }
  }

  private static List<String> offenders(Stream<Path> files, String needle) {
    return files.filter(p -> {
      try {
        return Files.readString(p).contains(needle);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).map(Path::toString).collect(Collectors.toList());
  }

  @Test
  void keepsAwsSdkTypesInTheDynamoDbAndLambdaPackages() throws IOException {
    assertThat(offenders(sources().stream().filter(p -> {
      String pkg = MAIN.relativize(p).getParent() == null ? "" : MAIN.relativize(p).getParent().toString();
      return !pkg.equals("dynamodb") && !pkg.equals("lambda");
    }), "software.amazon.awssdk")).isEmpty();
    assertThat(offenders(sources().stream(), "com.amazonaws"))
        .allMatch(p -> p.contains("lambda"));
  }

  @Test
  void writesNothingToTheConsoleAndThrowsNoBareRuntimeException() throws IOException {
    assertThat(offenders(sources().stream(), "System.out")).isEmpty();
    assertThat(offenders(sources().stream(), "System.err")).isEmpty();
    assertThat(offenders(sources().stream(), "java.util.logging")).isEmpty();
    assertThat(offenders(sources().stream(), "new RuntimeException(")).isEmpty();
  }

  @Test
  void keepsTheCoreFreeOfItsAdapters() throws IOException {
    try (Stream<Path> core = Files.list(MAIN)) {
      List<Path> files = core.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
      assertThat(offenders(files.stream(), "dev.constellation.orchestrator.http")).isEmpty();
      assertThat(offenders(files.stream(), "dev.constellation.orchestrator.lambda")).isEmpty();
      assertThat(offenders(files.stream(), "dev.constellation.orchestrator.dynamodb")).isEmpty();
    }
  }
}
