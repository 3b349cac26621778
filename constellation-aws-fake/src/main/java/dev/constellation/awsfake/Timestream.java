package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Timestream for LiveAnalytics, write and query (awsJson1_0, target prefix {@code Timestream_20181101};
 * both SDK clients sign with the scope {@code timestream}): {@code DescribeEndpoints}, databases and
 * tables with tags, {@code WriteRecords} (multi-measure and single-measure records, stored per region,
 * database and table; a record with the same dimensions, time and measure name is accepted again only
 * with the same values, or replaces the stored one when its {@code Version} is higher, as Timestream does) and
 * {@code Query} for the {@code SELECT ... FROM "db"."table" WHERE "dim" = '...' AND measure_name = '...'
 * [AND time >= from_milliseconds(N)] [ORDER BY time|column [ASC|DESC]]} shape, paginated ({@code MaxRows} 1..1000
 * rows a page at most) with an empty first page as a running query often answers. A query naming a column no
 * record of the table carried is refused ({@code ValidationException}), as is any SQL outside that shape.
 *
 * <p>By default the account is not a Timestream customer (the service closed to new customers on
 * 2025-06-20): every call is refused with {@code AccessDeniedException} until a test calls
 * {@link #customer(boolean)}. Faults: {@link #throttle}, {@link #reject}, {@link #visibilityDelay}
 * (records become visible to {@code Query} only after a delay: Timestream reads are eventually
 * consistent), {@link #queryPageSize}.
 */
public final class Timestream {

  static final String JSON_10 = "application/x-amz-json-1.0";

  /** One stored Timestream record. */
  private record Stored(String region, String database, String table, Map<String, String> dimensions, String measureName,
      Map<String, String[]> measures, long timeMs, long visibleAt, long version) {
    String identity() {
      return new TreeMap<>(dimensions) + "@" + timeMs + "/" + measureName;
    }
  }

  private static final class Db {
    final String name;
    final String arn;
    final Map<String, String> tags;
    final Map<String, Table> tables = new LinkedHashMap<>();
    final long created = System.currentTimeMillis();

    Db(String name, String arn, Map<String, String> tags) {
      this.name = name;
      this.arn = arn;
      this.tags = tags;
    }
  }

  private static final class Table {
    final String name;
    final String arn;
    final Map<String, String> tags;
    final JsonNode retention;
    final JsonNode magnetic;
    final Map<String, Stored> records = new LinkedHashMap<>();
    final long created = System.currentTimeMillis();

    Table(String name, String arn, Map<String, String> tags, JsonNode retention, JsonNode magnetic) {
      this.name = name;
      this.arn = arn;
      this.tags = tags;
      this.retention = retention;
      this.magnetic = magnetic;
    }
  }

  private final FakeAws fake;
  private final Object lock;
  private final Map<String, Map<String, Db>> databases = new HashMap<>();
  private final List<JsonNode> accepted = new ArrayList<>();
  private final Map<String, List<Map<String, String>>> results = new HashMap<>();
  private final SplittableRandom random = new SplittableRandom(20261127);
  private boolean customer;
  private double throttleRate;
  private double rejectRate;
  private String rejectReason = "";
  private long visibilityDelayMs;
  private int pageSize = 1000;
  private long queryIds;
  private int throttled;
  private int partlyRejected;

  Timestream(FakeAws fake) {
    this.fake = fake;
    this.lock = fake.lock;
  }

  // ------------------------------------------------------------------------------ test controls

  /** Whether the account may use Timestream (default false: every call is {@code AccessDeniedException}). */
  public Timestream customer(boolean customer) {
    synchronized (lock) {
      this.customer = customer;
    }
    return this;
  }

  /** A share (0..1) of {@code WriteRecords} calls answered {@code ThrottlingException}, nothing stored. */
  public Timestream throttle(double rate) {
    synchronized (lock) {
      this.throttleRate = rate;
    }
    return this;
  }

  /**
   * A share (0..1) of the records of each {@code WriteRecords} call refused with this reason: the call
   * answers {@code RejectedRecordsException} (HTTP 419) listing them, and stores the others.
   */
  public Timestream reject(double rate, String reason) {
    synchronized (lock) {
      this.rejectRate = rate;
      this.rejectReason = reason;
    }
    return this;
  }

  /** Records are visible to {@code Query} this long after they were written (default 0). */
  public Timestream visibilityDelay(Duration delay) {
    synchronized (lock) {
      this.visibilityDelayMs = delay.toMillis();
    }
    return this;
  }

  /** Rows per {@code Query} page after the empty first page (default 1000, as Timestream's maximum). */
  public Timestream queryPageSize(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("queryPageSize must be >= 1; got " + rows);
    }
    synchronized (lock) {
      this.pageSize = rows;
    }
    return this;
  }

  /**
   * Every record a {@code WriteRecords} call accepted, in order, as sent ({@code Dimensions},
   * {@code MeasureName}, {@code MeasureValues}, {@code Time}, ...; common attributes merged in). A
   * record sent again with the same values is accepted again and listed again, as Timestream
   * accepts such a duplicate.
   */
  public List<JsonNode> accepted() {
    synchronized (lock) {
      return List.copyOf(accepted);
    }
  }

  /** How many records a table holds now (visible or not). */
  public int recordCount(String region, String database, String table) {
    synchronized (lock) {
      Db db = databases.getOrDefault(region, Map.of()).get(database);
      Table t = db == null ? null : db.tables.get(table);
      return t == null ? 0 : t.records.size();
    }
  }

  /** {@code WriteRecords} calls answered {@code ThrottlingException} by {@link #throttle}. */
  public int throttledWrites() {
    synchronized (lock) {
      return throttled;
    }
  }

  /** {@code WriteRecords} calls answered {@code RejectedRecordsException} (some records refused). */
  public int rejectedWrites() {
    synchronized (lock) {
      return partlyRejected;
    }
  }

  /**
   * Removes the stored records of every table whose dimension {@code name} has {@code value}, as if
   * they had never been written (e.g. {@code part} = {@code 1}: a record's second part is missing).
   *
   * @return how many were removed
   */
  public int dropWhere(String name, String value) {
    synchronized (lock) {
      int[] n = {0};
      databases.values().forEach(dbs -> dbs.values().forEach(d -> d.tables.values().forEach(t -> t.records.values()
          .removeIf(r -> {
            boolean drop = value.equals(r.dimensions().get(name));
            n[0] += drop ? 1 : 0;
            return drop;
          }))));
      return n[0];
    }
  }

  /** Forgets the accepted-records log (not the tables). */
  public void clearAccepted() {
    synchronized (lock) {
      accepted.clear();
    }
  }

  // ------------------------------------------------------------------------------ service

  List<FakeResource> resources() {
    List<FakeResource> out = new ArrayList<>();
    databases.forEach((region, dbs) -> dbs.values().forEach(d -> {
      out.add(new FakeResource("timestream", region, "database", d.name, d.arn, d.name, Map.copyOf(d.tags)));
      d.tables.values().forEach(t -> out.add(new FakeResource("timestream", region, "table", d.name + "/" + t.name, t.arn,
          t.name, Map.copyOf(t.tags))));
    }));
    return out;
  }

  Resp handle(String op, Req req) {
    if (!customer) {
      throw AwsError.badRequest("AccessDeniedException",
          "Only existing Timestream for LiveAnalytics customers can access the service. Reach out to AWS Support for more information.");
    }
    JsonNode in = Js.parse(req.body);
    return switch (op) {
      case "DescribeEndpoints" -> ok(Js.obj().set("Endpoints", Js.arr().add(Js.obj()
          .put("Address", fake.endpoint().getAuthority()).put("CachePeriodInMinutes", 1440))));
      case "ListDatabases" -> {
        ArrayNode a = Js.arr();
        region(req).values().forEach(d -> a.add(database(d)));
        yield ok(Js.obj().set("Databases", a));
      }
      case "CreateDatabase" -> {
        String name = Js.str(in, "DatabaseName", "ValidationException");
        if (region(req).containsKey(name)) {
          throw conflict("The database " + name + " already exists.");
        }
        Db d = new Db(name, arn(req, "database/" + name), Js.tagList(in, "Tags", "Key", "Value"));
        region(req).put(name, d);
        yield ok(Js.obj().set("Database", database(d)));
      }
      case "DescribeDatabase" -> ok(Js.obj().set("Database", database(db(req, in))));
      case "DeleteDatabase" -> {
        Db d = db(req, in);
        if (!d.tables.isEmpty()) {
          throw AwsError.badRequest("ValidationException", "Cannot delete database " + d.name + ": it still has tables.");
        }
        region(req).remove(d.name);
        yield ok(Js.obj());
      }
      case "CreateTable" -> {
        Db d = db(req, in);
        String name = Js.str(in, "TableName", "ValidationException");
        if (d.tables.containsKey(name)) {
          throw conflict("The table " + name + " already exists.");
        }
        Table t = new Table(name, d.arn + "/table/" + name, Js.tagList(in, "Tags", "Key", "Value"),
            in.path("RetentionProperties"), in.path("MagneticStoreWriteProperties"));
        d.tables.put(name, t);
        yield ok(Js.obj().set("Table", table(d, t)));
      }
      case "DescribeTable" -> {
        Db d = db(req, in);
        yield ok(Js.obj().set("Table", table(d, table(d, in))));
      }
      case "ListTables" -> {
        Db d = db(req, in);
        ArrayNode a = Js.arr();
        d.tables.values().forEach(t -> a.add(table(d, t)));
        yield ok(Js.obj().set("Tables", a));
      }
      case "DeleteTable" -> {
        Db d = db(req, in);
        d.tables.remove(table(d, in).name);
        yield ok(Js.obj());
      }
      case "ListTagsForResource" -> ok(Js.obj().set("Tags", Js.tagArray(tagsOf(req, Js.str(in, "ResourceARN",
          "ValidationException")), "Key", "Value")));
      case "TagResource" -> {
        tagsOf(req, Js.str(in, "ResourceARN", "ValidationException")).putAll(Js.tagList(in, "Tags", "Key", "Value"));
        yield ok(Js.obj());
      }
      case "UntagResource" -> {
        Map<String, String> tags = tagsOf(req, Js.str(in, "ResourceARN", "ValidationException"));
        Js.strings(in, "TagKeys").forEach(tags::remove);
        yield ok(Js.obj());
      }
      case "WriteRecords" -> write(req, in);
      case "Query" -> query(req, in);
      default -> throw AwsError.badRequest("UnknownOperationException", "The fake does not model Timestream operation " + op);
    };
  }

  private Resp write(Req req, JsonNode in) {
    Db d = db(req, in);
    Table t = table(d, in);
    JsonNode records = in.path("Records");
    if (records.size() < 1 || records.size() > 100) {
      throw AwsError.badRequest("ValidationException", "1 validation error detected: Value at 'records' failed to satisfy "
          + "constraint: Member must have length less than or equal to 100 and greater than or equal to 1");
    }
    if (random.nextDouble() < throttleRate) {
      throttled++;
      throw AwsError.badRequest("ThrottlingException", "Rate exceeded");
    }
    JsonNode common = in.path("CommonAttributes");
    ArrayNode rejected = Js.arr();
    long now = System.currentTimeMillis();
    int stored = 0;
    for (int i = 0; i < records.size(); i++) {
      ObjectNode r = merge(common, records.get(i));
      if (random.nextDouble() < rejectRate) {
        rejected.addObject().put("RecordIndex", i).put("Reason", rejectReason);
        continue;
      }
      Stored s = parse(req.region, d.name, t.name, r, now + visibilityDelayMs);
      Stored before = t.records.get(s.identity());
      // WriteRecords (Record.Version): a record with the same dimensions, time and measure name replaces the stored one
      // when its version is higher; with the same values it is accepted (the version still updated when higher); with
      // other values and a version not higher it is refused with the stored version
      if (before != null && !sameValues(before, s) && s.version() <= before.version()) {
        rejected.addObject().put("RecordIndex", i).put("ExistingVersion", before.version())
            .put("Reason", "A record with the same dimensions, timestamp and measure name but different measure values "
                + "already exists in the table.");
        continue;
      }
      if (before == null || s.version() > before.version()) {
        t.records.put(s.identity(), s);
      }
      accepted.add(r);
      stored++;
    }
    if (!rejected.isEmpty()) {
      partlyRejected++;
      ObjectNode error = Js.obj().put("__type", "RejectedRecordsException")
          .put("Message", "One or more records have been rejected. See RejectedRecords for details.");
      error.set("RejectedRecords", rejected);
      return new Resp(419, JSON_10, Js.write(error));
    }
    ObjectNode out = Js.obj();
    out.putObject("RecordsIngested").put("Total", stored).put("MemoryStore", stored).put("MagneticStore", 0);
    return ok(out);
  }

  private static ObjectNode merge(JsonNode common, JsonNode record) {
    ObjectNode r = Js.obj();
    if (common.isObject()) {
      r.setAll((ObjectNode) common.deepCopy());
    }
    ArrayNode dims = Js.arr();
    common.path("Dimensions").forEach(dims::add);
    record.path("Dimensions").forEach(dims::add);
    r.setAll((ObjectNode) record.deepCopy());
    r.set("Dimensions", dims);
    return r;
  }

  private static Stored parse(String region, String db, String table, JsonNode r, long visibleAt) {
    Map<String, String> dims = new LinkedHashMap<>();
    r.path("Dimensions").forEach(x -> dims.put(x.path("Name").asText(), x.path("Value").asText()));
    String measureName = r.path("MeasureName").asText("");
    if (measureName.isEmpty()) {
      throw AwsError.badRequest("ValidationException", "Record lacks MeasureName");
    }
    Map<String, String[]> measures = new LinkedHashMap<>();
    if ("MULTI".equals(r.path("MeasureValueType").asText())) {
      r.path("MeasureValues").forEach(m -> measures.put(m.path("Name").asText(),
          new String[] {m.path("Value").asText(), m.path("Type").asText("VARCHAR")}));
    } else {
      measures.put("measure_value::" + r.path("MeasureValueType").asText("DOUBLE").toLowerCase(java.util.Locale.ROOT),
          new String[] {r.path("MeasureValue").asText(), r.path("MeasureValueType").asText("DOUBLE")});
    }
    long version = r.path("Version").asLong(1);
    if (version < 1) {
      throw AwsError.badRequest("ValidationException", "Version must be 1 or greater; got " + version);
    }
    long time = Long.parseLong(r.path("Time").asText("0"));
    long ms = switch (r.path("TimeUnit").asText("MILLISECONDS")) {
      case "SECONDS" -> time * 1000;
      case "MICROSECONDS" -> time / 1000;
      case "NANOSECONDS" -> time / 1_000_000;
      default -> time;
    };
    return new Stored(region, db, table, dims, measureName, measures, ms, visibleAt, version);
  }

  private static boolean sameValues(Stored a, Stored b) {
    if (!a.measures().keySet().equals(b.measures().keySet())) {
      return false;
    }
    for (Map.Entry<String, String[]> e : a.measures().entrySet()) {
      if (!e.getValue()[0].equals(b.measures().get(e.getKey())[0])) {
        return false;
      }
    }
    return true;
  }

  private static final Pattern SELECT = Pattern.compile(
      "(?is)\\s*SELECT\\s+(.+?)\\s+FROM\\s+\"([^\"]+)\"\\.\"([^\"]+)\"\\s+WHERE\\s+(.+?)(?:\\s+ORDER\\s+BY\\s+(.+?))?\\s*");
  private static final Pattern ORDER_ITEM = Pattern.compile("(?is)(time|\"[^\"]+\"|\\w+)(?:\\s+(ASC|DESC))?");
  private static final Pattern DIM_EQUALS = Pattern.compile("(?is)\"([^\"]+)\"\\s*=\\s*'((?:[^']|'')*)'");
  private static final Pattern MEASURE_EQUALS = Pattern.compile("(?is)measure_name\\s*=\\s*'((?:[^']|'')*)'");
  private static final Pattern TIME_FROM = Pattern.compile("(?is)time\\s*>=\\s*from_milliseconds\\((\\d+)\\)");
  private static final Pattern TO_MS = Pattern.compile("(?is)to_milliseconds\\(time\\)\\s+AS\\s+(\\w+)");

  private Resp query(Req req, JsonNode in) {
    int rowsPerPage = pageSize;
    if (in.has("MaxRows")) {
      int max = in.path("MaxRows").asInt();
      if (max < 1 || max > 1000) {
        throw AwsError.badRequest("ValidationException", "1 validation error detected: Value '" + in.path("MaxRows").asText()
            + "' at 'maxRows' failed to satisfy constraint: Member must have value between 1 and 1000");
      }
      rowsPerPage = Math.min(rowsPerPage, max);
    }
    String token = Js.opt(in, "NextToken");
    if (token != null && !token.isEmpty()) {
      int colon = token.lastIndexOf(':');
      List<Map<String, String>> snapshot = results.get(token.substring(0, colon));
      if (snapshot == null) {
        throw AwsError.badRequest("ValidationException", "Invalid NextToken: " + token);
      }
      return page(token.substring(0, colon), snapshot, Integer.parseInt(token.substring(colon + 1)), rowsPerPage);
    }
    String sql = Js.str(in, "QueryString", "ValidationException");
    Matcher m = SELECT.matcher(sql);
    if (!m.matches()) {
      throw AwsError.badRequest("ValidationException", "The fake understands SELECT <columns> FROM \"db\".\"table\" WHERE ...; got: "
          + sql);
    }
    Db d = region(req).get(m.group(2));
    Table t = d == null ? null : d.tables.get(m.group(3));
    if (t == null) {
      throw AwsError.badRequest("ValidationException", "line 1: Table " + m.group(2) + "." + m.group(3) + " does not exist");
    }
    List<String[]> columns = new ArrayList<>(); // {output name, source}
    for (String c : m.group(1).split(",")) {
      String item = c.trim();
      Matcher ms = TO_MS.matcher(item);
      if (ms.matches()) {
        columns.add(new String[] {ms.group(1), "time"});
      } else if (item.matches("\"[^\"]+\"")) {
        columns.add(new String[] {item.substring(1, item.length() - 1), item.substring(1, item.length() - 1)});
      } else {
        throw AwsError.badRequest("ValidationException", "The fake understands quoted columns and to_milliseconds(time) AS x; got: "
            + item);
      }
    }
    // Timestream refuses a query naming a column its table does not have; a multi-measure table has
    // a dimension's or a measure's column only once some record carried it
    if (!t.records.isEmpty()) {
      java.util.Set<String> known = new java.util.HashSet<>(List.of("time", "measure_name"));
      for (Stored s : t.records.values()) {
        known.addAll(s.dimensions().keySet());
        known.addAll(s.measures().keySet());
      }
      for (String[] c : columns) {
        if (!known.contains(c[1])) {
          throw AwsError.badRequest("ValidationException", "line 1:8: Column '" + c[1] + "' does not exist");
        }
      }
    }
    Map<String, String> dimEquals = new LinkedHashMap<>();
    String measure = null;
    long from = Long.MIN_VALUE;
    for (String cond : m.group(4).split("(?i)\\s+AND\\s+")) {
      Matcher dm = DIM_EQUALS.matcher(cond.trim());
      Matcher mm = MEASURE_EQUALS.matcher(cond.trim());
      Matcher tm = TIME_FROM.matcher(cond.trim());
      if (dm.matches()) {
        dimEquals.put(dm.group(1), dm.group(2).replace("''", "'"));
      } else if (mm.matches()) {
        measure = mm.group(1).replace("''", "'");
      } else if (tm.matches()) {
        from = Long.parseLong(tm.group(1));
      } else {
        throw AwsError.badRequest("ValidationException", "The fake understands \"dim\" = '...', measure_name = '...' and "
            + "time >= from_milliseconds(n); got: " + cond);
      }
    }
    long now = System.currentTimeMillis();
    List<Map<String, String>> rows = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (String[] c : columns) {
      types.put(c[0], c[1].equals("time") ? "BIGINT" : "VARCHAR");
    }
    for (Stored s : t.records.values()) {
      if (s.visibleAt() > now || s.timeMs() < from || (measure != null && !measure.equals(s.measureName()))) {
        continue;
      }
      boolean match = true;
      for (Map.Entry<String, String> e : dimEquals.entrySet()) {
        match &= e.getValue().equals(s.dimensions().get(e.getKey()));
      }
      if (!match) {
        continue;
      }
      Map<String, String> row = new LinkedHashMap<>();
      if (m.group(5) != null) {
        row.put("\u0000time", Long.toString(s.timeMs())); // for ORDER BY time; removed once sorted
      }
      for (String[] c : columns) {
        String v;
        if (c[1].equals("time")) {
          v = Long.toString(s.timeMs());
        } else if (s.dimensions().containsKey(c[1])) {
          v = s.dimensions().get(c[1]);
        } else {
          String[] mv = s.measures().get(c[1]);
          v = mv == null ? null : mv[0];
          if (mv != null) {
            types.put(c[0], mv[1]);
          }
        }
        row.put(c[0], v);
      }
      rows.add(row);
    }
    if (m.group(5) != null) {
      order(rows, columns, types, m.group(5));
    }
    String id = "AEDQ" + (++queryIds);
    List<Map<String, String>> snapshot = new ArrayList<>();
    snapshot.add(types);
    snapshot.addAll(rows);
    results.put(id, snapshot);
    return page(id, snapshot, -1, rowsPerPage);
  }

  /**
   * ORDER BY one column, {@code time} or a selected column (by its name or its alias), ASC (the default) or DESC;
   * numbers (BIGINT, DOUBLE, the time) compare as numbers, other types as text; NULLs last, as Timestream (Presto)
   * orders them. Anything else is refused as the fake does not model it.
   */
  private static void order(List<Map<String, String>> rows, List<String[]> columns, Map<String, String> types, String clause) {
    Matcher om = ORDER_ITEM.matcher(clause.trim());
    if (!om.matches()) {
      throw AwsError.badRequest("ValidationException", "The fake understands ORDER BY <one column> [ASC|DESC]; got: " + clause);
    }
    String name = om.group(1).startsWith("\"") ? om.group(1).substring(1, om.group(1).length() - 1) : om.group(1);
    boolean desc = om.group(2) != null && om.group(2).equalsIgnoreCase("DESC");
    boolean time = om.group(1).equalsIgnoreCase("time");
    String output = null;
    for (String[] c : columns) {
      if (!time && (c[0].equals(name) || c[1].equals(name))) {
        output = c[0];
      }
    }
    if (!time && output == null) {
      throw AwsError.badRequest("ValidationException", "line 1: ORDER BY " + name + ": the fake orders only by time or a selected column");
    }
    String type = time ? "BIGINT" : types.get(output);
    boolean numeric = time || "BIGINT".equals(type) || "DOUBLE".equals(type);
    String key = time ? "\u0000time" : output;
    java.util.Comparator<Map<String, String>> byValue = (a, b) -> {
      String x = a.get(key);
      String y = b.get(key);
      return numeric ? Double.compare(Double.parseDouble(x), Double.parseDouble(y)) : x.compareTo(y);
    };
    if (desc) {
      byValue = byValue.reversed();
    }
    java.util.Comparator<Map<String, String>> nullsLast = byValue;
    rows.sort((a, b) -> a.get(key) == null ? (b.get(key) == null ? 0 : 1) : b.get(key) == null ? -1 : nullsLast.compare(a, b));
    rows.forEach(r -> r.remove("\u0000time"));
  }

  /** One page: the first ({@code from} -1) is empty, as a running query often answers; the last has no NextToken. */
  private Resp page(String id, List<Map<String, String>> snapshot, int from, int pageSize) {
    Map<String, String> types = snapshot.get(0);
    List<Map<String, String>> rows = snapshot.subList(1, snapshot.size());
    ObjectNode out = Js.obj();
    out.put("QueryId", id);
    ArrayNode outRows = out.putArray("Rows");
    int to = from < 0 ? 0 : Math.min(rows.size(), from + pageSize);
    for (int i = Math.max(0, from); i < to; i++) {
      ArrayNode data = outRows.addObject().putArray("Data");
      for (String c : types.keySet()) {
        String v = rows.get(i).get(c);
        if (v == null) {
          data.addObject().put("NullValue", true);
        } else {
          data.addObject().put("ScalarValue", v);
        }
      }
    }
    ArrayNode info = out.putArray("ColumnInfo");
    types.forEach((name, type) -> info.addObject().put("Name", name).putObject("Type").put("ScalarType", type));
    if (from < 0 || to < rows.size()) {
      out.put("NextToken", id + ":" + to);
    } else {
      results.remove(id);
    }
    out.putObject("QueryStatus").put("ProgressPercentage", 100.0).put("CumulativeBytesScanned", 4096)
        .put("CumulativeBytesMetered", 10_000_000);
    return ok(out);
  }

  // ------------------------------------------------------------------------------ helpers

  private Map<String, Db> region(Req req) {
    return databases.computeIfAbsent(req.region, r -> new LinkedHashMap<>());
  }

  private Db db(Req req, JsonNode in) {
    String name = Js.str(in, "DatabaseName", "ValidationException");
    Db d = region(req).get(name);
    if (d == null) {
      throw notFound("The database " + name + " does not exist.");
    }
    return d;
  }

  private static Table table(Db d, JsonNode in) {
    String name = Js.str(in, "TableName", "ValidationException");
    Table t = d.tables.get(name);
    if (t == null) {
      throw notFound("The table " + name + " does not exist.");
    }
    return t;
  }

  private Map<String, String> tagsOf(Req req, String arn) {
    for (Db d : region(req).values()) {
      if (d.arn.equals(arn)) {
        return d.tags;
      }
      for (Table t : d.tables.values()) {
        if (t.arn.equals(arn)) {
          return t.tags;
        }
      }
    }
    throw notFound("The resource " + arn + " does not exist.");
  }

  private String arn(Req req, String resource) {
    return "arn:aws:timestream:" + req.region + ":" + fake.accountId() + ":" + resource;
  }

  private static ObjectNode database(Db d) {
    return Js.obj().put("Arn", d.arn).put("DatabaseName", d.name).put("TableCount", d.tables.size())
        .put("KmsKeyId", "arn:aws:kms:alias/aws/timestream").put("CreationTime", d.created / 1000.0)
        .put("LastUpdatedTime", d.created / 1000.0);
  }

  private static ObjectNode table(Db d, Table t) {
    ObjectNode o = Js.obj().put("Arn", t.arn).put("TableName", t.name).put("DatabaseName", d.name).put("TableStatus", "ACTIVE")
        .put("CreationTime", t.created / 1000.0).put("LastUpdatedTime", t.created / 1000.0);
    if (t.retention.isObject()) {
      o.set("RetentionProperties", t.retention);
    }
    if (t.magnetic.isObject()) {
      o.set("MagneticStoreWriteProperties", t.magnetic);
    }
    return o;
  }

  private static AwsError notFound(String message) {
    return AwsError.badRequest("ResourceNotFoundException", message);
  }

  private static AwsError conflict(String message) {
    return AwsError.badRequest("ConflictException", message);
  }

  private static Resp ok(JsonNode body) {
    return new Resp(200, JSON_10, Js.write(body));
  }
}
