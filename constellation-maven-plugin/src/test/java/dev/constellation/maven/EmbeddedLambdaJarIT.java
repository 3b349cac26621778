package dev.constellation.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The packaged plugin jar carries the shaded orchestrator Lambda jar that init uploads (AWS-DEPLOY G6). */
class EmbeddedLambdaJarIT {

  @Test
  void pluginJarContainsTheOrchestratorLambdaJarWithItsHandler() throws Exception {
    Path jar;
    try (Stream<Path> files = Files.list(Paths.get("target"))) {
      jar = files.filter(p -> p.getFileName().toString().matches("constellation-maven-plugin-.*\\.jar")
          && !p.getFileName().toString().endsWith("-sources.jar")).findFirst().orElseThrow();
    }
    try (JarFile plugin = new JarFile(jar.toFile())) {
      ZipEntry entry = plugin.getEntry(InitMojo.LAMBDA_JAR);
      assertThat(entry).as(InitMojo.LAMBDA_JAR + " in " + jar).isNotNull();
      byte[] lambda = plugin.getInputStream(entry).readAllBytes();
      List<String> names = new ArrayList<>();
      try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(lambda))) {
        for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
          names.add(e.getName());
        }
      }
      assertThat(names).contains("dev/constellation/orchestrator/lambda/LambdaHandler.class",
          "com/amazonaws/services/lambda/runtime/RequestStreamHandler.class");
      assertThat(lambda.length).as("the shaded jar, about 10 MB").isGreaterThan(5_000_000);
    }
  }
}
