package dev.constellation.agent.results.timestream;

import static dev.constellation.agent.results.timestream.TimestreamSchema.quote;
import static dev.constellation.agent.results.timestream.TimestreamSchema.utf8;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.DimensionValueType;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValue;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;

/**
 * Maps a {@link RunSummary} to the multi-measure records of measure name {@value #MEASURE_NAME} in the results table
 * and back (docs/results-format.md, section 4, "Run summary rows"). Dimensions {@code run} and {@code part}; time = the
 * run's start; part 0 carries every number and the regions (what a runs list reads, so the list query reads part 0
 * alone), the two texts (run.json, the thresholds) follow and continue in parts 1, 2, … when they do not fit in a 2 KB
 * record, as interval records do.
 */
final class RunRows {

  static final String MEASURE_NAME = "run";
  /** The format of the summary rows (a measure, so a later format can be told apart). */
  static final int FORMAT = 1;

  static final String M_FORMAT = "run_format";
  static final String M_STATUS = "run_status";
  static final String M_DURATION = "run_duration_ms";
  static final String M_PLANNED = "run_planned_ms";
  static final String M_PASSED = "run_passed";
  static final String M_REQUESTS = "run_requests";
  static final String M_FAILURES = "run_failures";
  static final String M_P95 = "run_p95_us";
  static final String M_VUS = "run_vus";
  static final String M_AGENTS = "run_agents";
  static final String M_REGIONS = "run_regions";
  static final String M_FACTS = "run_facts";
  static final String M_THRESHOLDS = "run_thresholds";

  private static final List<String> LIST_COLUMNS = List.of(M_FORMAT, M_STATUS, M_DURATION, M_PLANNED, M_PASSED, M_REQUESTS,
      M_FAILURES, M_P95, M_VUS, M_AGENTS, M_REGIONS);
  private static final List<String> TEXTS = List.of(M_FACTS, M_THRESHOLDS);
  private static final int BIGINT_BYTES = 8;
  private static final int BOOLEAN_BYTES = 1;
  private static final int TIME_BYTES = 8;

  private RunRows() {}

  /**
   * The records of one summary.
   *
   * @param s the summary
   * @param version the records' {@code Version}: a write with a higher one replaces the row (the plugin uses the
   *     time of the write, so the end's row replaces the start's)
   * @param maxBytes the size limit per record (Timestream: 2048)
   * @return part 0, and more parts when the texts do not fit
   * @throws IOException when part 0's numbers and regions alone do not fit (a run id of hundreds of characters)
   */
  static List<Record> encode(RunSummary s, long version, int maxBytes) throws IOException {
    if (s.regions().isEmpty()) {
      throw new IOException("run " + s.runId() + " has no region; a summary row needs at least one");
    }
    int budget = maxBytes - TimestreamSchema.SAFETY_BYTES;
    String regions = String.join(",", s.regions());
    String[] texts = {s.facts(), s.thresholds()};
    int[] pos = new int[texts.length];
    int t = 0;
    List<List<MeasureValue>> measures = new ArrayList<>();
    for (int part = 0; part == 0 || t < texts.length; part++) {
      int size = TIME_BYTES + utf8(MEASURE_NAME) + utf8(TimestreamSchema.D_RUN) + utf8(s.runId()) + utf8(TimestreamSchema.D_PART)
          + utf8(Integer.toString(part)) + utf8(TimestreamSchema.M_PARTS) + BIGINT_BYTES;
      List<MeasureValue> values = new ArrayList<>();
      if (part == 0) {
        long[] numbers = {FORMAT, s.durationMs(), s.plannedDurationMs(), s.requests(), s.failures(), s.p95Micros(), s.vus(), s.agents()};
        String[] names = {M_FORMAT, M_DURATION, M_PLANNED, M_REQUESTS, M_FAILURES, M_P95, M_VUS, M_AGENTS};
        for (int i = 0; i < numbers.length; i++) {
          values.add(value(names[i], Long.toString(numbers[i]), MeasureValueType.BIGINT));
          size += utf8(names[i]) + BIGINT_BYTES;
        }
        values.add(value(M_PASSED, Boolean.toString(s.passed()), MeasureValueType.BOOLEAN));
        values.add(value(M_STATUS, s.status(), MeasureValueType.VARCHAR));
        values.add(value(M_REGIONS, regions, MeasureValueType.VARCHAR));
        size += utf8(M_PASSED) + BOOLEAN_BYTES + utf8(M_STATUS) + utf8(s.status()) + utf8(M_REGIONS) + utf8(regions);
      }
      int room = budget - size;
      if (room < 64) {
        throw new IOException("the summary row of run " + s.runId() + " does not fit in a " + maxBytes + "-byte Timestream record: "
            + "its run id, numbers and regions alone take " + size + " bytes");
      }
      while (t < texts.length) {
        if (pos[t] >= texts[t].length()) {
          t++;
          continue;
        }
        int nameBytes = utf8(TEXTS.get(t));
        int end = TimestreamSchema.prefixEnd(texts[t], pos[t], room - nameBytes);
        if (end == pos[t]) {
          break; // this part is full
        }
        String fragment = texts[t].substring(pos[t], end);
        values.add(value(TEXTS.get(t), fragment, MeasureValueType.VARCHAR));
        room -= nameBytes + utf8(fragment);
        pos[t] = end;
        if (end < texts[t].length()) {
          break;
        }
        t++;
      }
      measures.add(values);
    }
    List<Record> out = new ArrayList<>();
    for (int part = 0; part < measures.size(); part++) {
      List<MeasureValue> values = new ArrayList<>(measures.get(part));
      values.add(value(TimestreamSchema.M_PARTS, Integer.toString(measures.size()), MeasureValueType.BIGINT));
      out.add(Record.builder()
          .dimensions(dim(TimestreamSchema.D_RUN, s.runId()), dim(TimestreamSchema.D_PART, Integer.toString(part)))
          .measureName(MEASURE_NAME)
          .measureValueType(MeasureValueType.MULTI)
          .measureValues(values)
          .time(Long.toString(s.startMs()))
          .timeUnit(TimeUnit.MILLISECONDS)
          .version(version)
          .build());
    }
    return out;
  }

  /**
   * The runs list: part 0 of every summary row, newest start first. The caller pages it ({@code MaxRows},
   * {@code NextToken}).
   *
   * @param database the database
   * @param table the table
   * @return the SQL text
   */
  static String listQuery(String database, String table) {
    StringBuilder sql = new StringBuilder("SELECT ").append(quote(TimestreamSchema.D_RUN)).append(", to_milliseconds(time) AS ")
        .append(TimestreamSchema.C_START);
    LIST_COLUMNS.forEach(c -> sql.append(", ").append(quote(c)));
    return sql.append(" FROM ").append(quote(database)).append('.').append(quote(table))
        .append(" WHERE measure_name = '").append(MEASURE_NAME).append("' AND ").append(quote(TimestreamSchema.D_PART))
        .append(" = '0' ORDER BY time DESC").toString();
  }

  /**
   * Every part of one run's summary row.
   *
   * @param database the database
   * @param table the table
   * @param runId the run
   * @return the SQL text
   */
  static String runQuery(String database, String table, String runId) {
    StringBuilder sql = new StringBuilder("SELECT ").append(quote(TimestreamSchema.D_RUN)).append(", ").append(quote(TimestreamSchema.D_PART))
        .append(", ").append(quote(TimestreamSchema.M_PARTS)).append(", to_milliseconds(time) AS ").append(TimestreamSchema.C_START);
    LIST_COLUMNS.forEach(c -> sql.append(", ").append(quote(c)));
    TEXTS.forEach(c -> sql.append(", ").append(quote(c)));
    return sql.append(" FROM ").append(quote(database)).append('.').append(quote(table))
        .append(" WHERE ").append(quote(TimestreamSchema.D_RUN)).append(" = '").append(runId.replace("'", "''"))
        .append("' AND measure_name = '").append(MEASURE_NAME).append("'").toString();
  }

  /**
   * A list row (part 0) as a summary without its texts.
   *
   * @param row column name to scalar text
   * @return the summary, {@code facts} and {@code thresholds} empty
   * @throws IOException when the row lacks a column or is of another format
   */
  static RunSummary listed(Map<String, String> row) throws IOException {
    return summary(row, "", "");
  }

  /**
   * Joins the parts of one run's summary row.
   *
   * @param rows the rows of {@link #runQuery}
   * @return the summary, or null when there is none or some part is not visible yet
   * @throws IOException when a row is malformed
   */
  static RunSummary joined(List<Map<String, String>> rows) throws IOException {
    if (rows.isEmpty()) {
      return null;
    }
    List<Map<String, String>> parts = new ArrayList<>(rows);
    parts.sort(Comparator.comparingLong(r -> number(r, TimestreamSchema.D_PART)));
    long expected = number(parts.get(0), TimestreamSchema.M_PARTS);
    if (number(parts.get(0), TimestreamSchema.D_PART) != 0 || parts.size() < expected) {
      return null;
    }
    StringBuilder facts = new StringBuilder();
    StringBuilder thresholds = new StringBuilder();
    for (int i = 0; i < expected; i++) {
      Map<String, String> p = parts.get(i);
      if (number(p, TimestreamSchema.D_PART) != i || number(p, TimestreamSchema.M_PARTS) != expected) {
        return null; // a part of another write (an earlier version with more parts), or one not visible yet
      }
      if (p.get(M_FACTS) != null) {
        facts.append(p.get(M_FACTS));
      }
      if (p.get(M_THRESHOLDS) != null) {
        thresholds.append(p.get(M_THRESHOLDS));
      }
    }
    return summary(parts.get(0), facts.toString(), thresholds.toString());
  }

  private static RunSummary summary(Map<String, String> row, String facts, String thresholds) throws IOException {
    for (String c : LIST_COLUMNS) {
      if (row.get(c) == null) {
        throw new IOException("the summary row of run " + row.get(TimestreamSchema.D_RUN) + " lacks " + c);
      }
    }
    if (number(row, M_FORMAT) != FORMAT) {
      throw new IOException("the summary row of run " + row.get(TimestreamSchema.D_RUN) + " has format " + row.get(M_FORMAT)
          + "; this plugin reads format " + FORMAT + " (a newer plugin wrote it)");
    }
    return new RunSummary(row.get(TimestreamSchema.D_RUN), number(row, TimestreamSchema.C_START), row.get(M_STATUS),
        number(row, M_DURATION), number(row, M_PLANNED), Boolean.parseBoolean(row.get(M_PASSED)), number(row, M_REQUESTS),
        number(row, M_FAILURES), number(row, M_P95), (int) number(row, M_VUS), (int) number(row, M_AGENTS),
        Arrays.asList(row.get(M_REGIONS).split(",")), facts, thresholds);
  }

  private static long number(Map<String, String> row, String column) {
    String v = row.get(column);
    if (v == null) {
      throw new IllegalStateException("Timestream row lacks the number " + column);
    }
    return Long.parseLong(v);
  }

  private static Dimension dim(String name, String value) {
    return Dimension.builder().name(name).value(value).dimensionValueType(DimensionValueType.VARCHAR).build();
  }

  private static MeasureValue value(String name, String value, MeasureValueType type) {
    return MeasureValue.builder().name(name).value(value).type(type).build();
  }

  /** The list columns, for tests. */
  static Map<String, String> columnsOf(Record r) {
    Map<String, String> out = new LinkedHashMap<>();
    r.dimensions().forEach(d -> out.put(d.name(), d.value()));
    r.measureValues().forEach(m -> out.put(m.name(), m.value()));
    return out;
  }
}
