package dev.constellation.aws.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostEstimatorTest {

  private static final CostEstimator BUNDLED = CostEstimator.withBundledPrices();

  /** §2.13's examples assume us-east-1 prices in every region. */
  private static final PriceTable US_EAST_1_EVERYWHERE = PriceTable.parse(
      bundledPriceRows()
          + "asOf | 2026-11-29\n"
          + "fargate | r1 | X86_64 | 0.04048 | 0.004445 | test: us-east-1 price\n"
          + "fargate | r2 | X86_64 | 0.04048 | 0.004445 | test: us-east-1 price\n"
          + "fargate | r3 | X86_64 | 0.04048 | 0.004445 | test: us-east-1 price\n"
          + "fargate | r4 | X86_64 | 0.04048 | 0.004445 | test: us-east-1 price\n"
          + "fargate | r5 | X86_64 | 0.04048 | 0.004445 | test: us-east-1 price\n", "test table");

  private static String bundledPriceRows() {
    StringBuilder sb = new StringBuilder("\n");
    for (String name : PriceTable.REQUIRED_PRICES) {
      PriceTable.Price p = PriceTable.bundled().price(name);
      sb.append("price | ").append(name).append(" | ").append(p.value().toPlainString()).append(" | ")
          .append(p.unit()).append(" | ").append(p.source()).append('\n');
    }
    return sb.toString();
  }

  /** 3 min before the load (90 s pull + 10 s agent start + 1 s launch + 79 s start buffer), 10 min load, 1 min drain. */
  private static CostInput fiveRegionsFourTasks(Map<String, Integer> regions) {
    return new CostInput(regions, FargateSize.DEFAULT, false, "X86_64", Duration.ofMinutes(10),
        Duration.ofSeconds(79), Duration.ofSeconds(55), Duration.ofSeconds(1), "s3");
  }

  private static Map<String, Integer> regions(Object... kv) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Integer) kv[i + 1]);
    }
    return m;
  }

  @Test
  void workedExampleFiveRegionsTimesFourTasksTimesFourteenMinutes() {
    CostInput input = fiveRegionsFourTasks(regions("r1", 4, "r2", 4, "r3", 4, "r4", 4, "r5", 4));
    assertThat(CostEstimator.billedPerTask(input)).isEqualTo(Duration.ofMinutes(14));

    CostEstimate e = CostEstimator.withPrices(US_EAST_1_EVERYWHERE).estimate(input);

    // 4 × (0.04048 + 2 × 0.004445) × 840 / 3600 = 0.0460786…; 4 × 0.005 × 840 / 3600 = 0.0046666…
    for (RegionCost r : e.regions()) {
      assertThat(r.tasks()).isEqualTo(4);
      assertThat(r.billedPerTask()).isEqualTo(Duration.ofSeconds(840));
      assertThat(r.fargateUsd()).isEqualByComparingTo("0.046079");
      assertThat(r.publicIpv4Usd()).isEqualByComparingTo("0.004667");
      // per agent: 82 Lambda requests (80 polls + agg-record + test-end) $0.0000710669, 80 reads $0.00001,
      // 2 writes $0.00000125, 656 S3 PUTs $0.00328 + GETs $0.0002624, 64 KB logs $0.0000305176;
      // per run ($0.00023809223: 169 Lambda requests, 1 write, 168 reads, 14 LIST pages) split by 4/20
      assertThat(r.otherUsd()).isEqualByComparingTo("0.014669");
      assertThat(r.totalUsd()).isEqualByComparingTo("0.065415");
      assertThat(r.priced()).isTrue();
    }
    assertThat(e.fargateUsd()).isEqualByComparingTo("0.230395");
    assertThat(CostEstimate.money(e.fargateUsd())).isEqualTo("$0.23");
    assertThat(e.publicIpv4Usd()).isEqualByComparingTo("0.023335");
    assertThat(CostEstimate.money(e.publicIpv4Usd())).isEqualTo("$0.02");
    assertThat(e.totalUsd()).isEqualByComparingTo("0.327075");
    assertThat(e.exact()).isTrue();
    assertThat(e.pricesAsOf()).isEqualTo(LocalDate.of(2026, 11, 29));
  }

  @Test
  void workedExampleHundredTasksTimesFifteenMinutes() {
    // 90 s pull + 10 s agent start + 10 s launch (100 tasks at 10/s) + 15 s buffer + 12 min load + 50 s + 5 s = 15 min
    CostInput input = new CostInput(regions("us-east-1", 100), FargateSize.DEFAULT, false, "X86_64",
        Duration.ofMinutes(12), Duration.ofSeconds(15), Duration.ofSeconds(50), Duration.ofSeconds(1), "s3");
    CostEstimate e = BUNDLED.estimate(input);
    RegionCost r = e.regions().get(0);
    assertThat(r.billedPerTask()).isEqualTo(Duration.ofMinutes(15));
    assertThat(r.taskHours()).isEqualTo(25.0);
    assertThat(r.fargateUsd()).isEqualByComparingTo("1.234250");
    assertThat(CostEstimate.money(r.fargateUsd())).isEqualTo("$1.23");
    assertThat(r.publicIpv4Usd()).isEqualByComparingTo("0.125");
  }

  @Test
  void regionsArePricedFromTheirOwnRow() {
    CostInput input = fiveRegionsFourTasks(regions("us-east-1", 4, "eu-central-1", 4, "sa-east-1", 4));
    CostEstimate e = BUNDLED.estimate(input);
    assertThat(e.regions()).extracting(RegionCost::region).containsExactly("us-east-1", "eu-central-1", "sa-east-1");
    // 4 × (0.04656 + 2 × 0.005111) × 840 / 3600 = 0.0529965…; 4 × (0.0696 + 2 × 0.0076) × 840 / 3600 = 0.0791466…
    assertThat(e.regions()).extracting(RegionCost::fargateUsd).usingElementComparator(BigDecimal::compareTo)
        .containsExactly(new BigDecimal("0.046079"), new BigDecimal("0.052997"), new BigDecimal("0.079147"));
    assertThat(e.exact()).isTrue();
  }

  @Test
  void spotMultipliesFargateByTheTablesFactor() {
    CostInput input = new CostInput(regions("us-east-1", 4), FargateSize.DEFAULT, true, "X86_64",
        Duration.ofMinutes(10), Duration.ofSeconds(79), Duration.ofSeconds(55), Duration.ofSeconds(1), "s3");
    RegionCost r = BUNDLED.estimate(input).regions().get(0);
    // 0.046078666… × 0.30 = 0.0138236
    assertThat(r.fargateUsd()).isEqualByComparingTo("0.013824");
    assertThat(r.publicIpv4Usd()).isEqualByComparingTo("0.004667");
    assertThat(BUNDLED.estimate(input).assumptions()).anyMatch(a -> a.contains("Fargate Spot at 0.30 x the On-Demand price"));
  }

  @Test
  void armUsesTheArmRowAndFallsBackToTheRegionsX86PriceAsUpperBound() {
    CostInput input = new CostInput(regions("us-east-1", 4, "eu-central-1", 4), FargateSize.DEFAULT, false, "ARM64",
        Duration.ofMinutes(10), Duration.ofSeconds(79), Duration.ofSeconds(55), Duration.ofSeconds(1), "s3");
    CostEstimate e = BUNDLED.estimate(input);
    // 4 × (0.03238 + 2 × 0.00356) × 840 / 3600 = 0.0368666…
    assertThat(e.regions().get(0).fargateUsd()).isEqualByComparingTo("0.036867");
    assertThat(e.regions().get(0).priced()).isTrue();
    assertThat(e.regions().get(1).fargateUsd()).isEqualByComparingTo("0.052997");
    assertThat(e.regions().get(1).priced()).isFalse();
    assertThat(e.exact()).isFalse();
    assertThat(e.assumptions()).contains("eu-central-1: no ARM64 Fargate price in the table; upper bound = its X86_64"
        + " price ($0.04656/vCPU-h, $0.005111/GB-h)");
  }

  @Test
  void aRegionMissingFromTheTableUsesTheHighestPricesAndSaysSo() {
    CostInput input = fiveRegionsFourTasks(regions("af-south-1", 4));
    CostEstimate e = BUNDLED.estimate(input);
    assertThat(e.regions().get(0).fargateUsd()).isEqualByComparingTo("0.079147");
    assertThat(e.regions().get(0).priced()).isFalse();
    assertThat(e.exact()).isFalse();
    assertThat(e.assumptions()).contains("af-south-1: no X86_64 Fargate price in the table (prices as of 2026-11-29);"
        + " estimated with the table's highest ($0.0696/vCPU-h sa-east-1, $0.0076/GB-h sa-east-1); the real price may differ");
    assertThat(e.lines().get(0)).isEqualTo("Estimated cost (USD, prices as of 2026-11-29; upper bound where marked *):");
    assertThat(e.lines().get(1)).endsWith(" *");
  }

  @Test
  void billedTimeGrowsWithTheLargestRegionsLaunchPacing() {
    CostInput input = new CostInput(regions("us-east-1", 95, "eu-west-1", 3), FargateSize.DEFAULT, false, "X86_64",
        Duration.ofMinutes(5), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(1), "s3");
    assertThat(CostEstimator.launchSpread(input)).isEqualTo(Duration.ofSeconds(10));
    assertThat(CostEstimator.billedPerTask(input)).isEqualTo(Duration.ofSeconds(90 + 10 + 10 + 15 + 300 + 30 + 5));
    assertThat(CostEstimator.polls(input)).isEqualTo(25);
  }

  @Test
  void timestreamPaysWritesAndItsQueriesAtTheMinimumTcusForTheWholeRunInsteadOfObjects() {
    CostInput input = new CostInput(regions("us-east-1", 1), FargateSize.DEFAULT, false, "X86_64",
        Duration.ofSeconds(60), Duration.ofSeconds(9), Duration.ofSeconds(0), Duration.ofSeconds(1), "timestream");
    CostEstimate e = BUNDLED.estimate(input);
    RegionCost r = e.regions().get(0);
    // billed 90+10+1+9+60+0+5 = 175 s. Agent: 10 polls + 2 → 12 Lambda requests 0.00001040004, 10 reads 0.00000125,
    // 2 writes 0.00000125, 60 writes of 1 KB 0.00003, logs 0.000030517578125 = 0.000073417618125.
    // Run: 1 + 35 monitor requests 0.00003120012, 1 write 0.000000625, 35 reads 0.000004375 = 0.00003620012.
    // Queries (live progress every 5 s, then the gather): 4 TCUs for 60 load + 0 graceful stop + 90 gather = 150 s
    // → 600 TCU-seconds × 0.518 / 3600 = 0.0863333…; total 0.0864429510… → 0.086443
    assertThat(CostEstimator.timestreamQueryTime(input)).isEqualTo(Duration.ofSeconds(150));
    assertThat(r.otherUsd()).isEqualByComparingTo("0.086443");
    assertThat(e.assumptions()).anyMatch(a -> a.contains("live progress and gather queries at the minimum 4 TCUs for 150 s"
        + " (load + graceful stop + 90 s of gather; queries less than 30 s apart keep the TCUs allocated)"));
  }

  @Test
  void linesShowEveryRegionTheTotalTheDateAndTheAssumptions() {
    CostEstimate e = BUNDLED.estimate(fiveRegionsFourTasks(regions("us-east-1", 4, "eu-central-1", 1)));
    List<String> lines = e.lines();
    assertThat(lines.get(0)).isEqualTo("Estimated cost (USD, prices as of 2026-11-29):");
    assertThat(lines.get(1)).isEqualTo("  us-east-1        4 tasks x 14m00s =     0.93 task-hours  Fargate $0.05"
        + "  public IPv4 <$0.01  other $0.01  total $0.07");
    assertThat(lines.get(2)).isEqualTo("  eu-central-1     1 task  x 14m00s =     0.23 task-hours  Fargate $0.01"
        + "  public IPv4 <$0.01  other <$0.01  total $0.02");
    assertThat(lines.get(3)).startsWith("  total $0.08 (Fargate $0.06, public IPv4 $0.01, Lambda/DynamoDB/results store/logs $0.02)");
    assertThat(lines.get(4)).isEqualTo("  - billed per task 14m00s: 90 s image pull + 10 s agent start + 1 s launch"
        + " (10 RunTask/s per region) + 79 s start buffer + 600 s load + 55 s graceful stop + 5 s final flush"
        + " (per-second billing, 1-minute minimum)");
    assertThat(lines).anyMatch(l -> l.startsWith("  - not counted: data transfer"));
  }

  @Test
  void badInputNamesTheFieldTheValueAndTheFix() {
    Duration m = Duration.ofMinutes(1);
    assertThatThrownBy(() -> new CostInput(regions("us-east-1", 0), FargateSize.DEFAULT, false, "X86_64", m, m, m, m, "s3"))
        .hasMessage("tasksPerRegion[us-east-1] = 0: every region of a run needs at least 1 task; remove the region or give it virtual users");
    assertThatThrownBy(() -> new CostInput(regions("us-east-1", 1), FargateSize.DEFAULT, false, "AMD64", m, m, m, m, "s3"))
        .hasMessage("cpuArchitecture = AMD64 is not a Fargate CPU architecture; use X86_64 or ARM64");
    assertThatThrownBy(() -> new CostInput(regions("us-east-1", 1), FargateSize.DEFAULT, true, "ARM64", m, m, m, m, "s3"))
        .hasMessageStartingWith("<spot> (-Dconstellation.spot) = true with cpuArchitecture ARM64");
    assertThatThrownBy(() -> new CostInput(regions("us-east-1", 1), FargateSize.DEFAULT, false, "X86_64", m.negated(), m, m, m, "s3"))
        .hasMessage("loadDuration = PT-1M is negative; use a duration of zero or more");
    assertThatThrownBy(() -> new CostInput(regions("us-east-1", 1), FargateSize.DEFAULT, false, "X86_64", m, m, m, Duration.ZERO, "s3"))
        .hasMessage("pollInterval = PT0S must be positive, e.g. PT1S");
    assertThatThrownBy(() -> new CostInput(regions("us-east-1", 1), FargateSize.DEFAULT, false, "X86_64", m, m, m, m, "dynamodb"))
        .hasMessage("resultsStore = dynamodb is not a results store; use s3 or timestream");
    assertThatThrownBy(() -> new CostInput(Map.of(), FargateSize.DEFAULT, false, "X86_64", m, m, m, m, "s3"))
        .hasMessageStartingWith("tasksPerRegion is empty");
  }
}
