package dev.constellation.maven.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Reads images back over the registry HTTP API (v2), and pushes the stand-in base image. */
final class RegistryApi {

  private static final String MANIFEST_TYPES = String.join(", ",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.oci.image.manifest.v1+json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String host;

  RegistryApi(String host) {
    this.host = host;
  }

  /** A manifest and the digest the registry reports for it. */
  record Manifest(JsonNode json, String digest) {}

  Manifest manifest(String repository, String reference) throws Exception {
    HttpResponse<byte[]> response = get("/v2/" + repository + "/manifests/" + reference, true);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET manifest " + repository + ":" + reference + " answered "
          + response.statusCode() + ": " + new String(response.body()));
    }
    return new Manifest(JSON.readTree(response.body()),
        response.headers().firstValue("Docker-Content-Digest").orElseThrow());
  }

  int manifestStatus(String repository, String reference) throws Exception {
    return get("/v2/" + repository + "/manifests/" + reference, true).statusCode();
  }

  byte[] blob(String repository, String digest) throws Exception {
    HttpResponse<byte[]> response = get("/v2/" + repository + "/blobs/" + digest, false);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET blob " + digest + " answered " + response.statusCode());
    }
    return response.body();
  }

  JsonNode config(String repository, Manifest manifest) throws Exception {
    return JSON.readTree(blob(repository, manifest.json().at("/config/digest").asText()));
  }

  /**
   * Pushes a one-layer image from scratch holding {@code /base/hello.txt}, as
   * {@code <host>/test/base:1}, and returns its reference. Tests build FROM it, offline.
   */
  String pushStandInBase(Path workDir) throws Exception {
    Path hello = workDir.resolve("hello.txt");
    Files.writeString(hello, "stand-in base image\n");
    String reference = host + "/test/base:1";
    Jib.fromScratch()
        .addFileEntriesLayer(FileEntriesLayer.builder()
            .addEntry(hello, AbsoluteUnixPath.get("/base/hello.txt")).build())
        .containerize(Containerizer.to(RegistryImage.named(reference))
            .setAllowInsecureRegistries(true)
            .setBaseImageLayersCache(workDir.resolve("base-cache"))
            .setApplicationLayersCache(workDir.resolve("base-app-cache")));
    return reference;
  }

  private HttpResponse<byte[]> get(String path, boolean manifest)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + path))
        .timeout(Duration.ofSeconds(10));
    if (manifest) {
      request.header("Accept", MANIFEST_TYPES);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
