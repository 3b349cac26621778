package dev.constellation.maven.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image pulled back from a registry over its HTTP API and unpacked into a folder, layer over
 * layer, as a container runtime would lay out its root file system.
 *
 * @param rootfs the folder holding the image's files ({@code <rootfs>/app/...})
 * @param manifest the image manifest and its digest
 * @param config the image configuration's {@code config} object (Entrypoint, WorkingDir, ...)
 * @param layerFiles the file names of each layer, bottom layer first
 */
record UnpackedImage(Path rootfs, RegistryApi.Manifest manifest, JsonNode config,
    List<List<String>> layerFiles) {

  static UnpackedImage pull(RegistryApi api, String repository, String reference, Path rootfs)
      throws Exception {
    RegistryApi.Manifest manifest = api.manifest(repository, reference);
    Files.createDirectories(rootfs);
    List<List<String>> layerFiles = new ArrayList<>();
    for (JsonNode layer : manifest.json().get("layers")) {
      layerFiles.add(unpack(api.blob(repository, layer.get("digest").asText()), rootfs));
    }
    return new UnpackedImage(rootfs, manifest, api.config(repository, manifest).get("config"),
        List.copyOf(layerFiles));
  }

  List<String> entrypoint() {
    List<String> parts = new ArrayList<>();
    config.get("Entrypoint").forEach(v -> parts.add(v.asText()));
    return parts;
  }

  /**
   * The entrypoint as this machine can run it: {@code java} becomes the given executable and
   * every {@code /app/} path points into the unpacked folder.
   */
  List<String> localCommand(String java) {
    String app = rootfs.resolve("app") + "/";
    List<String> command = new ArrayList<>();
    for (String part : entrypoint()) {
      command.add(part.equals("java") ? java : part.replace("/app/", app));
    }
    return command;
  }

  /** The working folder the image names, inside the unpacked folder. */
  Path workingDirectory() {
    String dir = config.get("WorkingDir").asText();
    return rootfs.resolve(dir.startsWith("/") ? dir.substring(1) : dir);
  }

  private static List<String> unpack(byte[] gzippedTar, Path into) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(gzippedTar)))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
        Path target = into.resolve(e.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("layer entry outside the folder: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return List.copyOf(names);
  }
}
