package dev.constellation.maven.image;

import java.time.Duration;
import java.util.Objects;

/**
 * The agent image as it stands in one region's ECR repository after {@link EcrPusher#push}.
 *
 * @param region the AWS region, for example {@code eu-west-1}
 * @param repository the image repository, {@code <registry host>/<repository name>}
 * @param tag the content tag the image is stored under
 * @param imageDigest the image manifest digest, {@code sha256:<hex>}
 * @param pushed whether this run pushed it ({@code false}: the tag was already there)
 * @param layersPushed layers uploaded in this run
 * @param layersReused layers the repository already had (0 when nothing was pushed)
 * @param elapsed the time spent on this region, checks included
 */
public record RegionImage(
    String region,
    String repository,
    String tag,
    String imageDigest,
    boolean pushed,
    int layersPushed,
    int layersReused,
    Duration elapsed) {

  /** Checks that no value is missing. */
  public RegionImage {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(imageDigest, "imageDigest");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** {@code <repository>@sha256:<hex>}: the reference a task definition should use. */
  public String pinnedReference() {
    return repository + "@" + imageDigest;
  }
}
