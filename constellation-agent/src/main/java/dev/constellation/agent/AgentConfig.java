package dev.constellation.agent;

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
 * @param httpOptions redirects, cookies and compression
 * @param tls truststore, client certificate, insecure
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
    HttpOptions httpOptions,
    TlsSettings tls) {

  public AgentConfig {
    scripts = List.copyOf(scripts);
    parameters = Map.copyOf(parameters);
    httpOptions = httpOptions == null ? HttpOptions.DEFAULT : httpOptions;
    tls = tls == null ? TlsSettings.DEFAULT : tls;
  }

  /** A configuration with the default HTTP options and TLS settings. */
  public AgentConfig(String runId, String region, int agentIndex, int agentCount, int vus, Duration duration, Duration gracefulStop,
      String baseUrl, List<String> scripts, Path resultsDir, Map<String, String> parameters, Duration requestTimeout,
      Duration connectTimeout, Duration flushInterval, int maxRequestNames, String orchestrator, Duration startTimeout, String rate,
      String stages, String engine) {
    this(runId, region, agentIndex, agentCount, vus, duration, gracefulStop, baseUrl, scripts, resultsDir, parameters, requestTimeout,
        connectTimeout, flushInterval, maxRequestNames, orchestrator, startTimeout, rate, stages, engine, HttpOptions.DEFAULT,
        TlsSettings.DEFAULT);
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
        options, tlsSettings);
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
        httpOptions, tls);
  }

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
   * Parses the agent's command line: {@code --name value} pairs, {@code --param key=value} repeated.
   *
   * @param args the arguments
   * @return the configuration, not yet validated
   * @throws IllegalArgumentException naming the flag and the problem
   */
  public static AgentConfig parse(String[] args) {
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
    Function<Setting, String> get = s -> values.get(s.key());
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
        values.getOrDefault(Setting.ORCHESTRATOR.key(), ""),
        duration(get, Setting.START_TIMEOUT, Duration.ofMinutes(5)),
        values.getOrDefault(Setting.RATE.key(), ""),
        values.getOrDefault(Setting.STAGES.key(), ""),
        values.getOrDefault(Setting.ENGINE.key(), HttpEngines.DEFAULT),
        new HttpOptions(bool(get, Setting.FOLLOW_REDIRECTS, true), intValue(get, Setting.MAX_REDIRECTS, HttpOptions.DEFAULT_MAX_REDIRECTS),
            values.getOrDefault(Setting.COOKIES.key(), HttpOptions.COOKIES_VU), bool(get, Setting.COMPRESSION, true)),
        new TlsSettings(values.get(Setting.TRUSTSTORE.key()), values.get(Setting.TRUSTSTORE_PASSWORD.key()),
            values.get(Setting.CLIENT_CERT.key()), values.get(Setting.CLIENT_KEY.key()), values.get(Setting.CLIENT_CERT_PASSWORD.key()),
            bool(get, Setting.INSECURE, false)));
  }

  private static boolean bool(Function<Setting, String> get, Setting s, boolean dflt) {
    String v = get.apply(s);
    if (v == null) {
      return dflt;
    }
    switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(s.flag() + " is \"" + v + "\"; give true or false");
    }
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
        Setting.START_TIMEOUT.flag(), startTimeout.toMillis() + "ms", Setting.ENGINE.flag(), engine));
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
    if (!baseUrl.isEmpty()) {
      a.add(Setting.BASE_URL.flag());
      a.add(baseUrl);
    }
    if (!scripts.isEmpty()) {
      a.add(Setting.SCRIPTS.flag());
      a.add(String.join(",", scripts));
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

  private static String require(Function<Setting, String> get, Setting s) {
    String v = get.apply(s);
    if (v == null) {
      throw new IllegalArgumentException(s.flag() + " is required");
    }
    return v;
  }

  private static int intValue(Function<Setting, String> get, Setting s, int dflt) {
    String v = get.apply(s);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(s.flag() + " is \"" + v + "\"; give a whole number");
    }
  }

  private static Duration duration(Function<Setting, String> get, Setting s, Duration dflt) {
    String v = get.apply(s);
    if (v == null) {
      return dflt;
    }
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(s.flag() + " \"" + v + "\" " + e.getMessage());
    }
  }
}
