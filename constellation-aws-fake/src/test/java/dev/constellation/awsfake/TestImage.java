package dev.constellation.awsfake;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.constellation.awsfake.testtask.TaskMain;
import dev.constellation.testservices.DockerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tiny test image: Jib {@code fromScratch}, one layer with {@link TaskMain}'s classes under
 * {@code /app/classes}, entrypoint {@code java -cp /app/classes ...TaskMain}, WorkingDir
 * {@code /app}, and an image Env (GREETING, plus PATH and JAVA_HOME that name the image's own
 * folders and must not reach the local process).
 */
final class TestImage {

  static final String REPOSITORY = "task-test";

  private TestImage() {}

  /** Pushes the image as {@code <registry>/task-test:<tag>} and returns its manifest digest. */
  static String push(DockerRegistry registry, String tag, Path workDir) throws Exception {
    return push(registry, tag, "amd64", workDir);
  }

  /** As {@link #push(DockerRegistry, String, Path)}, for a CPU architecture ({@code amd64}, {@code arm64}). */
  static String push(DockerRegistry registry, String tag, String architecture, Path workDir) throws Exception {
    Path classes = Path.of(TaskMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String pkg = TaskMain.class.getPackageName().replace('.', '/');
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("classes");
    try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        layer.addEntry(f, AbsoluteUnixPath.get("/app/classes/" + pkg + "/" + f.getFileName()));
      }
    }
    JibContainer c = Jib.fromScratch()
        .setPlatforms(java.util.Set.of(new com.google.cloud.tools.jib.api.buildplan.Platform(architecture, "linux")))
        .addFileEntriesLayer(layer.build())
        .setEntrypoint(List.of("java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", "/app/classes",
            TaskMain.class.getName()))
        .setWorkingDirectory(AbsoluteUnixPath.get("/app"))
        .setEnvironment(Map.of("GREETING", "hello from the image", "PATH", "/image/bin",
            "JAVA_HOME", "/image/java"))
        .containerize(Containerizer.to(RegistryImage.named(registry.host() + "/" + REPOSITORY + ":" + tag))
            .setAllowInsecureRegistries(true)
            .setBaseImageLayersCache(workDir.resolve("base-cache"))
            .setApplicationLayersCache(workDir.resolve("app-cache")));
    return c.getDigest().toString();
  }
}
