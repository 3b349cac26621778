package dev.constellation.maven;

import dev.constellation.aws.AwsClients;
import dev.constellation.maven.plan.AwsRegions;
import dev.constellation.maven.store.StoreRuns;
import dev.constellation.maven.visualize.Visualizer;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Serves every run under the output directory in the browser: the runs list, the live view of a running run (the
 * report's charts, updating every second from the interval records as they arrive) and the comparison of two runs.
 * Listens on 127.0.0.1:3002 unless told otherwise, prints its URL and runs until Ctrl-C. A
 * {@code constellation:run} started meanwhile prints the live URL of its run.
 */
@Mojo(name = "visualize", requiresProject = false, threadSafe = true)
public class VisualizeMojo extends AbstractMojo {

  /** Where runs are written: one folder per run id. */
  @Parameter(property = "constellation.outputDirectory", defaultValue = "${project.build.directory}/constellation")
  File outputDirectory;

  /** The port to listen on; 0 picks a free one. */
  @Parameter(property = "constellation.visualize.port", defaultValue = "3002")
  int port;

  /**
   * The address to listen on. The default, {@code 127.0.0.1}, keeps the visualizer on this machine; another address
   * (such as {@code 0.0.0.0}) shows every run to whoever can reach this machine on that port.
   */
  @Parameter(property = "constellation.visualize.bind", defaultValue = Visualizer.DEFAULT_BIND)
  String bind;

  /**
   * Where else runs are kept: {@code local} (only the output directory), {@code s3} (also the runs of AWS in the
   * results bucket; {@code auto}, as a pom may set it for {@code init}, means s3) or {@code timestream} (also the runs
   * of AWS in the installation's Timestream table).
   */
  @Parameter(property = "constellation.resultsStore", defaultValue = "local")
  String resultsStore;

  /** The results bucket; default: the installation's, {@code <installation>-<account>-<homeRegion>} as {@code init} created it. */
  @Parameter(property = "constellation.resultsBucket")
  String resultsBucket;

  /** The home region, where the results bucket is. */
  @Parameter(property = "constellation.homeRegion", defaultValue = "us-east-1")
  String homeRegion;

  /** The installation whose results bucket to read when no bucket is named. */
  @Parameter(property = "constellation.installation", defaultValue = dev.constellation.aws.Installation.DEFAULT_NAME)
  String installation;

  /** The Timestream database, for {@code resultsStore=timestream}; default: the installation's (named after it). */
  @Parameter(property = "constellation.timestreamDatabase")
  String timestreamDatabase;

  /** The Timestream table, for {@code resultsStore=timestream}. */
  @Parameter(property = "constellation.timestreamTable", defaultValue = "intervals")
  String timestreamTable;

  /** A named AWS profile (also an IAM Identity Center/SSO profile); empty: the default chain. */
  @Parameter(property = "constellation.profile")
  String profile;

  @Override
  public void execute() throws MojoExecutionException {
    File dir = outputDirectory != null ? outputDirectory : new File("target", "constellation");
    StoreRuns store = store();
    Visualizer visualizer;
    try {
      visualizer = Visualizer.start(dir.toPath(), bind, port, store);
    } catch (IOException | IllegalArgumentException e) {
      if (store != null) {
        store.close();
      }
      throw new MojoExecutionException(e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      visualizer.close();
      stopped.countDown();
    }, "constellation-visualizer-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    getLog().info("Constellation visualizer: " + visualizer.url() + " (runs in " + dir + (store == null ? "" : " and in " + store.describe())
        + "); press Ctrl-C to stop");
    if (!Visualizer.DEFAULT_BIND.equals(bind)) {
      getLog().warn("the visualizer listens on " + bind + ": whoever can reach this machine on port " + visualizer.url().getPort()
          + " sees every run (use the default 127.0.0.1 to keep it on this machine)");
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      visualizer.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // the JVM is already shutting down
      }
    }
  }

  /** The results store's runs, or null for {@code local}; every bad setting is named before anything starts. */
  StoreRuns store() throws MojoExecutionException {
    String kind = resultsStore == null ? "local" : resultsStore.trim();
    switch (kind) {
      case "local":
      case "":
        return null;
      case "s3":
      case "auto":
      case "timestream":
        break;
      default:
        throw new MojoExecutionException("<resultsStore> (-Dconstellation.resultsStore) is \"" + resultsStore
            + "\"; use local (the output directory only), s3 (also the runs of AWS in the results bucket) or timestream (also the "
            + "runs of AWS in the installation's Timestream table)");
    }
    String home = homeRegion == null ? "" : homeRegion.trim();
    if (!AwsRegions.isKnown(home)) {
      throw new MojoExecutionException("<homeRegion> (-Dconstellation.homeRegion) is \"" + homeRegion + "\", which is not an AWS region; "
          + "known regions: " + AwsRegions.list());
    }
    try {
      AwsClients.Options options = AwsClients.Options.fromSystemProperties(profile == null || profile.isBlank() ? null : profile.trim());
      // short timeouts: a store that does not answer costs its message on the page, never a hang
      options = new AwsClients.Options(options.profile(), options.credentials(), options.serviceCredentials(), options.endpoints(),
          options.retryStrategy(), java.time.Duration.ofSeconds(3));
      if (kind.equals("timestream")) {
        String database = timestreamDatabase == null || timestreamDatabase.isBlank()
            ? new dev.constellation.aws.Installation(installation == null || installation.isBlank()
                ? dev.constellation.aws.Installation.DEFAULT_NAME : installation.trim(), home).timestreamDatabase()
            : timestreamDatabase.trim();
        String table = timestreamTable == null || timestreamTable.isBlank() ? "intervals" : timestreamTable.trim();
        return StoreRuns.timestream(new AwsClients(options), true, home, database, table);
      }
      return new StoreRuns(new AwsClients(options), true, home, resultsBucket, installation);
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
  }
}
