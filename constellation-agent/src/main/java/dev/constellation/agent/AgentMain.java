package dev.constellation.agent;

import dev.constellation.agent.runtime.Threads;
import dev.constellation.agent.runtime.Console;
import dev.constellation.agent.http.HttpEngine;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.agent.script.ScriptDiscovery;
import dev.constellation.agent.script.ScriptException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.constellation.orchestrator.OrchestratorException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's entry point: the container's entrypoint on AWS and the JVM the plugin starts
 * locally, with the same arguments. Every setting may also come from the environment
 * ({@link Setting#env()}), which is how ECS tasks of one task definition get their own index and
 * VUs. Exit codes: 0 done, 2 bad configuration, script or results store (nothing was sent), 3 the
 * run was aborted or no start came (nothing was sent), 4 the results store cannot be reached
 * (nothing was sent), 5 the agent outlived {@link AgentConfig#maxLifetime()} and stopped itself,
 * 1 anything else. Every non-zero exit prints one line starting with {@link Console#ERROR_MARKER}
 * that names the reason and the fix.
 */
public final class AgentMain {

  /** Exit code when settings, scripts or the results store are wrong; no load was sent. */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit code when the run was aborted before it started, or no start came from the orchestrator. */
  public static final int EXIT_ABORTED = 3;
  /** Exit code when the results store cannot be reached; no load was sent. */
  public static final int EXIT_STORE_UNREACHABLE = 4;
  /** Exit code when the agent outlived its lifetime bound and stopped itself. */
  public static final int EXIT_LIFETIME = 5;
  /** Suffix of the file, beside the records, where an agent leaves its {@link AgentResult}. */
  public static final String RESULT_SUFFIX = ".result.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private AgentMain() {}

  /**
   * Runs the agent.
   *
   * @param args {@code --name value} pairs, see {@link AgentConfig#parse(String[])}
   */
  public static void main(String[] args) {
    // before the first virtual thread: the JDK reads the carrier count when its scheduler starts
    Threads.configureCarriers(baseUrl(args, System::getenv));
    System.exit(run(args));
  }

  /** The {@code --baseUrl} of a command line, else its environment variable, else empty. */
  static String baseUrl(String[] args, Function<String, String> env) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(Setting.BASE_URL.flag())) {
        return args[i + 1];
      }
    }
    String fromEnv = env.apply(Setting.BASE_URL.env());
    return fromEnv == null ? "" : fromEnv;
  }

  /**
   * Runs the agent and returns its exit code instead of exiting.
   *
   * @param args the command line
   * @return the exit code
   */
  public static int run(String[] args) {
    // before the orchestrator client or anything else uses java.net.http, which reads them once
    dev.constellation.agent.http.JdkHttpEngine.configureJdkClient();
    return run(args, System::getenv);
  }

  /**
   * Runs the agent with the given environment.
   *
   * @param args the command line
   * @param env the environment: settings whose flags are absent, test endpoints, ECS metadata
   * @return the exit code
   */
  public static int run(String[] args, Function<String, String> env) {
    AgentConfig config;
    List<ScriptDefinition> scripts;
    Map<Setting, String> sources = Map.of();
    Function<Setting, String> label = Setting::flagOrEnv;
    try {
      sources = AgentConfig.sources(args, env);
      Map<Setting, String> given = sources;
      label = s -> given.containsKey(s) ? given.get(s) : s.flagOrEnv();
      config = AgentConfig.parse(args, env);
      config.validate(label);
      scripts = ScriptDiscovery.find(config.scripts(), Thread.currentThread().getContextClassLoader());
    } catch (IllegalArgumentException | ScriptException e) {
      Console.fatal(e.getMessage());
      return EXIT_BAD_INPUT;
    }
    TaskMetadata task = null;
    try {
      task = TaskMetadata.read(env, Duration.ofSeconds(2));
    } catch (IOException | RuntimeException e) {
      Console.warn("agent " + config.agentId() + ": the ECS task metadata endpoint (" + TaskMetadata.ENV + ") did not answer: " + e);
    }
    int[] split = Agent.split(config.vuCount(), scripts);
    StringBuilder mix = new StringBuilder();
    for (int i = 0; i < scripts.size(); i++) {
      mix.append(i == 0 ? "" : ", ").append(scripts.get(i).name()).append(" x").append(split[i]);
    }
    String model = !config.rate().isEmpty() ? ", open model at " + config.rate() + " iterations/s"
        : !config.stages().isEmpty() ? ", VUs ramped through " + config.stages() : "";
    Console.info("agent " + config.agentId() + ": " + config.vuCount() + " VUs (" + mix + ") for " + Durations.format(config.loadDuration()) + model
        + (config.baseUrl().isEmpty() ? "" : " against " + config.baseUrl()) + "; Java " + Runtime.version().feature()
        + (Threads.virtualAvailable() ? ", virtual threads" + (Threads.carriers().isEmpty() ? "" : " on " + Threads.carriers())
            : ", platform threads"));
    if (task != null) {
      Console.info("agent " + config.agentId() + " runs in ECS task " + task.taskId() + " (" + task.taskArn() + ")");
    }
    List<String> fromEnv = sources.entrySet().stream().filter(e -> e.getValue().equals(e.getKey().env())).map(e -> e.getValue()).toList();
    if (!fromEnv.isEmpty()) {
      Console.info("agent " + config.agentId() + ": settings from the environment: " + String.join(", ", fromEnv));
    }
    try (ResultsTarget target = ResultsTarget.of(config, label, env)) {
      Console.info("agent " + config.agentId() + ": results to " + target.describe());
      try {
        target.check(identity(config, task));
      } catch (ResultsTarget.Unusable e) {
        Console.fatal(e.getMessage());
        return e.exitCode();
      }
      return runAgent(config, scripts, target, task, label);
    } catch (RuntimeException e) {
      Console.fatal("agent failed: " + e + (e.getCause() == null ? "" : " (cause: " + e.getCause() + ")"));
      return 1;
    }
  }

  private static int runAgent(AgentConfig config, List<ScriptDefinition> scripts, ResultsTarget target, TaskMetadata task,
      Function<Setting, String> label) {
    OrchestratedStart coordinated = config.orchestrator().isEmpty() ? null
        : new OrchestratedStart(OrchestratedStart.client(config.orchestrator()), config);
    CountDownLatch mainDone = new CountDownLatch(1);
    Thread hook = null;
    if (config.tls().insecure()) {
      Console.warn("INSECURE TLS: insecure=true trusts every server certificate and checks no host name; results say nothing about "
          + "the target's real TLS setup. Use it only against test environments, and give a truststore instead where you can");
    }
    Thread watchdog = null;
    try (HttpEngine engine = HttpEngines.create(config.engine(), config.connectTimeout(), config.retries(),
        config.tls().sslContext())) {
      ResultsSink sink = target.sink();
      Agent agent = new Agent(config, scripts, engine, sink, coordinated == null ? StartGate.immediate() : coordinated);
      hook = new Thread(() -> {
        try {
          if (coordinated != null && !coordinated.started()) {
            coordinated.cancel();
          }
          if (!agent.stopAndWait(30_000) || !mainDone.await(20, TimeUnit.SECONDS)) {
            Console.warn("agent " + config.agentId() + " did not finish its final flush and end report within 50 s of SIGTERM");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "constellation-sigterm");
      Runtime.getRuntime().addShutdownHook(hook);
      watchdog = Lifetime.watch(config, config.maxLifetime(), agent::stopAndWait, mainDone, Duration.ofSeconds(20),
          Console::fatal, Runtime.getRuntime()::halt);
      AgentResult r = agent.run();
      long lateness = coordinated == null ? 0 : coordinated.wakeLatenessMicros();
      String result = resultJson(config, r, lateness, coordinated, task);
      try {
        target.putResult(result);
      } catch (IOException e) {
        Console.warn("agent " + config.agentId() + " could not store its result facts beside its records: " + e.getMessage()
            + "; they travel in its test-end summary all the same");
      }
      if (coordinated != null) {
        coordinated.reportEnd(r);
      }
      Console.info(doneLine(config.agentId(), r)
          + (coordinated == null || coordinated.clockLine() == null ? "" : "; " + coordinated.clockLine()));
      return 0;
    } catch (ScriptException e) {
      Console.fatal(e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (StartGate.AbortedException e) {
      String reason = e.getMessage().startsWith(OrchestratorException.ABORTED + ":") ? "the run was aborted"
          : e.getMessage().startsWith(OrchestratorException.UNREACHABLE + ":") ? "orchestrator unreachable"
          : "the orchestrator refused this agent";
      Console.fatal("no load was sent: " + reason + " (" + label.apply(Setting.ORCHESTRATOR) + " is \"" + config.orchestrator()
          + "\"): " + e.getMessage());
      return EXIT_ABORTED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Console.fatal(coordinated != null && !coordinated.started()
          ? "agent " + config.agentId() + " was stopped (SIGTERM) before the start; no load was sent"
          : "agent " + config.agentId() + " was interrupted");
      return 1;
    } catch (Exception e) {
      Console.fatal("agent failed: " + e + (e.getCause() == null ? "" : " (cause: " + e.getCause() + ")"));
      return 1;
    } finally {
      mainDone.countDown();
      if (watchdog != null) {
        watchdog.interrupt();
      }
      if (hook != null) {
        removeHook(hook);
      }
    }
  }

  /** Who this agent is, written to the store before any load: run, region, id, VUs, ECS task. */
  private static String identity(AgentConfig config, TaskMetadata task) {
    ObjectNode o = JSON.createObjectNode();
    o.put("runId", config.runId());
    o.put("region", config.region());
    o.put("agentId", config.agentId());
    o.put("agentIndex", config.agentIndex());
    o.put("agentCount", config.agentCount());
    o.put("vus", config.vuCount());
    o.put("taskArn", task == null ? "" : task.taskArn());
    o.put("availabilityZone", task == null ? "" : task.availabilityZone());
    o.put("java", Runtime.version().toString());
    o.put("writtenAt", System.currentTimeMillis());
    return o.toString();
  }

  /**
   * The line an agent prints when it is done: its {@link AgentResult#counts() counts}, worded by
   * {@link dev.constellation.agent.results.Counts#describe()}, and its start skew.
   *
   * @param agentId the agent
   * @param r what it did
   * @return the line
   */
  static String doneLine(String agentId, AgentResult r) {
    return "agent " + agentId + " done: " + r.counts().describe()
        + (r.firstRequestAt() < 0 ? "" : "; first request " + (r.firstRequestAt() - r.startAt()) + " ms after the start");
  }

  /**
   * The agent's own account of the run, for the report (start skew, wake lateness, saturation,
   * clock offset, counts): {@code <agentId>.result.json} locally, {@code result.json} in S3.
   */
  static String resultJson(AgentConfig config, AgentResult r, long wakeLatenessMicros, OrchestratedStart coordinated,
      TaskMetadata task) throws IOException {
    ObjectNode o = JSON.valueToTree(r);
    o.put("region", config.region());
    o.put("vus", config.vuCount());
    o.put("wakeLatenessMicros", wakeLatenessMicros);
    o.put("startSkewMs", r.firstRequestAt() < 0 ? 0 : r.firstRequestAt() - r.startAt());
    ClockProbe.Offset offset = coordinated == null ? null : coordinated.clockOffset();
    if (offset != null) {
      o.put("clockOffsetMs", offset.offsetMs());
      o.put("clockRoundTripMs", offset.roundTripMs());
    }
    if (task != null) {
      o.put("taskArn", task.taskArn());
    }
    return JSON.writeValueAsString(o);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already shutting down (SIGTERM): the hook is running and waits for us
    }
  }
}
