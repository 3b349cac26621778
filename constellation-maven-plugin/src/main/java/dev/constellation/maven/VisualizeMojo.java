package dev.constellation.maven;

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

  @Override
  public void execute() throws MojoExecutionException {
    File dir = outputDirectory != null ? outputDirectory : new File("target", "constellation");
    Visualizer visualizer;
    try {
      visualizer = Visualizer.start(dir.toPath(), bind, port);
    } catch (IOException | IllegalArgumentException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      visualizer.close();
      stopped.countDown();
    }, "constellation-visualizer-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    getLog().info("Constellation visualizer: " + visualizer.url() + " (runs in " + dir + "); press Ctrl-C to stop");
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
}
