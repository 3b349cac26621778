package dev.constellation.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepTest {

  @Test
  void aStepReadsAsOneLine() {
    Step s = new Step("eu-west-1", "ECS cluster constellation", Step.Outcome.CREATED, Duration.ofMillis(1234), "(Container Insights off)");
    assertThat(s.line()).isEqualTo(String.format("%-15s %-55s %-13s (1.2 s) (Container Insights off)",
        "eu-west-1", "ECS cluster constellation", "created"));
  }

  @Test
  void summaryCountsOutcomesAndKnowsWhetherAnythingChanged() {
    Summary unchanged = new Summary(List.of(
        new Step("a", "x", Step.Outcome.UNCHANGED, Duration.ZERO, ""),
        new Step("a", "y", Step.Outcome.UNCHANGED, Duration.ZERO, "")), Duration.ofMillis(500));
    assertThat(unchanged.changed()).isFalse();
    assertThat(unchanged.line()).isEqualTo("2 unchanged in 0.5 s");

    Summary mixed = new Summary(List.of(
        new Step("a", "x", Step.Outcome.CREATED, Duration.ZERO, ""),
        new Step("a", "y", Step.Outcome.UNCHANGED, Duration.ZERO, "")), Duration.ofSeconds(2));
    assertThat(mixed.changed()).isTrue();
    assertThat(mixed.line()).isEqualTo("1 created, 1 unchanged in 2.0 s");

    assertThat(new Summary(List.of(new Step("a", "x", Step.Outcome.WOULD_DELETE, Duration.ZERO, "")), Duration.ZERO).changed())
        .as("a dry run changes nothing").isFalse();
  }

  @Test
  void teardownScopeParsesAndNamesTheProperty() {
    assertThat(Teardown.Scope.parse(null)).isEqualTo(Teardown.Scope.ALL);
    assertThat(Teardown.Scope.parse(" Remote ")).isEqualTo(Teardown.Scope.REMOTE);
    assertThatThrownBy(() -> Teardown.Scope.parse("run"))
        .hasMessage("-Dconstellation.scope=run is not a teardown scope; use remote, home or all");
  }

  @Test
  void deniedErrorsNameTheIamAction() {
    assertThat(AwsClients.actionPrefix("CloudWatchLogs")).isEqualTo("logs");
    assertThat(AwsClients.actionPrefix("Ecs")).isEqualTo("ecs");
    assertThat(AwsClients.actionPrefix("DynamoDb")).isEqualTo("dynamodb");
  }
}
