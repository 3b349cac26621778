package dev.constellation.maven.run;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.Durations;
import dev.constellation.agent.Setting;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.HttpOptions;
import dev.constellation.agent.http.TlsSettings;
import dev.constellation.maven.plan.AwsRegions;
import dev.constellation.maven.plan.RegionVus;
import dev.constellation.maven.plan.SeedConfig;
import dev.constellation.maven.report.Thresholds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * Builds a {@link RunPlan} from its three sources and checks it.
 *
 * <p>Precedence, highest first (what the user typed last wins, as Maven and k6 users expect):
 * <ol>
 *   <li>the command line, {@code -Dconstellation.<key>=value} (and {@code -Dconstellation.param.<key>});</li>
 *   <li>the original tool's JSON file ({@code <config>} / {@code -Dconstellation.config}): its
 *       {@code DURATION}, {@code HOME_REGION} and {@code REMOTE_REGIONS};</li>
 *   <li>the pom's {@code <configuration>} of the plugin;</li>
 *   <li>the defaults ({@link #DEFAULT_DURATION} and the other {@code DEFAULT_*} constants).</li>
 * </ol>
 * Every setting whose value from one source overrides a different value from another is listed
 * in {@link RunPlan#overrides()}, one line per setting, for the run to print once at its start.
 *
 * <p>Maven itself would let the pom win over a {@code -D} property of the same name (a
 * configured parameter ignores its property), so the caller passes only what the pom really
 * configured as {@code pom}, and the session's user properties as {@code commandLine}.
 */
public final class RunPlanner {

  /** Default of {@code duration}. */
  public static final String DEFAULT_DURATION = "30s";
  /** Default of {@code vus}. */
  public static final String DEFAULT_VUS = "10";
  /** Default of {@code gracefulStop}. */
  public static final String DEFAULT_GRACEFUL_STOP = "30s";
  /** Default of {@code requestTimeout}. */
  public static final String DEFAULT_REQUEST_TIMEOUT = "60s";
  /** Default of {@code connectTimeout}. */
  public static final String DEFAULT_CONNECT_TIMEOUT = "10s";
  /** Default of {@code vusPerTask}, {@link RunPlan.Aws#DEFAULT_VUS_PER_TASK} as text (a Maven parameter default). */
  public static final String DEFAULT_VUS_PER_TASK = "1000";
  /** Default of {@code maxRequestNames}. */
  public static final String DEFAULT_MAX_REQUEST_NAMES = "500";
  /** Default of {@code progressInterval}. */
  public static final String DEFAULT_PROGRESS_INTERVAL = "5s";
  /** Default of {@code targetWait}. */
  public static final String DEFAULT_TARGET_WAIT = "0s";
  /** Default of {@code startBuffer}. */
  public static final String DEFAULT_START_BUFFER = "3s";
  /** Default of {@code registrationDeadline}. */
  public static final String DEFAULT_REGISTRATION_DEADLINE = "60s";

  /**
   * The start buffer of a run on AWS: agents in other regions poll the orchestrator Lambda once a
   * second, so the common start must leave them more than a poll interval and a cross-region round
   * trip (docs/aws.md).
   */
  public static final String DEFAULT_AWS_START_BUFFER = "15s";

  /**
   * The registration deadline of a run on AWS: Fargate tasks take one to three minutes to pull the
   * image and start (ENI, image pull), more in a region the image was just pushed to.
   */
  public static final String DEFAULT_AWS_REGISTRATION_DEADLINE = "5m";
  /** Default of {@code homeRegion}. */
  public static final String DEFAULT_HOME_REGION = "us-east-1";
  /** Default of {@code target}. */
  public static final String DEFAULT_TARGET = "local";

  /** Prefix of every command-line property. */
  public static final String PREFIX = "constellation.";
  /** Prefix of script parameters on the command line. */
  public static final String PARAM_PREFIX = PREFIX + "param.";

  /**
   * The raw inputs.
   *
   * @param pom values the pom configures explicitly, by parameter name ({@code duration},
   *     {@code remoteRegions}, ...): a string (numbers too), a list of strings, or a map of
   *     strings; leave out what the pom does not configure
   * @param commandLine the build's user properties ({@code constellation.duration=5s}, ...);
   *     lists are comma-separated
   * @param baseDir what a relative {@code config} path resolves against (the project directory)
   */
  public record Sources(Map<String, ?> pom, Map<String, String> commandLine, Path baseDir) {
    public Sources {
      pom = pom == null ? Map.of() : pom;
      commandLine = commandLine == null ? Map.of() : commandLine;
      Objects.requireNonNull(baseDir, "baseDir");
    }
  }

  /**
   * Resolves and checks every setting.
   *
   * @param sources pom, command line and base directory
   * @return the plan
   * @throws PlanException listing every problem: the setting (pom element and property, or the
   *     JSON file's key), the value and the fix
   */
  public RunPlan plan(Sources sources) throws PlanException {
    return new Resolution(sources).plan();
  }

  private static final class Resolution {
    private final Sources sources;
    private final List<String> problems = new ArrayList<>();
    private final List<String> overrides = new ArrayList<>();
    private SeedConfig seed;
    private String seedLabel;

    Resolution(Sources sources) {
      this.sources = sources;
    }

    RunPlan plan() throws PlanException {
      String configText = pick("config", null, "", String::equals);
      if (!configText.isBlank()) {
        Path file = sources.baseDir().resolve(configText.trim());
        try {
          seed = SeedConfig.read(file);
          seedLabel = String.valueOf(file.getFileName());
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage());
        }
      }
      String targetText = pick("target", null, DEFAULT_TARGET, String::equalsIgnoreCase);
      Target target = Target.parse(targetText);
      if (target == null) {
        problems.add("<target> (-Dconstellation.target) is \"" + targetText + "\"; use local (agent JVMs on this machine) or aws "
            + "(ECS Fargate tasks in each region)");
      }
      Duration duration = duration("duration", Setting.DURATION.pom(), seed == null ? null : Durations.format(seed.duration()),
          DEFAULT_DURATION);
      Duration grace = duration("gracefulStop", Setting.GRACE.pom(), null, DEFAULT_GRACEFUL_STOP);
      Duration request = duration("requestTimeout", Setting.REQUEST_TIMEOUT.pom(), null, DEFAULT_REQUEST_TIMEOUT);
      Duration connect = duration("connectTimeout", Setting.CONNECT_TIMEOUT.pom(), null, DEFAULT_CONNECT_TIMEOUT);
      Duration progress = duration("progressInterval", label("progressInterval"), null, DEFAULT_PROGRESS_INTERVAL);
      Duration wait = duration("targetWait", label("targetWait"), null, DEFAULT_TARGET_WAIT);
      boolean aws = target == Target.AWS;
      Duration buffer = duration("startBuffer", label("startBuffer"), null, aws ? DEFAULT_AWS_START_BUFFER : DEFAULT_START_BUFFER);
      Duration deadline = duration("registrationDeadline", label("registrationDeadline"), null,
          aws ? DEFAULT_AWS_REGISTRATION_DEADLINE : DEFAULT_REGISTRATION_DEADLINE);
      String homeRegion = pick("homeRegion", seed == null ? null : seed.homeRegion(), DEFAULT_HOME_REGION, String::equals)
          .trim();
      if (!AwsRegions.isKnown(homeRegion)) {
        problems.add("<homeRegion> (-Dconstellation.homeRegion) is \"" + homeRegion + "\", which is not an AWS region; known regions: "
            + AwsRegions.list());
      }
      int vus = integer("vus", Setting.VUS.pom(), DEFAULT_VUS);
      int maxNames = integer("maxRequestNames", Setting.MAX_REQUEST_NAMES.pom(), DEFAULT_MAX_REQUEST_NAMES);
      Map<String, Integer> regions = regions();
      if (regions.isEmpty()) {
        regions.put("local", vus);
      }
      String rate = pick("rate", null, "", String::equals).trim();
      String stages = pick("stages", null, "", String::equals).trim();
      String engine = pick("engine", null, HttpEngines.DEFAULT, String::equals).trim();
      String retriesText = pick("retries", null, "true", String::equalsIgnoreCase).trim();
      if (!retriesText.equalsIgnoreCase("true") && !retriesText.equalsIgnoreCase("false")) {
        problems.add(Setting.RETRIES.pom() + " is \"" + retriesText + "\"; use true or false (default true)");
      }
      boolean retries = !retriesText.equalsIgnoreCase("false");
      boolean followRedirects = bool("followRedirects", Setting.FOLLOW_REDIRECTS.pom(), true);
      int maxRedirects = integer("maxRedirects", Setting.MAX_REDIRECTS.pom(), Integer.toString(HttpOptions.DEFAULT_MAX_REDIRECTS));
      String cookies = pick("cookies", null, HttpOptions.COOKIES_VU, String::equals).trim();
      boolean compression = bool("compression", Setting.COMPRESSION.pom(), true);
      HttpOptions httpOptions = new HttpOptions(followRedirects, maxRedirects, cookies, compression);
      TlsSettings tls = new TlsSettings(file(pick("truststore", null, null, String::equals)),
          pick("truststorePassword", null, null, String::equals), file(pick("clientCert", null, null, String::equals)),
          file(pick("clientKey", null, null, String::equals)), pick("clientCertPassword", null, null, String::equals),
          bool("insecure", Setting.INSECURE.pom(), false));
      String baseUrl = pick("baseUrl", null, "", String::equals).trim();
      List<String> scripts = list("scripts");
      List<String> jvmArgs = list("jvmArgs");
      List<String> thresholdTexts = list("thresholds");
      Thresholds thresholds = null;
      try {
        thresholds = Thresholds.parse(thresholdTexts);
      } catch (IllegalArgumentException e) {
        problems.add("<thresholds> (-Dconstellation.thresholds): " + e.getMessage());
      }
      Map<String, String> parameters = parameters();
      Path java = javaExecutable(pick("jvm", null, "", String::equals));
      RunPlan.Aws awsSettings = aws(regions);
      if (!problems.isEmpty()) {
        throw new PlanException(problems);
      }
      RunPlan plan = new RunPlan(target, homeRegion, regions, new RunPlan.Workload(duration, rate, stages), baseUrl, engine, retries,
          httpOptions, tls, scripts, parameters, thresholds, new RunPlan.Timings(grace, request, connect, progress, wait, buffer, deadline), maxNames, java,
          jvmArgs, overrides, awsSettings);
      for (AgentConfig agent : plan.agents("plan", sources.baseDir().resolve("records"))) {
        try {
          agent.validate(Setting::pom);
        } catch (IllegalArgumentException e) {
          for (String line : e.getMessage().split("\n")) {
            if (!problems.contains(line)) {
              problems.add(line);
            }
          }
        }
      }
      if (!problems.isEmpty()) {
        throw new PlanException(problems);
      }
      return plan;
    }

    /** The settings of a run on AWS; checked for every target, so a typo never waits for the first AWS run. */
    private RunPlan.Aws aws(Map<String, Integer> regions) {
      int vusPerTask = integer("vusPerTask", label("vusPerTask"), DEFAULT_VUS_PER_TASK);
      if (vusPerTask < 1) {
        problems.add(label("vusPerTask") + " is " + vusPerTask + "; give 1 or more virtual users per task (default "
            + RunPlan.Aws.DEFAULT_VUS_PER_TASK + ")");
      }
      Map<String, Integer> tasks = new LinkedHashMap<>();
      String tasksText = pick("tasksPerRegion", null, "", String::equals).trim();
      Object pomTasks = sources.pom().get("tasksPerRegion");
      Map<String, String> given = new LinkedHashMap<>();
      if (cli("tasksPerRegion") == null && pomTasks instanceof Map<?, ?> m) {
        m.forEach((k, v) -> given.put(String.valueOf(k).trim(), v == null ? "" : String.valueOf(v).trim()));
      } else if (!tasksText.isEmpty()) {
        for (String item : tasksText.split(",")) {
          String[] kv = item.trim().split("[:=]", 2);
          given.put(kv[0].trim(), kv.length < 2 ? "" : kv[1].trim());
        }
      }
      given.forEach((region, value) -> {
        if (!regions.containsKey(region)) {
          problems.add(label("tasksPerRegion") + " names " + region + ", which is not an agent region " + regions.keySet()
              + "; remove it or add the region to <remoteRegions>");
          return;
        }
        int n;
        try {
          n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          problems.add(label("tasksPerRegion") + " gives " + region + " \"" + value + "\"; write region:tasks, e.g. " + region + ":2");
          return;
        }
        if (n < 1 || n > regions.get(region)) {
          problems.add(label("tasksPerRegion") + " gives " + region + " " + n + " tasks; give 1 to " + regions.get(region)
              + " (its virtual users: every task runs at least one)");
          return;
        }
        tasks.put(region, n);
      });
      int cpu = integer("taskCpu", label("taskCpu"), Integer.toString(RunPlan.Aws.DEFAULT_TASK_CPU));
      int memory = integer("taskMemory", label("taskMemory"), Integer.toString(RunPlan.Aws.DEFAULT_TASK_MEMORY));
      try {
        dev.constellation.aws.cost.FargateSize.of(cpu, memory);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
      boolean spot = bool("spot", label("spot"), false);
      boolean dryRun = bool("dryRun", label("dryRun"), false);
      String maxCostText = pick("maxCost", null, "", String::equals).trim();
      java.math.BigDecimal maxCost = null;
      if (!maxCostText.isEmpty()) {
        try {
          maxCost = new java.math.BigDecimal(maxCostText.startsWith("$") ? maxCostText.substring(1) : maxCostText);
          if (maxCost.signum() < 0) {
            problems.add(label("maxCost") + " is " + maxCostText + "; give 0 or more US dollars, e.g. 5 or 2.50");
          }
        } catch (NumberFormatException e) {
          problems.add(label("maxCost") + " is \"" + maxCostText + "\"; give US dollars as a number, e.g. 5 or 2.50");
        }
      }
      String installation = pick("installation", null, "constellation", String::equals).trim();
      String profile = pick("profile", null, "", String::equals).trim();
      return new RunPlan.Aws(Math.max(1, vusPerTask), tasks, cpu, memory, spot, maxCost, dryRun, installation, profile);
    }

    private static String label(String key) {
      return "<" + key + "> (-D" + PREFIX + key + ")";
    }

    private String cli(String key) {
      return sources.commandLine().get(PREFIX + key);
    }

    private String pomText(String key) {
      Object v = sources.pom().get(key);
      if (v == null) {
        return null;
      }
      if (v instanceof List<?> l) {
        return l.stream().map(String::valueOf).collect(Collectors.joining(","));
      }
      return String.valueOf(v);
    }

    /**
     * The value of one setting: the command line, else the JSON file, else the pom, else the
     * default; notes every source whose different value lost.
     */
    private String pick(String key, String seedValue, String def, BiPredicate<String, String> same) {
      List<String[]> given = new ArrayList<>();
      String c = cli(key);
      if (c != null) {
        given.add(new String[] {c, "-D" + PREFIX + key});
      }
      if (seedValue != null) {
        given.add(new String[] {seedValue, seedLabel});
      }
      String p = pomText(key);
      if (p != null) {
        given.add(new String[] {p, "the pom (<" + key + ">)"});
      }
      if (given.isEmpty()) {
        return def;
      }
      String[] winner = given.get(0);
      List<String> lost = new ArrayList<>();
      for (String[] other : given.subList(1, given.size())) {
        if (!same.test(winner[0].trim(), other[0].trim())) {
          lost.add(other[0].trim() + " from " + other[1]);
        }
      }
      if (!lost.isEmpty()) {
        overrides.add(key + ": " + winner[0].trim() + " from " + winner[1] + " overrides " + String.join(" and ", lost));
      }
      return winner[0];
    }

    private Duration duration(String key, String label, String seedValue, String def) {
      String text = pick(key, seedValue, def, Resolution::sameDuration);
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        problems.add(label + " \"" + text + "\" " + e.getMessage());
        return null;
      }
    }

    private static boolean sameDuration(String a, String b) {
      try {
        return Durations.parse(a).equals(Durations.parse(b));
      } catch (IllegalArgumentException e) {
        return a.equals(b);
      }
    }

    private boolean bool(String key, String label, boolean def) {
      String text = pick(key, null, Boolean.toString(def), String::equalsIgnoreCase).trim();
      if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
        problems.add(label + " is \"" + text + "\"; use true or false (default " + def + ")");
        return def;
      }
      return Boolean.parseBoolean(text);
    }

    /** A file path from the pom or the command line, resolved against the project directory (agents run elsewhere); classpath: as is. */
    private String file(String path) {
      if (path == null || path.isBlank() || path.trim().startsWith("classpath:")) {
        return path;
      }
      return sources.baseDir().resolve(path.trim()).toString();
    }

    private int integer(String key, String label, String def) {
      String text = pick(key, null, def, String::equals).trim();
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        problems.add(label + " is \"" + text + "\"; give a whole number");
        return 0;
      }
    }

    private List<String> list(String key) {
      String text = pick(key, null, "", String::equals);
      Object pom = sources.pom().get(key);
      List<String> items = cli(key) == null && pom instanceof List<?> l ? l.stream().map(String::valueOf).toList()
          : Arrays.asList(text.split(","));
      return items.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Regions: {@code -Dconstellation.remoteRegions}, else the JSON file's REMOTE_REGIONS, else the pom. */
    private Map<String, Integer> regions() {
      String c = cli("remoteRegions");
      Object pomMap = sources.pom().get("remoteRegions");
      String pomList = pomText("remoteRegionsList");
      List<String[]> given = new ArrayList<>();
      if (c != null && !c.isBlank()) {
        given.add(new String[] {c.trim(), "-D" + PREFIX + "remoteRegions"});
      }
      if (seed != null) {
        given.add(new String[] {show(seed.remoteRegions()), seedLabel});
      }
      if (pomMap instanceof Map<?, ?> m && !m.isEmpty()) {
        given.add(new String[] {show(m), "the pom (<remoteRegions>)"});
      } else if (pomList != null && !pomList.isBlank()) {
        given.add(new String[] {pomList.trim(), "the pom (<remoteRegionsList>)"});
      }
      List<String> lost = new ArrayList<>();
      for (String[] other : given.subList(Math.min(1, given.size()), given.size())) {
        if (!normalized(other[0]).equals(normalized(given.get(0)[0]))) {
          lost.add(other[0] + " from " + other[1]);
        }
      }
      if (!lost.isEmpty()) {
        overrides.add("remoteRegions: " + given.get(0)[0] + " from " + given.get(0)[1] + " overrides " + String.join(" and ", lost));
      }
      try {
        if (c != null && !c.isBlank()) {
          return new LinkedHashMap<>(RegionVus.resolve(null, c, null));
        }
        if (seed != null) {
          return new LinkedHashMap<>(RegionVus.resolve(null, null, seed.remoteRegions()));
        }
        if (pomMap instanceof Map<?, ?> m && !m.isEmpty()) {
          Map<String, String> texts = new LinkedHashMap<>();
          m.forEach((k, v) -> texts.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
          return new LinkedHashMap<>(RegionVus.resolve(texts, null, null));
        }
        return new LinkedHashMap<>(RegionVus.resolve(null, pomList, null));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        return new LinkedHashMap<>();
      }
    }

    private static String show(Map<?, ?> regions) {
      return regions.entrySet().stream().map(e -> e.getKey() + ":" + String.valueOf(e.getValue()).trim())
          .collect(Collectors.joining(","));
    }

    private static String normalized(String regions) {
      return regions.replace(" ", "").replace('=', ':');
    }

    /** Script parameters: the pom's map, each key overridden by {@code -Dconstellation.param.<key>}. */
    private Map<String, String> parameters() {
      Map<String, String> out = new LinkedHashMap<>();
      if (sources.pom().get("parameters") instanceof Map<?, ?> m) {
        m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
      }
      sources.commandLine().forEach((k, v) -> {
        if (k.startsWith(PARAM_PREFIX)) {
          String key = k.substring(PARAM_PREFIX.length());
          String before = out.put(key, v);
          if (before != null && !before.equals(v)) {
            overrides.add("parameter " + key + ": " + v + " from -D" + k + " overrides " + before + " from the pom (<parameters>)");
          }
        }
      });
      return out;
    }

    private Path javaExecutable(String jvm) {
      if (jvm != null && !jvm.isBlank()) {
        Path p = Path.of(jvm.trim());
        if (Files.isDirectory(p)) {
          p = p.resolve("bin").resolve("java");
        }
        if (!Files.isExecutable(p)) {
          problems.add("<jvm> (-Dconstellation.jvm) is \"" + jvm + "\", which is not an executable java launcher; "
              + "give the path of bin/java of a JDK or JRE 17+, or its home directory");
        }
        return p;
      }
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
  }
}
