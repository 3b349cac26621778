package dev.constellation.agent.results.timestream;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.ResultsSource;
import dev.constellation.agent.results.reliable.AwsErrors;
import dev.constellation.agent.results.reliable.ReliableSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.reliable.Ticker;
import dev.constellation.agent.results.reliable.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamquery.model.ColumnInfo;
import software.amazon.awssdk.services.timestreamquery.model.Datum;
import software.amazon.awssdk.services.timestreamquery.model.QueryRequest;
import software.amazon.awssdk.services.timestreamquery.model.QueryResponse;
import software.amazon.awssdk.services.timestreamquery.model.Row;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.model.ConflictException;
import software.amazon.awssdk.services.timestreamwrite.model.MagneticStoreWriteProperties;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;
import software.amazon.awssdk.services.timestreamwrite.model.RetentionProperties;
import software.amazon.awssdk.services.timestreamwrite.model.Tag;
import software.amazon.awssdk.services.timestreamwrite.model.TimestreamWriteException;

/**
 * Interval records in a Timestream for LiveAnalytics table of the home region, as multi-measure
 * records (measure name {@code interval}) with dimensions run, region, agent, script, name, kind, seq
 * and part; schema and splitting in docs/results-format.md.
 */
public final class TimestreamResultsStore implements ResultsSource, AutoCloseable {

  /** Timestream's limit of records per WriteRecords call. */
  public static final int MAX_RECORDS_PER_WRITE = 100;

  private final TimestreamWriteClient write;
  private final TimestreamQueryClient query;
  private final String database;
  private final String table;
  private final boolean ownsClients;
  private final int maxRecordBytes;

  /**
   * A store over clients the caller configured (and closes).
   *
   * @param write the write client
   * @param query the query client
   * @param database the database
   * @param table the table
   */
  public TimestreamResultsStore(TimestreamWriteClient write, TimestreamQueryClient query, String database, String table) {
    this(write, query, database, table, false, TimestreamSchema.MAX_RECORD_BYTES);
  }

  TimestreamResultsStore(TimestreamWriteClient write, TimestreamQueryClient query, String database, String table,
      boolean ownsClients, int maxRecordBytes) {
    this.write = Objects.requireNonNull(write, "write");
    this.query = Objects.requireNonNull(query, "query");
    this.database = requireName(database, "database");
    this.table = requireName(table, "table");
    this.ownsClients = ownsClients;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * A store with clients for real AWS: default credentials, endpoint discovery on.
   *
   * @param homeRegion the region of the database
   * @param database the database
   * @param table the table
   * @return the store; {@link #close()} closes its clients
   */
  public static TimestreamResultsStore create(String homeRegion, String database, String table) {
    return create(homeRegion, database, table, System::getenv);
  }

  /**
   * Environment variable naming a Timestream stand-in for tests ({@code http://127.0.0.1:<port>});
   * with it the clients skip endpoint discovery (AWS-NOTES §4.4). Unset in production.
   */
  public static final String ENDPOINT_ENV = "CONSTELLATION_TIMESTREAM_ENDPOINT";

  /**
   * Clients for the given region, honouring {@value #ENDPOINT_ENV} in the environment.
   *
   * @param homeRegion the region of the database
   * @param database the database
   * @param table the table
   * @param env the environment; {@code System::getenv} in production
   * @return the store; {@link #close()} closes its clients
   */
  public static TimestreamResultsStore create(String homeRegion, String database, String table,
      java.util.function.Function<String, String> env) {
    String endpoint = env.apply(ENDPOINT_ENV);
    var wb = TimestreamWriteClient.builder().region(Region.of(homeRegion)).httpClient(UrlConnectionHttpClient.create());
    var qb = TimestreamQueryClient.builder().region(Region.of(homeRegion)).httpClient(UrlConnectionHttpClient.create());
    if (endpoint != null && !endpoint.isBlank()) {
      wb.endpointOverride(java.net.URI.create(endpoint.trim()));
      qb.endpointOverride(java.net.URI.create(endpoint.trim()));
    }
    return new TimestreamResultsStore(wb.build(), qb.build(), database, table, true, TimestreamSchema.MAX_RECORD_BYTES);
  }

  /**
   * Checks that the table exists before load is sent ({@code DescribeTable}).
   *
   * @throws TableMissing when the database or the table does not exist
   * @throws IOException naming the database and table, when Timestream cannot be reached
   */
  public void checkTable() throws IOException {
    try {
      write.describeTable(b -> b.databaseName(database).tableName(table));
    } catch (software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException e) {
      throw new TableMissing("Timestream table " + database + "." + table + " does not exist: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("cannot reach Timestream table " + database + "." + table + ": " + e.getMessage(), e);
    }
  }

  /** The database or the table that {@link #checkTable()} looked for does not exist. */
  public static final class TableMissing extends IOException {
    private static final long serialVersionUID = 1L;

    TableMissing(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The database. */
  public String database() {
    return database;
  }

  /** The table. */
  public String table() {
    return table;
  }

  /**
   * A sink for one agent, with retries and buffering.
   *
   * @param agentId the agent (names the fallback file)
   * @param policy retry and buffer limits
   * @return the sink
   */
  public ResultsSink sink(String agentId, SinkPolicy policy) {
    return sink(agentId, policy, Ticker.system(), new SplittableRandom());
  }

  ReliableSink<Batch> sink(String agentId, SinkPolicy policy, Ticker ticker, RandomGenerator random) {
    return new ReliableSink<>(new WriteTransport(), policy, agentId, ticker, random);
  }

  /**
   * Creates the database and table when missing, tagged {@code constellation:managed=true}, with
   * 24 h memory-store and 365 d magnetic-store retention and magnetic-store writes enabled (so a
   * record delayed by an outage is still accepted).
   *
   * @throws IOException when they cannot be created
   */
  public void ensureDatabaseAndTable() throws IOException {
    Tag managed = Tag.builder().key("constellation:managed").value("true").build();
    try {
      write.createDatabase(b -> b.databaseName(database).tags(managed));
    } catch (ConflictException e) {
      // exists
    } catch (TimestreamWriteException e) {
      throw new IOException("cannot create Timestream database " + database + ": " + e.getMessage(), e);
    }
    try {
      write.createTable(b -> b.databaseName(database).tableName(table).tags(managed)
          .retentionProperties(RetentionProperties.builder()
              .memoryStoreRetentionPeriodInHours(24L).magneticStoreRetentionPeriodInDays(365L).build())
          .magneticStoreWriteProperties(MagneticStoreWriteProperties.builder().enableMagneticStoreWrites(true).build()));
    } catch (ConflictException e) {
      // exists
    } catch (TimestreamWriteException e) {
      throw new IOException("cannot create Timestream table " + database + "." + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<IntervalRecord> readRun(String runId) throws IOException {
    List<Map<String, String>> rows = rows(runId, -1);
    try {
      return TimestreamSchema.decode(rows);
    } catch (RuntimeException e) {
      throw new IOException("malformed rows in Timestream table " + database + "." + table + " for run " + runId + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * What a read of a run found while it may still be written: the complete records by key, and
   * how many records were seen with parts still missing (Timestream reads are eventually
   * consistent, so they may be complete at the next read).
   *
   * @param records per key {@code <region>/<agentId>/<seq>} (unique within a run: {@code seq} counts an agent's records), the record
   * @param incomplete records whose parts are not all visible yet
   */
  public record Snapshot(Map<String, IntervalRecord> records, int incomplete) {}

  /**
   * Reads a run's records as far as they are visible now, keyed so that a reader polling the run
   * can tell the records it has from new ones; a record with parts missing is left out (counted)
   * instead of failing the read.
   *
   * @param runId the run
   * @param fromMs only intervals starting at or after this time, epoch ms; negative for the whole run
   * @return the snapshot
   * @throws IOException naming the table when Timestream cannot be queried or a row is malformed
   */
  public Snapshot readRunSoFar(String runId, long fromMs) throws IOException {
    List<Map<String, String>> rows = rows(runId, fromMs);
    try {
      TimestreamSchema.Decoded d = TimestreamSchema.decodeKeyed(rows);
      return new Snapshot(d.records(), d.incomplete().size());
    } catch (RuntimeException e) {
      throw new IOException("malformed rows in Timestream table " + database + "." + table + " for run " + runId + ": "
          + e.getMessage(), e);
    }
  }

  private List<Map<String, String>> rows(String runId, long fromMs) throws IOException {
    List<Map<String, String>> rows;
    try {
      rows = rows(TimestreamSchema.query(database, table, runId, fromMs));
    } catch (software.amazon.awssdk.services.timestreamquery.model.ValidationException noConnectionColumns) {
      // a table that never received a connection measure has no such columns (docs/results-format.md, section 4)
      try {
        rows = rows(TimestreamSchema.queryWithoutConnections(database, table, runId, fromMs));
      } catch (RuntimeException e) {
        e.addSuppressed(noConnectionColumns);
        throw new IOException("cannot query Timestream table " + database + "." + table + " for run " + runId + ": "
            + e.getMessage(), e);
      }
    } catch (RuntimeException e) {
      throw new IOException("cannot query Timestream table " + database + "." + table + " for run " + runId + ": "
          + e.getMessage(), e);
    }
    return rows;
  }

  /**
   * Writes (or replaces) a run's summary row, the one row per run that a runs list reads (docs/results-format.md,
   * section 4, "Run summary rows"). Timestream keeps a record with the same dimensions, time and measure name once:
   * a write with other values is refused unless its {@code Version} is higher, so {@code version} must grow from one
   * write of the run to the next (the plugin passes the time of the write, epoch ms); a resent identical write is
   * accepted again.
   *
   * @param summary the run's summary
   * @param version the records' version, at least 1
   * @throws IOException naming the table and Timestream's reason when the row is refused or cannot be written
   */
  public void putRunSummary(RunSummary summary, long version) throws IOException {
    List<software.amazon.awssdk.services.timestreamwrite.model.Record> records = RunRows.encode(summary, version, maxRecordBytes);
    try {
      write.writeRecords(b -> b.databaseName(database).tableName(table).records(records));
    } catch (RejectedRecordsException e) {
      List<String> reasons = e.hasRejectedRecords() ? e.rejectedRecords().stream().map(RejectedRecord::reason).distinct().toList()
          : List.of(e.getMessage());
      throw new IOException("Timestream table " + database + "." + table + " refused the summary row of run " + summary.runId() + ": "
          + String.join("; ", reasons), e);
    } catch (RuntimeException e) {
      throw new IOException("cannot write the summary row of run " + summary.runId() + " to Timestream table " + database + "."
          + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * A run's summary row, every part joined.
   *
   * @param runId the run
   * @return the summary; empty when the run has none (its plugin died before it wrote one, or wrote none) or a part
   *     is not visible yet
   * @throws IOException naming the table when Timestream cannot be queried or a row is malformed
   */
  public java.util.Optional<RunSummary> readRunSummary(String runId) throws IOException {
    try {
      return java.util.Optional.ofNullable(RunRows.joined(rows(RunRows.runQuery(database, table, runId))));
    } catch (software.amazon.awssdk.services.timestreamquery.model.ValidationException e) {
      if (noSuchColumn(e)) {
        return java.util.Optional.empty(); // no summary row was ever written to this table
      }
      throw new IOException("cannot query Timestream table " + database + "." + table + " for the summary of run " + runId + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("cannot query Timestream table " + database + "." + table + " for the summary of run " + runId + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The newest runs of a runs list.
   *
   * @param runs their summary rows (part 0: every number, no texts), newest start first
   * @param more whether the table holds older runs than these
   */
  public record RunList(List<RunSummary> runs, boolean more) {}

  /**
   * The newest runs with a summary row, newest start first: one query over the summary rows' part 0 ({@code ORDER BY
   * time DESC}), read page by page ({@code MaxRows}, {@code NextToken}) until {@code limit} runs not skipped are
   * found, the pages end, or {@code maxPages} pages were read. Reads no interval record.
   *
   * @param limit runs wanted, 1..1000 (also the query's {@code MaxRows})
   * @param maxPages pages read at most
   * @param skip runs left out (e.g. those on this machine); they do not count towards {@code limit}
   * @return the runs and whether there are more
   * @throws IOException naming the table when Timestream cannot be queried or a row is malformed
   */
  public RunList listRunSummaries(int limit, int maxPages, java.util.function.Predicate<String> skip) throws IOException {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1..1000 (Timestream's MaxRows); got " + limit);
    }
    List<RunSummary> out = new ArrayList<>();
    String token = null;
    int pages = 0;
    try {
      do {
        QueryResponse page = query.query(QueryRequest.builder().queryString(RunRows.listQuery(database, table)).maxRows(limit)
            .nextToken(token).build());
        pages++;
        for (Map<String, String> row : rowsOf(page)) {
          if (out.size() < limit && !skip.test(row.get(TimestreamSchema.D_RUN))) {
            out.add(RunRows.listed(row));
          }
        }
        token = page.nextToken();
        if (token != null && token.isEmpty()) {
          token = null;
        }
      } while (token != null && out.size() < limit && pages < maxPages);
    } catch (software.amazon.awssdk.services.timestreamquery.model.ValidationException e) {
      if (noSuchColumn(e)) {
        return new RunList(List.of(), false); // no summary row was ever written to this table
      }
      throw new IOException("cannot list the runs in Timestream table " + database + "." + table + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("cannot list the runs in Timestream table " + database + "." + table + ": " + e.getMessage(), e);
    }
    return new RunList(List.copyOf(out), token != null);
  }

  /**
   * Whether Timestream refused a query for naming a column the table does not have: a multi-measure table gets a
   * measure's column only when a record first carries it, so a table no summary row was written to has no
   * {@code run_status} column.
   */
  private static boolean noSuchColumn(software.amazon.awssdk.services.timestreamquery.model.ValidationException e) {
    String m = String.valueOf(e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
    return m.contains("Column") && m.contains("does not exist");
  }

  /** Measure name of an agent's facts row. */
  static final String AGENT_MEASURE = "agent";
  /** Its text measure: the agent's result.json, split across parts like the texts of interval records. */
  static final String M_AGENT_RESULT = "agent_result";

  /**
   * Writes an agent's account of its run (its {@code result.json}: start skew, clock offset, generator health, counts)
   * as a facts row: measure name {@value #AGENT_MEASURE}, dimensions {@code run}, {@code region}, {@code agent} and
   * {@code part}, the text in {@value #M_AGENT_RESULT} (continued in parts 1, 2, … past the 2 KB record limit), time =
   * {@code writtenAtMs} (docs/results-format.md, section 4, "Agent facts rows"). The same call sent again is accepted
   * again (same dimensions, time and values).
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param json its result.json
   * @param writtenAtMs the row's time, epoch ms (the end of the agent's run)
   * @throws IOException naming the table when the row is refused or cannot be written
   */
  public void putAgentResult(String runId, String region, String agentId, String json, long writtenAtMs) throws IOException {
    int budget = maxRecordBytes - TimestreamSchema.SAFETY_BYTES;
    List<String> slices = new ArrayList<>();
    int pos = 0;
    while (pos < json.length() || slices.isEmpty()) {
      int size = 8 + TimestreamSchema.utf8(AGENT_MEASURE) + TimestreamSchema.utf8(TimestreamSchema.D_RUN) + TimestreamSchema.utf8(runId)
          + TimestreamSchema.utf8(TimestreamSchema.D_REGION) + TimestreamSchema.utf8(region) + TimestreamSchema.utf8(TimestreamSchema.D_AGENT)
          + TimestreamSchema.utf8(agentId) + TimestreamSchema.utf8(TimestreamSchema.D_PART) + 6 + TimestreamSchema.utf8(TimestreamSchema.M_PARTS)
          + 8 + TimestreamSchema.utf8(M_AGENT_RESULT);
      if (budget - size < 64) {
        throw new IOException("the facts row of agent " + agentId + " does not fit in a Timestream record: its dimensions take " + size
            + " bytes");
      }
      int end = TimestreamSchema.prefixEnd(json, pos, budget - size);
      slices.add(json.substring(pos, end));
      pos = end;
    }
    List<software.amazon.awssdk.services.timestreamwrite.model.Record> records = new ArrayList<>();
    for (int part = 0; part < slices.size(); part++) {
      records.add(software.amazon.awssdk.services.timestreamwrite.model.Record.builder()
          .dimensions(dimension(TimestreamSchema.D_RUN, runId), dimension(TimestreamSchema.D_REGION, region),
              dimension(TimestreamSchema.D_AGENT, agentId), dimension(TimestreamSchema.D_PART, Integer.toString(part)))
          .measureName(AGENT_MEASURE)
          .measureValueType(software.amazon.awssdk.services.timestreamwrite.model.MeasureValueType.MULTI)
          .measureValues(measure(M_AGENT_RESULT, slices.get(part), "VARCHAR"),
              measure(TimestreamSchema.M_PARTS, Integer.toString(slices.size()), "BIGINT"))
          .time(Long.toString(writtenAtMs))
          .timeUnit(software.amazon.awssdk.services.timestreamwrite.model.TimeUnit.MILLISECONDS)
          .build());
    }
    for (int from = 0; from < records.size(); from += MAX_RECORDS_PER_WRITE) {
      List<software.amazon.awssdk.services.timestreamwrite.model.Record> call =
          records.subList(from, Math.min(records.size(), from + MAX_RECORDS_PER_WRITE));
      try {
        write.writeRecords(b -> b.databaseName(database).tableName(table).records(call));
      } catch (RejectedRecordsException e) {
        throw new IOException("Timestream table " + database + "." + table + " refused the facts row of agent " + agentId + ": "
            + (e.hasRejectedRecords() ? e.rejectedRecords().stream().map(RejectedRecord::reason).distinct().toList() : e.getMessage()), e);
      } catch (RuntimeException e) {
        throw new IOException("cannot write the facts row of agent " + agentId + " to Timestream table " + database + "." + table + ": "
            + e.getMessage(), e);
      }
    }
  }

  /**
   * The agents' facts rows of a run, each joined across its parts.
   *
   * @param runId the run
   * @return {@code <region>/<agentId>} → that agent's result.json, sorted; an agent whose row is not (completely)
   *     visible yet is left out, as is everything in a table no facts row was ever written to
   * @throws IOException naming the table when Timestream cannot be queried
   */
  public Map<String, String> readAgentResults(String runId) throws IOException {
    String sql = "SELECT " + TimestreamSchema.quote(TimestreamSchema.D_REGION) + ", " + TimestreamSchema.quote(TimestreamSchema.D_AGENT)
        + ", " + TimestreamSchema.quote(TimestreamSchema.D_PART) + ", " + TimestreamSchema.quote(TimestreamSchema.M_PARTS) + ", "
        + TimestreamSchema.quote(M_AGENT_RESULT) + " FROM " + TimestreamSchema.quote(database) + "." + TimestreamSchema.quote(table)
        + " WHERE " + TimestreamSchema.quote(TimestreamSchema.D_RUN) + " = '" + runId.replace("'", "''") + "' AND measure_name = '"
        + AGENT_MEASURE + "'";
    List<Map<String, String>> rows;
    try {
      rows = rows(sql);
    } catch (software.amazon.awssdk.services.timestreamquery.model.ValidationException e) {
      if (noSuchColumn(e)) {
        return Map.of(); // no facts row was ever written to this table
      }
      throw new IOException("cannot query Timestream table " + database + "." + table + " for the agents' facts of run " + runId + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("cannot query Timestream table " + database + "." + table + " for the agents' facts of run " + runId + ": "
          + e.getMessage(), e);
    }
    Map<String, java.util.TreeMap<Integer, Map<String, String>>> byAgent = new java.util.TreeMap<>();
    for (Map<String, String> r : rows) {
      byAgent.computeIfAbsent(r.get(TimestreamSchema.D_REGION) + "/" + r.get(TimestreamSchema.D_AGENT), k -> new java.util.TreeMap<>())
          .put(Integer.parseInt(r.get(TimestreamSchema.D_PART)), r);
    }
    Map<String, String> out = new java.util.TreeMap<>();
    byAgent.forEach((key, parts) -> {
      int expected = Integer.parseInt(parts.firstEntry().getValue().get(TimestreamSchema.M_PARTS));
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < expected; i++) {
        Map<String, String> p = parts.get(i);
        if (p == null || Integer.parseInt(p.get(TimestreamSchema.M_PARTS)) != expected) {
          return; // a part not visible yet
        }
        text.append(p.get(M_AGENT_RESULT) == null ? "" : p.get(M_AGENT_RESULT));
      }
      out.put(key, text.toString());
    });
    return out;
  }

  private static software.amazon.awssdk.services.timestreamwrite.model.Dimension dimension(String name, String value) {
    return software.amazon.awssdk.services.timestreamwrite.model.Dimension.builder().name(name).value(value)
        .dimensionValueType(software.amazon.awssdk.services.timestreamwrite.model.DimensionValueType.VARCHAR).build();
  }

  private static software.amazon.awssdk.services.timestreamwrite.model.MeasureValue measure(String name, String value, String type) {
    return software.amazon.awssdk.services.timestreamwrite.model.MeasureValue.builder().name(name).value(value).type(type).build();
  }

  /** One page's rows, column name to scalar text (null for SQL NULL). */
  private static List<Map<String, String>> rowsOf(QueryResponse page) {
    List<Map<String, String>> rows = new ArrayList<>();
    List<ColumnInfo> columns = page.columnInfo();
    for (Row row : page.rows()) {
      List<Datum> data = row.data();
      Map<String, String> values = new HashMap<>();
      for (int i = 0; i < columns.size() && i < data.size(); i++) {
        Datum d = data.get(i);
        values.put(columns.get(i).name(), Boolean.TRUE.equals(d.nullValue()) ? null : d.scalarValue());
      }
      rows.add(values);
    }
    return rows;
  }

  /** Every row of a query, all pages, column name to scalar text (null for SQL NULL). */
  private List<Map<String, String>> rows(String sql) {
    List<Map<String, String>> rows = new ArrayList<>();
    String token = null;
    do {
      QueryResponse page = query.query(QueryRequest.builder().queryString(sql).nextToken(token).build());
      rows.addAll(rowsOf(page));
      token = page.nextToken();
    } while (token != null && !token.isEmpty());
    return rows;
  }

  @Override
  public void close() {
    if (ownsClients) {
      write.close();
      query.close();
    }
  }

  /** Up to 100 Timestream records: the unit of one WriteRecords call and of its retries. */
  record Batch(List<TimestreamSchema.Part> parts) {}

  /** Packs parts into WriteRecords calls and resends only what Timestream refused for a passing reason. */
  private final class WriteTransport implements Transport<Batch> {
    private long seq;

    @Override
    public String target() {
      return "Timestream table " + database + "." + table;
    }

    @Override
    public List<Batch> batches(List<IntervalRecord> records) throws IOException {
      List<Batch> out = new ArrayList<>();
      List<TimestreamSchema.Part> current = new ArrayList<>();
      for (IntervalRecord r : records) {
        List<TimestreamSchema.Part> parts = TimestreamSchema.encode(r, seq++, maxRecordBytes);
        if (!current.isEmpty() && current.size() + parts.size() > MAX_RECORDS_PER_WRITE) {
          out.add(new Batch(List.copyOf(current))); // keep a record's parts in one call where possible
          current.clear();
        }
        for (TimestreamSchema.Part p : parts) {
          if (current.size() == MAX_RECORDS_PER_WRITE) {
            out.add(new Batch(List.copyOf(current)));
            current.clear();
          }
          current.add(p);
        }
      }
      if (!current.isEmpty()) {
        out.add(new Batch(List.copyOf(current)));
      }
      return out;
    }

    @Override
    public List<IntervalRecord> records(Batch batch) {
      Map<IntervalRecord, Boolean> seen = new IdentityHashMap<>();
      List<IntervalRecord> out = new ArrayList<>();
      for (TimestreamSchema.Part p : batch.parts()) {
        if (seen.put(p.source(), Boolean.TRUE) == null) {
          out.add(p.source());
        }
      }
      return out;
    }

    @Override
    public long bytes(Batch batch) {
      long n = 0;
      for (TimestreamSchema.Part p : batch.parts()) {
        n += p.estimatedBytes() + 256L; // the SDK objects around the values
      }
      return n;
    }

    @Override
    public Outcome<Batch> send(Batch batch) {
      try {
        write.writeRecords(b -> b.databaseName(database).tableName(table)
            .records(batch.parts().stream().map(TimestreamSchema.Part::record).toList()));
        return Outcome.stored();
      } catch (RejectedRecordsException e) {
        if (!e.hasRejectedRecords() || e.rejectedRecords().isEmpty()) {
          throw e; // nothing says which records failed; the whole call is retried
        }
        List<TimestreamSchema.Part> retry = new ArrayList<>();
        List<Rejection> refused = new ArrayList<>();
        for (RejectedRecord rr : e.rejectedRecords()) {
          Integer index = rr.recordIndex();
          if (index == null || index < 0 || index >= batch.parts().size()) {
            throw e;
          }
          TimestreamSchema.Part p = batch.parts().get(index);
          if (isLasting(rr)) {
            refused.add(new Rejection(p.source(), "Timestream rejected the record: " + rr.reason()));
          } else {
            retry.add(p);
          }
        }
        return new Outcome<>(retry.isEmpty() ? List.of() : List.of(new Batch(List.copyOf(retry))), refused);
      }
    }

    @Override
    public boolean isTransient(Exception failure) {
      return AwsErrors.isTransient(failure);
    }
  }

  /** Duplicates with other values, version conflicts and limit violations do not go away by resending. */
  static boolean isLasting(RejectedRecord rr) {
    if (rr.existingVersion() != null) {
      return true;
    }
    String reason = rr.reason() == null ? "" : rr.reason().toLowerCase(Locale.ROOT);
    return reason.contains("duplicate") || reason.contains("exceed") || reason.contains("limit")
        || reason.contains("version") || reason.contains("invalid") || reason.contains("schema");
  }

  private static String requireName(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    return value;
  }
}
