package dev.constellation.maven;

import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.HttpOptions;
import dev.constellation.agent.http.TlsSettings;
import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.AgentMain;
import dev.constellation.agent.Durations;
import dev.constellation.agent.Setting;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.maven.local.AgentResults;
import dev.constellation.maven.local.LocalRun;
import dev.constellation.maven.local.LocalRunOutcome;
import dev.constellation.maven.local.LocalRunSpec;
import dev.constellation.maven.plan.AwsRegions;
import dev.constellation.maven.plan.RegionVus;
import dev.constellation.maven.plan.SeedConfig;
import dev.constellation.orchestrator.OrchestratorException;
import dev.constellation.orchestrator.RunSetup;
import dev.constellation.orchestrator.http.HttpOrchestratorClient;
import dev.constellation.orchestrator.http.LocalOrchestratorServer;
import dev.constellation.maven.report.ConsoleSummary;
import dev.constellation.maven.report.RunFacts;
import dev.constellation.maven.report.RunResults;
import dev.constellation.maven.report.ThresholdResult;
import dev.constellation.maven.report.Thresholds;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Runs the project's {@code @VirtualUser} scripts as a load test on this machine: one agent JVM
 * per region with the project's test classpath, live progress in the console, then
 * {@code summary.json}, {@code junit.xml} and the report under
 * {@code target/constellation/<runId>/}. A failed threshold fails the build after the results
 * are written.
 */
@Mojo(name = "run", defaultPhase = LifecyclePhase.INTEGRATION_TEST, requiresDependencyResolution = ResolutionScope.TEST,
    threadSafe = true)
public class RunMojo extends AbstractResultsMojo {

  /** How long virtual users start new iterations, such as {@code 30s}, {@code 5m} or {@code PT1M}. */
  @Parameter(property = "constellation.duration", defaultValue = "30s")
  String duration;

  /**
   * Virtual users to run. Closed model (no {@code <rate>}): each loops its iteration back to back.
   * Open model: the most iterations that run at once; an iteration due while all are busy is dropped and counted.
   */
  @Parameter(property = "constellation.vus", defaultValue = "10")
  int vus;

  /**
   * The open model: iterations started per second, per region, whatever the target's speed:
   * {@code 50}, or stages ramping linearly from 0 such as {@code 10s:50,1m:50,10s:0} (then the
   * stages set the duration). Latency counts from when each iteration was due, so a stalling
   * target shows in the percentiles. Empty: the closed model.
   */
  @Parameter(property = "constellation.rate")
  String rate;

  /**
   * The closed model with a changing VU count: stages ramping linearly from 0, such as
   * {@code 30s:50,2m:50,30s:0} (the stages then set the duration and the VUs, per region).
   * A retiring VU finishes its iteration first.
   */
  @Parameter(property = "constellation.stages")
  String stages;

  /**
   * The HTTP engine: {@code socket} (a lean HTTP/1.1 client on blocking sockets, the fastest here;
   * https goes through the JDK client) or {@code jdk} ({@code java.net.http}).
   */
  @Parameter(property = "constellation.engine", defaultValue = HttpEngines.DEFAULT)
  String engine;

  /**
   * Whether redirects (301, 302, 303, 307, 308) are followed; each hop is recorded as a request of
   * its own. A request can choose with {@code Request.followRedirects(boolean)}.
   */
  @Parameter(property = "constellation.followRedirects", defaultValue = "true")
  boolean followRedirects;

  /** How many redirects one request may follow; one more fails it with error type {@code too_many_redirects}. */
  @Parameter(property = "constellation.maxRedirects", defaultValue = "10")
  int maxRedirects;

  /**
   * The cookie jar: {@code vu} (one per virtual user, kept across its iterations), {@code iteration}
   * (emptied before each iteration) or {@code off} (no cookies stored or sent automatically).
   */
  @Parameter(property = "constellation.cookies", defaultValue = HttpOptions.COOKIES_VU)
  String cookies;

  /**
   * Whether requests carry {@code Accept-Encoding: gzip, deflate} (as browsers and k6 send) unless
   * the script sets its own; gzip and deflate responses are decoded either way.
   */
  @Parameter(property = "constellation.compression", defaultValue = "true")
  boolean compression;

  /** CA or server certificates to trust for https, PEM or PKCS12 ({@code .p12}); default: the JVM's trusted CAs. */
  @Parameter(property = "constellation.truststore")
  String truststore;

  /** The PKCS12 truststore's password. */
  @Parameter(property = "constellation.truststorePassword")
  String truststorePassword;

  /** The client certificate for mutual TLS: PKCS12 ({@code .p12}, with its key) or PEM (then {@code clientKey}). */
  @Parameter(property = "constellation.clientCert")
  String clientCert;

  /** The PEM client certificate's private key, unencrypted PKCS #8 ({@code -----BEGIN PRIVATE KEY-----}). */
  @Parameter(property = "constellation.clientKey")
  String clientKey;

  /** The PKCS12 client certificate's password. */
  @Parameter(property = "constellation.clientCertPassword")
  String clientCertPassword;

  /** Trusts every https certificate and checks no host name: test environments only; the console and the report say so loudly. */
  @Parameter(property = "constellation.insecure", defaultValue = "false")
  boolean insecure;

  /** The base URL that relative request paths resolve against, such as {@code http://127.0.0.1:8080}. */
  @Parameter(property = "constellation.baseUrl")
  String baseUrl;

  /** Script classes to run (fully qualified, comma-separated on the command line); empty runs every {@code @VirtualUser} class. */
  @Parameter(property = "constellation.scripts")
  List<String> scripts;

  /** How long a running iteration may go on after the duration before it is interrupted and counted. */
  @Parameter(property = "constellation.gracefulStop", defaultValue = "30s")
  String gracefulStop;

  /** Time limit of each request; a request that takes longer fails with error type {@code timeout}. */
  @Parameter(property = "constellation.requestTimeout", defaultValue = "60s")
  String requestTimeout;

  /** Time limit of each TCP connect; a slower connect fails with error type {@code connect_timeout}. */
  @Parameter(property = "constellation.connectTimeout", defaultValue = "10s")
  String connectTimeout;

  /** Values scripts read with {@code VuContext.parameter(key)}; {@code -Dconstellation.param.<key>=<value>} adds to them. */
  @Parameter
  Map<String, String> parameters;

  /** Distinct request names kept apart; further names are recorded as one, with a warning. */
  @Parameter(property = "constellation.maxRequestNames", defaultValue = "500")
  int maxRequestNames;

  /** How often live progress is printed while the test runs. */
  @Parameter(property = "constellation.progressInterval", defaultValue = "5s")
  String progressInterval;

  /** How long to wait for the base URL to accept connections before starting (0s: check once and warn). */
  @Parameter(property = "constellation.targetWait", defaultValue = "0s")
  String targetWait;

  /** The {@code java} launcher for agent JVMs; default: the one running Maven. Point it at a Java 21+ JDK for virtual threads. */
  @Parameter(property = "constellation.jvm")
  String jvm;

  /** Extra JVM options for agent JVMs, such as {@code -Xmx2g}. */
  @Parameter(property = "constellation.jvmArgs")
  List<String> jvmArgs;

  /**
   * Virtual users per region, such as {@code <us-east-1>20</us-east-1>}: one agent per region,
   * all started together through the orchestrator. Locally, each region is an agent JVM on this
   * machine labelled with its region. Empty: one region, {@code local}, with {@code <vus>} VUs.
   */
  @Parameter
  Map<String, String> remoteRegions;

  /** The same as {@code <remoteRegions>} on the command line: {@code -Dconstellation.remoteRegions=us-east-1:20,eu-west-1:10}. */
  @Parameter(property = "constellation.remoteRegions")
  String remoteRegionsList;

  /** Time between the last agent's registration and the synchronized start. */
  @Parameter(property = "constellation.startBuffer", defaultValue = "3s")
  String startBuffer;

  /** How long agents have to register after the run is created; past it the run is aborted and no load is sent. */
  @Parameter(property = "constellation.registrationDeadline", defaultValue = "60s")
  String registrationDeadline;

  /**
   * The original tool's JSON configuration, accepted as is:
   * {@code {"DURATION": 20000, "HOME_REGION": "eu-central-1", "REMOTE_REGIONS": {"us-east-2": 20}}}
   * (DURATION in ms). Its values win over the pom's duration, home region and regions.
   */
  @Parameter(property = "constellation.config")
  File config;

  /** Skips the load test. */
  @Parameter(property = "constellation.skip", defaultValue = "false")
  boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  PluginDescriptor plugin;

  @Parameter(defaultValue = "${session.userProperties}", readonly = true)
  java.util.Properties userProperties;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("constellation:run skipped (constellation.skip=true)");
      return;
    }
    RunSettings settings = settings();
    String runId = newRunId();
    Path runDir = outputDirectory.toPath().resolve(runId);
    Path recordsDir = runDir.resolve("records");
    List<AgentConfig> agents = new ArrayList<>();
    settings.regions().forEach((region, regionVus) -> agents.add(agentFor(settings, runId, region, regionVus, recordsDir)));
    try {
      for (AgentConfig agent : agents) {
        agent.validate(Setting::pom);
      }
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException(e.getMessage());
    }
    AgentConfig first = agents.get(0);
    if (first.tls().insecure()) {
      getLog().warn("INSECURE TLS (insecure=true): every https certificate is trusted and no host name is checked; the results say "
          + "nothing about the target's real TLS setup. Give a <truststore> instead where you can");
    }
    checkTarget(first.baseUrl(), settings.targetWait());
    int totalVus = agents.stream().mapToInt(AgentConfig::vuCount).sum();
    long maxMillis = settings.registrationDeadline().plus(settings.startBuffer()).plus(first.loadDuration()).plus(first.gracefulStop()).toMillis();
    Instant startedAt = Instant.now();
    getLog().info("constellation run " + runId + ": " + (first.rate().isEmpty() ? "" : "rate " + first.rate() + "/s per region, ")
        + totalVus + " VUs for " + Durations.format(first.loadDuration())
        + (first.baseUrl().isEmpty() ? "" : " against " + first.baseUrl()) + " (local, " + agents.size() + " agent"
        + (agents.size() == 1 ? "" : "s") + ": " + String.join(", ", settings.regions().keySet()) + ")");
    LocalRunOutcome outcome;
    try (LocalOrchestratorServer orchestrator = new LocalOrchestratorServer(0).start()) {
      Files.createDirectories(runDir);
      HttpOrchestratorClient client = new HttpOrchestratorClient(orchestrator.url(), Duration.ofSeconds(10));
      Map<String, Integer> expected = new LinkedHashMap<>();
      settings.regions().keySet().forEach(r -> expected.put(r, 1));
      client.reset(new RunSetup(runId, expected, settings.startBuffer().toMillis(), settings.registrationDeadline().toMillis()));
      List<AgentConfig> coordinated = agents.stream().map(a -> a.withOrchestrator(orchestrator.url().toString(),
          settings.registrationDeadline().plus(settings.startBuffer()).plusSeconds(30))).toList();
      LocalRunSpec spec = new LocalRunSpec(runDir, recordsDir, project.getBasedir().toPath(), javaExecutable(),
          jvmArgs == null ? List.of() : jvmArgs, ProjectClasspath.of(project, plugin).all(), coordinated, maxMillis, settings.progressInterval().toMillis(),
          first.gracefulStop().plusSeconds(15).toMillis());
      Progress progress = new Progress(startedAt, first.loadDuration().toMillis(), totalVus);
      outcome = new LocalRun(spec, getLog()::info, getLog()::warn).run(client, runId, progress::accept);
    } catch (IOException e) {
      throw new MojoExecutionException("the local run could not be started or read: " + e.getMessage(), e);
    } catch (OrchestratorException e) {
      throw new MojoExecutionException("the local orchestrator refused the run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("interrupted; the agents were stopped");
    }
    for (LocalRunOutcome.AgentExit exit : outcome.agents()) {
      if (exit.exitCode() == AgentMain.EXIT_BAD_INPUT) {
        throw new MojoExecutionException(exit.fatalError() != null ? exit.fatalError()
            : "agent " + exit.agentId() + " rejected its settings; see its output above");
      }
    }
    List<LocalRunOutcome.AgentExit> aborted = outcome.agents().stream().filter(e -> e.exitCode() == AgentMain.EXIT_ABORTED).toList();
    if (!aborted.isEmpty()) {
      throw new MojoExecutionException("the run was aborted before it started; no load was sent.\n  " + aborted.stream()
          .map(e -> e.agentId() + ": " + e.fatalError()).collect(java.util.stream.Collectors.joining("\n  ")));
    }
    List<ThresholdResult> outcomes = report(runId, startedAt, agents, recordsDir, runDir, settings.thresholds(), outcome.stragglers());
    List<String> broken = new ArrayList<>();
    for (LocalRunOutcome.AgentExit exit : outcome.agents()) {
      if (exit.exitCode() != 0 && !outcome.stragglers().contains(exit.agentId())) {
        broken.add("agent " + exit.agentId() + " exited with code " + exit.exitCode()
            + (exit.fatalError() == null ? "" : ": " + exit.fatalError()));
      }
    }
    if (!broken.isEmpty()) {
      throw new MojoExecutionException(String.join("\n", broken) + "\nthe results it flushed are in " + runDir);
    }
    failOnThresholds(outcomes, runDir);
  }

  private List<ThresholdResult> report(String runId, Instant startedAt, List<AgentConfig> agents, Path recordsDir, Path runDir,
      Thresholds parsed, List<String> stragglers) throws MojoExecutionException {
    try {
      List<IntervalRecord> records = new LocalDirectoryStore(recordsDir).readRun(runId);
      Map<String, RunFacts.RegionFacts> regions = new LinkedHashMap<>();
      for (AgentConfig agent : agents) {
        Map<String, Object> extra = new LinkedHashMap<>(AgentResults.read(recordsDir, agent.agentId()));
        extra.put("stragglers", stragglers.contains(agent.agentId()) ? 1 : 0);
        if (agent.tls().insecure()) {
          extra.put(RunFacts.INSECURE_TLS, true);
        }
        regions.put(agent.region(), new RunFacts.RegionFacts(agent.agentCount(), agent.vuCount(), extra));
      }
      AgentConfig first = agents.get(0);
      RunFacts facts = new RunFacts(runId, startedAt, first.loadDuration().toMillis(), first.baseUrl(), regions);
      RunResults results = RunResults.merge(records, first.loadDuration().toMillis());
      facts.write(runDir.resolve(RunFacts.FILE_NAME));
      List<ThresholdResult> outcomes = writeReport(runDir, facts, results, parsed);
      if (agents.size() > 1) {
        regions.forEach((region, f) -> getLog().info("start skew " + region + ": " + f.extra().get("startSkewMs") + " ms"));
      }
      regions.forEach((region, f) -> {
        if (f.extra().get("generator") instanceof Map<?, ?> g && g.get("saturatedSeconds") instanceof Long n && n > 0) {
          getLog().warn("the agent of " + region + " was saturated for " + n + " s (CPU up to " + g.get("maxCpuPercent")
              + "%, scheduling lag up to " + g.get("maxSchedulingLagMs") + " ms): the numbers may measure the load generator, "
              + "not the target. Use fewer VUs per agent or more regions/agents");
        }
      });
      return outcomes;
    } catch (IOException e) {
      throw new MojoExecutionException("the results in " + recordsDir + " could not be read or the report written: " + e.getMessage(), e);
    }
  }

  /** Everything from the pom and -D properties, parsed; problems name the pom element and the property. */
  RunSettings settings() throws MojoExecutionException {
    List<String> problems = new ArrayList<>();
    Duration d = duration(Setting.DURATION.pom(), duration, problems);
    Duration grace = duration(Setting.GRACE.pom(), gracefulStop, problems);
    Duration request = duration(Setting.REQUEST_TIMEOUT.pom(), requestTimeout, problems);
    Duration connect = duration(Setting.CONNECT_TIMEOUT.pom(), connectTimeout, problems);
    Duration progress = duration("<progressInterval> (-Dconstellation.progressInterval)", progressInterval, problems);
    Duration wait = duration("<targetWait> (-Dconstellation.targetWait)", targetWait, problems);
    Duration buffer = duration("<startBuffer> (-Dconstellation.startBuffer)", startBuffer, problems);
    Duration deadline = duration("<registrationDeadline> (-Dconstellation.registrationDeadline)", registrationDeadline, problems);
    SeedConfig seed = null;
    if (config != null) {
      try {
        seed = SeedConfig.read(config.toPath());
        d = seed.duration();
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (seed == null && homeRegion != null && !AwsRegions.isKnown(homeRegion.trim())) {
      problems.add("<homeRegion> (-Dconstellation.homeRegion) is \"" + homeRegion + "\", which is not an AWS region; known regions: "
          + AwsRegions.list());
    }
    Map<String, Integer> regions = new LinkedHashMap<>();
    try {
      regions.putAll(RegionVus.resolve(remoteRegions, remoteRegionsList, seed == null ? null : seed.remoteRegions()));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (regions.isEmpty()) {
      regions.put("local", vus);
    }
    Thresholds parsed = parseThresholds(problems);
    if (!problems.isEmpty()) {
      throw new MojoExecutionException(String.join("\n", problems));
    }
    Map<String, String> params = new LinkedHashMap<>(parameters == null ? Map.of() : parameters);
    if (userProperties != null) {
      for (String key : userProperties.stringPropertyNames()) {
        if (key.startsWith("constellation.param.")) {
          params.put(key.substring("constellation.param.".length()), userProperties.getProperty(key));
        }
      }
    }
    return new RunSettings(d, grace, request, connect, progress, wait, buffer, deadline, parsed, params, regions);
  }

  /** Parsed settings of the whole run. */
  record RunSettings(Duration duration, Duration gracefulStop, Duration requestTimeout, Duration connectTimeout,
      Duration progressInterval, Duration targetWait, Duration startBuffer, Duration registrationDeadline, Thresholds thresholds,
      Map<String, String> parameters, Map<String, Integer> regions) {}

  private static Duration duration(String label, String text, List<String> problems) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(label + " \"" + text + "\" " + e.getMessage());
      return null;
    }
  }

  AgentConfig agentFor(RunSettings s, String runId, String region, int regionVus, Path recordsDir) {
    return new AgentConfig(runId, region, 0, 1, regionVus, s.duration(), s.gracefulStop(), baseUrl == null ? "" : baseUrl.trim(),
        scripts == null ? List.of() : scripts.stream().map(String::trim).filter(x -> !x.isEmpty()).toList(), recordsDir,
        s.parameters(), s.requestTimeout(), s.connectTimeout(), Duration.ofSeconds(1), maxRequestNames, "", Duration.ofMinutes(5),
        rate == null ? "" : rate.trim(), stages == null ? "" : stages.trim(), engine == null ? HttpEngines.DEFAULT : engine.trim(),
        new HttpOptions(followRedirects, maxRedirects, cookies == null ? HttpOptions.COOKIES_VU : cookies.trim(), compression),
        new TlsSettings(resolvePath(truststore), truststorePassword, resolvePath(clientCert), resolvePath(clientKey), clientCertPassword,
            insecure));
  }

  /** A relative file path from the pom resolved against the project directory (agents run elsewhere); classpath: as is. */
  private String resolvePath(String path) {
    if (path == null || path.isBlank() || path.trim().startsWith("classpath:") || project == null) {
      return path;
    }
    return project.getBasedir().toPath().resolve(path.trim()).toString();
  }

  private void checkTarget(String url, Duration wait) {
    if (url.isEmpty()) {
      return;
    }
    URI u = URI.create(url);
    int port = u.getPort() > 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
    long until = System.currentTimeMillis() + wait.toMillis();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(u.getHost(), port), 2000);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() >= until) {
          getLog().warn("the base URL " + url + " does not accept connections (" + e.getMessage() + "); the run goes on and counts "
              + "the failures. Start the target first, or set <targetWait> to wait for it");
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private Path javaExecutable() throws MojoExecutionException {
    if (jvm != null && !jvm.isBlank()) {
      Path p = Path.of(jvm.trim());
      if (Files.isDirectory(p)) {
        p = p.resolve("bin").resolve("java");
      }
      if (!Files.isExecutable(p)) {
        throw new MojoExecutionException("<jvm> (-Dconstellation.jvm) is \"" + jvm + "\", which is not an executable java launcher; "
            + "give the path of bin/java of a JDK or JRE 17+, or its home directory");
      }
      return p;
    }
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + "-"
        + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }

  /** Live progress: merges the records that arrived since the last line and prints one line. */
  private final class Progress {
    private final Instant startedAt;
    private final long durationMs;
    private final int vus;
    private long loadStartedAt = Long.MAX_VALUE;

    Progress(Instant startedAt, long durationMs, int vus) {
      this.startedAt = startedAt;
      this.durationMs = durationMs;
      this.vus = vus;
    }

    void accept(List<IntervalRecord> fresh) {
      if (fresh.isEmpty()) {
        return;
      }
      long from = fresh.stream().mapToLong(IntervalRecord::startMs).min().orElse(0);
      long to = fresh.stream().mapToLong(r -> r.startMs() + r.lengthMs()).max().orElse(from);
      // the first interval of every agent starts at the common start: elapsed counts from there
      loadStartedAt = Math.min(loadStartedAt, from);
      long elapsed = System.currentTimeMillis() - Math.max(loadStartedAt, startedAt.toEpochMilli());
      RunResults window = RunResults.merge(fresh, Math.max(to - from, 1));
      getLog().info(ConsoleSummary.progressLine(elapsed, durationMs, vus, window));
    }
  }
}
