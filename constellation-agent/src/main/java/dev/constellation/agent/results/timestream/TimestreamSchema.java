package dev.constellation.agent.results.timestream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.constellation.agent.results.IntervalRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.timestreamwrite.model.Dimension;
import software.amazon.awssdk.services.timestreamwrite.model.DimensionValueType;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValue;
import software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.TimeUnit;

/**
 * Maps interval records to Timestream multi-measure records and back. A record whose text measures
 * (status and error counts as JSON, the histogram) do not fit in one 2 KB Timestream record is split
 * into parts that share every dimension except {@code part}; the reader joins them in part order.
 */
final class TimestreamSchema {

  static final String MEASURE_NAME = "interval";
  /** Timestream's limit per record. */
  static final int MAX_RECORD_BYTES = 2048;
  /** Kept free below the limit, since AWS does not publish the exact size formula. */
  static final int SAFETY_BYTES = 64;

  static final String D_RUN = "run";
  static final String D_REGION = "region";
  static final String D_AGENT = "agent";
  static final String D_SCRIPT = "script";
  static final String D_NAME = "name";
  static final String D_KIND = "kind";
  static final String D_SEQ = "seq";
  static final String D_PART = "part";
  static final String M_VERSION = "format_version";
  static final String M_COUNT = "count";
  static final String M_FAILURES = "failures";
  static final String M_BYTES = "bytes";
  static final String M_LENGTH = "length_ms";
  static final String M_STATUS = "status";
  static final String M_ERRORS = "errors";
  static final String M_HIST = "hist";
  static final String M_PARTS = "parts";
  /** New connections of an {@code http} record (BIGINT, part 0); absent (NULL) when not measured. Added within format version 1. */
  static final String M_CONNECTIONS = "connections";
  /** Resumed TLS handshakes (BIGINT, part 0), beside {@link #M_CONNECTIONS}. */
  static final String M_TLS_RESUMED = "tls_resumed";
  /** TCP connect times, a text measure split like {@link #M_HIST}; absent when no connection was opened. */
  static final String M_CONNECT_HIST = "connect_hist";
  /** TLS handshake times, a text measure split like {@link #M_HIST}; absent when no handshake completed. */
  static final String M_TLS_HIST = "tls_hist";
  static final String C_START = "start_ms";

  private static final List<String> TEXT_MEASURES = List.of(M_STATUS, M_ERRORS, M_HIST, M_CONNECT_HIST, M_TLS_HIST);
  private static final List<String> NUMBER_MEASURES = List.of(M_VERSION, M_COUNT, M_FAILURES, M_BYTES, M_LENGTH);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BIGINT_BYTES = 8;
  private static final int TIME_BYTES = 8;

  private TimestreamSchema() {}

  /** One Timestream record and the interval record it carries (part of). */
  record Part(Record record, IntervalRecord source, int estimatedBytes) {}

  /**
   * The Timestream records of one interval record.
   *
   * @param r the record
   * @param seq the record's number within its agent's sink; keeps two records of the same second apart
   * @param maxBytes the size limit per Timestream record
   * @return one part, or several when the text measures do not fit in one
   * @throws IOException when even the dimensions do not fit in a record
   */
  static List<Part> encode(IntervalRecord r, long seq, int maxBytes) throws IOException {
    int budget = maxBytes - SAFETY_BYTES;
    List<Dimension> base = List.of(
        dim(D_RUN, r.runId()), dim(D_REGION, r.region()), dim(D_AGENT, r.agentId()), dim(D_SCRIPT, r.script()),
        dim(D_NAME, r.name()), dim(D_KIND, r.kind()), dim(D_SEQ, Long.toString(seq)));
    long[] numbers = {r.version(), r.count(), r.failures(), r.bytes(), r.lengthMs()};
    IntervalRecord.Connections c = r.connections();
    String[] texts = {json(r.statusCodes()), json(errorsAndMessages(r)), r.histogram(),
        c == null || c.connectHistogram() == null ? "" : c.connectHistogram(), c == null || c.tlsHistogram() == null ? "" : c.tlsHistogram()};
    int[] pos = new int[texts.length];
    int t = 0;
    List<List<MeasureValue>> measures = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int part = 0; part == 0 || t < texts.length; part++) {
      int size = TIME_BYTES + utf8(MEASURE_NAME) + utf8(D_PART) + utf8(Integer.toString(part)) + utf8(M_PARTS) + BIGINT_BYTES;
      for (Dimension d : base) {
        size += utf8(d.name()) + utf8(d.value());
      }
      List<MeasureValue> values = new ArrayList<>();
      if (part == 0) {
        for (int i = 0; i < numbers.length; i++) {
          values.add(number(NUMBER_MEASURES.get(i), numbers[i]));
          size += utf8(NUMBER_MEASURES.get(i)) + BIGINT_BYTES;
        }
        if (c != null) {
          values.add(number(M_CONNECTIONS, c.opened()));
          values.add(number(M_TLS_RESUMED, c.tlsResumed()));
          size += utf8(M_CONNECTIONS) + utf8(M_TLS_RESUMED) + 2 * BIGINT_BYTES;
        }
      }
      int room = budget - size;
      if (room < 64) {
        throw new IOException("interval record " + describe(r) + " does not fit in a " + maxBytes
            + "-byte Timestream record: its dimensions alone take " + size + " bytes; shorten the request name");
      }
      while (t < texts.length) {
        String text = texts[t];
        int nameBytes = utf8(TEXT_MEASURES.get(t));
        if (pos[t] >= text.length()) {
          t++;
          continue;
        }
        int end = prefixEnd(text, pos[t], room - nameBytes);
        if (end == pos[t]) {
          break; // this part is full
        }
        String fragment = text.substring(pos[t], end);
        values.add(varchar(TEXT_MEASURES.get(t), fragment));
        int used = nameBytes + utf8(fragment);
        room -= used;
        size += used;
        pos[t] = end;
        if (end < text.length()) {
          break; // the rest goes to the next part
        }
        t++;
      }
      measures.add(values);
      sizes.add(size);
    }
    int parts = measures.size();
    List<Part> out = new ArrayList<>(parts);
    for (int part = 0; part < parts; part++) {
      List<Dimension> dims = new ArrayList<>(base);
      dims.add(dim(D_PART, Integer.toString(part)));
      List<MeasureValue> values = new ArrayList<>(measures.get(part));
      values.add(number(M_PARTS, parts));
      Record rec = Record.builder()
          .dimensions(dims)
          .measureName(MEASURE_NAME)
          .measureValueType(MeasureValueType.MULTI)
          .measureValues(values)
          .time(Long.toString(r.startMs()))
          .timeUnit(TimeUnit.MILLISECONDS)
          .build();
      out.add(new Part(rec, r, sizes.get(part)));
    }
    return out;
  }

  /** End index of the longest prefix of text from {@code from} within {@code maxBytes} UTF-8 bytes, whole code points only. */
  static int prefixEnd(String text, int from, int maxBytes) {
    int bytes = 0;
    int i = from;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > maxBytes) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return i;
  }

  /**
   * The query returning every row of a run.
   *
   * @param database the database
   * @param table the table
   * @param runId the run
   * @return the SQL text
   */
  static String query(String database, String table, String runId) {
    return query(database, table, runId, -1);
  }

  /**
   * As {@link #query(String, String, String)}, limited to intervals that start at or after
   * {@code fromMs} (no limit when negative): a reader that polls a run reads only its recent rows.
   *
   * @param database the database
   * @param table the table
   * @param runId the run
   * @param fromMs the earliest interval start, epoch ms; negative for the whole run
   * @return the SQL text
   */
  static String query(String database, String table, String runId, long fromMs) {
    return select(database, table, runId, ", " + quote(M_CONNECTIONS) + ", " + quote(M_TLS_RESUMED) + ", " + quote(M_CONNECT_HIST)
        + ", " + quote(M_TLS_HIST), fromMs);
  }

  /**
   * The query of {@link #query(String, String, String, long)} without the connection measures, for
   * a table that never received one (written before they existed, or only by the jdk engine):
   * Timestream refuses a query that names a column the table does not have, and a multi-measure
   * table gets a measure's column only when a record first carries it.
   *
   * @param database the database
   * @param table the table
   * @param runId the run
   * @param fromMs the earliest interval start, epoch ms; negative for the whole run
   * @return the SQL text
   */
  static String queryWithoutConnections(String database, String table, String runId, long fromMs) {
    return select(database, table, runId, "", fromMs);
  }

  private static String select(String database, String table, String runId, String moreColumns, long fromMs) {
    return "SELECT " + quote(D_RUN) + ", " + quote(D_REGION) + ", " + quote(D_AGENT) + ", " + quote(D_SCRIPT) + ", "
        + quote(D_NAME) + ", " + quote(D_KIND) + ", " + quote(D_SEQ) + ", " + quote(D_PART) + ", "
        + "to_milliseconds(time) AS " + C_START + ", "
        + quote(M_VERSION) + ", " + quote(M_COUNT) + ", " + quote(M_FAILURES) + ", " + quote(M_BYTES) + ", "
        + quote(M_LENGTH) + ", " + quote(M_STATUS) + ", " + quote(M_ERRORS) + ", " + quote(M_HIST) + ", " + quote(M_PARTS)
        + moreColumns + " FROM " + quote(database) + "." + quote(table)
        + " WHERE " + quote(D_RUN) + " = '" + runId.replace("'", "''") + "'"
        + " AND measure_name = '" + MEASURE_NAME + "'"
        + (fromMs < 0 ? "" : " AND time >= from_milliseconds(" + fromMs + ")");
  }

  /**
   * Joins query rows (column name to scalar text, null for SQL NULL) back into interval records.
   *
   * @param rows the rows of one run
   * @return the records
   * @throws IOException when a record's parts are missing or a row is malformed
   */
  static List<IntervalRecord> decode(List<Map<String, String>> rows) throws IOException {
    Decoded d = decodeKeyed(rows);
    if (!d.incomplete().isEmpty()) {
      List<String> incomplete = d.incomplete();
      throw new IOException(incomplete.size() + " interval records in Timestream are missing parts, e.g. "
          + String.join(", ", incomplete.subList(0, Math.min(3, incomplete.size())))
          + "; Timestream reads are eventually consistent, so read again in a few seconds; if it persists, the agent's "
          + "close() reported these records as not stored");
    }
    return new ArrayList<>(d.records().values());
  }

  /**
   * What rows decode to: the complete records by key, and the records some of whose parts are not
   * (yet) there.
   *
   * @param records per record key ({@code region/agent/seq}, unique within a run), the record
   * @param incomplete the records with parts missing, described
   */
  record Decoded(Map<String, IntervalRecord> records, List<String> incomplete) {}

  /**
   * Joins query rows into records keyed by {@code region/agent/seq}, leaving out (and naming) the
   * records whose parts are not all there.
   *
   * @param rows rows of one run
   * @return the complete records and the incomplete ones
   * @throws IOException when a row is malformed
   */
  static Decoded decodeKeyed(List<Map<String, String>> rows) throws IOException {
    Map<List<String>, List<Map<String, String>>> groups = new LinkedHashMap<>();
    for (Map<String, String> row : rows) {
      List<String> key = List.of(req(row, D_RUN), req(row, D_REGION), req(row, D_AGENT), req(row, D_SCRIPT),
          req(row, D_NAME), req(row, D_KIND), req(row, D_SEQ), req(row, C_START));
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    Map<String, IntervalRecord> out = new LinkedHashMap<>();
    List<String> incomplete = new ArrayList<>();
    for (Map.Entry<List<String>, List<Map<String, String>>> g : groups.entrySet()) {
      List<Map<String, String>> parts = new ArrayList<>(g.getValue());
      parts.sort(Comparator.comparingLong(p -> number(p, D_PART)));
      long expected = number(parts.get(0), M_PARTS);
      boolean complete = parts.size() == expected;
      for (int i = 0; complete && i < parts.size(); i++) {
        complete = number(parts.get(i), D_PART) == i && number(parts.get(i), M_PARTS) == expected;
      }
      if (!complete) {
        incomplete.add(String.join("/", g.getKey()) + " (" + parts.size() + " rows for " + expected + " parts)");
        continue;
      }
      StringBuilder[] texts = new StringBuilder[TEXT_MEASURES.size()];
      for (int i = 0; i < texts.length; i++) {
        texts[i] = new StringBuilder();
      }
      for (Map<String, String> p : parts) {
        for (int i = 0; i < TEXT_MEASURES.size(); i++) {
          String fragment = p.get(TEXT_MEASURES.get(i));
          if (fragment != null) {
            texts[i].append(fragment);
          }
        }
      }
      Map<String, String> head = parts.get(0);
      List<String> k = g.getKey();
      out.put(k.get(1) + "/" + k.get(2) + "/" + k.get(6), new IntervalRecord(
          (int) number(head, M_VERSION), k.get(0), k.get(1), k.get(2), k.get(3), k.get(4), k.get(5),
          Long.parseLong(k.get(7)), number(head, M_LENGTH), number(head, M_COUNT), number(head, M_FAILURES),
          counts(texts[0].toString(), k), withoutMessages(counts(texts[1].toString(), k)), number(head, M_BYTES), texts[2].toString(),
          messagesOf(counts(texts[1].toString(), k)), connections(head, texts[3].toString(), texts[4].toString())));
    }
    return new Decoded(out, incomplete);
  }

  /**
   * Failure messages travel in the {@value #M_ERRORS} measure under keys starting with
   * {@value #MESSAGE_PREFIX} (error types never hold a ':'), so the table keeps its columns and
   * tables written before messages existed still read.
   */
  static final String MESSAGE_PREFIX = "message:";

  private static Map<String, Long> errorsAndMessages(IntervalRecord r) {
    if (r.messages().isEmpty()) {
      return r.errors();
    }
    Map<String, Long> all = new LinkedHashMap<>(r.errors());
    r.messages().forEach((m, c) -> all.put(MESSAGE_PREFIX + m, c));
    return all;
  }

  private static Map<String, Long> withoutMessages(Map<String, Long> counts) {
    Map<String, Long> out = new LinkedHashMap<>(counts);
    out.keySet().removeIf(k -> k.startsWith(MESSAGE_PREFIX));
    return out;
  }

  private static Map<String, Long> messagesOf(Map<String, Long> counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    counts.forEach((k, v) -> {
      if (k.startsWith(MESSAGE_PREFIX)) {
        out.put(k.substring(MESSAGE_PREFIX.length()), v);
      }
    });
    return out;
  }

  /** The connection measures of part 0 and the joined histogram texts; null when the record has none (not measured). */
  private static IntervalRecord.Connections connections(Map<String, String> head, String connectHist, String tlsHist) {
    String opened = head.get(M_CONNECTIONS);
    if (opened == null) {
      return null;
    }
    String resumed = head.get(M_TLS_RESUMED);
    return new IntervalRecord.Connections(Long.parseLong(opened), connectHist, resumed == null ? 0 : Long.parseLong(resumed), tlsHist);
  }

  private static String req(Map<String, String> row, String column) throws IOException {
    String v = row.get(column);
    if (v == null) {
      throw new IOException("Timestream row lacks column " + column + ": " + row.keySet());
    }
    return v;
  }

  private static long number(Map<String, String> row, String column) {
    String v = row.get(column);
    if (v == null) {
      throw new IllegalStateException("Timestream row lacks the number " + column);
    }
    return Long.parseLong(v);
  }

  private static Map<String, Long> counts(String json, List<String> key) throws IOException {
    if (json.isEmpty()) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Long>>() {});
    } catch (JsonProcessingException e) {
      throw new IOException("damaged count map in Timestream record " + String.join("/", key) + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String json(Map<String, Long> counts) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(counts));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode counts " + counts, e);
    }
  }

  private static Dimension dim(String name, String value) {
    return Dimension.builder().name(name).value(value).dimensionValueType(DimensionValueType.VARCHAR).build();
  }

  private static MeasureValue number(String name, long value) {
    return MeasureValue.builder().name(name).value(Long.toString(value)).type(MeasureValueType.BIGINT).build();
  }

  private static MeasureValue varchar(String name, String value) {
    return MeasureValue.builder().name(name).value(value).type(MeasureValueType.VARCHAR).build();
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  static String describe(IntervalRecord r) {
    return r.runId() + "/" + r.region() + "/" + r.agentId() + "/" + r.name() + "@" + r.startMs();
  }
}
