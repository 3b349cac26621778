package dev.constellation.maven.visualize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.constellation.maven.report.ReportData;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.store.StoreRuns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The visualizer: a small web server over a runs directory ({@code target/constellation/}) showing every run, the
 * live view of a running one and the comparison of two. One page, its script and style and the charting library
 * (uPlot, from the same WebJar the report inlines) are served from the plugin's classpath: nothing is loaded from
 * elsewhere, so it works offline.
 *
 * <p>Addresses it answers (GET only; anything else is 404, or 405 for another method):
 * <ul>
 *   <li>{@code /} the page; {@code /assets/<name>} its script, style and uPlot;</li>
 *   <li>{@code /api/runs}: every run, newest first (id, start, duration, status, regions, VUs, agents, requests, p95,
 *       passed);</li>
 *   <li>{@code /api/runs/<runId>/live}: the run's figures so far from its interval records (summary.json's shape,
 *       the report's chart data), elapsed time, agents reporting per region, and whether the final report is
 *       written;</li>
 *   <li>{@code /api/compare?baseline=<runId>&current=<runId>}: p95 and requests per second per request name of both
 *       runs and their change, from their summary.json files (the report's baseline comparison);</li>
 *   <li>{@code /runs/<runId>/<file>}: one of the run's report files ({@code index.html}, {@code summary.json},
 *       {@code requests.csv}, {@code junit.xml}, {@code run.json}); {@code /runs/<runId>/} is its index.html.</li>
 * </ul>
 *
 * <p>Only those names are served: a run id must be a plain folder name of the runs directory and a file one of the
 * five names, so a request cannot reach any other file ({@code ../}, encoded or not, is 404). Requests whose
 * {@code Host} is not the address the server is bound to (or {@code localhost} for a loopback server) are refused
 * with 403, so a web page elsewhere cannot read the results through DNS rebinding.
 *
 * <p>While it runs, {@value #STATE_FILE} in the runs directory holds its URL and process id, so
 * {@code constellation:run} can print the live URL of a run ({@link #running(Path)}).
 *
 * @since 0.1.0
 */
public final class Visualizer implements AutoCloseable {

  /** The port when none is given. */
  public static final int DEFAULT_PORT = 3002;
  /** The address when none is given: loopback only. */
  public static final String DEFAULT_BIND = "127.0.0.1";
  /** The file in the runs directory saying where a visualizer over it runs. */
  public static final String STATE_FILE = "visualizer.json";

  private static final Set<String> RUN_FILES = Set.of(ReportWriter.INDEX_HTML, ReportWriter.SUMMARY_JSON,
      ReportWriter.REQUESTS_CSV, ReportWriter.JUNIT_XML, RunFacts.FILE_NAME);
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final String OWN = "dev/constellation/maven/visualize/";
  private static final String REPORT = "dev/constellation/maven/report/";
  /** Live states not asked for this long are dropped (their records are read again when asked for). */
  private static final long IDLE_MS = 120_000;

  private final RunsDirectory runs;
  private final HttpServer server;
  private final ExecutorService executor;
  private final URI url;
  private final Map<String, String> assets;
  private final Set<String> allowedHosts;
  private final Map<String, LiveRun> live = new ConcurrentHashMap<>();
  private final Path stateFile;
  private final StoreRuns store;
  private volatile boolean closed;
  private volatile long lastLiveRequest;
  /** How long {@link #closeWhenShown} keeps serving an open live view. */
  static final long SHOWN_WAIT_MS = 5_000;

  private Visualizer(Path runsDir, HttpServer server, ExecutorService executor, URI url, Map<String, String> assets,
      Set<String> allowedHosts, StoreRuns store) {
    this.runs = new RunsDirectory(runsDir);
    this.store = store;
    this.server = server;
    this.executor = executor;
    this.url = url;
    this.assets = assets;
    this.allowedHosts = allowedHosts;
    this.stateFile = runs.root().resolve(STATE_FILE);
  }

  /**
   * Starts a visualizer.
   *
   * @param runsDir the runs directory ({@code target/constellation}); it need not exist yet
   * @param bindAddress the address to listen on: {@value #DEFAULT_BIND} keeps it on this machine; another address
   *     (such as {@code 0.0.0.0}) shows every run to whoever can reach this machine
   * @param port the port, 0 for any free one
   * @return the running visualizer
   * @throws IOException when the port is taken (the message names it and the setting), the address is not one of
   *     this machine's, or the assets are missing from the classpath
   */
  public static Visualizer start(Path runsDir, String bindAddress, int port) throws IOException {
    return start(runsDir, bindAddress, port, null);
  }

  /**
   * Starts a visualizer that also lists the runs kept in a results store (AWS runs), and fetches one into the runs
   * directory when it is opened.
   *
   * @param runsDir the runs directory ({@code target/constellation}); it need not exist yet
   * @param bindAddress the address to listen on (see {@link #start(Path, String, int)})
   * @param port the port, 0 for any free one
   * @param store the store's runs, or null for the runs directory alone; the visualizer closes it
   * @return the running visualizer
   * @throws IOException as {@link #start(Path, String, int)}
   */
  public static Visualizer start(Path runsDir, String bindAddress, int port, StoreRuns store) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("<visualizePort> (-Dconstellation.visualize.port) is " + port + "; use 1..65535, or 0 for any "
          + "free port");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bindAddress);
    } catch (IOException e) {
      throw new IOException("<visualizeBind> (-Dconstellation.visualize.bind) is \"" + bindAddress + "\", which is not an address of "
          + "this machine; use 127.0.0.1 (the default) or an address of one of its interfaces", e);
    }
    Map<String, String> assets = assets();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, port), 50);
    } catch (java.net.BindException e) {
      throw new IOException("the visualizer cannot listen on " + bindAddress + ":" + port + " (" + e.getMessage() + "); another "
          + "program (or visualizer) uses the port: stop it, or choose another with -Dconstellation.visualize.port", e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "constellation-visualizer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    int bound = server.getAddress().getPort();
    String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
    URI url = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound + "/");
    // A loopback server answers only to the names of loopback (DNS rebinding cannot reach it); a server the user
    // bound elsewhere on purpose answers to any name that reaches it.
    Set<String> allowed = address.isLoopbackAddress()
        ? Set.copyOf(java.util.List.of(host + ":" + bound, "localhost:" + bound, "127.0.0.1:" + bound, "[::1]:" + bound,
            "[" + host + "]:" + bound))
        : null;
    Visualizer v = new Visualizer(runsDir, server, executor, url, assets, allowed, store);
    server.createContext("/", v::handle);
    server.setExecutor(executor);
    server.start();
    v.writeState();
    return v;
  }

  /** The address to open in a browser, ending in {@code /}. */
  public URI url() {
    return url;
  }

  /**
   * The live view of a run.
   *
   * @param runId the run
   * @return its address
   */
  public URI liveUrl(String runId) {
    return liveUrl(url, runId);
  }

  static URI liveUrl(URI base, String runId) {
    return base.resolve("#/run/" + runId);
  }

  /**
   * Where the visualizer over a runs directory is, when one is running: read from its {@value #STATE_FILE}, and
   * only when the process that wrote it is still alive.
   *
   * @param runsDir the runs directory
   * @return the visualizer's URL, or empty
   */
  public static Optional<URI> running(Path runsDir) {
    Path file = runsDir.resolve(STATE_FILE);
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      JsonNode o = ReportData.JSON.readTree(file.toFile());
      long pid = o.path("pid").asLong(-1);
      boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      return alive && o.hasNonNull("url") ? Optional.of(URI.create(o.get("url").asText())) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The live URL of a run, when a visualizer over its runs directory is running.
   *
   * @param runsDir the runs directory
   * @param runId the run
   * @return the address of the run's live view, or empty
   */
  public static Optional<URI> liveUrl(Path runsDir, String runId) {
    return running(runsDir).map(u -> liveUrl(u, runId));
  }

  private void writeState() throws IOException {
    Files.createDirectories(runs.root());
    ObjectNode o = ReportData.JSON.createObjectNode();
    o.put("url", url.toString());
    o.put("pid", ProcessHandle.current().pid());
    o.put("startedAt", java.time.Instant.now().toString());
    Path tmp = Files.createTempFile(runs.root(), STATE_FILE, ".tmp");
    Files.writeString(tmp, ReportData.JSON.writeValueAsString(o), StandardCharsets.UTF_8);
    Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Stops the visualizer once an open live view had the time to show the run's final report: when a live view asked
   * for a run in the last {@value #SHOWN_WAIT_MS} ms, waits that long first (the page polls every second, then loads
   * the report), else stops at once.
   */
  public void closeWhenShown() {
    if (System.currentTimeMillis() - lastLiveRequest < SHOWN_WAIT_MS) {
      try {
        Thread.sleep(SHOWN_WAIT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
  }

  /** Stops the server (open requests get a second to finish) and removes its {@value #STATE_FILE}. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.stop(1);
    if (store != null) {
      store.close();
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      JsonNode o = Files.isRegularFile(stateFile) ? ReportData.JSON.readTree(stateFile.toFile()) : null;
      if (o != null && o.path("url").asText().equals(url.toString()) && o.path("pid").asLong() == ProcessHandle.current().pid()) {
        Files.deleteIfExists(stateFile);
      }
    } catch (IOException | RuntimeException e) {
      // another visualizer may have replaced it; leave it
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (allowedHosts != null && !allowedHosts.contains(String.valueOf(ex.getRequestHeaders().getFirst("Host")).toLowerCase(
          java.util.Locale.ROOT))) {
        send(ex, 403, "text/plain; charset=utf-8", "this visualizer answers only as " + url + "\n");
        return;
      }
      if ("POST".equals(ex.getRequestMethod()) && isFetch(ex.getRequestURI().getRawPath())) {
        // the one request that changes anything: a page elsewhere cannot send this header without a CORS preflight,
        // which this server never grants
        if (!"1".equals(ex.getRequestHeaders().getFirst(FETCH_HEADER))) {
          send(ex, 403, "text/plain; charset=utf-8", "fetching a run needs the header " + FETCH_HEADER + ": 1\n");
          return;
        }
        route(ex);
        return;
      }
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain; charset=utf-8", "only GET\n");
        return;
      }
      route(ex);
    } catch (IOException | RuntimeException e) {
      try {
        send(ex, 500, "text/plain; charset=utf-8", "error: " + e.getMessage() + "\n");
      } catch (IOException | RuntimeException ignored) {
        // the response had started; nothing more to say
      }
    }
  }

  private void route(HttpExchange ex) throws IOException {
    String raw = ex.getRequestURI().getRawPath();
    // Every name this server knows is plain ASCII: a percent sign, a backslash or a dot segment is never one of them.
    if (raw == null || raw.contains("%") || raw.contains("\\") || raw.contains("/./") || raw.contains("/../") || raw.endsWith("/..")
        || raw.endsWith("/.") || raw.contains("//")) {
      notFound(ex);
      return;
    }
    String[] parts = raw.substring(1).split("/", -1);
    if (raw.equals("/") || raw.equals("/index.html")) {
      sendAsset(ex, "visualizer.html");
    } else if (parts.length == 2 && parts[0].equals("assets")) {
      sendAsset(ex, parts[1]);
    } else if (raw.equals("/api/runs")) {
      evictIdle();
      sendJson(ex, list());
    } else if (raw.equals("/api/store")) {
      sendJson(ex, store == null ? configuredNot() : store.status());
    } else if (isFetch(raw)) {
      fetch(ex, parts[2]);
    } else if (parts.length == 4 && parts[0].equals("api") && parts[1].equals("runs") && parts[3].equals("live")) {
      Optional<Path> dir = runs.run(parts[2]);
      if (dir.isEmpty()) {
        notFound(ex);
        return;
      }
      lastLiveRequest = System.currentTimeMillis();
      RunFacts facts = RunsDirectory.facts(dir.get());
      sendJson(ex, liveRun(parts[2]).state(facts, RunsDirectory.status(dir.get(), facts), RunsDirectory.reportReady(dir.get(), facts)));
    } else if (raw.equals("/api/compare")) {
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      Optional<Path> a = runs.run(q.get("baseline"));
      Optional<Path> b = runs.run(q.get("current"));
      if (a.isEmpty() || b.isEmpty()) {
        notFound(ex);
        return;
      }
      if (!Files.isRegularFile(a.get().resolve(ReportWriter.SUMMARY_JSON)) || !Files.isRegularFile(b.get().resolve(ReportWriter.SUMMARY_JSON))) {
        send(ex, 409, "text/plain; charset=utf-8", "both runs need a summary.json: compare finished runs\n");
        return;
      }
      sendJson(ex, ReportData.compare(a.get(), b.get()));
    } else if ((parts.length == 3 || parts.length == 2) && parts[0].equals("runs")) {
      String file = parts.length == 2 || parts[2].isEmpty() ? ReportWriter.INDEX_HTML : parts[2];
      Optional<Path> dir = runs.run(parts[1]);
      if (dir.isEmpty() || !RUN_FILES.contains(file) || !Files.isRegularFile(dir.get().resolve(file))) {
        notFound(ex);
        return;
      }
      if (parts.length == 2) {
        ex.getResponseHeaders().set("Location", "/runs/" + parts[1] + "/");
        send(ex, 301, "text/plain; charset=utf-8", "");
        return;
      }
      sendFile(ex, dir.get().resolve(file));
    } else {
      notFound(ex);
    }
  }

  /** The header a POST that fetches a run must carry. */
  static final String FETCH_HEADER = "X-Constellation-Fetch";

  private static boolean isFetch(String raw) {
    String[] parts = raw == null ? new String[0] : raw.substring(1).split("/", -1);
    return parts.length == 4 && parts[0].equals("api") && parts[1].equals("runs") && parts[3].equals("fetch");
  }

  /** The local runs and, with a store, its runs that are not local: one row per run id, newest first. */
  private com.fasterxml.jackson.databind.node.ArrayNode list() throws IOException {
    com.fasterxml.jackson.databind.node.ArrayNode local = runs.list(this::liveRun);
    if (store == null) {
      return local;
    }
    Set<String> ids = new java.util.HashSet<>();
    java.util.List<ObjectNode> rows = new java.util.ArrayList<>();
    local.forEach(r -> {
      ids.add(r.path("runId").asText());
      rows.add((ObjectNode) r);
    });
    rows.addAll(store.rows(id -> ids.contains(id) || runs.run(id).isPresent()));
    rows.sort(RunsDirectory.NEWEST_FIRST);
    com.fasterxml.jackson.databind.node.ArrayNode out = ReportData.JSON.createArrayNode();
    rows.forEach(out::add);
    return out;
  }

  private static ObjectNode configuredNot() {
    ObjectNode o = ReportData.JSON.createObjectNode();
    o.put("configured", false);
    return o;
  }

  /**
   * POST starts fetching a run the store listed into the runs directory (its report, as constellation:report builds
   * it); GET says where that stands. A local run is there already; a running one cannot be fetched yet.
   */
  private void fetch(HttpExchange ex, String runId) throws IOException {
    if (runs.run(runId).isPresent()) {
      ObjectNode done = ReportData.JSON.createObjectNode();
      done.put("runId", runId);
      done.put("state", "done");
      sendJson(ex, done);
      return;
    }
    if (store == null || !RunsDirectory.RUN_ID.matcher(runId).matches() || runId.contains("..")) {
      notFound(ex);
      return;
    }
    if ("GET".equals(ex.getRequestMethod()) || "HEAD".equals(ex.getRequestMethod())) {
      Optional<ObjectNode> state = store.fetchState(runId);
      if (state.isEmpty()) {
        notFound(ex);
      } else {
        sendJson(ex, state.get());
      }
      return;
    }
    Optional<ObjectNode> row = store.listed(runId);
    if (row.isEmpty()) {
      notFound(ex);
      return;
    }
    if ("running".equals(row.get().path("status").asText())) {
      send(ex, 409, "text/plain; charset=utf-8", "run " + runId + " is still running; its report can be fetched when it has ended\n");
      return;
    }
    sendJson(ex, store.fetch(runId, runs.root().resolve(runId)));
  }

  private LiveRun liveRun(String runId) {
    return live.computeIfAbsent(runId, id -> new LiveRun(id, runs.root().resolve(id).resolve("records")));
  }

  private void evictIdle() {
    long now = System.currentTimeMillis();
    live.values().removeIf(l -> now - l.lastUsed() > IDLE_MS);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new java.util.HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private void sendAsset(HttpExchange ex, String name) throws IOException {
    String body = assets.get(name);
    if (body == null) {
      notFound(ex);
      return;
    }
    if (name.endsWith(".html")) {
      // the page loads only from here: its own script and style, uPlot, and the JSON it polls
      ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          + "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    }
    send(ex, 200, contentType(name), body);
  }

  private static void sendFile(HttpExchange ex, Path file) throws IOException {
    byte[] body = Files.readAllBytes(file);
    send(ex, 200, contentType(file.getFileName().toString()), body);
  }

  private static void sendJson(HttpExchange ex, JsonNode json) throws IOException {
    send(ex, 200, "application/json; charset=utf-8", ReportData.JSON.writeValueAsBytes(json));
  }

  private static void notFound(HttpExchange ex) throws IOException {
    send(ex, 404, "text/plain; charset=utf-8", "not found\n");
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else if (name.endsWith(".json")) {
      return "application/json; charset=utf-8";
    } else if (name.endsWith(".csv")) {
      return "text/csv; charset=utf-8";
    } else if (name.endsWith(".xml")) {
      return "application/xml; charset=utf-8";
    }
    return "application/octet-stream";
  }

  /** The page, its script and style, the report's style and uPlot, read once from the classpath. */
  private static Map<String, String> assets() throws IOException {
    String version;
    try (InputStream in = Visualizer.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
      if (in == null) {
        throw new IOException("the charting library is missing from the classpath (" + UPLOT_POM + "); the plugin depends on "
            + "org.webjars.npm:uplot, check that it was resolved");
      }
      Properties p = new Properties();
      p.load(in);
      version = p.getProperty("version");
    }
    String uplot = "META-INF/resources/webjars/uplot/" + version + "/dist/";
    return Map.of(
        "visualizer.html", resource(OWN + "visualizer.html"),
        "visualizer.js", resource(OWN + "visualizer.js"),
        "visualizer.css", resource(OWN + "visualizer.css"),
        "report.css", resource(REPORT + "report.css"),
        "uPlot.iife.min.js", resource(uplot + "uPlot.iife.min.js"),
        "uPlot.min.css", resource(uplot + "uPlot.min.css"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = Visualizer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("visualizer resource " + name + " is missing from the classpath; the plugin jar is incomplete");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
