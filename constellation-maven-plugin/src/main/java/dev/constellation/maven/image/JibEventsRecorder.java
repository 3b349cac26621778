package dev.constellation.maven.image;

import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.TimerEvent;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Listens to one Jib build: forwards its log, notes the base image digest and counts which layer
 * blobs were uploaded and which the registry already had.
 *
 * <p>Jib 0.28.1 says this only through events: a {@code "Pushing BLOB <descriptor>"} timer starts
 * for every blob it may upload, {@code "Skipping push; BLOB already exists"} and {@code "Skipping
 * pull; BLOB already exists"} log lines name the blobs it did not upload. The container
 * configuration blob goes through the same step, nested in a {@code "Pushing container
 * configuration"} timer on the same thread (Jib dispatches events synchronously), so blobs seen on
 * that thread are not counted as layers.
 */
final class JibEventsRecorder {

  private static final Pattern DIGEST = Pattern.compile("(sha256:[0-9a-f]{64})");
  private static final String BASE_DIGEST_PREFIX = "Using base image with digest: ";

  private final Consumer<String> log;
  private final Set<String> attempted = new HashSet<>();
  private final Set<String> skipped = new HashSet<>();
  private final Set<Thread> pushingConfiguration = new HashSet<>();
  private String baseImageDigest;

  JibEventsRecorder(Consumer<String> log) {
    this.log = log;
  }

  synchronized void onTimer(TimerEvent event) {
    String description = event.getDescription();
    Thread thread = Thread.currentThread();
    if (description.equals("Pushing container configuration")) {
      if (event.getState() == TimerEvent.State.START) {
        pushingConfiguration.add(thread);
      } else if (event.getState() == TimerEvent.State.FINISHED) {
        pushingConfiguration.remove(thread);
      }
    } else if (description.startsWith("Pushing BLOB ")
        && event.getState() == TimerEvent.State.START
        && !pushingConfiguration.contains(thread)) {
      digestIn(description).ifPresent(attempted::add);
    }
  }

  synchronized void onLog(LogEvent event) {
    String message = event.getMessage();
    if (message.startsWith(BASE_DIGEST_PREFIX)) {
      baseImageDigest = message.substring(BASE_DIGEST_PREFIX.length()).trim();
    }
    if (message.startsWith("Skipping push; BLOB already exists")
        && !pushingConfiguration.contains(Thread.currentThread())) {
      digestIn(message).ifPresent(skipped::add);
    }
    if (message.startsWith("Skipping pull; BLOB already exists")) {
      digestIn(message).ifPresent(skipped::add);
    }
    switch (event.getLevel()) {
      case ERROR, WARN, LIFECYCLE -> log.accept(message);
      default -> { }
    }
  }

  /** The digest from Jib's {@code "Using base image with digest"} line, if it pulled a manifest. */
  synchronized Optional<String> baseImageDigest() {
    return Optional.ofNullable(baseImageDigest);
  }

  synchronized int layersPushed() {
    Set<String> pushed = new HashSet<>(attempted);
    pushed.removeAll(skipped);
    return pushed.size();
  }

  synchronized int layersReused() {
    return skipped.size();
  }

  private static Optional<String> digestIn(String text) {
    Matcher m = DIGEST.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
