package dev.constellation.aws.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A dated table of the prices {@link CostEstimator} uses, every row with its source.
 *
 * <p>Text format, one row per line, cells separated by {@code |}, {@code #} starts a comment line:
 * <pre>
 * asOf    | 2026-11-29
 * fargate | &lt;region&gt; | &lt;X86_64|ARM64&gt; | &lt;USD per vCPU-hour&gt; | &lt;USD per GB-hour&gt; | &lt;source&gt;
 * price   | &lt;name&gt; | &lt;value&gt; | &lt;unit&gt; | &lt;source&gt;
 * </pre>
 * The bundled table is {@code dev/constellation/aws/cost/prices.txt} in this jar.
 */
public final class PriceTable {

  /** Resource path of the bundled table. */
  public static final String BUNDLED = "dev/constellation/aws/cost/prices.txt";

  /** The {@code price} rows every table must have. */
  public static final List<String> REQUIRED_PRICES = List.of("fargateSpotFactor", "publicIpv4Hour", "lambdaRequest",
      "lambdaGbSecondArm", "dynamodbReadUnit", "dynamodbWriteUnit", "s3Put", "s3Get", "timestreamWrite",
      "timestreamTcuHour", "logsIngestedGb");

  /**
   * Fargate Linux On-Demand prices of one region and architecture.
   *
   * @param region region code
   * @param cpuArchitecture X86_64 or ARM64
   * @param vcpuHour USD per vCPU-hour
   * @param gbHour USD per GB-hour
   * @param source where the price comes from
   */
  public record FargatePrice(String region, String cpuArchitecture, BigDecimal vcpuHour, BigDecimal gbHour,
      String source) {}

  /**
   * One other price.
   *
   * @param name the price's name (see {@link #REQUIRED_PRICES})
   * @param value USD per unit
   * @param unit what one unit is
   * @param source where the price comes from
   */
  public record Price(String name, BigDecimal value, String unit, String source) {}

  private final LocalDate asOf;
  private final Map<String, FargatePrice> fargate;
  private final Map<String, Price> prices;

  private PriceTable(LocalDate asOf, Map<String, FargatePrice> fargate, Map<String, Price> prices) {
    this.asOf = asOf;
    this.fargate = Collections.unmodifiableMap(fargate);
    this.prices = Collections.unmodifiableMap(prices);
  }

  /**
   * The table bundled in this jar.
   *
   * @return the table
   * @throws IllegalStateException if the resource is missing or malformed (a packaging error)
   */
  public static PriceTable bundled() {
    try (InputStream in = PriceTable.class.getClassLoader().getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("the price table " + BUNDLED + " is missing from the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BUNDLED, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Parses a table.
   *
   * @param text the table's text (format in the type's Javadoc)
   * @param origin names the table in error messages (a file or resource name)
   * @return the table
   * @throws IllegalArgumentException naming the origin, line and problem: a malformed row, a row
   *     without source, a duplicate, no {@code asOf}, or a missing required price
   */
  public static PriceTable parse(String text, String origin) {
    LocalDate asOf = null;
    Map<String, FargatePrice> fargate = new LinkedHashMap<>();
    Map<String, Price> prices = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = origin + " line " + (i + 1);
      String[] cells = line.split("\\|", -1);
      for (int c = 0; c < cells.length; c++) {
        cells[c] = cells[c].strip();
      }
      switch (cells[0]) {
        case "asOf" -> {
          expect(cells, 2, where, "asOf | <yyyy-mm-dd>");
          try {
            asOf = LocalDate.parse(cells[1]);
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + ": asOf = " + cells[1] + " is not a date like 2026-11-29");
          }
        }
        case "fargate" -> {
          expect(cells, 6, where, "fargate | <region> | <X86_64|ARM64> | <USD per vCPU-hour> | <USD per GB-hour> | <source>");
          if (!cells[2].equals("X86_64") && !cells[2].equals("ARM64")) {
            throw new IllegalArgumentException(where + ": architecture " + cells[2] + " is not X86_64 or ARM64");
          }
          FargatePrice p = new FargatePrice(cells[1], cells[2], number(cells[3], where), number(cells[4], where),
              source(cells[5], where));
          if (fargate.put(key(p.region(), p.cpuArchitecture()), p) != null) {
            throw new IllegalArgumentException(where + ": a second Fargate price for " + cells[1] + " " + cells[2]);
          }
        }
        case "price" -> {
          expect(cells, 5, where, "price | <name> | <value> | <unit> | <source>");
          Price p = new Price(cells[1], number(cells[2], where), cells[3], source(cells[4], where));
          if (prices.put(p.name(), p) != null) {
            throw new IllegalArgumentException(where + ": a second price " + cells[1]);
          }
        }
        default -> throw new IllegalArgumentException(where + ": unknown row kind " + cells[0]
            + "; rows start with asOf, fargate or price");
      }
    }
    if (asOf == null) {
      throw new IllegalArgumentException(origin + " has no asOf row (the date its prices were collected)");
    }
    if (fargate.isEmpty()) {
      throw new IllegalArgumentException(origin + " has no fargate row");
    }
    for (String name : REQUIRED_PRICES) {
      if (!prices.containsKey(name)) {
        throw new IllegalArgumentException(origin + " has no price row " + name);
      }
    }
    return new PriceTable(asOf, fargate, prices);
  }

  /** @return the date the prices were collected */
  public LocalDate asOf() {
    return asOf;
  }

  /** @return every Fargate row, in table order */
  public List<FargatePrice> fargatePrices() {
    return List.copyOf(fargate.values());
  }

  /**
   * The Fargate price of a region and architecture.
   *
   * @param region region code
   * @param cpuArchitecture X86_64 or ARM64
   * @return the price, empty when the table has no row for them
   */
  public Optional<FargatePrice> fargate(String region, String cpuArchitecture) {
    return Optional.ofNullable(fargate.get(key(region, cpuArchitecture)));
  }

  /**
   * A {@code price} row.
   *
   * @param name one of {@link #REQUIRED_PRICES} or another row's name
   * @return the row
   * @throws IllegalArgumentException if the table has no such row
   */
  public Price price(String name) {
    Price p = prices.get(name);
    if (p == null) {
      throw new IllegalArgumentException("the price table has no price " + name);
    }
    return p;
  }

  private static String key(String region, String arch) {
    return region + "/" + arch;
  }

  private static void expect(String[] cells, int n, String where, String format) {
    if (cells.length != n) {
      throw new IllegalArgumentException(where + ": expected " + n + " cells (" + format + "), found " + cells.length);
    }
  }

  private static BigDecimal number(String s, String where) {
    try {
      BigDecimal v = new BigDecimal(s);
      if (v.signum() < 0) {
        throw new IllegalArgumentException(where + ": price " + s + " is negative");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": " + s + " is not a number");
    }
  }

  private static String source(String s, String where) {
    if (Objects.requireNonNull(s).isBlank()) {
      throw new IllegalArgumentException(where + ": the row names no source; every price needs one");
    }
    return s;
  }
}
