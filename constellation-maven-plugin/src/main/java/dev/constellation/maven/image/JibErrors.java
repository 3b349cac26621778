package dev.constellation.maven.image;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Turns Jib's failures into {@link ImageException}s that name the setting and the fix. */
final class JibErrors {

  private JibErrors() {}

  static ImageException explain(
      Throwable error, ImageSpec spec, ImageReference base, ImageTarget target) {
    String targetHost = targetRegistry(target);
    String text = chainText(error);
    boolean aboutBase = isAboutBase(error, text, base, targetHost);
    String setting = aboutBase ? ImageSpec.SETTING_BASE : AgentImageBuilder.settingOf(target);
    String value = aboutBase ? spec.baseImage() : AgentImageBuilder.describe(target);
    String registry = aboutBase ? base.getRegistry() : targetHost;

    if (find(error, InsecureRegistryException.class) != null) {
      return new ImageException(
          setting, value,
          "registry " + registry + " answers only over plain HTTP or with an untrusted certificate,"
              + " and insecure registries are not allowed",
          "Use an HTTPS registry, or set " + ImageSpec.SETTING_ALLOW_INSECURE
              + " to true, for a registry on this machine only",
          error);
    }
    if (isConnectionFailure(error, text)) {
      return new ImageException(
          setting, value,
          "registry " + registry + " cannot be reached (" + rootMessage(error) + ")",
          "Check the host name and port, that the registry is running, and the network or proxy",
          error);
    }
    if (find(error, RegistryUnauthorizedException.class) != null
        || find(error, RegistryAuthenticationFailedException.class) != null
        || text.contains("RegistryCredentialsNotSentException")
        || text.toLowerCase(Locale.ROOT).contains("unauthorized")
        || text.toLowerCase(Locale.ROOT).contains("denied")) {
      String fix = aboutBase
          ? "Use a base image that allows anonymous pulls (such as " + ImageSpec.DEFAULT_BASE_IMAGE
              + ") or one your registry credentials can read"
          : "Check the registry credentials (for ECR: the AWS credentials and the region's"
              + " GetAuthorizationToken permission, ecr:InitiateLayerUpload and ecr:PutImage)";
      return new ImageException(
          setting, value,
          "registry " + registry + " refused the credentials (" + rootMessage(error) + ")",
          fix, error);
    }
    if (aboutBase) {
      return new ImageException(
          setting, value,
          "the base image cannot be pulled (" + rootMessage(error) + ")",
          "Check the repository name and tag or digest, and that the image exists for "
              + spec.platform(),
          error);
    }
    return new ImageException(
        setting, value,
        "the image cannot be written (" + rootMessage(error) + ")",
        "Check the target and run with -X for Jib's full log",
        error);
  }

  private static boolean isAboutBase(
      Throwable error, String text, ImageReference base, String targetHost) {
    RegistryUnauthorizedException unauthorized = find(error, RegistryUnauthorizedException.class);
    if (unauthorized != null) {
      String repository = base.getRegistry() + "/" + base.getRepository();
      return unauthorized.getImageReference().equals(repository);
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("base image") || lower.contains("pull")) {
      return true;
    }
    boolean mentionsBase = text.contains(base.getRegistry());
    boolean mentionsTarget = targetHost != null && text.contains(targetHost);
    if (mentionsBase != mentionsTarget) {
      return mentionsBase;
    }
    // One registry for both: a connection failure happens at the first request, the base pull.
    return mentionsBase && isConnectionFailure(error, text);
  }

  private static boolean isConnectionFailure(Throwable error, String text) {
    return find(error, ConnectException.class) != null
        || find(error, UnknownHostException.class) != null
        || find(error, NoRouteToHostException.class) != null
        || find(error, SocketTimeoutException.class) != null
        || text.contains("HttpHostConnectException");
  }

  private static String targetRegistry(ImageTarget target) {
    if (target instanceof ImageTarget.Registry r) {
      try {
        return ImageReference.parse(r.image()).getRegistry();
      } catch (com.google.cloud.tools.jib.api.InvalidImageReferenceException e) {
        return r.image();
      }
    }
    return null;
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static String chainText(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
      text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
    }
    return text.toString();
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = error.getMessage() != null ? error.getMessage() : root.toString();
    if (root != error && root.getMessage() != null && !message.contains(root.getMessage())) {
      message = message + ": " + root.getMessage();
    }
    return message;
  }
}
