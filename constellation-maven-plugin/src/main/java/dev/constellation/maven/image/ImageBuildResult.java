package dev.constellation.maven.image;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.Collections;

/**
 * What one build produced.
 *
 * @param image the target reference as given (registry image or the tar's image name)
 * @param imageDigest the image manifest digest, {@code sha256:<hex>}
 * @param baseImageDigest the digest of the base image Jib actually used, {@code sha256:<hex>}
 * @param tags the tags the image was written under
 * @param layersPushed layers uploaded to the target registry (0 for a tar)
 * @param layersReused layers the target registry already had (0 for a tar)
 * @param elapsed the wall-clock time of the build and push
 */
public record ImageBuildResult(
    String image,
    String imageDigest,
    String baseImageDigest,
    Set<String> tags,
    int layersPushed,
    int layersReused,
    Duration elapsed) {

  /** Copies the tags in sorted order. */
  public ImageBuildResult {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imageDigest, "imageDigest");
    Objects.requireNonNull(baseImageDigest, "baseImageDigest");
    tags = Collections.unmodifiableSet(new TreeSet<>(tags));
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** The image pinned by digest, {@code <registry>/<repository>@sha256:<hex>}, for task definitions. */
  public String pinnedReference() {
    String repository = image;
    int at = repository.indexOf('@');
    if (at >= 0) {
      repository = repository.substring(0, at);
    }
    int slash = repository.lastIndexOf('/');
    int colon = repository.lastIndexOf(':');
    if (colon > slash) {
      repository = repository.substring(0, colon);
    }
    return repository + "@" + imageDigest;
  }
}
