package dev.constellation.agent;

import dev.constellation.agent.http.HttpEngine;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.agent.script.ScriptDiscovery;
import dev.constellation.agent.script.ScriptException;
import java.util.List;

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
    int[] split = Agent.split(config.vus(), scripts);
    StringBuilder mix = new StringBuilder();
    for (int i = 0; i < scripts.size(); i++) {
      mix.append(i == 0 ? "" : ", ").append(scripts.get(i).name()).append(" x").append(split[i]);
    }
    Console.info("agent " + config.agentId() + ": " + config.vus() + " VUs (" + mix + ") for " + Durations.format(config.duration())
        + (config.baseUrl().isEmpty() ? "" : " against " + config.baseUrl()) + "; Java " + Runtime.version().feature()
        + (Threads.virtualAvailable() ? ", virtual threads" : ", platform threads"));
    Agent agent;
    Thread hook;
    try (HttpEngine engine = HttpEngines.create(config.engine(), config.connectTimeout())) {
      ResultsSink sink = new LocalDirectoryStore(config.resultsDir()).sink(config.agentId());
      agent = new Agent(config, scripts, engine, sink, StartGate.immediate());
      Agent running = agent;
      hook = new Thread(() -> {
        try {
          if (!running.stopAndWait(30_000)) {
            Console.warn("agent " + config.agentId() + " did not finish its final flush within 30 s of SIGTERM");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "constellation-sigterm");
      Runtime.getRuntime().addShutdownHook(hook);
      AgentResult r = agent.run();
      Console.info("agent " + config.agentId() + " done: " + r.requests() + " requests (" + r.failures() + " failed), "
          + r.iterations() + " iterations (" + r.iterationFailures() + " failed, " + r.interrupted() + " interrupted)");
      removeHook(hook);
      return 0;
    } catch (ScriptException e) {
      Console.fatal(e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (StartGate.AbortedException e) {
      Console.fatal("the run was aborted before it started: " + e.getMessage());
      return EXIT_ABORTED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Console.fatal("agent interrupted");
      return 1;
    } catch (Exception e) {
      Console.fatal("agent failed: " + e + (e.getCause() == null ? "" : " (cause: " + e.getCause() + ")"));
      return 1;
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already shutting down (SIGTERM): the hook is running and waits for us
    }
  }
}
