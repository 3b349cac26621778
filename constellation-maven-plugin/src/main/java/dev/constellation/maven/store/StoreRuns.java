package dev.constellation.maven.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.agent.results.timestream.RunSummary;
import dev.constellation.agent.results.timestream.TimestreamResultsStore;
import dev.constellation.aws.AwsClients;
import dev.constellation.aws.Installation;
import dev.constellation.maven.report.ReportData;
import dev.constellation.maven.report.ReportWriter;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.Thresholds;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The runs kept in an S3 results store (AWS runs), as rows of the visualizer's runs list, and the fetching of one into
 * the runs directory.
 *
 * <p><b>Listing is cheap and bounded.</b> One {@code ListObjectsV2} call per 1000 runs with the delimiter {@code /}
 * lists the run ids ({@code runs/<runId>/}), at most {@value #MAX_PAGES} calls; of those the newest {@value #LIMIT}
 * (ids start with their UTC start time, so the newest sort last) that are not in the runs directory get a row. A row
 * comes from the small objects a run keeps beside its records ({@link StoredRun#publish}): {@code summary.json} (a
 * finished run: every figure of the row), else {@code run.json} (a run that is running, or whose build died:
 * {@code running} until its planned end plus five minutes, then {@code incomplete}), else the run's region folders
 * ({@code incomplete}, start from the run id). That is one listing call and at most one small read per run, never a
 * record; rows of finished runs are kept, so later refreshes read nothing for them.
 *
 * <p><b>Never in the way.</b> The store is read on a thread of its own, at most every {@value #REFRESH_MS} ms while the
 * page asks; the page gets the rows of the last refresh at once. When the store cannot be read (unreachable, no or
 * refused credentials, no such bucket, access denied) the status says so in one sentence naming the store and the fix,
 * and the local runs are listed as ever. The clients have bounded timeouts ({@link AwsClients.Options#httpTimeout()}).
 *
 * @since 0.1.0
 */
public final class StoreRuns implements AutoCloseable {

  /** Store runs listed at most (the newest). */
  public static final int LIMIT = 50;
  /** Listing calls at most (1000 runs each). */
  public static final int MAX_PAGES = 20;
  /** How often the store is read again while the page asks, ms. */
  public static final long REFRESH_MS = 30_000;
  /** A run whose stored run.json still says running is taken for running this long past its planned end. */
  static final long RUNNING_SLACK_MS = 5 * 60_000;

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final AwsClients aws;
  private final boolean ownsClients;
  private final String homeRegion;
  private final String configuredBucket;
  private final Installation installation;
  /** The Timestream database and table, or null for an S3 store. */
  private final String[] timestream;
  private final ExecutorService worker;
  private final Map<String, ObjectNode> finalRows = new ConcurrentHashMap<>();
  private final Map<String, Fetch> fetches = new ConcurrentHashMap<>();
  private volatile String bucket;
  private volatile List<ObjectNode> rows = List.of();
  private volatile String state = "loading";
  private volatile String message;
  private volatile boolean more;
  private volatile long refreshedAt;
  private volatile long startedAt;
  private volatile boolean refreshing;

  /**
   * A store's runs.
   *
   * @param aws the clients (profile, endpoint overrides, timeouts)
   * @param ownsClients whether {@link #close()} closes them
   * @param homeRegion the region of the bucket
   * @param bucket the bucket, or null for the installation's ({@code <installation>-<account>-<home>}, the account
   *     from STS {@code GetCallerIdentity})
   * @param installation the installation name, when no bucket is given
   */
  public StoreRuns(AwsClients aws, boolean ownsClients, String homeRegion, String bucket, String installation) {
    this.aws = aws;
    this.ownsClients = ownsClients;
    this.homeRegion = homeRegion;
    this.configuredBucket = bucket == null || bucket.isBlank() ? null : bucket.trim();
    this.installation = new Installation(installation == null ? Installation.DEFAULT_NAME : installation, homeRegion);
    this.bucket = configuredBucket;
    this.timestream = null;
    this.worker = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "constellation-visualizer-store");
      t.setDaemon(true);
      return t;
    });
  }

  private StoreRuns(AwsClients aws, boolean ownsClients, String homeRegion, String[] timestream) {
    this.aws = aws;
    this.ownsClients = ownsClients;
    this.homeRegion = homeRegion;
    this.configuredBucket = null;
    this.installation = new Installation(Installation.DEFAULT_NAME, homeRegion);
    this.timestream = timestream.clone();
    this.worker = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "constellation-visualizer-store");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The runs of a Timestream results store: one row per run from its summary row (measure {@code run}, written by the
   * plugin that ran it when the run starts and again when its report is written; docs/results-format.md, section 4),
   * listed by one query over the summary rows, newest start first, page by page ({@code MaxRows} {@value #LIMIT}, at
   * most {@value #MAX_PAGES} pages); no interval row is read for the list.
   *
   * @param aws the clients (profile, endpoint overrides, timeouts)
   * @param ownsClients whether {@link #close()} closes them
   * @param homeRegion the region of the database
   * @param database the database ({@code init} names it after the installation)
   * @param table the table ({@code intervals})
   * @return the store's runs
   */
  public static StoreRuns timestream(AwsClients aws, boolean ownsClients, String homeRegion, String database, String table) {
    return new StoreRuns(aws, ownsClients, homeRegion, new String[] {database, table});
  }

  /**
   * The store as the page names it: {@code s3://<bucket>} (home region), the installation whose bucket it is, or
   * {@code Timestream <database>.<table> (<home region>)}.
   */
  public String describe() {
    if (timestream != null) {
      return "Timestream " + timestream[0] + "." + timestream[1] + " (" + homeRegion + ")";
    }
    String b = bucket;
    return b != null ? "s3://" + b + " (" + homeRegion + ")"
        : "the results bucket of installation '" + installation.name() + "' in " + homeRegion;
  }

  /**
   * The rows of the last refresh, starting a refresh in the background when the last is older than
   * {@value #REFRESH_MS} ms.
   *
   * @param local whether a run id is in the runs directory (its row there wins, marked local)
   * @return the store's rows, without the local runs
   */
  public List<ObjectNode> rows(Predicate<String> local) {
    refreshIfStale(local);
    return rows.stream().filter(r -> !local.test(r.path("runId").asText())).toList();
  }

  /** The store's status for the page: {@code configured}, {@code store}, {@code state} (loading, ok, error), {@code message}. */
  public ObjectNode status() {
    ObjectNode o = ReportData.JSON.createObjectNode();
    o.put("configured", true);
    o.put("store", describe());
    o.put("state", state);
    if (message != null) {
      o.put("message", message);
    }
    o.put("runs", rows.size());
    o.put("more", more);
    o.put("refreshedAt", refreshedAt == 0 ? "" : Instant.ofEpochMilli(refreshedAt).toString());
    return o;
  }

  private void refreshIfStale(Predicate<String> local) {
    long now = System.currentTimeMillis();
    synchronized (this) {
      if (refreshing || (startedAt != 0 && now - startedAt < REFRESH_MS)) {
        return;
      }
      refreshing = true;
      startedAt = now;
    }
    try {
      worker.execute(() -> {
        try {
          refresh(local);
        } finally {
          refreshing = false;
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      refreshing = false;
    }
  }

  /**
   * Reads the store now, on the calling thread.
   *
   * @param local whether a run id is in the runs directory (such runs are not read)
   */
  public void refresh(Predicate<String> local) {
    if (timestream != null) {
      refreshTimestream(local);
      return;
    }
    try {
      S3ResultsStore store = store();
      S3ResultsStore.RunIds listed = store.listRunIds(MAX_PAGES);
      List<String> ids = new ArrayList<>(listed.ids());
      java.util.Collections.reverse(ids);
      List<ObjectNode> out = new ArrayList<>();
      for (String id : ids) {
        if (out.size() >= LIMIT) {
          break;
        }
        if (local.test(id)) {
          continue;
        }
        ObjectNode row = finalRows.get(id);
        if (row == null) {
          row = row(store, id);
          if (row.path("final").asBoolean()) {
            finalRows.put(id, row);
          }
        }
        out.add(row);
      }
      listedOk(out, listed.more() || listed.ids().size() > LIMIT);
    } catch (IOException | RuntimeException e) {
      state = "error";
      message = explain(e);
    }
  }

  /** A refresh that read the store: its rows, whether more runs exist than were listed, and no message. */
  private void listedOk(List<ObjectNode> out, boolean moreRuns) {
    rows = List.copyOf(out);
    more = moreRuns;
    state = "ok";
    message = null;
    refreshedAt = System.currentTimeMillis();
  }

  private void refreshTimestream(Predicate<String> local) {
    try {
      TimestreamResultsStore.RunList listed = timestreamStore().listRunSummaries(LIMIT, MAX_PAGES, local);
      List<ObjectNode> out = new ArrayList<>();
      for (RunSummary s : listed.runs()) {
        out.add(row(s, System.currentTimeMillis()));
      }
      listedOk(out, listed.more());
    } catch (IOException | RuntimeException e) {
      state = "error";
      message = explain(e);
    }
  }

  private TimestreamResultsStore timestreamStore() {
    return new TimestreamResultsStore(aws.timestream(homeRegion), aws.timestreamQuery(homeRegion), timestream[0], timestream[1]);
  }

  /**
   * A run's row from its Timestream summary row: a finished run with every figure of its summary.json; a run whose row
   * still says running is {@code running} until its planned end plus {@value #RUNNING_SLACK_MS} ms, then
   * {@code incomplete} (its build died before its report was written), without figures, as an S3 run with run.json
   * and no summary.json.
   */
  static ObjectNode row(RunSummary s, long now) {
    ObjectNode r = ReportData.JSON.createObjectNode();
    r.put("runId", s.runId());
    r.put("source", "store");
    r.put("report", false);
    r.put("startedAt", Instant.ofEpochMilli(s.startMs()).toString());
    r.put("target", "");
    ArrayNode regions = r.putArray("regions");
    s.regions().forEach(regions::add);
    r.put("vus", s.vus());
    r.put("agents", s.agents());
    r.put("plannedDurationMs", s.plannedDurationMs());
    if (s.running()) {
      boolean running = now < s.startMs() + s.plannedDurationMs() + RUNNING_SLACK_MS;
      r.put("status", running ? "running" : "incomplete");
      if (running) {
        r.put("durationMs", Math.max(0, now - s.startMs()));
      } else {
        r.putNull("durationMs");
      }
      nothingMeasured(r);
      r.put("final", false);
      return r;
    }
    r.put("status", s.status());
    r.put("durationMs", s.durationMs());
    r.put("passed", s.passed());
    r.put("requests", s.requests());
    r.put("failures", s.failures());
    if (s.p95Micros() < 0) {
      r.putNull("p95");
    } else {
      r.put("p95", s.p95Micros() / 1000.0);
    }
    r.put("final", true);
    return r;
  }

  private S3ResultsStore store() throws IOException {
    if (bucket == null) {
      try {
        bucket = installation.bucket(aws.sts(homeRegion).getCallerIdentity().account());
      } catch (RuntimeException e) {
        throw new IOException("cannot find the account for the installation's bucket (STS GetCallerIdentity): " + e.getMessage(), e);
      }
    }
    return new S3ResultsStore(aws.s3(homeRegion), bucket);
  }

  /** One run's row from the small objects beside its records. */
  private ObjectNode row(S3ResultsStore store, String id) throws IOException {
    S3ResultsStore.RunFolder folder = store.runFolder(id);
    ObjectNode r = ReportData.JSON.createObjectNode();
    r.put("runId", id);
    r.put("source", "store");
    r.put("report", false);
    if (folder.objects().contains(ReportWriter.SUMMARY_JSON)) {
      java.util.Optional<String> text = store.readRunObject(id, ReportWriter.SUMMARY_JSON);
      if (text.isPresent()) {
        JsonNode s = ReportData.JSON.readTree(text.get());
        r.put("startedAt", s.path("startedAt").asText(""));
        r.put("status", s.path("status").asText("completed"));
        r.put("target", s.path("target").asText(""));
        regions(r, s.path("regions"));
        r.put("plannedDurationMs", s.path("plannedDurationMs").asLong(s.path("durationMs").asLong()));
        r.put("durationMs", s.path("durationMs").asLong());
        r.put("passed", s.path("passed").asBoolean());
        JsonNode totals = s.path("totals");
        r.put("requests", totals.path("requests").asLong());
        r.put("failures", totals.path("failures").asLong());
        r.set("p95", totals.path("latencyMs").path("p95"));
        r.put("final", true);
        return r;
      }
    }
    if (folder.objects().contains(RunFacts.FILE_NAME)) {
      java.util.Optional<String> text = store.readRunObject(id, RunFacts.FILE_NAME);
      if (text.isPresent()) {
        JsonNode f = ReportData.JSON.readTree(text.get());
        long start = Instant.parse(f.path("startedAt").asText()).toEpochMilli();
        long planned = f.path("plannedDurationMs").asLong(f.path("durationMs").asLong());
        String status = f.path("status").asText("running");
        long now = System.currentTimeMillis();
        boolean running = "running".equals(status) && now < start + planned + RUNNING_SLACK_MS;
        r.put("startedAt", f.path("startedAt").asText());
        r.put("status", running ? "running" : "incomplete");
        r.put("target", f.path("target").asText(""));
        regions(r, f.path("regions"));
        r.put("plannedDurationMs", planned);
        if (running) {
          r.put("durationMs", Math.max(0, now - start));
        } else {
          r.putNull("durationMs");
        }
        nothingMeasured(r);
        r.put("final", !running);
        return r;
      }
    }
    // neither object (a run of an older plugin, or one whose build died before it wrote run.json): what the keys say
    r.put("startedAt", startOf(id));
    r.put("status", "incomplete");
    r.put("target", "");
    ArrayNode regions = r.putArray("regions");
    folder.regions().forEach(regions::add);
    r.putNull("vus");
    r.putNull("agents");
    r.putNull("plannedDurationMs");
    r.putNull("durationMs");
    nothingMeasured(r);
    r.put("final", false);
    return r;
  }

  private static void nothingMeasured(ObjectNode r) {
    r.putNull("passed");
    r.putNull("requests");
    r.putNull("failures");
    r.putNull("p95");
  }

  private static void regions(ObjectNode r, JsonNode regions) {
    ArrayNode names = r.putArray("regions");
    int vus = 0;
    int agents = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = regions.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      names.add(e.getKey());
      vus += e.getValue().path("vus").asInt();
      agents += e.getValue().path("agents").asInt();
    }
    r.put("vus", vus);
    r.put("agents", agents);
  }

  /** The start a plugin run id carries ({@code yyyyMMdd-HHmmss-xxxx}, UTC), or "" for another id. */
  static String startOf(String id) {
    if (id.length() >= 15) {
      try {
        return LocalDateTime.parse(id.substring(0, 15), ID_TIME).toInstant(ZoneOffset.UTC).toString();
      } catch (java.time.format.DateTimeParseException e) {
        return "";
      }
    }
    return "";
  }

  /** One sentence: what failed, where, and the fix. */
  String explain(Throwable e) {
    String store = "The results store " + describe();
    AwsServiceException service = find(e, AwsServiceException.class);
    if (service != null) {
      String code = AwsClients.code(service);
      String detail = service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
          ? service.awsErrorDetails().errorMessage() : service.getMessage();
      if (timestream != null && code.equals("ResourceNotFoundException")) {
        return store + " does not exist (ResourceNotFoundException: " + detail + "). Fix: name the database and table your AWS "
            + "runs wrote to with -Dconstellation.timestreamDatabase and -Dconstellation.timestreamTable (init names the database "
            + "after the installation, the table intervals), and their home region with -Dconstellation.homeRegion.";
      }
      if (timestream != null && (code.equals("AccessDeniedException") || service.statusCode() == 403)
          && !code.equals("InvalidSignatureException") && !code.equals("UnrecognizedClientException") && !code.startsWith("ExpiredToken")) {
        return store + " refused these credentials (" + code + ": " + detail + "). Fix: they need timestream:Select on the table "
            + "and timestream:DescribeEndpoints (the operator policy in docs/aws.md), or use another profile with -Dconstellation.profile.";
      }
      if (code.equals("NoSuchBucket")) {
        return store + " does not exist (NoSuchBucket). Fix: name the bucket your AWS runs wrote to with -Dconstellation.resultsBucket, "
            + "or the installation and home region that mvn constellation:init created it for (-Dconstellation.installation, "
            + "-Dconstellation.homeRegion).";
      }
      if (code.equals("AccessDenied") || code.equals("AccessDeniedException") || service.statusCode() == 403
          && !code.equals("InvalidAccessKeyId") && !code.equals("SignatureDoesNotMatch") && !code.startsWith("ExpiredToken")) {
        return store + " refused these credentials (" + (code.isEmpty() ? "HTTP 403" : code) + "). Fix: they need s3:ListBucket and "
            + "s3:GetObject on the bucket (the operator policy in docs/aws.md), or use another profile with -Dconstellation.profile.";
      }
      if (code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch") || code.equals("InvalidSignatureException")
          || code.startsWith("ExpiredToken") || code.equals("InvalidClientTokenId") || code.equals("UnrecognizedClientException")) {
        return store + " refused the credentials (" + code + "). Fix: check -Dconstellation.profile / AWS_PROFILE, or run "
            + "'aws sso login' when the SSO session expired.";
      }
      return store + " cannot be read (" + (code.isEmpty() ? "HTTP " + service.statusCode() : code) + ": " + detail + ").";
    }
    String text = String.valueOf(e.getMessage());
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("Unable to load credentials") || m.contains("credentials") && m.contains("profile")
          || m.contains("Unable to load region") || m.contains("Profile file contained no credentials")) {
        return store + " cannot be read: no AWS credentials were found (" + firstLine(m) + "). Fix: give a profile with "
            + "-Dconstellation.profile=<name> (after 'aws sso login' for an SSO profile), or set AWS_PROFILE, or "
            + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.";
      }
    }
    if (find(e, ConnectException.class) != null || find(e, SocketTimeoutException.class) != null
        || find(e, UnknownHostException.class) != null || find(e, SdkClientException.class) != null) {
      return store + " did not answer (" + firstLine(rootMessage(e)) + "). Fix: check the network and the home region "
          + "(-Dconstellation.homeRegion=" + homeRegion + ")" + (aws.overridden(service()) ? " and the endpoint override "
          + "constellation.aws.endpoint." + service() : "") + "; it is tried again every " + REFRESH_MS / 1000 + " s.";
    }
    return store + " cannot be read: " + firstLine(text) + ".";
  }

  private String service() {
    return timestream != null ? "timestream" : "s3";
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  private static String firstLine(String s) {
    String t = s == null ? "" : s.strip();
    int nl = t.indexOf('\n');
    t = nl < 0 ? t : t.substring(0, nl);
    return t.length() > 240 ? t.substring(0, 240) + "…" : t;
  }

  /**
   * Where fetching a run stands.
   *
   * @param state {@code fetching}, {@code done} or {@code failed}
   * @param message what failed, or how many records were read
   */
  public record Fetch(String state, String message) {
    ObjectNode json(String runId) {
      ObjectNode o = ReportData.JSON.createObjectNode();
      o.put("runId", runId);
      o.put("state", state);
      if (message != null) {
        o.put("message", message);
      }
      return o;
    }
  }

  /**
   * Whether a run can be fetched: it is one of the listed store runs and is not running.
   *
   * @param runId the run
   * @return the row, or empty
   */
  public java.util.Optional<ObjectNode> listed(String runId) {
    return rows.stream().filter(r -> r.path("runId").asText().equals(runId)).findFirst();
  }

  /**
   * Starts fetching a store run into {@code <runsDir>/<runId>/} in the background, the way {@code constellation:report}
   * rebuilds one ({@link StoredRun#load}), with the thresholds its stored summary.json evaluated; asking again while it
   * runs, or after it is done, starts nothing.
   *
   * @param runId a run id the store listed
   * @param runDir the run's folder to write
   * @return where the fetch stands
   */
  public synchronized ObjectNode fetch(String runId, Path runDir) {
    Fetch f = fetches.get(runId);
    if (f == null || "failed".equals(f.state()) || "done".equals(f.state()) && !java.nio.file.Files.isDirectory(runDir)) {
      fetches.put(runId, new Fetch("fetching", "reading the records of " + runId + " from " + describe()));
      worker.execute(() -> fetches.put(runId, fetchNow(runId, runDir)));
    }
    return fetches.get(runId).json(runId);
  }

  /**
   * Where fetching a run stands.
   *
   * @param runId the run
   * @return the state, or empty when no fetch was asked for
   */
  public java.util.Optional<ObjectNode> fetchState(String runId) {
    Fetch f = fetches.get(runId);
    return f == null ? java.util.Optional.empty() : java.util.Optional.of(f.json(runId));
  }

  /**
   * Builds the run's report in a hidden folder beside its final one and moves it into place at once, so the runs list
   * never shows a half-fetched run and a failed fetch leaves nothing behind.
   */
  private Fetch fetchNow(String runId, Path runDir) {
    Path partial = runDir.resolveSibling(".fetching-" + runId);
    try {
      deleteTree(partial);
      List<String> expressions = new ArrayList<>();
      dev.constellation.agent.results.ResultsSource store;
      if (timestream != null) {
        TimestreamResultsStore ts = timestreamStore();
        java.util.Optional<RunSummary> summary = ts.readRunSummary(runId);
        if (summary.isPresent()) {
          ReportData.JSON.readTree(summary.get().thresholds()).forEach(t -> expressions.add(t.asText()));
        }
        store = ts;
      } else {
        S3ResultsStore s3 = store();
        java.util.Optional<String> summary = s3.readRunObject(runId, ReportWriter.SUMMARY_JSON);
        if (summary.isPresent()) {
          ReportData.JSON.readTree(summary.get()).path("thresholds").forEach(t -> expressions.add(t.path("expression").asText()));
        }
        store = s3;
      }
      StoredRun.Loaded run = StoredRun.load(store, runId, partial, w -> { });
      ReportWriter.write(partial, run.facts(), run.results(), Thresholds.parse(expressions).evaluate(run.results()));
      if (!java.nio.file.Files.exists(partial.resolve(RunFacts.FILE_NAME))) {
        run.facts().write(partial);
      }
      java.nio.file.Files.move(partial, runDir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new Fetch("done", run.records() + " interval records read");
    } catch (StoredRun.NoRecords e) {
      return new Fetch("failed", "run " + runId + " has no records in " + describe() + " yet");
    } catch (IOException | RuntimeException e) {
      return new Fetch("failed", explain(e));
    } finally {
      deleteTree(partial);
    }
  }

  private static void deleteTree(Path dir) {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a hidden folder the runs list ignores; the next fetch of the run clears it
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsClients) {
      aws.close();
    }
  }
}
