package dev.constellation.agent;

/** The run settings an agent takes; callers label them the way their users wrote them (pom element or command-line flag). */
public enum Setting {
  RUN_ID("runId"),
  REGION("region"),
  AGENT_INDEX("agentIndex"),
  AGENT_COUNT("agentCount"),
  VUS("vus"),
  DURATION("duration"),
  GRACE("gracefulStop"),
  BASE_URL("baseUrl"),
  SCRIPTS("scripts"),
  RESULTS_DIR("resultsDir"),
  PARAMETERS("parameters"),
  REQUEST_TIMEOUT("requestTimeout"),
  CONNECT_TIMEOUT("connectTimeout"),
  FLUSH_INTERVAL("flushInterval"),
  MAX_REQUEST_NAMES("maxRequestNames"),
  ORCHESTRATOR("orchestrator"),
  START_TIMEOUT("startTimeout"),
  RATE("rate"),
  STAGES("stages"),
  ENGINE("engine"),
  RESULTS_STORE("resultsStore"),
  RESULTS_BUCKET("resultsBucket"),
  RESULTS_REGION("resultsRegion"),
  TIMESTREAM_DATABASE("timestreamDatabase"),
  TIMESTREAM_TABLE("timestreamTable"),
  FALLBACK_DIR("fallbackDir"),
  POLL_INTERVAL("pollInterval"),
  RETRIES("retries"),
  FOLLOW_REDIRECTS("followRedirects"),
  MAX_REDIRECTS("maxRedirects"),
  COOKIES("cookies"),
  COMPRESSION("compression"),
  TRUSTSTORE("truststore"),
  TRUSTSTORE_PASSWORD("truststorePassword"),
  CLIENT_CERT("clientCert"),
  CLIENT_KEY("clientKey"),
  CLIENT_CERT_PASSWORD("clientCertPassword"),
  INSECURE("insecure"),
  FEED_SHARE("feedShare");

  /** Prefix of the environment variable that gives a setting when its flag is absent. */
  public static final String ENV_PREFIX = "CONSTELLATION_";

  private final String key;

  Setting(String key) {
    this.key = key;
  }

  /** The setting's name, as in the pom and after {@code -Dconstellation.} and {@code --}. */
  public String key() {
    return key;
  }

  /** How the agent's command line names it. */
  public String flag() {
    return "--" + key;
  }

  /**
   * The environment variable the agent reads when the flag is absent: {@code CONSTELLATION_} and the
   * key in upper snake case, e.g. {@code CONSTELLATION_AGENT_INDEX}. Containers of one ECS task
   * definition share its command, so per-task values come as environment overrides.
   */
  public String env() {
    return ENV_PREFIX + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  /** The flag and its environment variable, as agent messages name a setting: {@code --vus (CONSTELLATION_VUS)}. */
  public String flagOrEnv() {
    return flag() + " (" + env() + ")";
  }

  /** How the Maven plugin's users name it. */
  public String pom() {
    return "<" + key + "> (-Dconstellation." + key + ")";
  }
}
