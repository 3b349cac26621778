package dev.constellation.maven;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.constellation.maven.image.AgentImageBuilder;
import dev.constellation.maven.image.EcrPusher;
import dev.constellation.maven.image.ImageBuildResult;
import dev.constellation.maven.image.ImageException;
import dev.constellation.maven.image.ImageSpec;
import dev.constellation.maven.image.ImageTarget;
import dev.constellation.maven.image.PushRetry;
import dev.constellation.maven.image.RegionImage;
import dev.constellation.maven.image.RuntimePlatform;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Builds the agent image from this project with Jib (no Docker daemon): the project's scripts,
 * its dependencies and the Constellation agent in separate layers on a Java 21+ base, with the
 * agent main class as entrypoint. Writes it to a registry, to ECR in each given region, or to a
 * tar file, and records the digests in {@code target/constellation/image.json}.
 */
@Mojo(name = "image", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.TEST, threadSafe = true)
public class ImageMojo extends AbstractMojo {

  /** The base image: a Java 21+ runtime, by tag or pinned by digest ({@code ...@sha256:...}) for reproducible images. */
  @Parameter(property = "constellation.image.base", defaultValue = ImageSpec.DEFAULT_BASE_IMAGE)
  String base;

  /** A registry image to push to, such as {@code 127.0.0.1:5000/constellation-agent:dev}. */
  @Parameter(property = "constellation.image.registry")
  String registry;

  /** Allows plain-HTTP or self-signed registries (for example one on loopback). */
  @Parameter(property = "constellation.image.allowInsecureRegistries", defaultValue = "false")
  boolean allowInsecureRegistries;

  /** Writes the image to this tar file instead of a registry ({@code docker load} reads it). */
  @Parameter(property = "constellation.image.tarFile")
  File tarFile;

  /** AWS regions to push the image to, in their ECR ({@code -Dconstellation.image.ecrRegions=us-east-1,eu-west-1}). */
  @Parameter(property = "constellation.image.ecrRegions")
  List<String> ecrRegions;

  /** The ECR repository name, created where missing and tagged {@code constellation:managed=true}. */
  @Parameter(property = "constellation.image.repository", defaultValue = EcrPusher.DEFAULT_REPOSITORY)
  String repository;

  /** The image platform, {@code linux/amd64} or {@code linux/arm64} (Graviton Fargate). */
  @Parameter(property = "constellation.image.platform", defaultValue = ImageSpec.DEFAULT_PLATFORM)
  String platform;

  /** JVM options in the entrypoint; when unset, -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError. */
  @Parameter(property = "constellation.image.jvmFlags")
  List<String> jvmFlags;

  /** Where Jib keeps its layer caches. */
  @Parameter(property = "constellation.image.cacheDirectory", defaultValue = "${project.build.directory}/constellation/jib-cache")
  File cacheDirectory;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  PluginDescriptor plugin;

  @Override
  public void execute() throws MojoExecutionException {
    int targets = (registry == null || registry.isBlank() ? 0 : 1) + (tarFile == null ? 0 : 1)
        + (ecrRegions == null || ecrRegions.isEmpty() ? 0 : 1);
    if (targets != 1) {
      throw new MojoExecutionException("give exactly one image target: <registry> (-Dconstellation.image.registry=host:port/name:tag), "
          + "<tarFile> (-Dconstellation.image.tarFile=target/agent.tar) or <ecrRegions> "
          + "(-Dconstellation.image.ecrRegions=us-east-1,...); " + (targets == 0 ? "none was given" : targets + " were given"));
    }
    ProjectClasspath cp = ProjectClasspath.of(project, plugin);
    ImageSpec.Builder specBuilder = ImageSpec.builder()
        .baseImage(base)
        .dependencyJars(cp.dependencyJars())
        .constellationJars(cp.constellationJars())
        .classesDirectory(cp.classes())
        .testClassesDirectory(cp.testClasses())
        .labels(Map.of("constellation.project", project.getGroupId() + ":" + project.getArtifactId() + ":" + project.getVersion()))
        .platform(platform)
        .allowInsecureRegistries(allowInsecureRegistries);
    if (jvmFlags != null && !jvmFlags.isEmpty()) {
      specBuilder.jvmFlags(jvmFlags);
    }
    ImageSpec spec = specBuilder.build();
    Path cache = cacheDirectory.toPath();
    AgentImageBuilder builder = new AgentImageBuilder(cache.resolve("base"), cache.resolve("application"), getLog()::info);
    Map<String, Object> record = new LinkedHashMap<>();
    try {
      // Checked before anything is built or pushed: the task definition must run the image's platform.
      RuntimePlatform runtime = spec.runtimePlatform();
      Map<String, Object> runtimePlatform = new LinkedHashMap<>();
      runtimePlatform.put("cpuArchitecture", runtime.cpuArchitecture());
      runtimePlatform.put("operatingSystemFamily", runtime.operatingSystemFamily());
      record.put("runtimePlatform", runtimePlatform);
      if (ecrRegions != null && !ecrRegions.isEmpty()) {
        List<RegionImage> pushed = new EcrPusher(builder, EcrPusher.defaultClients(), repository, getLog()::info).push(spec, ecrRegions);
        Map<String, Object> regions = new LinkedHashMap<>();
        for (RegionImage r : pushed) {
          regions.put(r.region(), r.toString());
          getLog().info("image for " + r.region() + ": " + r);
        }
        record.put("regions", regions);
      } else {
        ImageBuildResult r = tarFile != null
            ? builder.build(spec, ImageTarget.tar(tarFile.toPath(), "constellation-agent:" + builder.contentTag(spec)))
            : PushRetry.STANDARD.pushToRegistry(builder, spec, registry.trim(), getLog()::info,
                () -> ThreadLocalRandom.current().nextDouble());
        getLog().info("image " + r.pinnedReference() + " (base " + r.baseImageDigest() + "): " + r.layersPushed() + " layers pushed, "
            + r.layersReused() + " reused, " + r.elapsed().toMillis() + " ms");
        record.put("image", r.image());
        record.put("digest", r.imageDigest());
        record.put("pinned", r.pinnedReference());
        record.put("baseImageDigest", r.baseImageDigest());
        record.put("layersPushed", r.layersPushed());
        record.put("layersReused", r.layersReused());
      }
    } catch (ImageException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    try {
      Path out = Path.of(project.getBuild().getDirectory(), "constellation", "image.json");
      Files.createDirectories(out.getParent());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), record);
    } catch (IOException e) {
      throw new MojoExecutionException("the image was built, but target/constellation/image.json could not be written: " + e.getMessage(), e);
    }
  }
}
