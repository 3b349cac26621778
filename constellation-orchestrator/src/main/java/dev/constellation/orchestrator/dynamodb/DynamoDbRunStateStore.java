package dev.constellation.orchestrator.dynamodb;

import dev.constellation.orchestrator.RunRecord;
import dev.constellation.orchestrator.RunState;
import dev.constellation.orchestrator.RunStateStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Run state in a DynamoDB table (partition key {@code runId}, one item per run). Registrations
 * and ends are {@code ADD} to string sets, the start and the aborts are conditional {@code SET}s,
 * reads are strongly consistent; nothing is read, modified and written back.
 *
 * <p>Item: {@code expected} (N, total), {@code expectedByRegion} (M), {@code state} (S),
 * {@code ready} and {@code done} (SS of {@code region#agentId}), {@code ready@<region>} (SS of
 * agent ids, caps a region atomically), {@code summaries} (M of M), {@code startAt},
 * {@code resetAt}, {@code deadline}, {@code startBufferMs}, {@code lastAt} and {@code ttl} (N),
 * {@code abortReason} (S, only after {@code test-abort}).
 *
 * @since 0.1.0
 */
public final class DynamoDbRunStateStore implements RunStateStore {

  /** How long after its deadline a run item expires, when TTL is enabled on the table. */
  private static final long TTL_AFTER_DEADLINE_SECONDS = TimeUnit.DAYS.toSeconds(7);

  private final DynamoDbClient dynamo;
  private final String table;

  /**
   * A store in a table.
   *
   * @param dynamo the client, for the table's region
   * @param table the table name
   */
  public DynamoDbRunStateStore(DynamoDbClient dynamo, String table) {
    this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
    this.table = Objects.requireNonNull(table, "table");
  }

  /**
   * Creates the table if it does not exist (on-demand billing, key {@code runId}, tagged
   * {@code constellation:managed=true}) and waits until it is active.
   *
   * @return whether this call created it
   */
  public boolean ensureTable() {
    try {
      dynamo.describeTable(b -> b.tableName(table));
      dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
      return false;
    } catch (ResourceNotFoundException missing) {
      // create below
    }
    boolean created;
    try {
      dynamo.createTable(b -> b.tableName(table)
          .billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder()
              .attributeName("runId").attributeType(ScalarAttributeType.S).build())
          .keySchema(KeySchemaElement.builder().attributeName("runId").keyType(KeyType.HASH).build())
          .tags(Tag.builder().key("constellation:managed").value("true").build()));
      created = true;
    } catch (ResourceInUseException raced) {
      created = false;
    }
    dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
    return created;
  }

  @Override
  public void put(RunRecord fresh) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("runId", s(fresh.runId()));
    item.put("expected", n(fresh.expectedTotal()));
    Map<String, AttributeValue> byRegion = new HashMap<>();
    fresh.expected().forEach((region, count) -> byRegion.put(region, n(count)));
    item.put("expectedByRegion", AttributeValue.fromM(byRegion));
    item.put("state", s(fresh.state().name()));
    item.put("summaries", AttributeValue.fromM(Map.of()));
    item.put("resetAt", n(fresh.resetAt()));
    item.put("deadline", n(fresh.deadline()));
    item.put("startBufferMs", n(fresh.startBufferMs()));
    item.put("ttl", n(fresh.deadline() / 1000 + TTL_AFTER_DEADLINE_SECONDS));
    dynamo.putItem(b -> b.tableName(table).item(item));
  }

  @Override
  public Optional<RunRecord> get(String runId) {
    Map<String, AttributeValue> item =
        dynamo.getItem(b -> b.tableName(table).key(key(runId)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toRecord(item));
  }

  @Override
  public Optional<RunRecord> addReady(
      String runId, String region, String agentId, long now) {
    return update(UpdateItemRequest.builder()
        .updateExpression("SET #lastAt = :now ADD #ready :me, #rr :agent")
        .conditionExpression("#state = :waiting AND #deadline > :now AND attribute_exists(#ebr.#r)"
            + " AND (attribute_not_exists(#rr) OR size(#rr) < #ebr.#r OR contains(#rr, :agentId))")
        .expressionAttributeNames(Map.of("#lastAt", "lastAt", "#ready", "ready",
            "#rr", "ready@" + region, "#state", "state", "#deadline", "deadline",
            "#ebr", "expectedByRegion", "#r", region))
        .expressionAttributeValues(Map.of(
            ":now", n(now),
            ":me", AttributeValue.fromSs(List.of(RunRecord.member(region, agentId))),
            ":agent", AttributeValue.fromSs(List.of(agentId)),
            ":agentId", s(agentId),
            ":waiting", s(RunState.WAITING.name()))), runId);
  }

  @Override
  public boolean tryStart(String runId, long startAt) {
    return update(UpdateItemRequest.builder()
        .updateExpression("SET #startAt = :t, #state = :started")
        .conditionExpression("#state = :waiting AND attribute_not_exists(#startAt)"
            + " AND size(#ready) >= #expected")
        .expressionAttributeNames(Map.of("#startAt", "startAt", "#state", "state",
            "#ready", "ready", "#expected", "expected"))
        .expressionAttributeValues(Map.of(":t", n(startAt),
            ":started", s(RunState.STARTED.name()), ":waiting", s(RunState.WAITING.name()))),
        runId).isPresent();
  }

  @Override
  public boolean tryAbort(String runId, long now) {
    return update(UpdateItemRequest.builder()
        .updateExpression("SET #state = :aborted")
        .conditionExpression("#state = :waiting AND attribute_not_exists(#startAt)"
            + " AND #deadline <= :now AND (attribute_not_exists(#ready) OR size(#ready) < #expected)")
        .expressionAttributeNames(Map.of("#startAt", "startAt", "#state", "state",
            "#ready", "ready", "#expected", "expected", "#deadline", "deadline"))
        .expressionAttributeValues(Map.of(":now", n(now),
            ":aborted", s(RunState.ABORTED.name()), ":waiting", s(RunState.WAITING.name()))),
        runId).isPresent();
  }

  @Override
  public Optional<RunRecord> abort(String runId, String reason) {
    Optional<RunRecord> after = update(UpdateItemRequest.builder()
        .updateExpression("SET #state = :aborted, #abortReason = :reason")
        .conditionExpression("attribute_exists(#runId) AND #state <> :aborted")
        .expressionAttributeNames(Map.of("#runId", "runId", "#state", "state", "#abortReason", "abortReason"))
        .expressionAttributeValues(Map.of(":aborted", s(RunState.ABORTED.name()), ":reason", s(reason))), runId);
    // Refused: no such run, or aborted before (the first reason stays).
    return after.isPresent() ? after : get(runId);
  }

  @Override
  public Optional<RunRecord> addDone(
      String runId, String region, String agentId, Map<String, Long> summary) {
    String member = RunRecord.member(region, agentId);
    Map<String, AttributeValue> counters = new HashMap<>();
    summary.forEach((name, value) -> counters.put(name, n(value)));
    return update(UpdateItemRequest.builder()
        .updateExpression("SET #summaries.#m = :summary ADD #done :me")
        .conditionExpression("contains(#ready, :member)")
        .expressionAttributeNames(Map.of("#summaries", "summaries", "#m", member,
            "#done", "done", "#ready", "ready"))
        .expressionAttributeValues(Map.of(":summary", AttributeValue.fromM(counters),
            ":me", AttributeValue.fromSs(List.of(member)), ":member", s(member))), runId);
  }

  /** One conditional UpdateItem; empty when its condition did not hold. */
  private Optional<RunRecord> update(UpdateItemRequest.Builder request, String runId) {
    UpdateItemResponse response;
    try {
      response = dynamo.updateItem(request.tableName(table).key(key(runId))
          .returnValues(ReturnValue.ALL_NEW).build());
    } catch (ConditionalCheckFailedException e) {
      return Optional.empty();
    }
    return Optional.of(toRecord(response.attributes()));
  }

  private static RunRecord toRecord(Map<String, AttributeValue> item) {
    Map<String, Integer> expected = new HashMap<>();
    item.get("expectedByRegion").m().forEach((r, v) -> expected.put(r, Integer.parseInt(v.n())));
    Map<String, Map<String, Long>> summaries = new HashMap<>();
    AttributeValue sums = item.get("summaries");
    if (sums != null && sums.hasM()) {
      sums.m().forEach((member, v) -> {
        Map<String, Long> counters = new HashMap<>();
        v.m().forEach((name, c) -> counters.put(name, Long.parseLong(c.n())));
        summaries.put(member, counters);
      });
    }
    return new RunRecord(
        item.get("runId").s(),
        expected,
        stringSet(item.get("ready")),
        stringSet(item.get("done")),
        summaries,
        RunState.valueOf(item.get("state").s()),
        number(item.get("startAt")),
        number(item.get("resetAt")),
        number(item.get("deadline")),
        number(item.get("startBufferMs")),
        item.containsKey("abortReason") ? item.get("abortReason").s() : null);
  }

  private static Set<String> stringSet(AttributeValue v) {
    return v == null || !v.hasSs() ? Set.of() : new HashSet<>(v.ss());
  }

  private static long number(AttributeValue v) {
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }

  private static Map<String, AttributeValue> key(String runId) {
    return Map.of("runId", s(runId));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
