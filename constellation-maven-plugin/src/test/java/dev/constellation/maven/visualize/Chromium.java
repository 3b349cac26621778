package dev.constellation.maven.visualize;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.constellation.testservices.Required;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket on loopback): one browser that stays on a page
 * while the page polls, so a test can watch what it shows change. Started and stopped by the test (by handle).
 */
final class Chromium implements AutoCloseable {

  /** chromium or chromium-browser on PATH; none skips the calling test, or fails it under CI=true. */
  static Path executable() {
    return Required.chromium("the visualizer test (VisualizerIT)");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  final List<String> consoleErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Chromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** Starts Chromium headless on a blank page with the given window size and connects to that page. */
  static Chromium start(int width, int height) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long until = System.currentTimeMillis() + 60_000;
      while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
        if (!p.isAlive() || System.currentTimeMillis() > until) {
          fail("chromium did not open its DevTools port: " + Files.readString(profile.resolve("chromium.log")));
        }
        Thread.sleep(100);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      while (pageSocket == null) {
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode t : targets) {
          if ("page".equals(t.path("type").asText())) {
            pageSocket = t.path("webSocketDebuggerUrl").asText();
          }
        }
        if (pageSocket == null) {
          if (System.currentTimeMillis() > until) {
            fail("chromium shows no page target");
          }
          Thread.sleep(100);
        }
      }
      Chromium[] self = new Chromium[1];
      WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
          .buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                String message = text.toString();
                text.setLength(0);
                self[0].received(message);
              }
              webSocket.request(1);
              return null;
            }
          }).get(20, TimeUnit.SECONDS);
      self[0] = new Chromium(p, profile, ws);
      self[0].send("Runtime.enable", JSON.createObjectNode());
      self[0].send("Page.enable", JSON.createObjectNode());
      return self[0];
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw e;
    } catch (Exception e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IOException("cannot connect to chromium: " + e, e);
    }
  }

  private void received(String message) {
    try {
      JsonNode m = JSON.readTree(message);
      if (m.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
        if (f != null) {
          f.complete(m);
        }
      } else if ("Runtime.exceptionThrown".equals(m.path("method").asText())) {
        consoleErrors.add(m.path("params").path("exceptionDetails").toString());
      } else if ("Runtime.consoleAPICalled".equals(m.path("method").asText())
          && "error".equals(m.path("params").path("type").asText())) {
        consoleErrors.add(m.path("params").path("args").toString());
      }
    } catch (IOException e) {
      consoleErrors.add("unreadable DevTools message: " + e.getMessage());
    }
  }

  /** Sends a DevTools command and returns its result. */
  JsonNode send(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode m = JSON.createObjectNode();
    m.put("id", id);
    m.put("method", method);
    m.set("params", params);
    try {
      socket.sendText(m.toString(), true).get(20, TimeUnit.SECONDS);
      JsonNode r = answer.get(60, TimeUnit.SECONDS);
      if (r.has("error")) {
        throw new AssertionError(method + " failed: " + r.get("error"));
      }
      return r.path("result");
    } catch (Exception e) {
      throw new AssertionError(method + ": " + e, e);
    }
  }

  /** Opens an address in the page. */
  void navigate(String url) {
    ObjectNode p = JSON.createObjectNode();
    p.put("url", url);
    send("Page.navigate", p);
  }

  /** Evaluates a JavaScript expression in the page; its value as text (null when it is null or undefined). */
  String eval(String expression) {
    ObjectNode p = JSON.createObjectNode();
    p.put("expression", expression);
    p.put("returnByValue", true);
    JsonNode r = send("Runtime.evaluate", p).path("result");
    return r.path("value").isMissingNode() || r.path("value").isNull() ? null : r.path("value").asText();
  }

  /** The value of an attribute of the page's body, null when absent (or while no page is loaded). */
  String body(String attribute) {
    return eval("document.body ? document.body.getAttribute('" + attribute + "') : null");
  }

  /** Waits until the condition holds, checking every 200 ms. */
  static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        fail("timed out after " + millis + " ms waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  /** Saves a PNG of the whole page (beyond the window) into a file. */
  void screenshot(Path png) throws IOException {
    ObjectNode p = JSON.createObjectNode();
    p.put("format", "png");
    p.put("captureBeyondViewport", true);
    JsonNode metrics = send("Page.getLayoutMetrics", JSON.createObjectNode()).path("cssContentSize");
    ObjectNode clip = p.putObject("clip");
    clip.put("x", 0);
    clip.put("y", 0);
    clip.put("width", metrics.path("width").asDouble(1400));
    clip.put("height", Math.min(4000, metrics.path("height").asDouble(1800)));
    clip.put("scale", 1);
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(send("Page.captureScreenshot", p).path("data").asText()));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      socket.abort();
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      try (var s = Files.walk(profile)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
