package dev.constellation.maven.image;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.event.events.TimerEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Builds the agent image from the user's project with Jib, without a Docker daemon, and writes it
 * to a registry or a tar file.
 *
 * <p>The image is reproducible: files carry Jib's fixed modification time, the image's creation
 * time is the epoch and entries are sorted, so the same {@link ImageSpec} on the same base digest
 * gives the same image digest on every machine. The entrypoint is {@code java <jvmFlags> -cp
 * /app/test-classes:/app/classes:/app/constellation/*:/app/libs/* <mainClass>}; program arguments
 * come at run time (the task definition's command).
 */
public final class AgentImageBuilder {

  /** Jib's shared base-layer cache in the user's home, reused across projects. */
  public static final Path DEFAULT_BASE_LAYERS_CACHE = Containerizer.DEFAULT_BASE_CACHE_DIRECTORY;

  private final Path baseLayersCache;
  private final Path applicationLayersCache;
  private final Consumer<String> log;

  /**
   * Creates a builder.
   *
   * @param baseLayersCache where pulled base layers are kept ({@link #DEFAULT_BASE_LAYERS_CACHE})
   * @param applicationLayersCache where built project layers are kept, for example {@code
   *     target/constellation/jib-cache}
   * @param log receives Jib's lifecycle, warning and error lines
   */
  public AgentImageBuilder(Path baseLayersCache, Path applicationLayersCache, Consumer<String> log) {
    this.baseLayersCache = Objects.requireNonNull(baseLayersCache, "baseLayersCache");
    this.applicationLayersCache =
        Objects.requireNonNull(applicationLayersCache, "applicationLayersCache");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * A tag derived from the content: the first 24 hex digits of a SHA-256 over the base
   * reference, platform, entrypoint, labels and every file. Equal inputs give equal tags, so a
   * registry that already has the tag already has this image (when the base is digest-pinned).
   */
  public String contentTag(ImageSpec spec) throws ImageException {
    return AgentLayers.fingerprint(spec, AgentLayers.plan(spec)).substring(0, 24);
  }

  /**
   * Builds the image and writes it to the target.
   *
   * @throws ImageException when a setting is wrong or a registry refuses; the message names the
   *     setting, the value and the fix
   */
  public ImageBuildResult build(ImageSpec spec, ImageTarget target) throws ImageException {
    ImageReference base = parse(ImageSpec.SETTING_BASE, spec.baseImage());
    Platform platform = platform(spec.platform());
    List<AgentLayers.Layer> layers = AgentLayers.plan(spec);
    if (!spec.allowInsecureRegistries()) {
      LoopbackTlsCheck.requireTls(ImageSpec.SETTING_BASE, spec.baseImage(), base.getRegistry());
      if (target instanceof ImageTarget.Registry r) {
        LoopbackTlsCheck.requireTls(ImageSpec.SETTING_REGISTRY, r.image(),
            parse(ImageSpec.SETTING_REGISTRY, r.image()).getRegistry());
      }
    }

    JibContainerBuilder container =
        Jib.from(RegistryImage.named(base))
            .setPlatforms(Set.of(platform))
            .setEntrypoint(AgentLayers.entrypoint(spec))
            .setProgramArguments(List.of())
            .setWorkingDirectory(AbsoluteUnixPath.get("/app"))
            .setLabels(spec.labels());
    for (AgentLayers.Layer layer : layers) {
      FileEntriesLayer.Builder jibLayer = FileEntriesLayer.builder().setName(layer.name());
      for (AgentLayers.Entry entry : layer.entries()) {
        jibLayer.addEntry(entry.source(), AbsoluteUnixPath.get(entry.target()));
      }
      container.addFileEntriesLayer(jibLayer.build());
    }

    JibEventsRecorder events = new JibEventsRecorder(log);
    Containerizer containerizer = containerizer(target)
        .setAllowInsecureRegistries(spec.allowInsecureRegistries())
        .setBaseImageLayersCache(baseLayersCache)
        .setApplicationLayersCache(applicationLayersCache)
        .setToolName("constellation")
        .addEventHandler(LogEvent.class, events::onLog)
        .addEventHandler(TimerEvent.class, events::onTimer);

    long start = System.nanoTime();
    JibContainer built;
    try {
      built = container.containerize(containerizer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException(
          settingOf(target), describe(target), "the build was interrupted", "Run it again", e);
    } catch (RegistryException | IOException | CacheDirectoryCreationException
        | ExecutionException e) {
      throw JibErrors.explain(e, spec, base, target);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    String baseDigest =
        events.baseImageDigest()
            .or(() -> base.getDigest())
            .orElseThrow(() -> new IllegalStateException(
                "Jib reported no base image digest for " + base));
    boolean registry = target instanceof ImageTarget.Registry;
    return new ImageBuildResult(
        built.getTargetImage().toString(),
        built.getDigest().toString(),
        baseDigest,
        built.getTags(),
        registry ? events.layersPushed() : 0,
        registry ? events.layersReused() : 0,
        elapsed);
  }

  private Containerizer containerizer(ImageTarget target) throws ImageException {
    if (target instanceof ImageTarget.Registry r) {
      RegistryImage image = RegistryImage.named(parse(ImageSpec.SETTING_REGISTRY, r.image()));
      if (r.username() != null) {
        image.addCredential(r.username(), r.password() == null ? "" : r.password());
      }
      Containerizer containerizer = Containerizer.to(image);
      for (String tag : r.additionalTags()) {
        containerizer.withAdditionalTag(tag);
      }
      return containerizer;
    }
    ImageTarget.Tar tar = (ImageTarget.Tar) target;
    return Containerizer.to(
        TarImage.at(tar.file()).named(parse(ImageSpec.SETTING_TAR_FILE, tar.imageName())));
  }

  static String settingOf(ImageTarget target) {
    return target instanceof ImageTarget.Registry
        ? ImageSpec.SETTING_REGISTRY
        : ImageSpec.SETTING_TAR_FILE;
  }

  static String describe(ImageTarget target) {
    return target instanceof ImageTarget.Registry r
        ? r.image()
        : ((ImageTarget.Tar) target).file().toString();
  }

  private static ImageReference parse(String setting, String reference) throws ImageException {
    try {
      return ImageReference.parse(reference);
    } catch (InvalidImageReferenceException e) {
      throw new ImageException(
          setting,
          reference,
          "this is not an image reference",
          "Write it as registry/repository:tag or registry/repository@sha256:<64 hex digits>, "
              + "for example " + ImageSpec.DEFAULT_BASE_IMAGE,
          e);
    }
  }

  static Platform platform(String value) throws ImageException {
    String[] parts = value.split("/");
    if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new ImageException(
          ImageSpec.SETTING_PLATFORM,
          value,
          "a platform is os/architecture",
          "Use linux/amd64 (the default) or linux/arm64 (Graviton)",
          null);
    }
    return new Platform(parts[1], parts[0]);
  }
}
