package dev.constellation.agent;

import dev.constellation.agent.http.HttpEngine;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.agent.script.ScriptDiscovery;
import dev.constellation.agent.script.ScriptException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's entry point: the container's entrypoint on AWS and the JVM the plugin starts
 * locally, with the same arguments. Exit codes: 0 done, 2 bad configuration or script (nothing
 * was sent), 3 the run was aborted before it started, 1 anything else.
 */
public final class AgentMain {

  /** Exit code when settings or scripts are wrong; no load was sent. */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit code when the run was aborted before it started. */
  public static final int EXIT_ABORTED = 3;
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
    System.exit(run(args));
  }

  /**
   * Runs the agent and returns its exit code instead of exiting.
   *
   * @param args the command line
   * @return the exit code
   */
  public static int run(String[] args) {
    AgentConfig config;
    List<ScriptDefinition> scripts;
    try {
      config = AgentConfig.parse(args);
      config.validate(Setting::flag);
      scripts = ScriptDiscovery.find(config.scripts(), Thread.currentThread().getContextClassLoader());
    } catch (IllegalArgumentException | ScriptException e) {
      Console.fatal(e.getMessage());
      return EXIT_BAD_INPUT;
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
        + (Threads.virtualAvailable() ? ", virtual threads" : ", platform threads"));
    OrchestratedStart coordinated = config.orchestrator().isEmpty() ? null
        : new OrchestratedStart(OrchestratedStart.client(config.orchestrator()), config);
    CountDownLatch mainDone = new CountDownLatch(1);
    Thread hook = null;
    if (config.tls().insecure()) {
      Console.warn("INSECURE TLS: insecure=true trusts every server certificate and checks no host name; results say nothing about "
          + "the target's real TLS setup. Use it only against test environments, and give a truststore instead where you can");
    }
    try (HttpEngine engine = HttpEngines.create(config.engine(), config.connectTimeout(), config.tls().sslContext())) {
      ResultsSink sink = new LocalDirectoryStore(config.resultsDir()).sink(config.agentId());
      Agent agent = new Agent(config, scripts, engine, sink, coordinated == null ? StartGate.immediate() : coordinated);
      hook = new Thread(() -> {
        try {
          if (!agent.stopAndWait(30_000) || !mainDone.await(20, TimeUnit.SECONDS)) {
            Console.warn("agent " + config.agentId() + " did not finish its final flush and end report within 50 s of SIGTERM");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "constellation-sigterm");
      Runtime.getRuntime().addShutdownHook(hook);
      AgentResult r = agent.run();
      long lateness = coordinated == null ? 0 : coordinated.wakeLatenessMicros();
      writeResult(config, r, lateness);
      if (coordinated != null) {
        coordinated.reportEnd(r);
      }
      Console.info("agent " + config.agentId() + " done: " + r.requests() + " requests (" + r.failures() + " failed), "
          + r.iterations() + " iterations (" + r.iterationFailures() + " failed, " + r.interrupted() + " interrupted)"
          + (r.firstRequestAt() < 0 ? "" : "; first request " + (r.firstRequestAt() - r.startAt()) + " ms after the start"));
      return 0;
    } catch (ScriptException e) {
      Console.fatal(e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (StartGate.AbortedException e) {
      Console.fatal("no load was sent: " + e.getMessage());
      return EXIT_ABORTED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Console.fatal("agent interrupted");
      return 1;
    } catch (Exception e) {
      Console.fatal("agent failed: " + e + (e.getCause() == null ? "" : " (cause: " + e.getCause() + ")"));
      return 1;
    } finally {
      mainDone.countDown();
      if (hook != null) {
        removeHook(hook);
      }
    }
  }

  /** Leaves the agent's own account of the run beside its records, for the report (start skew, counts). */
  private static void writeResult(AgentConfig config, AgentResult r, long wakeLatenessMicros) throws java.io.IOException {
    ObjectNode o = JSON.valueToTree(r);
    o.put("region", config.region());
    o.put("vus", config.vuCount());
    o.put("wakeLatenessMicros", wakeLatenessMicros);
    o.put("startSkewMs", r.firstRequestAt() < 0 ? 0 : r.firstRequestAt() - r.startAt());
    Files.createDirectories(config.resultsDir());
    Files.writeString(config.resultsDir().resolve(config.agentId() + RESULT_SUFFIX), JSON.writeValueAsString(o));
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already shutting down (SIGTERM): the hook is running and waits for us
    }
  }
}
