package dev.constellation.maven.local;

import dev.constellation.agent.runtime.Console;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** One agent JVM started by the plugin, its output relayed line by line with the agent's label. */
final class AgentProcess {

  private final String label;
  private final Process process;
  private final AtomicReference<String> fatal = new AtomicReference<>();
  private final Thread stdout;
  private final Thread stderr;

  private AgentProcess(String label, Process process, Consumer<String> info, Consumer<String> warn) {
    this.label = label;
    this.process = process;
    this.stdout = relay(process.getInputStream(), info, "out");
    this.stderr = relay(process.getErrorStream(), warn, "err");
  }

  static AgentProcess start(String label, List<String> command, java.nio.file.Path workDir, Consumer<String> info,
      Consumer<String> warn) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    // A local agent gets every setting on its command line; stray CONSTELLATION_* variables of the
    // user's shell must not fill the settings the command line leaves at their defaults.
    for (dev.constellation.agent.Setting s : dev.constellation.agent.Setting.values()) {
      pb.environment().remove(s.env());
    }
    return new AgentProcess(label, pb.start(), info, warn);
  }

  private Thread relay(InputStream in, Consumer<String> sink, String stream) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith(Console.ERROR_MARKER)) {
            fatal.compareAndSet(null, line.substring(Console.ERROR_MARKER.length()));
          } else {
            sink.accept("[" + label + "] " + line);
          }
        }
      } catch (IOException e) {
        sink.accept("[" + label + "] (output closed: " + e.getMessage() + ")");
      }
    }, "agent-" + label + "-" + stream);
    t.setDaemon(true);
    t.start();
    return t;
  }

  String label() {
    return label;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits for the exit and for the last output line. */
  int waitFor(long millis) throws InterruptedException {
    if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
      return Integer.MIN_VALUE;
    }
    stdout.join(2000);
    stderr.join(2000);
    return process.exitValue();
  }

  /**
   * Asks the agent to stop: SIGTERM, on which it stops its VUs, flushes what it recorded and exits.
   * Through the process handle, so its output streams stay open for its last lines
   * ({@link Process#destroy()} would close them).
   */
  void requestStop() {
    process.toHandle().destroy();
  }

  /** The agent's process id. */
  long pid() {
    return process.pid();
  }

  /** Asks the agent to stop (SIGTERM: it flushes and exits); kills it if it does not within the time. */
  int stop(long millis) throws InterruptedException {
    requestStop();
    int code = waitFor(millis);
    if (code == Integer.MIN_VALUE) {
      process.destroyForcibly();
      code = waitFor(5000);
    }
    return code;
  }

  /** The agent's fatal error line, if it printed one. */
  String fatalError() {
    return fatal.get();
  }
}
