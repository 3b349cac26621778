package dev.constellation.maven.aws;

import dev.constellation.agent.AgentMain;
import dev.constellation.agent.results.Counts;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.agent.results.timestream.TimestreamResultsStore;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunLog;
import dev.constellation.orchestrator.RegionStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Copies a run's records from the results store (S3 or Timestream) into the run's records
 * directory, in the local store's format ({@code <agentId>.jsonl}, and from S3 each
 * {@code <agentId>.result.json}), so the report is built exactly as for a local run.
 *
 * <p>It copies <em>as the records arrive</em>: each {@link #poll()} (every few seconds while the run
 * is watched) appends only the units not copied before — an S3 object (one agent flush) or a
 * Timestream record (key {@code region/agent/seq}) — so the visualizer's live view, which tails the
 * local folder, follows an AWS run as it follows a local one. {@link #finish} then fetches what is
 * left: it reads the whole run again until every region's records add up to the totals its agents
 * reported in {@code test-end} (S3 objects listed only now, Timestream rows visible only now), for a
 * bounded time. A unit is written at most once, whatever order it arrives in.
 */
final class Gather {

  /** One unit of records in the store: its key and its records. */
  record Unit(String key, List<IntervalRecord> records) {}

  /** Where the agents' records are. */
  interface Source {
    /**
     * The units visible now that are not in {@code known}.
     *
     * @param known keys copied already (a source may skip reading them)
     * @param whole the whole run ({@code false}: a source may look at recent intervals only)
     * @return new units
     * @throws IOException when the store cannot be read
     */
    List<Unit> fresh(Set<String> known, boolean whole) throws IOException;

    /** Records seen with parts still missing at the last read (Timestream), else 0. */
    default int incomplete() {
      return 0;
    }

    /** Copies what else the store holds about the agents (S3: each {@code result.json}; Timestream: each agent's facts row). */
    default void extras(Path recordsDir) throws IOException {}

    /**
     * Whether what {@link #extras} copies can be visible a moment after the records (Timestream reads are eventually
     * consistent), so that gather reads it again, briefly, while an agent with records has no {@code result.json} yet.
     */
    default boolean extrasLag() {
      return false;
    }

    /** Where, for messages: {@code s3://bucket/runs/<runId>/}, {@code Timestream db.table (region)}. */
    String describe();

    /** How to rebuild the report from this store, for messages. */
    String reportCommand();
  }

  private final Source source;
  private final Path recordsDir;
  private final RunLog log;
  private final Set<String> copied = new HashSet<>();
  private final Map<String, Counts.Tally> byRegion = new TreeMap<>();
  private final Set<String> agents = new HashSet<>();
  private long records;

  Gather(Source source, Path recordsDir, RunLog log) {
    this.source = source;
    this.recordsDir = recordsDir;
    this.log = log;
  }

  /**
   * Copies the units that arrived since the last call.
   *
   * @return the records copied now (for live progress)
   * @throws IOException when the store cannot be read or the folder written
   */
  List<IntervalRecord> poll() throws IOException {
    return copy(source.fresh(Set.copyOf(copied), false));
  }

  private List<IntervalRecord> copy(List<Unit> units) throws IOException {
    Map<String, List<IntervalRecord>> byAgent = new LinkedHashMap<>();
    List<IntervalRecord> out = new ArrayList<>();
    for (Unit u : units) {
      if (!copied.add(u.key())) {
        continue; // a source that returns a unit twice never gets it written twice
      }
      for (IntervalRecord r : u.records()) {
        byAgent.computeIfAbsent(r.agentId(), k -> new ArrayList<>()).add(r);
        byRegion.computeIfAbsent(r.region(), k -> new Counts.Tally()).add(r);
        agents.add(r.agentId());
        out.add(r);
      }
    }
    if (!byAgent.isEmpty()) {
      Files.createDirectories(recordsDir);
      LocalDirectoryStore local = new LocalDirectoryStore(recordsDir);
      for (Map.Entry<String, List<IntervalRecord>> e : byAgent.entrySet()) {
        try (ResultsSink sink = local.sink(e.getKey())) {
          sink.write(e.getValue());
        }
      }
    }
    records += out.size();
    return out;
  }

  /** How long gather reads an eventually consistent store's agent facts again while some are missing, ms. */
  static final long EXTRAS_BUDGET_MS = 10_000;

  /** Agents with records here and no {@code <agentId>.result.json} beside them, sorted. */
  private List<String> withoutResult() {
    return agents.stream().filter(a -> !Files.exists(recordsDir.resolve(a + AgentMain.RESULT_SUFFIX))).sorted().toList();
  }

  /** Records copied so far. */
  long copiedRecords() {
    return records;
  }

  /**
   * Copies what is left: reads the whole run until, in every region whose agents all reported
   * their end, the requests and iterations of the copied records equal the totals they reported,
   * at most for {@code budgetMs}; then each agent's extras.
   *
   * @param reported per region, the orchestrator's counts ({@code totals} summed over the ended agents); empty: read once
   * @param budgetMs how long to keep reading while the counts do not add up
   * @param pauseMs the pause between reads
   * @param clock epoch ms
   * @return records copied over the whole run
   * @throws RunException when the store cannot be read (the message names the store and the report command)
   * @throws InterruptedException when interrupted while waiting
   */
  long finish(Map<String, RegionStatus> reported, long budgetMs, long pauseMs, LongSupplier clock)
      throws RunException, InterruptedException {
    long until = clock.getAsLong() + budgetMs;
    try {
      while (true) {
        copy(source.fresh(Set.copyOf(copied), true));
        List<String> missing = shortfall(reported);
        if (missing.isEmpty() && source.incomplete() == 0) {
          break;
        }
        if (clock.getAsLong() >= until) {
          log.warn("the records in " + source.describe() + " do not add up to what the agents reported after "
              + budgetMs / 1000 + " s of reading: " + String.join("; ", missing)
              + (source.incomplete() == 0 ? "" : "; " + source.incomplete() + " records with parts missing")
              + ". The report counts the records that are there");
          break;
        }
        Thread.sleep(pauseMs);
      }
      source.extras(recordsDir);
      long extrasUntil = clock.getAsLong() + Math.min(budgetMs, EXTRAS_BUDGET_MS);
      while (source.extrasLag() && !withoutResult().isEmpty() && clock.getAsLong() < extrasUntil) {
        Thread.sleep(pauseMs);
        source.extras(recordsDir);
      }
      if (source.extrasLag() && !withoutResult().isEmpty()) {
        log.warn("no facts (start skew, clock offset, generator health) of " + String.join(", ", withoutResult()) + " in "
            + source.describe() + "; the report says unknown for them");
      }
    } catch (IOException e) {
      throw new RunException("the results of the run could not be copied from " + source.describe() + ": " + e.getMessage()
          + "; they stay there: rebuild the report with " + source.reportCommand(), e);
    }
    log.info("gathered " + records + " interval records of " + agents.size() + " agent" + (agents.size() == 1 ? "" : "s")
        + " from " + source.describe() + " into " + recordsDir);
    return records;
  }

  /**
   * The regions whose copied records do not add up to their agents' reported totals: requests
   * ({@code http} records) and iterations ({@code iteration} records), as the agents count them
   * ({@link Counts}). Regions with an agent that did not report are not compared.
   */
  List<String> shortfall(Map<String, RegionStatus> reported) {
    List<String> out = new ArrayList<>();
    reported.forEach((region, s) -> {
      if (!s.complete() || s.ended() == 0) {
        return;
      }
      Counts.Tally t = byRegion.get(region);
      Counts c = t == null ? Counts.NONE : t.counts();
      long requests = s.totals().getOrDefault("requests", 0L);
      long iterations = s.totals().getOrDefault("iterations", 0L);
      if (c.requests() != requests || c.iterations() != iterations) {
        out.add(region + ": " + c.requests() + " of " + requests + " requests, " + c.iterations() + " of " + iterations + " iterations");
      }
    });
    return out;
  }

  // ------------------------------------------------------------------------------ the stores

  /** S3: one object per agent flush under {@code runs/<runId>/<region>/<agentId>/}; the key is the object key. */
  static final class S3Source implements Source {
    private final S3Client s3;
    private final String bucket;
    private final String runId;
    private final String prefix;

    S3Source(S3Client s3, String bucket, String runId) {
      this.s3 = s3;
      this.bucket = bucket;
      this.runId = runId;
      this.prefix = S3ResultsStore.ROOT + runId + "/";
    }

    @Override
    public List<Unit> fresh(Set<String> known, boolean whole) throws IOException {
      List<String> keys = new ArrayList<>();
      try {
        String token = null;
        do {
          String t = token;
          ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).continuationToken(t));
          for (S3Object o : page.contents()) {
            if (o.key().endsWith(".jsonl.gz") && !known.contains(o.key())) {
              keys.add(o.key());
            }
          }
          token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        List<Unit> out = new ArrayList<>();
        for (String key : keys) {
          byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArrayUnsafe();
          String text;
          try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          List<IntervalRecord> records = new ArrayList<>();
          for (String line : text.split("\n")) {
            if (!line.isBlank()) {
              records.add(IntervalRecordCodec.fromJsonLine(line));
            }
          }
          out.add(new Unit(key, records));
        }
        return out;
      } catch (RuntimeException e) {
        throw new IOException("cannot read s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void extras(Path recordsDir) throws IOException {
      try (S3ResultsStore store = new S3ResultsStore(s3, bucket)) {
        Files.createDirectories(recordsDir);
        for (Map.Entry<String, String> e : store.readAgentResults(runId).entrySet()) {
          String agentId = e.getKey().substring(e.getKey().indexOf('/') + 1);
          Files.writeString(recordsDir.resolve(agentId + AgentMain.RESULT_SUFFIX), e.getValue());
        }
      }
    }

    @Override
    public String describe() {
      return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public String reportCommand() {
      return "mvn constellation:report -Dconstellation.runId=" + runId + " -Dconstellation.resultsStore=s3"
          + " -Dconstellation.resultsBucket=" + bucket;
    }
  }

  /**
   * Timestream: one key per interval record ({@code region/agent/seq}). While the run goes on only
   * the intervals of the last {@link #LOOKBACK_MS} before the newest one seen are read (a poll costs
   * what it scans); the final reads take the whole run, so a record that arrived late is copied then.
   */
  static final class TimestreamSource implements Source {
    /** How far before the newest interval seen a poll reads. */
    static final long LOOKBACK_MS = 60_000;

    private final TimestreamResultsStore store;
    private final String region;
    private final String runId;
    private long newest = -1;
    private int incomplete;

    TimestreamSource(TimestreamResultsStore store, String region, String runId) {
      this.store = store;
      this.region = region;
      this.runId = runId;
    }

    @Override
    public List<Unit> fresh(Set<String> known, boolean whole) throws IOException {
      TimestreamResultsStore.Snapshot s = store.readRunSoFar(runId, whole || newest < 0 ? -1 : Math.max(0, newest - LOOKBACK_MS));
      incomplete = s.incomplete();
      List<Unit> out = new ArrayList<>();
      s.records().forEach((key, r) -> {
        newest = Math.max(newest, r.startMs());
        if (!known.contains(key)) {
          out.add(new Unit(key, List.of(r)));
        }
      });
      return out;
    }

    @Override
    public int incomplete() {
      return incomplete;
    }

    /** Each agent's facts row ({@link TimestreamResultsStore#readAgentResults}) as {@code <agentId>.result.json}. */
    @Override
    public void extras(Path recordsDir) throws IOException {
      Map<String, String> results = store.readAgentResults(runId);
      if (results.isEmpty()) {
        return;
      }
      Files.createDirectories(recordsDir);
      for (Map.Entry<String, String> e : results.entrySet()) {
        String agentId = e.getKey().substring(e.getKey().indexOf('/') + 1);
        Files.writeString(recordsDir.resolve(agentId + AgentMain.RESULT_SUFFIX), e.getValue());
      }
    }

    @Override
    public boolean extrasLag() {
      return true;
    }

    @Override
    public String describe() {
      return "Timestream " + store.database() + "." + store.table() + " (" + region + ")";
    }

    @Override
    public String reportCommand() {
      return "mvn constellation:report -Dconstellation.runId=" + runId + " -Dconstellation.resultsStore=timestream"
          + " -Dconstellation.homeRegion=" + region + " -Dconstellation.timestreamDatabase=" + store.database()
          + " -Dconstellation.timestreamTable=" + store.table();
    }
  }
}
