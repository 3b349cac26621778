package dev.constellation.agent.results.timestream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import java.net.URI;

/**
 * A WireMock response transformer answering Timestream's JSON 1.0 protocol the way the service does:
 * WriteRecords (throttling a share of calls, rejecting a share of records) and Query (paginated rows
 * in the real response shape, from rows a test provides).
 */
final class TimestreamFake implements ResponseDefinitionTransformerV2 {

  static final String NAME = "timestream-fake";
  static final String JSON_10 = "application/x-amz-json-1.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SplittableRandom random = new SplittableRandom(20261127);
  private double throttleRate;
  private double rejectRate;
  private String rejectReason = "";
  private List<Map<String, String>> rows = List.of();
  private List<String> columns = List.of();
  private int pageSize = 7;

  synchronized TimestreamFake throttle(double rate) {
    this.throttleRate = rate;
    return this;
  }

  synchronized TimestreamFake reject(double rate, String reason) {
    this.rejectRate = rate;
    this.rejectReason = reason;
    return this;
  }

  synchronized TimestreamFake rows(List<String> columns, List<Map<String, String>> rows, int pageSize) {
    this.columns = List.copyOf(columns);
    this.rows = List.copyOf(rows);
    this.pageSize = pageSize;
    return this;
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public synchronized ResponseDefinition transform(ServeEvent event) {
    String target = event.getRequest().getHeader("X-Amz-Target");
    JsonNode body = read(event.getRequest().getBodyAsString());
    if ("Timestream_20181101.WriteRecords".equals(target)) {
      return write(body);
    }
    if ("Timestream_20181101.Query".equals(target)) {
      return query(body);
    }
    return json(400, "{\"__type\":\"ValidationException\",\"Message\":\"unexpected target " + target + "\"}");
  }

  private ResponseDefinition write(JsonNode body) {
    int n = body.path("Records").size();
    if (random.nextDouble() < throttleRate) {
      return json(400, "{\"__type\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}");
    }
    ArrayNode rejected = JSON.createArrayNode();
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < rejectRate) {
        rejected.addObject().put("RecordIndex", i).put("Reason", rejectReason);
      }
    }
    if (!rejected.isEmpty()) {
      ObjectNode error = JSON.createObjectNode();
      error.put("__type", "RejectedRecordsException");
      error.put("Message", "One or more records have been rejected. See RejectedRecords for details.");
      error.set("RejectedRecords", rejected);
      return json(419, error.toString());
    }
    return json(200, "{\"RecordsIngested\":{\"Total\":" + n + ",\"MemoryStore\":" + n + ",\"MagneticStore\":0}}");
  }

  private ResponseDefinition query(JsonNode body) {
    // Timestream refuses a query naming a column its table does not have; a multi-measure table has
    // a measure's column only once some record carried that measure
    String sql = body.path("QueryString").asText("");
    int from0 = sql.indexOf(" FROM ");
    java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("\"([^\"]+)\"").matcher(from0 < 0 ? sql : sql.substring(0, from0));
    while (quoted.find()) {
      if (!columns.isEmpty() && !columns.contains(quoted.group(1))) {
        return json(400, "{\"__type\":\"ValidationException\",\"Message\":\"line 1:8: Column '" + quoted.group(1)
            + "' does not exist\"}");
      }
    }
    String token = body.path("NextToken").asText("");
    ObjectNode out = JSON.createObjectNode();
    out.put("QueryId", "AEDQCANXQ7NBSFJ2ZQ");
    int from;
    if (token.isEmpty()) {
      from = -1; // the first page of a real query is often empty while it runs
    } else {
      from = Integer.parseInt(token.substring("page-".length()));
    }
    ArrayNode outRows = out.putArray("Rows");
    int to = from < 0 ? 0 : Math.min(rows.size(), from + pageSize);
    for (int i = Math.max(0, from); i < to; i++) {
      ArrayNode data = outRows.addObject().putArray("Data");
      for (String c : columns) {
        String v = rows.get(i).get(c);
        if (v == null) {
          data.addObject().put("NullValue", true);
        } else {
          data.addObject().put("ScalarValue", v);
        }
      }
    }
    ArrayNode info = out.putArray("ColumnInfo");
    for (String c : columns) {
      String type = c.equals(TimestreamSchema.C_START) || c.equals(TimestreamSchema.M_COUNT)
          || c.equals(TimestreamSchema.M_FAILURES) || c.equals(TimestreamSchema.M_BYTES)
          || c.equals(TimestreamSchema.M_LENGTH) || c.equals(TimestreamSchema.M_PARTS)
          || c.equals(TimestreamSchema.M_VERSION) ? "BIGINT" : "VARCHAR";
      info.addObject().put("Name", c).putObject("Type").put("ScalarType", type);
    }
    if (from < 0 || to < rows.size()) {
      out.put("NextToken", "page-" + to);
    }
    out.putObject("QueryStatus").put("ProgressPercentage", 100.0).put("CumulativeBytesScanned", 4096)
        .put("CumulativeBytesMetered", 10_000_000);
    return json(200, out.toString());
  }

  static ResponseDefinition json(int status, String body) {
    return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition().withStatus(status).withHeader("Content-Type", JSON_10)
        .withBody(body).build();
  }

  static JsonNode read(String text) {
    try {
      return JSON.readTree(text == null || text.isEmpty() ? "{}" : text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TimestreamWriteClient writeClient(int port) {
    return TimestreamWriteClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(noRetries()))
        .build();
  }

  static TimestreamQueryClient queryClient(int port) {
    return TimestreamQueryClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(noRetries()))
        .build();
  }

  private static RetryStrategy noRetries() {
    return AwsRetryStrategy.doNotRetry();
  }

  /** The rows a run's records would occupy in the table, one per Timestream record, keyed by query column. */
  static List<Map<String, String>> rowsOf(List<JsonNode> records) {
    List<Map<String, String>> out = new ArrayList<>();
    for (JsonNode r : records) {
      Map<String, String> row = new java.util.HashMap<>();
      r.path("Dimensions").forEach(d -> row.put(d.path("Name").asText(), d.path("Value").asText()));
      r.path("MeasureValues").forEach(m -> row.put(m.path("Name").asText(), m.path("Value").asText()));
      row.put(TimestreamSchema.C_START, r.path("Time").asText());
      out.add(row);
    }
    return out;
  }
}
