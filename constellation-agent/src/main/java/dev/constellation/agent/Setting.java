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
  FOLLOW_REDIRECTS("followRedirects"),
  MAX_REDIRECTS("maxRedirects"),
  COOKIES("cookies"),
  COMPRESSION("compression"),
  TRUSTSTORE("truststore"),
  TRUSTSTORE_PASSWORD("truststorePassword"),
  CLIENT_CERT("clientCert"),
  CLIENT_KEY("clientKey"),
  CLIENT_CERT_PASSWORD("clientCertPassword"),
  INSECURE("insecure");

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

  /** How the Maven plugin's users name it. */
  public String pom() {
    return "<" + key + "> (-Dconstellation." + key + ")";
  }
}
