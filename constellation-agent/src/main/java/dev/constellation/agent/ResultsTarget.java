package dev.constellation.agent;

import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.agent.results.timestream.TimestreamResultsStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * The results store an agent writes, as {@code --resultsStore} chose it: records through a sink
 * (remote stores through the reliable sink, with a fallback file), the agent's own account
 * ({@code result.json}) beside them, and a check before any load is sent that the store can be
 * written at all.
 */
abstract class ResultsTarget implements AutoCloseable {

  /**
   * The sink policy of the remote stores: the defaults, 30 s to retry at close (so a SIGTERM
   * flush fits Fargate's stop timeout), and the fallback directory.
   */
  static SinkPolicy policy(AgentConfig config) {
    return SinkPolicy.defaults().withCloseBudget(Duration.ofSeconds(30)).withFallbackDir(config.fallbackDir());
  }

  /** The store cannot be used; no load was sent. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    Unusable(int exitCode, String line) {
      super(line);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  protected final AgentConfig config;
  protected final Function<Setting, String> label;

  ResultsTarget(AgentConfig config, Function<Setting, String> label) {
    this.config = config;
    this.label = label;
  }

  /**
   * The target for a validated configuration.
   *
   * @param config the configuration ({@code resultsStore} one of {@link AgentConfig#RESULTS_STORES})
   * @param label how messages name a setting
   * @param env the environment (test endpoints)
   * @return the target
   */
  static ResultsTarget of(AgentConfig config, Function<Setting, String> label, Function<String, String> env) {
    return switch (config.resultsStore()) {
      case "s3" -> new S3(config, label, env);
      case "timestream" -> new Timestream(config, label, env);
      default -> new Local(config, label);
    };
  }

  /** Where the records go, for the console. */
  abstract String describe();

  /**
   * Checks that the store can be written, before the agent registers or sends load.
   *
   * @param identityJson who this agent is, written where the store keeps per-agent objects
   * @throws Unusable with the exit code and the one line naming the setting and the fix
   */
  abstract void check(String identityJson) throws Unusable;

  /** The sink for this agent's records. */
  abstract ResultsSink sink() throws IOException;

  /** Leaves the agent's own account of the run where the report finds it. */
  abstract void putResult(String json) throws IOException;

  @Override
  public void close() {}

  /** The local directory: {@code <resultsDir>/<agentId>.jsonl} and {@code <agentId>.result.json}. */
  static final class Local extends ResultsTarget {
    Local(AgentConfig config, Function<Setting, String> label) {
      super(config, label);
    }

    @Override
    String describe() {
      return config.resultsDir().toAbsolutePath() + "/";
    }

    @Override
    void check(String identityJson) throws Unusable {
      try {
        Files.createDirectories(config.resultsDir());
        if (!Files.isWritable(config.resultsDir())) {
          throw new IOException("not writable");
        }
      } catch (IOException e) {
        throw new Unusable(AgentMain.EXIT_BAD_INPUT, label.apply(Setting.RESULTS_DIR) + " is \"" + config.resultsDir()
            + "\": the folder cannot be created or written (" + e.getMessage() + "); give a writable folder");
      }
    }

    @Override
    ResultsSink sink() throws IOException {
      return new LocalDirectoryStore(config.resultsDir()).sink(config.agentId());
    }

    @Override
    void putResult(String json) throws IOException {
      Files.createDirectories(config.resultsDir());
      Files.writeString(config.resultsDir().resolve(config.agentId() + AgentMain.RESULT_SUFFIX), json);
    }
  }

  /** An S3 bucket in the home region: {@code runs/<runId>/<region>/<agentId>/}. */
  static final class S3 extends ResultsTarget {
    /** S3 error codes that no retry changes and that name a setting to fix. */
    private static final Set<String> DENIED = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
        "ExpiredToken", "InvalidToken", "AllAccessDisabled");
    private static final Set<String> WRONG_REGION = Set.of("PermanentRedirect", "AuthorizationHeaderMalformed",
        "IllegalLocationConstraintException");

    private final S3ResultsStore store;

    S3(AgentConfig config, Function<Setting, String> label, Function<String, String> env) {
      super(config, label);
      this.store = S3ResultsStore.create(config.resultsRegion(), config.resultsBucket(), env);
    }

    @Override
    String describe() {
      return "s3://" + config.resultsBucket() + "/" + S3ResultsStore.agentPrefix(config.runId(), config.region(), config.agentId())
          + " (" + config.resultsRegion() + ")";
    }

    @Override
    void check(String identityJson) throws Unusable {
      try {
        store.putAgentObject(config.runId(), config.region(), config.agentId(), S3ResultsStore.AGENT_OBJECT, identityJson);
      } catch (S3ResultsStore.StoreException e) {
        String bucket = label.apply(Setting.RESULTS_BUCKET) + " is \"" + config.resultsBucket() + "\": ";
        if ("NoSuchBucket".equals(e.code())) {
          throw new Unusable(AgentMain.EXIT_BAD_INPUT, bucket + "the bucket does not exist in " + config.resultsRegion()
              + " (NoSuchBucket); no load was sent. Run constellation:init, which creates it, or give the bucket it created");
        }
        if (DENIED.contains(e.code())) {
          throw new Unusable(AgentMain.EXIT_BAD_INPUT, bucket + "this task may not write it (" + e.code() + "); no load was sent."
              + " Allow s3:PutObject on arn:aws:s3:::" + config.resultsBucket() + "/runs/* in the task role (constellation:init sets it)");
        }
        if (WRONG_REGION.contains(e.code())) {
          throw new Unusable(AgentMain.EXIT_BAD_INPUT, label.apply(Setting.RESULTS_REGION) + " is \"" + config.resultsRegion()
              + "\": the bucket " + config.resultsBucket() + " is in another region (" + e.code() + "); no load was sent."
              + " Give the home region the bucket was created in");
        }
        throw new Unusable(AgentMain.EXIT_STORE_UNREACHABLE, "results store unreachable: " + e.getMessage()
            + "; no load was sent. Check the task's route to S3 in " + config.resultsRegion()
            + " (public IP or a VPC endpoint) and " + label.apply(Setting.RESULTS_REGION));
      } catch (IOException e) {
        throw new Unusable(AgentMain.EXIT_STORE_UNREACHABLE, "results store unreachable: " + e.getMessage() + "; no load was sent");
      }
    }

    @Override
    ResultsSink sink() {
      return store.sink(config.runId(), config.region(), config.agentId(), policy(config));
    }

    @Override
    void putResult(String json) throws IOException {
      store.putAgentObject(config.runId(), config.region(), config.agentId(), S3ResultsStore.RESULT_OBJECT, json);
    }

    @Override
    public void close() {
      store.close();
    }
  }

  /** A Timestream table in the home region; the agent's account is a facts row beside its records (and in its test-end summary). */
  static final class Timestream extends ResultsTarget {
    private final TimestreamResultsStore store;

    Timestream(AgentConfig config, Function<Setting, String> label, Function<String, String> env) {
      super(config, label);
      this.store = TimestreamResultsStore.create(config.resultsRegion(), config.timestreamDatabase(), config.timestreamTable(), env);
    }

    @Override
    String describe() {
      return "Timestream " + config.timestreamDatabase() + "." + config.timestreamTable() + " (" + config.resultsRegion() + ")";
    }

    @Override
    void check(String identityJson) throws Unusable {
      try {
        store.checkTable();
      } catch (TimestreamResultsStore.TableMissing e) {
        throw new Unusable(AgentMain.EXIT_BAD_INPUT, label.apply(Setting.TIMESTREAM_DATABASE) + " / "
            + label.apply(Setting.TIMESTREAM_TABLE) + ": " + e.getMessage() + "; no load was sent. Run constellation:init,"
            + " which creates them, or give the ones it created");
      } catch (IOException e) {
        throw new Unusable(AgentMain.EXIT_STORE_UNREACHABLE, "results store unreachable: " + e.getMessage()
            + "; no load was sent. Check the task's route to Timestream in " + config.resultsRegion() + " and "
            + label.apply(Setting.RESULTS_REGION));
      }
    }

    @Override
    ResultsSink sink() {
      return store.sink(config.agentId(), policy(config));
    }

    /** The account as the agent's facts row in the table (gather copies it beside the records), and in the fallback folder. */
    @Override
    void putResult(String json) throws IOException {
      Files.createDirectories(config.fallbackDir());
      Files.writeString(config.fallbackDir().resolve(config.agentId() + AgentMain.RESULT_SUFFIX), json);
      store.putAgentResult(config.runId(), config.region(), config.agentId(), json, System.currentTimeMillis());
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
