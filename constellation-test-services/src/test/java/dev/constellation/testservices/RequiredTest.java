package dev.constellation.testservices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
  void aMissingExecutableIsNamed() {
    Path nowhere = tmp.resolve("no-such-tool");
    assertThatThrownBy(() -> Required.executable(nowhere, nowhere + " is missing"))
        .hasMessageContaining(nowhere + " is missing");
  }
}
