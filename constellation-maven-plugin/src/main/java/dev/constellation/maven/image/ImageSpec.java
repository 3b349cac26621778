package dev.constellation.maven.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What goes into the agent image: the base image, the jars and class folders of the user's
 * project, and how the container starts.
 *
 * <p>Layers, from least to most often changed: {@link #dependencyJars()} in {@code /app/libs},
 * {@link #constellationJars()} in {@code /app/constellation}, {@link #classesDirectory()} in
 * {@code /app/classes} and {@link #testClassesDirectory()} in {@code /app/test-classes}
 * (resources are inside the class folders). A class folder that does not exist counts as empty.
 * Build one with {@link #builder()}.
 *
 * @param baseImage the image to build on, a tag or a digest-pinned {@code name@sha256:...}
 * @param dependencyJars third-party jars, in classpath order
 * @param constellationJars the {@code dev.constellation} jars (agent, api, orchestrator)
 * @param classesDirectory the project's main classes folder
 * @param testClassesDirectory the project's test classes folder (where the scripts are)
 * @param mainClass the class the entrypoint runs
 * @param jvmFlags flags placed between {@code java} and {@code -cp}; {@link #DEFAULT_JVM_FLAGS}
 *     unless the builder was given flags
 * @param labels image labels, sorted by key
 * @param platform {@code os/architecture}, for example {@code linux/amd64}
 * @param allowInsecureRegistries whether plain-HTTP registries may be used (loopback test
 *     registries only)
 */
public record ImageSpec(
    String baseImage,
    List<Path> dependencyJars,
    List<Path> constellationJars,
    Path classesDirectory,
    Path testClassesDirectory,
    String mainClass,
    List<String> jvmFlags,
    Map<String, String> labels,
    String platform,
    boolean allowInsecureRegistries) {

  /** The default base image: Amazon Corretto 21 from ECR Public (anonymous pulls allowed). */
  public static final String DEFAULT_BASE_IMAGE = "public.ecr.aws/amazoncorretto/amazoncorretto:21";

  /** The agent's main class, the same one local mode runs. */
  public static final String DEFAULT_MAIN_CLASS = "dev.constellation.agent.AgentMain";

  /**
   * The JVM flags of an image built without {@code <jvmFlags>}: the heap may take 75 % of the
   * task's memory (the JVM's own default is 25 % of the container limit), and the JVM exits on an
   * {@code OutOfMemoryError} instead of running on half-broken, so the task stops with a non-zero
   * exit code the plugin reports. Any {@code <jvmFlags>} replace these.
   */
  public static final List<String> DEFAULT_JVM_FLAGS = List.of("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");

  /** The default platform, the one Fargate runs unless told otherwise. */
  public static final String DEFAULT_PLATFORM = "linux/amd64";

  /** The pom element of {@link #baseImage()}. */
  public static final String SETTING_BASE = "<base> (-Dconstellation.image.base)";

  /** The pom element of the target registry. */
  public static final String SETTING_REGISTRY = "<registry> (-Dconstellation.image.registry)";

  /** The pom element of {@link #platform()}. */
  public static final String SETTING_PLATFORM = "<platform> (-Dconstellation.image.platform)";

  /** The pom element of {@link #allowInsecureRegistries()}. */
  public static final String SETTING_ALLOW_INSECURE = "<allowInsecureRegistries> (-Dconstellation.image.allowInsecureRegistries)";

  /** The pom element of the tar file target. */
  public static final String SETTING_TAR_FILE = "<tarFile> (-Dconstellation.image.tarFile)";

  /** The pom element of the Jib cache folder. */
  public static final String SETTING_CACHE = "<cacheDirectory> (-Dconstellation.image.cacheDirectory)";

  /** Copies every collection and checks that no value is missing. */
  public ImageSpec {
    Objects.requireNonNull(baseImage, "baseImage");
    dependencyJars = List.copyOf(dependencyJars);
    constellationJars = List.copyOf(constellationJars);
    Objects.requireNonNull(classesDirectory, "classesDirectory");
    Objects.requireNonNull(testClassesDirectory, "testClassesDirectory");
    Objects.requireNonNull(mainClass, "mainClass");
    jvmFlags = List.copyOf(jvmFlags);
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    Objects.requireNonNull(platform, "platform");
  }

  /**
   * The ECS task definition's {@code runtimePlatform} this image runs on: Fargate starts the task
   * only on the platform the image was built for (else the task stops with "exec format error").
   *
   * @return the runtime platform
   * @throws ImageException naming {@code <platform>} when it is not one Fargate offers
   */
  public RuntimePlatform runtimePlatform() throws ImageException {
    return RuntimePlatform.of(platform);
  }

  /** A builder with the defaults: Corretto 21 base, the agent main class, {@link #DEFAULT_JVM_FLAGS}, linux/amd64. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the values of an {@link ImageSpec}; the class folders are required. */
  public static final class Builder {
    private String baseImage = DEFAULT_BASE_IMAGE;
    private final List<Path> dependencyJars = new ArrayList<>();
    private final List<Path> constellationJars = new ArrayList<>();
    private Path classesDirectory;
    private Path testClassesDirectory;
    private String mainClass = DEFAULT_MAIN_CLASS;
    private List<String> jvmFlags;
    private final Map<String, String> labels = new TreeMap<>();
    private String platform = DEFAULT_PLATFORM;
    private boolean allowInsecureRegistries;

    private Builder() {}

    /** Sets the base image reference (tag or digest). */
    public Builder baseImage(String value) {
      this.baseImage = value;
      return this;
    }

    /** Adds third-party jars, in classpath order. */
    public Builder dependencyJars(List<Path> jars) {
      dependencyJars.addAll(jars);
      return this;
    }

    /** Adds the {@code dev.constellation} jars. */
    public Builder constellationJars(List<Path> jars) {
      constellationJars.addAll(jars);
      return this;
    }

    /** Sets the main classes folder. */
    public Builder classesDirectory(Path dir) {
      this.classesDirectory = dir;
      return this;
    }

    /** Sets the test classes folder. */
    public Builder testClassesDirectory(Path dir) {
      this.testClassesDirectory = dir;
      return this;
    }

    /** Sets the class the entrypoint runs. */
    public Builder mainClass(String value) {
      this.mainClass = value;
      return this;
    }

    /** Adds JVM flags; the first call replaces {@link #DEFAULT_JVM_FLAGS} (an empty list gives no flags at all). */
    public Builder jvmFlags(List<String> flags) {
      if (jvmFlags == null) {
        jvmFlags = new ArrayList<>();
      }
      jvmFlags.addAll(flags);
      return this;
    }

    /** Adds labels. */
    public Builder labels(Map<String, String> values) {
      labels.putAll(values);
      return this;
    }

    /** Sets the platform as {@code os/architecture}. */
    public Builder platform(String value) {
      this.platform = value;
      return this;
    }

    /** Allows plain-HTTP registries, for the base pull and the push. */
    public Builder allowInsecureRegistries(boolean value) {
      this.allowInsecureRegistries = value;
      return this;
    }

    /** Creates the spec. */
    public ImageSpec build() {
      return new ImageSpec(
          baseImage,
          dependencyJars,
          constellationJars,
          classesDirectory,
          testClassesDirectory,
          mainClass,
          jvmFlags == null ? DEFAULT_JVM_FLAGS : jvmFlags,
          labels,
          platform,
          allowInsecureRegistries);
    }
  }
}
