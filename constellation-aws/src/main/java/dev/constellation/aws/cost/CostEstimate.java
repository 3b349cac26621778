package dev.constellation.aws.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The estimated cost of a run on AWS, in USD, before anything starts.
 *
 * @param regions per region, in the input's order
 * @param totalUsd the sum of the regions' totals
 * @param pricesAsOf the date of the price table
 * @param exact false when a region had no Fargate price in the table (an upper bound was used;
 *     {@link #assumptions()} says which)
 * @param assumptions how billed time and the small terms were estimated, what is not counted
 */
public record CostEstimate(List<RegionCost> regions, BigDecimal totalUsd, LocalDate pricesAsOf, boolean exact,
    List<String> assumptions) {

  /** Copies the lists. */
  public CostEstimate {
    regions = List.copyOf(regions);
    Objects.requireNonNull(totalUsd, "totalUsd");
    Objects.requireNonNull(pricesAsOf, "pricesAsOf");
    assumptions = List.copyOf(assumptions);
  }

  /** @return the Fargate part of every region */
  public BigDecimal fargateUsd() {
    return regions.stream().map(RegionCost::fargateUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** @return the public IPv4 part of every region */
  public BigDecimal publicIpv4Usd() {
    return regions.stream().map(RegionCost::publicIpv4Usd).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** @return the orchestrator, results store and logs part of every region */
  public BigDecimal otherUsd() {
    return regions.stream().map(RegionCost::otherUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /**
   * What the console prints: one line per region (tasks, task-hours, USD), the total with the
   * price date, then the assumptions.
   *
   * @return the lines, without line separators
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("Estimated cost (USD, prices as of " + pricesAsOf + (exact ? "" : "; upper bound where marked *") + "):");
    int width = regions.stream().mapToInt(r -> r.region().length()).max().orElse(0);
    for (RegionCost r : regions) {
      out.add(String.format(Locale.ROOT, "  %-" + width + "s %5d task%s x %s = %8.2f task-hours  Fargate %s  public IPv4 %s"
              + "  other %s  total %s%s",
          r.region(), r.tasks(), r.tasks() == 1 ? " " : "s", duration(r.billedPerTask()), r.taskHours(),
          money(r.fargateUsd()), money(r.publicIpv4Usd()), money(r.otherUsd()), money(r.totalUsd()),
          r.priced() ? "" : " *"));
    }
    out.add("  total " + money(totalUsd) + " (Fargate " + money(fargateUsd()) + ", public IPv4 "
        + money(publicIpv4Usd()) + ", Lambda/DynamoDB/results store/logs " + money(otherUsd()) + ")");
    for (String a : assumptions) {
      out.add("  - " + a);
    }
    return out;
  }

  /**
   * A dollar amount as the console shows it: two decimals, rounded half up; a non-zero amount
   * under half a cent shows as {@code <$0.01}.
   *
   * @param usd the amount
   * @return e.g. {@code $0.23}
   */
  public static String money(BigDecimal usd) {
    BigDecimal cents = usd.setScale(2, RoundingMode.HALF_UP);
    if (cents.signum() == 0 && usd.signum() > 0) {
      return "<$0.01";
    }
    return "$" + cents.toPlainString();
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
