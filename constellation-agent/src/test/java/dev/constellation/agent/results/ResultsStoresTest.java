package dev.constellation.agent.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResultsStoresTest {

  private final AtomicInteger checks = new AtomicInteger();

  private ResultsStores.TimestreamCheck answering(boolean available, String reason) {
    return () -> {
      checks.incrementAndGet();
      return new ResultsStores.Availability(available, reason);
    };
  }

  @Test
  void anExplicitStoreIsUsedWithoutAskingAws() {
    for (String v : new String[] {"timestream", "S3", " local "}) {
      ResultsStores.Choice c = ResultsStores.choose(v, true, answering(false, "unused"));
      assertThat(c.store().configValue()).isEqualTo(v.trim().toLowerCase());
      assertThat(c.reason()).contains("<resultsStore> is set to");
    }
    assertThat(checks).hasValue(0);
  }

  @Test
  void autoKeepsLocalRunsOnThisMachine() {
    ResultsStores.Choice c = ResultsStores.choose("auto", false, answering(true, "unused"));
    assertThat(c.store()).isEqualTo(ResultsStores.Kind.LOCAL);
    assertThat(checks).hasValue(0);
  }

  @Test
  void autoPicksTimestreamWhenTheAccountHasIt() {
    ResultsStores.Choice c = ResultsStores.choose(null, true, answering(true, "Timestream answers in eu-west-1"));
    assertThat(c).isEqualTo(new ResultsStores.Choice(ResultsStores.Kind.TIMESTREAM, "Timestream answers in eu-west-1"));
  }

  @Test
  void autoFallsBackToS3AndSaysWhy() {
    ResultsStores.Choice c = ResultsStores.choose("auto", true, answering(false, "not available to this account"));
    assertThat(c.store()).isEqualTo(ResultsStores.Kind.S3);
    assertThat(c.reason()).startsWith("not available to this account; using S3 instead");
  }

  @Test
  void aCheckThatThrowsMeansS3() {
    ResultsStores.Choice c = ResultsStores.choose("auto", true, () -> {
      throw new IllegalStateException("boom");
    });
    assertThat(c.store()).isEqualTo(ResultsStores.Kind.S3);
    assertThat(c.reason()).contains("the Timestream check failed").contains("boom");
  }

  @Test
  void anUnknownStoreNamesTheElementAndTheChoices() {
    assertThatThrownBy(() -> ResultsStores.parse("dynamo")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("<resultsStore>dynamo</resultsStore> is not a results store; use auto, timestream, s3 or local "
            + "(property constellation.resultsStore)");
  }
}
