package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.TimerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JibEventsRecorderTest {

  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String CONFIG = "sha256:" + "c".repeat(64);
  private static final String BASE = "sha256:" + "d".repeat(64);

  private final List<String> log = new ArrayList<>();
  private final JibEventsRecorder recorder = new JibEventsRecorder(log::add);

  private static TimerEvent timer(TimerEvent.State state, String description) {
    TimerEvent.Timer timer = new TimerEvent.Timer() {
      @Override
      public Optional<? extends TimerEvent.Timer> getParent() {
        return Optional.empty();
      }
    };
    return new TimerEvent(state, timer, Duration.ZERO, Duration.ZERO, description);
  }

  @Test
  void countsUploadedAndAlreadyPresentLayersButNotTheConfigurationBlob() {
    recorder.onTimer(timer(TimerEvent.State.START, "Pushing BLOB digest: " + A + ", size: 10"));
    recorder.onTimer(timer(TimerEvent.State.START, "Pushing BLOB digest: " + B + ", size: 10"));
    recorder.onLog(LogEvent.info(
        "Skipping push; BLOB already exists on target registry : digest: " + B + ", size: 10"));
    recorder.onLog(LogEvent.info(
        "Skipping pull; BLOB already exists on target registry : digest: " + BASE + ", size: 3"));
    recorder.onTimer(timer(TimerEvent.State.START, "Pushing container configuration"));
    recorder.onTimer(timer(TimerEvent.State.START, "Pushing BLOB digest: " + CONFIG + ", size: 1"));
    recorder.onTimer(timer(TimerEvent.State.FINISHED, "Pushing container configuration"));

    assertThat(recorder.layersPushed()).isEqualTo(1);
    assertThat(recorder.layersReused()).isEqualTo(2);
  }

  @Test
  void notesTheBaseDigestAndForwardsOnlyLifecycleWarningsAndErrors() {
    recorder.onLog(LogEvent.lifecycle("Using base image with digest: " + BASE));
    recorder.onLog(LogEvent.debug("noise"));
    recorder.onLog(LogEvent.warn("careful"));

    assertThat(recorder.baseImageDigest()).contains(BASE);
    assertThat(log).containsExactly("Using base image with digest: " + BASE, "careful");
  }
}
