package dev.constellation.testservices;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What every loopback test service shares: a free port on 127.0.0.1, waiting until a started process
 * listens there, and stopping a process (and its children) by its handle.
 */
public final class Loopback {

  private Loopback() {
  }

  /** A port on 127.0.0.1 that nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Waits until 127.0.0.1:{@code port} accepts a TCP connection (tried every 50 ms).
   *
   * @param name the service, for the messages
   * @param process the service's process: its exit ends the wait at once
   * @param log where the process writes its output; its text goes into the messages
   * @throws IllegalStateException when the process exits or {@code within} passes first (the
   *     process is then stopped)
   * @throws InterruptedIOException when the waiting thread is interrupted
   */
  static void awaitListening(String name, Process process, int port, Duration within, Path log) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + text(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        pause();
      }
    }
    stop(process, Duration.ofSeconds(5));
    throw new IllegalStateException(name + " did not listen on 127.0.0.1:" + port + " within "
        + within.toSeconds() + " s: " + text(log));
  }

  /**
   * Stops a process and its descendants by handle: SIGTERM, then SIGKILL when they are still
   * running after {@code grace}. An interrupt while waiting stops the wait and keeps the thread's
   * interrupt flag.
   */
  public static void stop(Process process, Duration grace) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sleeps 50 ms between tries; an interrupt becomes an {@link InterruptedIOException}. */
  static void pause() throws InterruptedIOException {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a test service");
    }
  }

  /** The log's text (its last 8,000 characters), or why it cannot be read. */
  static String text(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() > 8000 ? "..." + s.substring(s.length() - 8000) : s;
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }
}
