package dev.constellation.testservices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequiredTest {

  @TempDir
  Path tmp;

  @Test
  void aMissingToolSkipsOutsideCiAndFailsInCi() {
    assertThatThrownBy(() -> Required.missing("x is missing; run: apt-get install -y x", false))
        .isExactlyInstanceOf(TestAbortedException.class)
        .hasMessageContaining("x is missing; run: apt-get install -y x");
    assertThatThrownBy(() -> Required.missing("x is missing; run: apt-get install -y x", true))
        .isExactlyInstanceOf(AssertionFailedError.class)
        .hasMessage("x is missing; run: apt-get install -y x (CI=true: a missing tool fails the test instead of skipping it)");
  }

  @Test
  void ciMeansTheVariableIsExactlyTrue() {
    assertThat(Required.inCi(Map.of("CI", "true"))).isTrue();
    assertThat(Required.inCi(Map.of("CI", "1"))).isFalse();
    assertThat(Required.inCi(Map.of())).isFalse();
  }

  @Test
  void chromiumIsFoundOnPathUnderEitherName() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path ubuntu = Files.createDirectories(tmp.resolve("ubuntu"));
    Path debian = Files.createDirectories(tmp.resolve("debian"));
    Path browser = executable(ubuntu.resolve("chromium-browser"));
    Path chromium = executable(debian.resolve("chromium"));
    Files.writeString(empty.resolve("chromium"), "not executable");

    assertThat(Required.chromium("T", Map.of("PATH", empty + File.pathSeparator + ubuntu + File.pathSeparator + debian)))
        .isEqualTo(browser);
    assertThat(Required.chromium("T", Map.of("PATH", debian + File.pathSeparator + ubuntu))).isEqualTo(chromium);
  }

  @Test
  void noChromiumOnPathFailsInCiAndSkipsElsewhere() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("chromium"), "not executable");
    assertThatThrownBy(() -> Required.chromium("HtmlReportIT", Map.of("CI", "true", "PATH", empty.toString())))
        .isExactlyInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith("no chromium or chromium-browser on PATH (" + empty + "); HtmlReportIT needs headless Chromium:"
            + " apt-get install -y chromium");
    assertThatThrownBy(() -> Required.chromium("HtmlReportIT", Map.of("PATH", empty.toString())))
        .isExactlyInstanceOf(TestAbortedException.class);
  }

  @Test
  void aMissingExecutableIsNamed() {
    Path nowhere = tmp.resolve("no-such-tool");
    assertThatThrownBy(() -> Required.executable(nowhere, nowhere + " is missing"))
        .hasMessageContaining(nowhere + " is missing");
  }

  private static Path executable(Path file) throws Exception {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
