package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Pulls task images from the registry that stands in for ECR ({@code Options.ecrProxyEndpoint}, a
 * plain-HTTP registry on loopback) over the registry HTTP API v2 (the OCI distribution spec:
 * {@code GET /v2/<name>/manifests/<reference>}, {@code GET /v2/<name>/blobs/<digest>}) and unpacks
 * the layers bottom-up into a root file system, as a container runtime lays it out: whiteouts
 * ({@code .wh.<name>}, {@code .wh..wh..opq}) delete, symbolic and hard links are kept, file modes are
 * applied. Every blob is checked against its digest. One unpacked copy per manifest digest is kept
 * (and shared by every task of that image) until {@link #close()}.
 */
final class TaskImages implements AutoCloseable {

  /** Why an image could not be pulled; the message follows the container runtime's wording. */
  static final class PullException extends Exception {
    PullException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * An unpacked image.
   *
   * @param digest the manifest digest ({@code sha256:...}), the task's {@code imageDigest}
   * @param rootfs the folder holding the image's files
   * @param config the image configuration's {@code config} object (Entrypoint, Cmd, Env, WorkingDir)
   * @param architecture the image configuration's {@code architecture} ({@code amd64}, {@code arm64})
   */
  record Image(String digest, Path rootfs, JsonNode config, String architecture) {

    List<String> strings(String field) {
      List<String> out = new ArrayList<>();
      JsonNode n = config.get(field);
      if (n != null && n.isArray()) {
        n.forEach(v -> out.add(v.asText()));
      }
      return out;
    }
  }

  /** A parsed image reference: registry host, repository and tag or digest. */
  record Ref(String host, String repository, String reference) {

    private static final Pattern ECR = Pattern.compile("(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com");

    /** Docker's rules: the first path part is a host when it has a dot or a colon, or is localhost. */
    static Ref parse(String image) {
      String rest = image;
      String host = "docker.io";
      int slash = rest.indexOf('/');
      if (slash > 0) {
        String first = rest.substring(0, slash);
        if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
          host = first;
          rest = rest.substring(slash + 1);
        }
      }
      String reference;
      int at = rest.indexOf('@');
      if (at >= 0) {
        reference = rest.substring(at + 1);
        rest = rest.substring(0, at);
      } else {
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
          reference = rest.substring(colon + 1);
          rest = rest.substring(0, colon);
        } else {
          reference = "latest";
        }
      }
      if (host.equals("docker.io") && !rest.contains("/")) {
        rest = "library/" + rest;
      }
      return new Ref(host, rest, reference);
    }

    /** The ECR account of the host, or null when the host is not an ECR registry. */
    String ecrAccount() {
      Matcher m = ECR.matcher(host);
      return m.matches() ? m.group(1) : null;
    }

    @Override
    public String toString() {
      return host + "/" + repository + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    }
  }

  private static final String MANIFEST_TYPES = String.join(", ",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.oci.image.index.v1+json");

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NORMAL).build();
  private final ConcurrentHashMap<String, Object> unpackLocks = new ConcurrentHashMap<>();
  private final String accountId;
  private Path root;
  private volatile boolean closed;

  TaskImages(String accountId) {
    this.accountId = accountId;
  }

  /**
   * Resolves {@code image} in the registry at {@code registryEndpoint} and unpacks it (once per
   * manifest digest). Images of this account's ECR (any region) and images named with the
   * registry's own {@code host:port} resolve there; anything else cannot be pulled offline.
   */
  Image pull(String image, String registryEndpoint) throws PullException {
    Ref ref = Ref.parse(image);
    String failedRef = "pull image manifest has been retried 1 time(s): failed to resolve ref " + ref + ": ";
    if (registryEndpoint == null) {
      throw new PullException("CannotPullContainerError: " + failedRef
          + "the fake has no registry (FakeAws.Options.ecrProxyEndpoint is not set)");
    }
    URI base = URI.create(registryEndpoint.replaceAll("/+$", ""));
    boolean ours = accountId.equals(ref.ecrAccount()) || ref.host().equals(base.getAuthority());
    if (!ours) {
      throw new PullException("CannotPullContainerError: " + failedRef + "the offline fake pulls only"
          + " from this account's ECR (" + accountId + ".dkr.ecr.<region>.amazonaws.com), served by the"
          + " registry at " + base);
    }
    try {
      Manifest m = manifest(base, ref, ref.reference(), failedRef);
      if (m.json.has("manifests")) {
        String chosen = choosePlatform(m.json);
        if (chosen == null) {
          throw new PullException("CannotPullContainerError: " + failedRef
              + "no matching manifest for linux/amd64 or linux/arm64 in the manifest list entries");
        }
        m = manifest(base, ref, chosen, failedRef);
      }
      return unpacked(base, ref, m);
    } catch (IOException e) {
      throw new PullException("CannotPullContainerError: " + failedRef + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PullException("CannotPullContainerError: " + failedRef + "interrupted");
    }
  }

  private record Manifest(JsonNode json, String digest) {}

  private Manifest manifest(URI base, Ref ref, String reference, String failedRef)
      throws IOException, InterruptedException, PullException {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(
            URI.create(base + "/v2/" + ref.repository() + "/manifests/" + reference))
        .header("Accept", MANIFEST_TYPES).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) {
      throw new PullException("CannotPullContainerError: " + failedRef + ref.host() + "/"
          + ref.repository() + ":" + reference + ": not found");
    }
    if (r.statusCode() != 200) {
      throw new IOException("unexpected status code " + r.statusCode() + " from " + r.uri());
    }
    String digest = "sha256:" + sha256(r.body());
    if (reference.startsWith("sha256:") && !reference.equals(digest)) {
      throw new IOException("manifest digest mismatch: asked " + reference + ", got " + digest);
    }
    return new Manifest(Js.M.readTree(r.body()), digest);
  }

  /** From a manifest list / image index: the entry for linux and this machine's architecture. */
  private static String choosePlatform(JsonNode index) {
    String arch = hostArchitecture();
    for (JsonNode m : index.path("manifests")) {
      JsonNode p = m.path("platform");
      if (p.path("os").asText("linux").equals("linux") && p.path("architecture").asText().equals(arch)) {
        return m.path("digest").asText();
      }
    }
    return null;
  }

  /** The OCI architecture name of this machine ({@code amd64}, {@code arm64}). */
  static String hostArchitecture() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> a;
    };
  }

  private Image unpacked(URI base, Ref ref, Manifest m) throws IOException, InterruptedException, PullException {
    Path dir = root().resolve("image-" + m.digest.substring("sha256:".length()));
    Object lock = unpackLocks.computeIfAbsent(m.digest, k -> new Object());
    synchronized (lock) {
      Path configFile = dir.resolve("config.json");
      if (!Files.isRegularFile(configFile)) {
        Path tmp = Files.createTempDirectory(root(), "unpack-");
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Path configBlob = blob(base, ref, m.json.path("config").path("digest").asText(), tmp);
        for (JsonNode layer : m.json.path("layers")) {
          Path blob = blob(base, ref, layer.path("digest").asText(), tmp);
          unpackLayer(blob, rootfs);
          Files.delete(blob);
        }
        Files.move(configBlob, tmp.resolve("config.json"));
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      }
      JsonNode config = Js.M.readTree(configFile.toFile());
      JsonNode c = config.path("config");
      return new Image(m.digest, dir.resolve("rootfs"), c.isObject() ? c : Js.obj(),
          config.path("architecture").asText(""));
    }
  }

  /** Downloads one blob into {@code dir}, checking its digest. */
  private Path blob(URI base, Ref ref, String digest, Path dir)
      throws IOException, InterruptedException, PullException {
    if (!digest.startsWith("sha256:")) {
      throw new IOException("unsupported digest algorithm: " + digest);
    }
    Path file = Files.createTempFile(dir, "blob-", ".bin");
    HttpResponse<Path> r = http.send(HttpRequest.newBuilder(
            URI.create(base + "/v2/" + ref.repository() + "/blobs/" + digest))
        .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofFile(file));
    if (r.statusCode() != 200) {
      throw new PullException("CannotPullContainerError: failed to copy: httpReadSeeker: failed open: "
          + "unexpected status code " + base + "/v2/" + ref.repository() + "/blobs/" + digest + ": "
          + r.statusCode());
    }
    String actual;
    try (InputStream in = Files.newInputStream(file)) {
      actual = "sha256:" + sha256(in);
    }
    if (!actual.equals(digest)) {
      throw new IOException("blob digest mismatch: expected " + digest + ", got " + actual);
    }
    return file;
  }

  /** Unpacks one layer (tar, optionally gzip-compressed) over {@code into}, applying whiteouts. */
  static void unpackLayer(Path layer, Path into) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(layer))) {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      try (TarArchiveInputStream tar = new TarArchiveInputStream(gzip ? new GZIPInputStream(raw) : raw)) {
        Set<Path> opaqueDone = new HashSet<>();
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          Path target = into.resolve(e.getName()).normalize();
          if (!target.startsWith(into)) {
            throw new IOException("layer entry outside the root file system: " + e.getName());
          }
          String name = target.getFileName() == null ? "" : target.getFileName().toString();
          if (name.equals(".wh..wh..opq")) {
            Path d = target.getParent();
            if (opaqueDone.add(d) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
              try (Stream<Path> children = Files.list(d)) {
                for (Path child : children.toList()) {
                  deleteTree(child);
                }
              }
            }
            continue;
          }
          if (name.startsWith(".wh.")) {
            deleteTree(target.resolveSibling(name.substring(4)));
            continue;
          }
          if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
          }
          if (e.isDirectory()) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
              deleteTree(target);
              Files.createDirectories(target);
            }
            setMode(target, e.getMode() | 0700);
          } else if (e.isSymbolicLink()) {
            deleteTree(target);
            Files.createSymbolicLink(target, Path.of(e.getLinkName()));
          } else if (e.isLink()) {
            Path source = into.resolve(e.getLinkName()).normalize();
            if (!source.startsWith(into)) {
              throw new IOException("hard link outside the root file system: " + e.getLinkName());
            }
            deleteTree(target);
            Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
          } else if (e.isFile()) {
            deleteTree(target);
            Files.copy(tar, target);
            setMode(target, e.getMode());
          }
          // Devices and FIFOs are not created: a process cannot use them outside a container anyway.
        }
      }
    }
  }

  private static void setMode(Path p, int mode) {
    Set<PosixFilePermission> perms = new HashSet<>();
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(order[i]);
      }
    }
    perms.add(PosixFilePermission.OWNER_READ);
    perms.add(PosixFilePermission.OWNER_WRITE);
    try {
      Files.setPosixFilePermissions(p, perms);
    } catch (IOException | UnsupportedOperationException ignored) {
      // a file system without POSIX modes: the default modes are used
    }
  }

  private synchronized Path root() throws IOException {
    if (closed) {
      throw new IOException("the fake is closed");
    }
    if (root == null) {
      root = Files.createTempDirectory("fake-ecs-images-");
    }
    return root;
  }

  /** The folder holding the unpacked images, once the first image was pulled. */
  synchronized java.util.Optional<Path> rootIfCreated() {
    return java.util.Optional.ofNullable(root);
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static String sha256(InputStream in) throws IOException {
    MessageDigest md = digest();
    try (DigestInputStream d = new DigestInputStream(in, md)) {
      d.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      }
    } else {
      Files.deleteIfExists(p);
    }
  }

  /** Deletes every unpacked image. */
  @Override
  public synchronized void close() {
    closed = true;
    if (root != null) {
      try {
        deleteTree(root);
      } catch (IOException | UncheckedIOException ignored) {
        // best effort: a temporary folder
      }
    }
  }
}
