package dev.constellation.aws.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PriceTableTest {

  @Test
  void theBundledTableIsDatedAndEveryRowNamesASource() {
    PriceTable t = PriceTable.bundled();
    assertThat(t.asOf()).isEqualTo(LocalDate.of(2026, 11, 29));
    assertThat(t.fargatePrices()).extracting(p -> p.region() + "/" + p.cpuArchitecture()).containsExactly(
        "us-east-1/X86_64", "us-east-2/X86_64", "us-west-2/X86_64", "eu-west-1/X86_64", "eu-central-1/X86_64",
        "ap-southeast-1/X86_64", "ap-southeast-2/X86_64", "sa-east-1/X86_64", "us-east-1/ARM64");
    assertThat(t.fargatePrices()).allMatch(p -> !p.source().isBlank());
    assertThat(t.fargate("us-east-1", "X86_64").orElseThrow().vcpuHour()).isEqualByComparingTo("0.04048");
    assertThat(t.fargate("us-east-1", "X86_64").orElseThrow().gbHour()).isEqualByComparingTo("0.004445");
    assertThat(t.price("publicIpv4Hour").value()).isEqualByComparingTo("0.005");
    assertThat(t.fargate("af-south-1", "X86_64")).isEmpty();
  }

  @Test
  void aRowWithoutSourceIsRefused() {
    assertThatThrownBy(() -> PriceTable.parse("asOf | 2026-11-29\nfargate | us-east-1 | X86_64 | 0.04 | 0.004 | \n", "t.txt"))
        .hasMessage("t.txt line 2: the row names no source; every price needs one");
  }

  @Test
  void malformedTablesNameTheLineAndTheProblem() {
    assertThatThrownBy(() -> PriceTable.parse("fargate | us-east-1 | X86_64 | 0.04 | 0.004 | s\n", "t.txt"))
        .hasMessage("t.txt has no asOf row (the date its prices were collected)");
    assertThatThrownBy(() -> PriceTable.parse("asOf | 2026-11-29\nfargate | us-east-1 | X86 | 0.04 | 0.004 | s\n", "t.txt"))
        .hasMessage("t.txt line 2: architecture X86 is not X86_64 or ARM64");
    assertThatThrownBy(() -> PriceTable.parse("asOf | 2026-11-29\nfargate | us-east-1 | X86_64 | abc | 0.004 | s\n", "t.txt"))
        .hasMessage("t.txt line 2: abc is not a number");
    assertThatThrownBy(() -> PriceTable.parse("asOf | 2026-11-29\nfargate | us-east-1 | X86_64 | 0.04 | 0.004 | s\n", "t.txt"))
        .hasMessage("t.txt has no price row fargateSpotFactor");
    assertThatThrownBy(() -> PriceTable.parse("asOf | yesterday\n", "t.txt"))
        .hasMessage("t.txt line 1: asOf = yesterday is not a date like 2026-11-29");
  }
}
