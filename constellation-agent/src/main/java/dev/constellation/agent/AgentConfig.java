package dev.constellation.agent;

import dev.constellation.agent.feed.FeedShare;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.HttpOptions;
import dev.constellation.agent.http.TlsSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything one agent needs to run: the same in local mode and in a container.
 *
 * @param runId the run, shared by every agent
 * @param region this agent's region
 * @param agentIndex this agent's index in its region, from 0
 * @param agentCount agents in this region
 * @param vus virtual users on this agent; in the open model, the most that run at once (the cap)
 * @param duration how long VUs start new iterations
 * @param gracefulStop how long a running iteration may finish after the duration
 * @param baseUrl what relative request paths resolve against; may be empty
 * @param scripts script class names; empty means every {@code @VirtualUser} found
 * @param resultsDir the local records directory
 * @param parameters values scripts read with {@code VuContext.parameter}
 * @param requestTimeout each request's time limit
 * @param connectTimeout the TCP connect time limit
 * @param flushInterval how often records leave the agent
 * @param maxRequestNames distinct request names kept apart before folding
 * @param orchestrator where the start barrier is: {@code http://host:port/} (local runs) or
 *     {@code lambda:<region>:<function>[:<qualifier>]} (AWS); empty starts at once, alone
 * @param startTimeout how long to wait for the orchestrator's start before giving up (no load is sent)
 * @param rate the open model's arrival rate: iterations per second ({@code "50"}) or stages of
 *     {@code duration:rate} ramped linearly from 0 ({@code "10s:50,30s:50"}); empty for the closed model
 * @param stages the closed model's VU count over time, {@code duration:VUs} ramped linearly from
 *     0 ({@code "30s:50,2m:50,30s:0"}); empty for a fixed {@code vus}
 * @param engine the HTTP engine, one of {@link HttpEngines#NAMES}
 * @param resultsStore where records go: {@code local} ({@code resultsDir}), {@code s3} or
 *     {@code timestream} (in {@code resultsRegion}); see {@link #RESULTS_STORES}
 * @param resultsBucket the S3 bucket, for {@code s3}; empty otherwise
 * @param resultsRegion the home region of the bucket or Timestream table; empty for {@code local}
 * @param timestreamDatabase the Timestream database, for {@code timestream}
 * @param timestreamTable the Timestream table, for {@code timestream}
 * @param fallbackDir where a remote store's records that could not be stored are written at the
 *     end ({@code unstored-<agentId>.jsonl}); default {@code <java.io.tmpdir>/constellation}
 * @param pollInterval how often the agent asks the orchestrator whether the run started; default
 *     1 s for a Lambda orchestrator, 200 ms for a local one
 * @param retries whether a request that got no byte of response on a reused keep-alive
 *     connection is sent again once on a new one (each retry is counted; docs/user-guide.md)
 * @param httpOptions redirects, cookies and compression
 * @param tls truststore, client certificate, insecure
 * @param feedShare this agent's share of the rows of {@code unique} feeders (its slots among every
 *     VU of the run, see {@link FeedShare}); null means the agent is alone in its run
 */
public record AgentConfig(
    String runId,
    String region,
    int agentIndex,
    int agentCount,
    int vus,
    Duration duration,
    Duration gracefulStop,
    String baseUrl,
    List<String> scripts,
    Path resultsDir,
    Map<String, String> parameters,
    Duration requestTimeout,
    Duration connectTimeout,
    Duration flushInterval,
    int maxRequestNames,
    String orchestrator,
    Duration startTimeout,
    String rate,
    String stages,
    String engine,
    String resultsStore,
    String resultsBucket,
    String resultsRegion,
    String timestreamDatabase,
    String timestreamTable,
    Path fallbackDir,
    Duration pollInterval,
    boolean retries,
    HttpOptions httpOptions,
    TlsSettings tls,
    FeedShare feedShare) {

  /** The results stores an agent can write: {@code local}, {@code s3}, {@code timestream}. */
  public static final List<String> RESULTS_STORES = List.of("local", "s3", "timestream");

  /** The default Timestream database, as {@code constellation:init} creates it. */
  public static final String DEFAULT_TIMESTREAM_DATABASE = "constellation";

  /** The default Timestream table, as {@code constellation:init} creates it. */
  public static final String DEFAULT_TIMESTREAM_TABLE = "intervals";

  /** The poll interval towards a local (HTTP) orchestrator. */
  public static final Duration LOCAL_POLL_INTERVAL = Duration.ofMillis(200);

  /** The poll interval towards the Lambda orchestrator: one Invoke per agent per second keeps a run of 500 agents at 500 requests/s. */
  public static final Duration LAMBDA_POLL_INTERVAL = Duration.ofSeconds(1);

  /**
   * A configuration of an agent alone in its run as far as feeders go (every other setting given).
   *
   * @param runId the run
   * @param region the region
   * @param agentIndex the index in the region
   * @param agentCount agents in the region
   * @param vus virtual users
   * @param duration load duration
   * @param gracefulStop graceful stop
   * @param baseUrl base URL
   * @param scripts script classes
   * @param resultsDir records directory
   * @param parameters script parameters
   * @param requestTimeout request time limit
   * @param connectTimeout connect time limit
   * @param flushInterval flush interval
   * @param maxRequestNames request names kept apart
   * @param orchestrator orchestrator address
   * @param startTimeout how long to wait for the start
   * @param rate open-model rate
   * @param stages closed-model stages
   * @param engine HTTP engine
   * @param resultsStore results store
   * @param resultsBucket S3 bucket
   * @param resultsRegion home region of the store
   * @param timestreamDatabase Timestream database
   * @param timestreamTable Timestream table
   * @param fallbackDir fallback directory
   * @param pollInterval orchestrator poll interval
   * @param retries whether requests are retried
   * @param httpOptions redirects, cookies and compression
   * @param tls TLS settings
   */
  public AgentConfig(String runId, String region, int agentIndex, int agentCount, int vus, Duration duration,
      Duration gracefulStop, String baseUrl, List<String> scripts, Path resultsDir, Map<String, String> parameters,
      Duration requestTimeout, Duration connectTimeout, Duration flushInterval, int maxRequestNames, String orchestrator,
      Duration startTimeout, String rate, String stages, String engine, String resultsStore, String resultsBucket,
      String resultsRegion, String timestreamDatabase, String timestreamTable, Path fallbackDir, Duration pollInterval,
      boolean retries, HttpOptions httpOptions, TlsSettings tls) {
    this(runId, region, agentIndex, agentCount, vus, duration, gracefulStop, baseUrl, scripts, resultsDir, parameters,
        requestTimeout, connectTimeout, flushInterval, maxRequestNames, orchestrator, startTimeout, rate, stages, engine,
        resultsStore, resultsBucket, resultsRegion, timestreamDatabase, timestreamTable, fallbackDir, pollInterval, retries,
        httpOptions, tls, null);
  }

  /**
   * This agent's share of {@code unique} feeders' rows: as given, or every row when the agent is
   * alone in its run.
   *
   * @return the share
   */
  public FeedShare feedShare() {
    return feedShare != null ? feedShare : FeedShare.alone(vuCount());
  }

  /**
   * The same configuration with a share of {@code unique} feeders' rows.
   *
   * @param share the agent's slots among every VU of the run
   * @return the new configuration
   */
  public AgentConfig withFeedShare(FeedShare share) {
    return new AgentConfig(runId, region, agentIndex, agentCount, vus, duration, gracefulStop, baseUrl, scripts, resultsDir,
        parameters, requestTimeout, connectTimeout, flushInterval, maxRequestNames, orchestrator, startTimeout, rate, stages, engine,
        resultsStore, resultsBucket, resultsRegion, timestreamDatabase, timestreamTable, fallbackDir, pollInterval, retries,
        httpOptions, tls, share);
  }

  /**
   * The same configuration for one of several agents that split a region's load (the tasks of a
   * region on AWS).
   *
   * @param agentIndex this agent's index in its region, from 0
   * @param agentCount agents in the region
   * @param vus this agent's virtual users
   * @param rate this agent's arrival rate or rate stages, empty in the closed model
   * @param stages this agent's VU stages, or empty
   * @return the new configuration (its feeder share is assigned again by {@link #assignFeedShares})
   */
  public AgentConfig withShare(int agentIndex, int agentCount, int vus, String rate, String stages) {
    return new AgentConfig(runId, region, agentIndex, agentCount, vus, duration, gracefulStop, baseUrl, scripts, resultsDir,
        parameters, requestTimeout, connectTimeout, flushInterval, maxRequestNames, orchestrator, startTimeout, rate, stages, engine,
        resultsStore, resultsBucket, resultsRegion, timestreamDatabase, timestreamTable, fallbackDir, pollInterval, retries,
        httpOptions, tls, null);
  }

  /**
   * Gives each agent of a run its share of {@code unique} feeders' rows: slots numbered over every
   * agent in list order, each agent as many as its VUs ({@link #vuCount()}).
   *
   * @param agents every agent of the run, in a fixed order
   * @return the same agents with their shares
   */
  public static List<AgentConfig> assignFeedShares(List<AgentConfig> agents) {
    long total = agents.stream().mapToLong(a -> Math.max(1, a.vuCount())).sum();
    List<AgentConfig> out = new ArrayList<>();
    long first = 0;
    for (AgentConfig a : agents) {
      long count = Math.max(1, a.vuCount());
      out.add(a.withFeedShare(new FeedShare(first, count, total)));
      first += count;
    }
    return out;
  }

  public AgentConfig {
    scripts = List.copyOf(scripts);
    parameters = Map.copyOf(parameters);
    resultsStore = resultsStore == null ? "local" : resultsStore;
    resultsBucket = resultsBucket == null ? "" : resultsBucket;
    resultsRegion = resultsRegion == null ? "" : resultsRegion;
    timestreamDatabase = timestreamDatabase == null ? DEFAULT_TIMESTREAM_DATABASE : timestreamDatabase;
    timestreamTable = timestreamTable == null ? DEFAULT_TIMESTREAM_TABLE : timestreamTable;
    fallbackDir = fallbackDir == null ? defaultFallbackDir() : fallbackDir;
    pollInterval = pollInterval == null ? defaultPollInterval(orchestrator) : pollInterval;
    httpOptions = httpOptions == null ? HttpOptions.DEFAULT : httpOptions;
    tls = tls == null ? TlsSettings.DEFAULT : tls;
  }

  /**
   * A configuration writing to the local directory, with the default poll interval: what local runs use.
   *
   * @param runId the run
   * @param region the region
   * @param agentIndex the index in the region
   * @param agentCount agents in the region
   * @param vus virtual users
   * @param duration load duration
   * @param gracefulStop graceful stop
   * @param baseUrl base URL, may be empty
   * @param scripts script classes, empty for all
   * @param resultsDir records directory
   * @param parameters script parameters
   * @param requestTimeout request time limit
   * @param connectTimeout connect time limit
   * @param flushInterval flush interval
   * @param maxRequestNames request names kept apart
   * @param orchestrator orchestrator address, may be empty
   * @param startTimeout how long to wait for the start
   * @param rate open-model rate, may be empty
   * @param stages closed-model stages, may be empty
   * @param engine HTTP engine
   */
  public AgentConfig(String runId, String region, int agentIndex, int agentCount, int vus, Duration duration,
      Duration gracefulStop, String baseUrl, List<String> scripts, Path resultsDir, Map<String, String> parameters,
      Duration requestTimeout, Duration connectTimeout, Duration flushInterval, int maxRequestNames, String orchestrator,
      Duration startTimeout, String rate, String stages, String engine) {
    this(runId, region, agentIndex, agentCount, vus, duration, gracefulStop, baseUrl, scripts, resultsDir, parameters,
        requestTimeout, connectTimeout, flushInterval, maxRequestNames, orchestrator, startTimeout, rate, stages, engine,
        "local", "", "", null, null, null, null, true, HttpOptions.DEFAULT, TlsSettings.DEFAULT);
  }

  /** The default fallback directory: {@code constellation} in {@code java.io.tmpdir} ({@code /tmp/constellation} in the image). */
  public static Path defaultFallbackDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "constellation");
  }

  /**
   * The default poll interval for an orchestrator address.
   *
   * @param orchestrator the address, may be empty
   * @return {@link #LAMBDA_POLL_INTERVAL} for {@code lambda:...}, else {@link #LOCAL_POLL_INTERVAL}
   */
  public static Duration defaultPollInterval(String orchestrator) {
    return orchestrator != null && orchestrator.startsWith("lambda:") ? LAMBDA_POLL_INTERVAL : LOCAL_POLL_INTERVAL;
  }

  /**
   * The same configuration with other HTTP options and TLS settings.
   *
   * @param options redirects, cookies and compression
   * @param tlsSettings truststore, client certificate, insecure
   * @return the new configuration
   */
  public AgentConfig withHttp(HttpOptions options, TlsSettings tlsSettings) {
    return new AgentConfig(runId, region, agentIndex, agentCount, vus, duration, gracefulStop, baseUrl, scripts, resultsDir,
        parameters, requestTimeout, connectTimeout, flushInterval, maxRequestNames, orchestrator, startTimeout, rate, stages, engine,
        resultsStore, resultsBucket, resultsRegion, timestreamDatabase, timestreamTable, fallbackDir, pollInterval, retries,
        options, tlsSettings, feedShare);
  }

  /**
   * The same configuration, starting through an orchestrator.
   *
   * @param address the orchestrator's address
   * @param timeout how long to wait for the start
   * @return the new configuration
   */
  public AgentConfig withOrchestrator(String address, Duration timeout) {
    return new AgentConfig(runId, region, agentIndex, agentCount, vus, duration, gracefulStop, baseUrl, scripts, resultsDir,
        parameters, requestTimeout, connectTimeout, flushInterval, maxRequestNames, address, timeout, rate, stages, engine,
        resultsStore, resultsBucket, resultsRegion, timestreamDatabase, timestreamTable, fallbackDir, pollInterval, retries,
        httpOptions, tls, feedShare);
  }

  /**
   * The longest this agent may live: waiting for the start, the load, the graceful stop, and
   * {@link #STORE_AND_REPORT_ALLOWANCE} to store its last records and report its end. An agent
   * that is still running after it stops itself (see {@code AgentMain}), so no task is left running
   * and billed when something hangs.
   *
   * @return the lifetime
   */
  public Duration maxLifetime() {
    return startTimeout.plus(loadDuration()).plus(gracefulStop).plus(STORE_AND_REPORT_ALLOWANCE);
  }

  /** What {@link #maxLifetime()} allows beyond the start timeout, load and graceful stop: 90 s. */
  public static final Duration STORE_AND_REPORT_ALLOWANCE = Duration.ofSeconds(90);

  /**
   * How long load is generated: the duration, or the sum of the rate stages.
   *
   * @return the load duration
   */
  public Duration loadDuration() {
    if (!stages.isEmpty()) {
      return Ramp.parse(stages, "VUs").duration();
    }
    return rate.isEmpty() ? duration : ArrivalSchedule.parse(rate, duration).duration();
  }

  /**
   * How many VUs this agent creates: {@code vus}, or the highest stage target when ramping.
   *
   * @return the VU count
   */
  public int vuCount() {
    return stages.isEmpty() ? vus : (int) Math.ceil(Ramp.parse(stages, "VUs").max() - 1e-9);
  }

  /** This agent's id, unique within the run: {@code <region>-<index>}. */
  public String agentId() {
    return region + "-" + agentIndex;
  }

  /**
   * Checks every setting and reports all problems at once.
   *
   * @param label how the caller's users name each setting
   * @throws IllegalArgumentException listing each bad setting, its value and the fix
   */
  public void validate(Function<Setting, String> label) {
    List<String> problems = new ArrayList<>();
    if (runId == null || !runId.matches("[A-Za-z0-9._-]{1,64}")) {
      problems.add(label.apply(Setting.RUN_ID) + " is \"" + runId + "\"; use 1 to 64 letters, digits, '.', '_' or '-'");
    }
    if (region == null || !region.matches("[a-z0-9-]{1,32}")) {
      problems.add(label.apply(Setting.REGION) + " is \"" + region + "\"; use a region name such as local or eu-west-1");
    }
    if (agentCount < 1 || agentIndex < 0 || agentIndex >= agentCount) {
      problems.add(label.apply(Setting.AGENT_INDEX) + " " + agentIndex + " does not fit " + label.apply(Setting.AGENT_COUNT) + " "
          + agentCount + "; the index runs from 0 to count - 1");
    }
    if (vus < 1) {
      problems.add(label.apply(Setting.VUS) + " is " + vus + "; set 1 or more virtual users");
    }
    if (duration == null || duration.isNegative() || duration.isZero()) {
      problems.add(label.apply(Setting.DURATION) + " is " + (duration == null ? "missing" : Durations.format(duration))
          + "; set a positive duration such as 30s or 5m");
    }
    if (gracefulStop == null || gracefulStop.isNegative()) {
      problems.add(label.apply(Setting.GRACE) + " is negative; set 0s or more (default 30s)");
    }
    String urlProblem = checkBaseUrl(baseUrl);
    if (urlProblem != null) {
      problems.add(label.apply(Setting.BASE_URL) + " is \"" + baseUrl + "\": " + urlProblem);
    }
    for (Map.Entry<Setting, Duration> t : Map.of(Setting.REQUEST_TIMEOUT, requestTimeout, Setting.CONNECT_TIMEOUT, connectTimeout,
        Setting.FLUSH_INTERVAL, flushInterval).entrySet()) {
      if (t.getValue() == null || t.getValue().isNegative() || t.getValue().isZero()) {
        problems.add(label.apply(t.getKey()) + " must be a positive duration such as 10s");
      }
    }
    if (!orchestrator.isEmpty() && !orchestrator.startsWith("http://") && !orchestrator.startsWith("https://")
        && !orchestrator.matches("lambda:[a-z0-9-]+:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?")) {
      problems.add(label.apply(Setting.ORCHESTRATOR) + " is \"" + orchestrator
          + "\"; give http://host:port/ or lambda:<region>:<function>[:<qualifier>]");
    }
    if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
      problems.add(label.apply(Setting.START_TIMEOUT) + " must be a positive duration such as 5m");
    }
    if (!rate.isEmpty()) {
      try {
        ArrivalSchedule.parse(rate, duration == null ? Duration.ofSeconds(1) : duration);
      } catch (IllegalArgumentException e) {
        problems.add(label.apply(Setting.RATE) + " is \"" + rate + "\": " + e.getMessage());
      }
    }
    if (!stages.isEmpty()) {
      if (!rate.isEmpty()) {
        problems.add(label.apply(Setting.STAGES) + " and " + label.apply(Setting.RATE) + " are both set; ramp VUs with stages "
            + "(closed model) or set an arrival rate (open model, which has stages of its own), not both");
      }
      try {
        if (Ramp.parse(stages, "VUs").max() < 1) {
          problems.add(label.apply(Setting.STAGES) + " is \"" + stages + "\": no stage reaches 1 VU");
        }
      } catch (IllegalArgumentException e) {
        problems.add(label.apply(Setting.STAGES) + " is \"" + stages + "\": " + e.getMessage());
      }
    }
    if (maxRequestNames < 1) {
      problems.add(label.apply(Setting.MAX_REQUEST_NAMES) + " is " + maxRequestNames + "; set 1 or more (default 500)");
    }
    if (!HttpEngines.NAMES.contains(engine)) {
      problems.add(label.apply(Setting.ENGINE) + " is \"" + engine + "\"; use one of " + HttpEngines.NAMES + " (default "
          + HttpEngines.DEFAULT + ")");
    }
    problems.addAll(storeProblems(label));
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      problems.add(label.apply(Setting.POLL_INTERVAL) + " must be a positive duration such as 1s");
    }
    if (httpOptions.maxRedirects() < 0) {
      problems.add(label.apply(Setting.MAX_REDIRECTS) + " is " + httpOptions.maxRedirects() + "; set 0 or more (default "
          + HttpOptions.DEFAULT_MAX_REDIRECTS + ")");
    }
    if (!HttpOptions.COOKIE_MODES.contains(httpOptions.cookies())) {
      problems.add(label.apply(Setting.COOKIES) + " is \"" + httpOptions.cookies() + "\"; use vu (a jar per virtual user, the default), "
          + "iteration (emptied before each iteration) or off");
    }
    for (String p : tls.problems()) {
      Setting s = Setting.valueOf(settingName(p));
      problems.add(p.startsWith(s.key()) ? label.apply(s) + p.substring(s.key().length()) : p);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  private List<String> storeProblems(Function<Setting, String> label) {
    List<String> problems = new ArrayList<>();
    if (!RESULTS_STORES.contains(resultsStore)) {
      problems.add(label.apply(Setting.RESULTS_STORE) + " is \"" + resultsStore + "\"; use one of " + String.join(", ", RESULTS_STORES)
          + " (local: " + label.apply(Setting.RESULTS_DIR) + " on this machine; s3 or timestream: in the home region)");
      return problems;
    }
    if (resultsStore.equals("local")) {
      return problems;
    }
    if (resultsRegion.isEmpty()) {
      problems.add(label.apply(Setting.RESULTS_REGION) + " is missing; " + label.apply(Setting.RESULTS_STORE) + " " + resultsStore
          + " needs the home region of the results, e.g. us-east-1");
    } else if (!resultsRegion.matches("[a-z]{2}(-[a-z]+)+-[0-9]")) {
      problems.add(label.apply(Setting.RESULTS_REGION) + " is \"" + resultsRegion + "\"; give an AWS region such as us-east-1");
    }
    if (resultsStore.equals("s3")) {
      if (resultsBucket.isEmpty()) {
        problems.add(label.apply(Setting.RESULTS_BUCKET) + " is missing; " + label.apply(Setting.RESULTS_STORE)
            + " s3 needs the bucket constellation:init created (constellation-<account>-<home region>)");
      } else if (!resultsBucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        // S3 bucket naming rules: 3-63 characters, lower-case letters, digits, dots and hyphens
        problems.add(label.apply(Setting.RESULTS_BUCKET) + " is \"" + resultsBucket + "\"; an S3 bucket name has 3 to 63 lower-case"
            + " letters, digits, '.' or '-', and starts and ends with a letter or digit");
      }
    } else {
      // Timestream names: 3-256 characters, letters, digits, '_', '-', '.'
      for (Map.Entry<Setting, String> t : Map.of(Setting.TIMESTREAM_DATABASE, timestreamDatabase, Setting.TIMESTREAM_TABLE,
          timestreamTable).entrySet()) {
        if (!t.getValue().matches("[A-Za-z0-9_.-]{3,256}")) {
          problems.add(label.apply(t.getKey()) + " is \"" + t.getValue() + "\"; use 3 to 256 letters, digits, '_', '-' or '.'");
        }
      }
    }
    return problems;
  }

  /** The {@link Setting} constant that a TLS problem starts with, such as TRUSTSTORE for "truststore ...". */
  private static String settingName(String problem) {
    for (Setting s : List.of(Setting.TRUSTSTORE_PASSWORD, Setting.TRUSTSTORE, Setting.CLIENT_CERT_PASSWORD, Setting.CLIENT_CERT,
        Setting.CLIENT_KEY, Setting.INSECURE)) {
      if (problem.startsWith(s.key())) {
        return s.name();
      }
    }
    return Setting.TRUSTSTORE.name();
  }

  /**
   * Why a base URL is unusable.
   *
   * @param url the URL; empty is fine (scripts may use absolute URLs)
   * @return the problem and its fix, or null when the URL is fine
   */
  public static String checkBaseUrl(String url) {
    if (url == null || url.isEmpty()) {
      return null;
    }
    try {
      URI u = new URI(url);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        return "not an http:// or https:// URL; write it like http://127.0.0.1:8080";
      }
      if (u.getHost() == null || u.getHost().isEmpty()) {
        return "has no host; write it like http://127.0.0.1:8080";
      }
      if (u.getRawQuery() != null || u.getRawFragment() != null) {
        return "has a query or fragment; give only scheme, host, port and an optional path prefix";
      }
      return null;
    } catch (URISyntaxException e) {
      return "not a URL (" + e.getReason() + "); write it like http://127.0.0.1:8080";
    }
  }

  /**
   * Parses the agent's command line: {@code --name value} pairs, {@code --param key=value} repeated;
   * a setting whose flag is absent is read from its environment variable ({@link Setting#env()}).
   *
   * @param args the arguments
   * @return the configuration, not yet validated
   * @throws IllegalArgumentException naming the flag (or variable) and the problem
   */
  public static AgentConfig parse(String[] args) {
    return parse(args, System::getenv);
  }

  /**
   * Parses the command line, falling back to an environment for absent flags.
   *
   * @param args the arguments
   * @param env the environment, e.g. {@code System::getenv}; returns null for unset variables
   * @return the configuration, not yet validated
   * @throws IllegalArgumentException naming the flag (or variable) and the problem
   */
  public static AgentConfig parse(String[] args, Function<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("unexpected argument \"" + a + "\"; the agent takes --name value pairs, such as --vus 10");
      }
      String key = a.substring(2);
      String value = args[++i];
      if (key.equals("param")) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--param " + value + " is not key=value");
        }
        params.put(value.substring(0, eq), value.substring(eq + 1));
      } else {
        boolean known = false;
        for (Setting s : Setting.values()) {
          known |= s.key().equals(key);
        }
        if (!known) {
          throw new IllegalArgumentException("unknown option --" + key + "; known: " + java.util.Arrays.stream(Setting.values())
              .map(Setting::flag).toList());
        }
        values.put(key, value);
      }
    }
    Map<Setting, String> source = new java.util.EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      if (values.containsKey(s.key())) {
        source.put(s, s.flag());
      } else {
        String fromEnv = env.apply(s.env());
        if (fromEnv != null && !fromEnv.isBlank()) {
          values.put(s.key(), fromEnv.trim());
          source.put(s, s.env());
        }
      }
    }
    Lookup get = new Lookup(values, source);
    String orchestrator = values.getOrDefault(Setting.ORCHESTRATOR.key(), "");
    return new AgentConfig(
        require(get, Setting.RUN_ID),
        values.getOrDefault(Setting.REGION.key(), "local"),
        intValue(get, Setting.AGENT_INDEX, 0),
        intValue(get, Setting.AGENT_COUNT, 1),
        intValue(get, Setting.VUS, 1),
        duration(get, Setting.DURATION, null),
        duration(get, Setting.GRACE, Duration.ofSeconds(30)),
        values.getOrDefault(Setting.BASE_URL.key(), ""),
        values.containsKey(Setting.SCRIPTS.key()) ? splitList(values.get(Setting.SCRIPTS.key())) : List.of(),
        Path.of(values.getOrDefault(Setting.RESULTS_DIR.key(), "constellation-results")),
        params,
        duration(get, Setting.REQUEST_TIMEOUT, Duration.ofSeconds(60)),
        duration(get, Setting.CONNECT_TIMEOUT, Duration.ofSeconds(10)),
        duration(get, Setting.FLUSH_INTERVAL, Duration.ofSeconds(1)),
        intValue(get, Setting.MAX_REQUEST_NAMES, 500),
        orchestrator,
        duration(get, Setting.START_TIMEOUT, Duration.ofMinutes(5)),
        values.getOrDefault(Setting.RATE.key(), ""),
        values.getOrDefault(Setting.STAGES.key(), ""),
        values.getOrDefault(Setting.ENGINE.key(), HttpEngines.DEFAULT),
        values.getOrDefault(Setting.RESULTS_STORE.key(), "local").toLowerCase(java.util.Locale.ROOT),
        values.getOrDefault(Setting.RESULTS_BUCKET.key(), ""),
        values.getOrDefault(Setting.RESULTS_REGION.key(), ""),
        values.getOrDefault(Setting.TIMESTREAM_DATABASE.key(), DEFAULT_TIMESTREAM_DATABASE),
        values.getOrDefault(Setting.TIMESTREAM_TABLE.key(), DEFAULT_TIMESTREAM_TABLE),
        values.containsKey(Setting.FALLBACK_DIR.key()) ? Path.of(values.get(Setting.FALLBACK_DIR.key())) : defaultFallbackDir(),
        duration(get, Setting.POLL_INTERVAL, defaultPollInterval(orchestrator)),
        booleanValue(get, Setting.RETRIES, true),
        new HttpOptions(booleanValue(get, Setting.FOLLOW_REDIRECTS, true),
            intValue(get, Setting.MAX_REDIRECTS, HttpOptions.DEFAULT_MAX_REDIRECTS),
            values.getOrDefault(Setting.COOKIES.key(), HttpOptions.COOKIES_VU), booleanValue(get, Setting.COMPRESSION, true)),
        new TlsSettings(values.get(Setting.TRUSTSTORE.key()), values.get(Setting.TRUSTSTORE_PASSWORD.key()),
            values.get(Setting.CLIENT_CERT.key()), values.get(Setting.CLIENT_KEY.key()), values.get(Setting.CLIENT_CERT_PASSWORD.key()),
            booleanValue(get, Setting.INSECURE, false)),
        values.containsKey(Setting.FEED_SHARE.key()) ? FeedShare.parse(values.get(Setting.FEED_SHARE.key()), get.name(Setting.FEED_SHARE)) : null);
  }

  /**
   * Where each given setting came from, for messages: its flag or its environment variable.
   *
   * @param args the command line
   * @param env the environment
   * @return setting → {@code --flag} or {@code CONSTELLATION_...}, only for settings that were given
   */
  public static Map<Setting, String> sources(String[] args, Function<String, String> env) {
    Map<Setting, String> out = new java.util.EnumMap<>(Setting.class);
    java.util.Set<String> flags = new java.util.HashSet<>(java.util.Arrays.asList(args));
    for (Setting s : Setting.values()) {
      if (flags.contains(s.flag())) {
        out.put(s, s.flag());
      } else if (env.apply(s.env()) != null && !env.apply(s.env()).isBlank()) {
        out.put(s, s.env());
      }
    }
    return out;
  }

  /** Values by key and where each came from. */
  private record Lookup(Map<String, String> values, Map<Setting, String> source) {
    String get(Setting s) {
      return values.get(s.key());
    }

    String name(Setting s) {
      return source.getOrDefault(s, s.flag());
    }
  }

  private static boolean booleanValue(Lookup get, Setting s, boolean absent) {
    String v = get.get(s);
    if (v == null) {
      return absent;
    }
    v = v.trim().toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(get.name(s) + " is \"" + v + "\"; use true or false");
    }
    return Boolean.parseBoolean(v);
  }

  /**
   * The command line that {@link #parse(String[])} reads back as this configuration.
   *
   * @return the arguments
   */
  public List<String> toArgs() {
    List<String> a = new ArrayList<>(List.of(
        Setting.RUN_ID.flag(), runId, Setting.REGION.flag(), region,
        Setting.AGENT_INDEX.flag(), Integer.toString(agentIndex), Setting.AGENT_COUNT.flag(), Integer.toString(agentCount),
        Setting.VUS.flag(), Integer.toString(vus), Setting.DURATION.flag(), duration.toMillis() + "ms",
        Setting.GRACE.flag(), gracefulStop.toMillis() + "ms",
        Setting.RESULTS_DIR.flag(), resultsDir.toString(),
        Setting.REQUEST_TIMEOUT.flag(), requestTimeout.toMillis() + "ms",
        Setting.CONNECT_TIMEOUT.flag(), connectTimeout.toMillis() + "ms",
        Setting.FLUSH_INTERVAL.flag(), flushInterval.toMillis() + "ms",
        Setting.MAX_REQUEST_NAMES.flag(), Integer.toString(maxRequestNames),
        Setting.START_TIMEOUT.flag(), startTimeout.toMillis() + "ms", Setting.ENGINE.flag(), engine,
        Setting.RETRIES.flag(), Boolean.toString(retries)));
    if (!rate.isEmpty()) {
      a.add(Setting.RATE.flag());
      a.add(rate);
    }
    if (!stages.isEmpty()) {
      a.add(Setting.STAGES.flag());
      a.add(stages);
    }
    if (!orchestrator.isEmpty()) {
      a.add(Setting.ORCHESTRATOR.flag());
      a.add(orchestrator);
    }
    if (!httpOptions.equals(HttpOptions.DEFAULT)) {
      a.addAll(List.of(Setting.FOLLOW_REDIRECTS.flag(), Boolean.toString(httpOptions.followRedirects()),
          Setting.MAX_REDIRECTS.flag(), Integer.toString(httpOptions.maxRedirects()), Setting.COOKIES.flag(), httpOptions.cookies(),
          Setting.COMPRESSION.flag(), Boolean.toString(httpOptions.compression())));
    }
    for (Map.Entry<Setting, String> t : List.of(Map.entry(Setting.TRUSTSTORE, tls.truststore()),
        Map.entry(Setting.TRUSTSTORE_PASSWORD, tls.truststorePassword()), Map.entry(Setting.CLIENT_CERT, tls.clientCert()),
        Map.entry(Setting.CLIENT_KEY, tls.clientKey()), Map.entry(Setting.CLIENT_CERT_PASSWORD, tls.clientCertPassword()))) {
      if (!t.getValue().isEmpty()) {
        a.add(t.getKey().flag());
        a.add(t.getValue());
      }
    }
    if (tls.insecure()) {
      a.add(Setting.INSECURE.flag());
      a.add("true");
    }
    if (feedShare != null) {
      a.add(Setting.FEED_SHARE.flag());
      a.add(feedShare.toString());
    }
    if (!baseUrl.isEmpty()) {
      a.add(Setting.BASE_URL.flag());
      a.add(baseUrl);
    }
    if (!scripts.isEmpty()) {
      a.add(Setting.SCRIPTS.flag());
      a.add(String.join(",", scripts));
    }
    if (!resultsStore.equals("local")) {
      a.addAll(List.of(Setting.RESULTS_STORE.flag(), resultsStore, Setting.TIMESTREAM_DATABASE.flag(), timestreamDatabase,
          Setting.TIMESTREAM_TABLE.flag(), timestreamTable));
    }
    if (!resultsBucket.isEmpty()) {
      a.addAll(List.of(Setting.RESULTS_BUCKET.flag(), resultsBucket));
    }
    if (!resultsRegion.isEmpty()) {
      a.addAll(List.of(Setting.RESULTS_REGION.flag(), resultsRegion));
    }
    if (!fallbackDir.equals(defaultFallbackDir())) {
      a.addAll(List.of(Setting.FALLBACK_DIR.flag(), fallbackDir.toString()));
    }
    if (!pollInterval.equals(defaultPollInterval(orchestrator))) {
      a.addAll(List.of(Setting.POLL_INTERVAL.flag(), pollInterval.toMillis() + "ms"));
    }
    parameters.forEach((k, v) -> {
      a.add("--param");
      a.add(k + "=" + v);
    });
    return a;
  }

  /** Splits a comma-separated list, trimming and dropping empty items. */
  public static List<String> splitList(String text) {
    List<String> out = new ArrayList<>();
    for (String s : text.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static String require(Lookup get, Setting s) {
    String v = get.get(s);
    if (v == null) {
      throw new IllegalArgumentException(s.flag() + " is required; give it on the command line or as " + s.env());
    }
    return v;
  }

  private static int intValue(Lookup get, Setting s, int dflt) {
    String v = get.get(s);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(get.name(s) + " is \"" + v + "\"; give a whole number");
    }
  }

  private static Duration duration(Lookup get, Setting s, Duration dflt) {
    String v = get.get(s);
    if (v == null) {
      return dflt;
    }
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(get.name(s) + " \"" + v + "\" " + e.getMessage());
    }
  }
}
