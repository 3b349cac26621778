package dev.constellation.maven.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Where a built agent image goes: a registry, or a tar file {@code docker load} can read. */
public sealed interface ImageTarget {

  /** A registry image without credentials, for example {@code 127.0.0.1:5000/agent:1}. */
  static Registry registry(String image) {
    return new Registry(image, null, null, List.of());
  }

  /** A registry image pushed with a user name and password (ECR: user {@code AWS}). */
  static Registry registry(String image, String username, String password) {
    return new Registry(image, username, password, List.of());
  }

  /** A tar file holding the image under {@code imageName}. */
  static Tar tar(Path file, String imageName) {
    return new Tar(file, imageName);
  }

  /**
   * A registry image.
   *
   * @param image the full reference, registry host included; without a tag Jib uses {@code latest}
   * @param username the registry user, or {@code null} for anonymous pushes
   * @param password the registry password, or {@code null}
   * @param additionalTags more tags to push the same image under
   */
  record Registry(String image, String username, String password, List<String> additionalTags)
      implements ImageTarget {

    /** Checks the reference and copies the tags. */
    public Registry {
      Objects.requireNonNull(image, "image");
      additionalTags = List.copyOf(additionalTags);
    }

    /** The same target with more tags. */
    public Registry withAdditionalTags(List<String> tags) {
      return new Registry(image, username, password, tags);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
      return "Registry[image=" + image + ", username=" + username
          + ", password=" + (password == null ? "null" : "****")
          + ", additionalTags=" + additionalTags + "]";
    }
  }

  /**
   * A tar file.
   *
   * @param file where the tar is written
   * @param imageName the name recorded in the tar's {@code manifest.json}
   */
  record Tar(Path file, String imageName) implements ImageTarget {

    /** Checks that both values are present. */
    public Tar {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(imageName, "imageName");
    }
  }
}
