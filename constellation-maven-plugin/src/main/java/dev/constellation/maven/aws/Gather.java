package dev.constellation.maven.aws;

import dev.constellation.agent.AgentMain;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import dev.constellation.agent.results.LocalDirectoryStore;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.s3.S3ResultsStore;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Copies a run's results from S3 into the run's records directory, in the local store's format
 * ({@code <agentId>.jsonl} and {@code <agentId>.result.json}), so the report is built exactly as
 * for a local run. S3 reads after writes are strongly consistent, so every record an agent stored
 * before its {@code test-end} is there.
 */
final class Gather {

  private final S3Client s3;
  private final String bucket;
  private final RunLog log;

  Gather(S3Client s3, String bucket, RunLog log) {
    this.s3 = s3;
    this.bucket = bucket;
    this.log = log;
  }

  /**
   * Copies every record and agent result of the run.
   *
   * @param runId the run
   * @param recordsDir the run's records directory
   * @return records copied
   * @throws RunException when S3 cannot be read or the directory written
   */
  int into(String runId, Path recordsDir) throws RunException {
    try (S3ResultsStore store = new S3ResultsStore(s3, bucket)) {
      List<IntervalRecord> records = store.readRun(runId);
      Map<String, List<IntervalRecord>> byAgent = new LinkedHashMap<>();
      records.forEach(r -> byAgent.computeIfAbsent(r.agentId(), k -> new ArrayList<>()).add(r));
      Files.createDirectories(recordsDir);
      LocalDirectoryStore local = new LocalDirectoryStore(recordsDir);
      for (Map.Entry<String, List<IntervalRecord>> e : byAgent.entrySet()) {
        try (ResultsSink sink = local.sink(e.getKey())) {
          sink.write(e.getValue());
        }
      }
      Map<String, String> results = store.readAgentResults(runId);
      for (Map.Entry<String, String> e : results.entrySet()) {
        String agentId = e.getKey().substring(e.getKey().indexOf('/') + 1);
        Files.writeString(recordsDir.resolve(agentId + AgentMain.RESULT_SUFFIX), e.getValue());
      }
      log.info("gathered " + records.size() + " interval records of " + byAgent.size() + " agent" + (byAgent.size() == 1 ? "" : "s")
          + " from s3://" + bucket + "/" + S3ResultsStore.ROOT + runId + "/ into " + recordsDir);
      return records.size();
    } catch (IOException e) {
      throw new RunException("the results of run " + runId + " could not be copied from s3://" + bucket + ": " + e.getMessage()
          + "; they stay in S3: rebuild the report with mvn constellation:report -Dconstellation.runId=" + runId
          + " -Dconstellation.resultsBucket=" + bucket, e);
    }
  }

  /** Lists a run's record objects and reads the ones not seen before (live progress). */
  static final class Lister {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    Lister(S3Client s3, String bucket, String runId) {
      this.s3 = s3;
      this.bucket = bucket;
      this.prefix = S3ResultsStore.ROOT + runId + "/";
    }

    List<IntervalRecord> newRecords(Set<String> seen) throws RunException {
      List<String> fresh = new ArrayList<>();
      try {
        String token = null;
        do {
          String t = token;
          ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).continuationToken(t));
          for (S3Object o : page.contents()) {
            if (o.key().endsWith(".jsonl.gz") && seen.add(o.key())) {
              fresh.add(o.key());
            }
          }
          token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        List<IntervalRecord> out = new ArrayList<>();
        for (String key : fresh) {
          byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArrayUnsafe();
          String text;
          try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          for (String line : text.split("\n")) {
            if (!line.isBlank()) {
              out.add(IntervalRecordCodec.fromJsonLine(line));
            }
          }
        }
        return out;
      } catch (IOException | RuntimeException e) {
        throw new RunException("cannot read s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
      }
    }
  }
}
