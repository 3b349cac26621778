package dev.constellation.maven.visualize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The visualizer's JSON API as the store tests read it (`StoreRunsIT`, `TimestreamRunsIT`), and their folder cleanup. */
final class VisualizerApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private VisualizerApi() {}

  /** Polls {@code /api/runs} (the page's poll starts a store refresh) until {@code /api/store} has {@code state}; 30 s at most. */
  static JsonNode awaitStore(Visualizer v, String state) throws Exception {
    long until = System.currentTimeMillis() + 30_000;
    while (true) {
      get(v, "/api/runs"); // the page's poll is what starts a refresh
      JsonNode s = get(v, "/api/store");
      if (state.equals(s.path("state").asText())) {
        return s;
      }
      if (System.currentTimeMillis() > until) {
        fail("the store did not reach " + state + ": " + s);
      }
      Thread.sleep(200);
    }
  }

  /** The run ids of a runs list, in its order. */
  static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(r -> out.add(r.path("runId").asText()));
    return out;
  }

  /** A GET that must answer 200, as JSON. */
  static JsonNode get(Visualizer v, String path) throws Exception {
    HttpResponse<String> r = send(v, "GET", path, false);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** One request without a body; {@code fetchHeader} adds the header a fetch needs. */
  static HttpResponse<String> send(Visualizer v, String method, String path, boolean fetchHeader) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(v.url().resolve(path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (fetchHeader) {
      b.header("X-Constellation-Fetch", "1");
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Deletes a folder and everything in it, if it exists. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
