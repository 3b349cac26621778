package dev.constellation.agent.results.s3;

import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.results.IntervalRecordCodec;
import dev.constellation.agent.results.ResultsSink;
import dev.constellation.agent.results.ResultsSource;
import dev.constellation.agent.results.reliable.AwsErrors;
import dev.constellation.agent.results.reliable.ReliableSink;
import dev.constellation.agent.results.reliable.SinkPolicy;
import dev.constellation.agent.results.reliable.Ticker;
import dev.constellation.agent.results.reliable.Transport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * Interval records in an S3 bucket of the home region: one gzip'd JSON-lines object per agent flush,
 * {@code runs/<runId>/<region>/<agentId>/<flush sequence, 8 digits>.jsonl.gz}
 * (layout in docs/results-format.md).
 */
public final class S3ResultsStore implements ResultsSource, AutoCloseable {

  /** Every object key of a run starts with {@code runs/<runId>/}. */
  public static final String ROOT = "runs/";

  private final S3Client s3;
  private final String bucket;
  private final boolean ownsClient;
  private final int readParallelism;
  private final int listPageSize;

  /**
   * A store over a client the caller configured (and closes).
   *
   * @param s3 the client
   * @param bucket the bucket
   */
  public S3ResultsStore(S3Client s3, String bucket) {
    this(s3, bucket, false, 8, 1000);
  }

  S3ResultsStore(S3Client s3, String bucket, boolean ownsClient, int readParallelism, int listPageSize) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.bucket = requireName(bucket, "bucket");
    this.ownsClient = ownsClient;
    this.readParallelism = readParallelism;
    this.listPageSize = listPageSize;
  }

  /**
   * Environment variable naming an S3 stand-in for tests ({@code http://127.0.0.1:<port>}). When
   * set, the client uses it with path-style requests, unchunked bodies and checksums only where
   * required, as s3rver needs (AWS-NOTES §4.2). Unset in production, where nothing changes.
   */
  public static final String ENDPOINT_ENV = "CONSTELLATION_S3_ENDPOINT";

  /** Name of the object beside an agent's records that holds the agent's own account of the run. */
  public static final String RESULT_OBJECT = "result.json";

  /** Name of the object an agent writes before it sends load: who it is (task ARN) and that it can write. */
  public static final String AGENT_OBJECT = "agent.json";

  /**
   * A store with a client for real AWS: default credentials, the given region.
   *
   * @param homeRegion the bucket's region, e.g. {@code eu-west-1}
   * @param bucket the bucket
   * @return the store; {@link #close()} closes its client
   */
  public static S3ResultsStore create(String homeRegion, String bucket) {
    return create(homeRegion, bucket, System::getenv);
  }

  /**
   * A store with a client for the given region, honouring {@value #ENDPOINT_ENV} in the environment.
   *
   * @param homeRegion the bucket's region
   * @param bucket the bucket
   * @param env the environment; {@code System::getenv} in production
   * @return the store; {@link #close()} closes its client
   */
  public static S3ResultsStore create(String homeRegion, String bucket, java.util.function.Function<String, String> env) {
    return new S3ResultsStore(clientBuilder(homeRegion, env).build(), bucket, true, 8, 1000);
  }

  static software.amazon.awssdk.services.s3.S3ClientBuilder clientBuilder(String homeRegion,
      java.util.function.Function<String, String> env) {
    software.amazon.awssdk.services.s3.S3ClientBuilder b = S3Client.builder()
        .region(Region.of(homeRegion))
        .httpClient(UrlConnectionHttpClient.create());
    String endpoint = env.apply(ENDPOINT_ENV);
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(java.net.URI.create(endpoint.trim()))
          .forcePathStyle(true)
          .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().chunkedEncodingEnabled(false).build())
          .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return b;
  }

  /**
   * Writes one small JSON object beside an agent's records, e.g. {@value #RESULT_OBJECT}; a retry
   * writes the same key.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param name the object name, without {@code /}
   * @param json the content
   * @throws IOException naming the bucket and key when the write fails (the message carries the
   *     S3 error code, e.g. {@code NoSuchBucket} or {@code AccessDenied})
   */
  public void putAgentObject(String runId, String region, String agentId, String name, String json) throws IOException {
    String key = agentPrefix(runId, region, agentId) + requireSegment(name, "name");
    try {
      s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"),
          RequestBody.fromString(json, StandardCharsets.UTF_8));
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      throw new StoreException(code == null ? "HTTP " + e.statusCode() : code, "cannot write s3://" + bucket + "/" + key + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new StoreException("unreachable", "cannot write s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the {@value #RESULT_OBJECT} objects of a run, one per agent that finished.
   *
   * @param runId the run
   * @return key {@code <region>/<agentId>} → the object's JSON text, sorted by key
   * @throws IOException when listing or reading fails
   */
  public java.util.SortedMap<String, String> readAgentResults(String runId) throws IOException {
    String prefix = ROOT + requireSegment(runId, "runId") + "/";
    java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
    try {
      String token = null;
      do {
        ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder()
            .bucket(bucket).prefix(prefix).maxKeys(listPageSize).continuationToken(token).build());
        for (S3Object o : page.contents()) {
          if (o.key().endsWith("/" + RESULT_OBJECT)) {
            String agentPath = o.key().substring(prefix.length(), o.key().length() - RESULT_OBJECT.length() - 1);
            out.put(agentPath, s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asUtf8String());
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (RuntimeException e) {
      throw new IOException("cannot read the agent results under s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** A failed write of a small agent object, with the S3 error code ({@code NoSuchBucket}, {@code AccessDenied}, {@code unreachable}, ...). */
  public static final class StoreException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String code;

    StoreException(String code, String message, Throwable cause) {
      super(message, cause);
      this.code = code;
    }

    /** The S3 error code, or {@code unreachable} when no answer came. */
    public String code() {
      return code;
    }
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /**
   * The key prefix of one agent's objects.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @return {@code runs/<runId>/<region>/<agentId>/}
   */
  public static String agentPrefix(String runId, String region, String agentId) {
    return ROOT + requireSegment(runId, "runId") + "/" + requireSegment(region, "region") + "/"
        + requireSegment(agentId, "agentId") + "/";
  }

  /**
   * A sink writing one object per {@code write} call for one agent, with retries and buffering.
   *
   * @param runId the run
   * @param region the agent's region
   * @param agentId the agent
   * @param policy retry and buffer limits
   * @return the sink
   */
  public ResultsSink sink(String runId, String region, String agentId, SinkPolicy policy) {
    return sink(runId, region, agentId, policy, Ticker.system(), new SplittableRandom());
  }

  ReliableSink<Flush> sink(String runId, String region, String agentId, SinkPolicy policy, Ticker ticker, RandomGenerator random) {
    return new ReliableSink<>(new FlushTransport(agentPrefix(runId, region, agentId)), policy, agentId, ticker, random);
  }

  /**
   * Creates the bucket when it does not exist yet, tagged {@code constellation:managed=true}.
   *
   * @param homeRegion the region the client talks to; the bucket is created there
   * @throws IOException when the bucket cannot be created
   */
  public void ensureBucket(String homeRegion) throws IOException {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return;
    } catch (NoSuchBucketException e) {
      // create below
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw new IOException("cannot check results bucket s3://" + bucket + ": " + e.getMessage(), e);
      }
    }
    try {
      s3.createBucket(b -> {
        b.bucket(bucket);
        if (!"us-east-1".equals(homeRegion)) {
          b.createBucketConfiguration(CreateBucketConfiguration.builder()
              .locationConstraint(BucketLocationConstraint.fromValue(homeRegion)).build());
        }
      });
    } catch (BucketAlreadyOwnedByYouException e) {
      return;
    } catch (S3Exception e) {
      throw new IOException("cannot create results bucket s3://" + bucket + " in " + homeRegion + ": " + e.getMessage()
          + " (bucket names are global; choose another results bucket name if it belongs to someone else)", e);
    }
    try {
      s3.putBucketTagging(b -> b.bucket(bucket).tagging(Tagging.builder()
          .tagSet(Tag.builder().key("constellation:managed").value("true").build()).build()));
    } catch (S3Exception e) {
      if (e.statusCode() == 501) {
        return; // NotImplemented: S3 emulators without tagging (s3rver); real S3 implements it
      }
      throw new IOException("created results bucket s3://" + bucket + " but could not tag it constellation:managed=true: "
          + e.getMessage(), e);
    }
  }

  @Override
  public List<IntervalRecord> readRun(String runId) throws IOException {
    String prefix = ROOT + requireSegment(runId, "runId") + "/";
    List<String> keys = new ArrayList<>();
    try {
      String token = null;
      do {
        ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder()
            .bucket(bucket).prefix(prefix).maxKeys(listPageSize).continuationToken(token).build());
        for (S3Object o : page.contents()) {
          if (o.key().endsWith(".jsonl.gz")) {
            keys.add(o.key());
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (RuntimeException e) {
      throw new IOException("cannot list s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
    }
    keys.sort(null);
    List<IntervalRecord> out = new ArrayList<>();
    if (keys.isEmpty()) {
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(readParallelism, keys.size()), r -> {
      Thread t = new Thread(r, "constellation-s3-read");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<List<IntervalRecord>>> parts = new ArrayList<>();
      for (String key : keys) {
        parts.add(pool.submit(() -> readObject(key)));
      }
      for (Future<List<IntervalRecord>> f : parts) {
        out.addAll(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading s3://" + bucket + "/" + prefix, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private List<IntervalRecord> readObject(String key) throws IOException {
    ResponseBytes<GetObjectResponse> bytes;
    try {
      bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
    } catch (RuntimeException e) {
      throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
    String text;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes.asByteArrayUnsafe()))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("s3://" + bucket + "/" + key + " is not gzip'd JSON lines: " + e.getMessage(), e);
    }
    List<IntervalRecord> out = new ArrayList<>();
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      if (!line.isBlank()) {
        try {
          out.add(IntervalRecordCodec.fromJsonLine(line));
        } catch (IllegalArgumentException e) {
          throw new IOException("s3://" + bucket + "/" + key + " line " + n + ": " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (ownsClient) {
      s3.close();
    }
  }

  /** One agent flush as one object. */
  record Flush(String key, byte[] body, List<IntervalRecord> records) {}

  /** Turns each flush into one numbered object and PUTs it; a retried PUT overwrites the same key. */
  private final class FlushTransport implements Transport<Flush> {
    private final String prefix;
    private long sequence;

    FlushTransport(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public String target() {
      return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public List<Flush> batches(List<IntervalRecord> records) throws IOException {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      try (Writer out = new OutputStreamWriter(new GZIPOutputStream(buffer), StandardCharsets.UTF_8)) {
        for (IntervalRecord r : records) {
          out.write(IntervalRecordCodec.toJsonLine(r));
          out.write('\n');
        }
      }
      String key = prefix + String.format("%08d", sequence++) + ".jsonl.gz";
      return List.of(new Flush(key, buffer.toByteArray(), List.copyOf(records)));
    }

    @Override
    public List<IntervalRecord> records(Flush batch) {
      return batch.records();
    }

    @Override
    public long bytes(Flush batch) {
      return batch.body().length + 64L * batch.records().size();
    }

    @Override
    public Outcome<Flush> send(Flush batch) {
      s3.putObject(b -> b.bucket(bucket).key(batch.key()).contentType("application/gzip"),
          RequestBody.fromBytes(batch.body()));
      return Outcome.stored();
    }

    @Override
    public boolean isTransient(Exception failure) {
      return AwsErrors.isTransient(failure);
    }
  }

  /**
   * Writes one small JSON object of a whole run beside its agents' folders, {@code runs/<runId>/<name>}: the plugin
   * keeps the run's {@code run.json} and {@code summary.json} there so a runs list can show the run without reading
   * its records. A retry writes the same key.
   *
   * @param runId the run
   * @param name the object name, without {@code /}
   * @param json the content
   * @throws IOException naming the bucket and key when the write fails
   */
  public void putRunObject(String runId, String name, String json) throws IOException {
    String key = ROOT + requireSegment(runId, "runId") + "/" + requireSegment(name, "name");
    try {
      s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(json, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IOException("cannot write s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads one object written by {@link #putRunObject}.
   *
   * @param runId the run
   * @param name the object name
   * @return its text, or empty when there is no such object
   * @throws IOException when S3 cannot be read
   */
  public java.util.Optional<String> readRunObject(String runId, String name) throws IOException {
    String key = ROOT + requireSegment(runId, "runId") + "/" + requireSegment(name, "name");
    try {
      return java.util.Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      return java.util.Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !"NoSuchBucket".equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())) {
        return java.util.Optional.empty();
      }
      throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * The run ids in the bucket: the folders under {@value #ROOT}, listed with the delimiter {@code /} (one
   * {@code ListObjectsV2} call per 1000 runs; no record is listed or read).
   *
   * @param maxPages the most listing calls to make
   * @return the ids in ascending order, and whether the bucket holds more than were listed
   * @throws IOException when the bucket cannot be listed
   */
  public RunIds listRunIds(int maxPages) throws IOException {
    List<String> ids = new ArrayList<>();
    boolean more = false;
    try {
      String token = null;
      int pages = 0;
      do {
        ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder()
            .bucket(bucket).prefix(ROOT).delimiter("/").maxKeys(listPageSize).continuationToken(token).build());
        pages++;
        for (software.amazon.awssdk.services.s3.model.CommonPrefix p : page.commonPrefixes()) {
          String id = p.prefix().substring(ROOT.length(), p.prefix().length() - 1);
          if (!id.isEmpty()) {
            ids.add(id);
          }
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        more = token != null && pages >= maxPages;
      } while (token != null && pages < maxPages);
    } catch (RuntimeException e) {
      throw new IOException("cannot list s3://" + bucket + "/" + ROOT + ": " + e.getMessage(), e);
    }
    ids.sort(null);
    return new RunIds(List.copyOf(ids), more);
  }

  /**
   * Run ids found by {@link #listRunIds}.
   *
   * @param ids the ids, ascending
   * @param more whether the listing stopped at its page limit with more runs left
   */
  public record RunIds(List<String> ids, boolean more) {}

  /**
   * What a run's folder holds at its top: the objects directly under {@code runs/<runId>/} (such as
   * {@code run.json} and {@code summary.json}) and its region folders, in one {@code ListObjectsV2} call with the
   * delimiter {@code /} (the records, one level deeper, are not listed).
   *
   * @param runId the run
   * @return object names and region names, each sorted
   * @throws IOException when the bucket cannot be listed
   */
  public RunFolder runFolder(String runId) throws IOException {
    String prefix = ROOT + requireSegment(runId, "runId") + "/";
    java.util.SortedSet<String> objects = new java.util.TreeSet<>();
    java.util.SortedSet<String> regions = new java.util.TreeSet<>();
    try {
      ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder()
          .bucket(bucket).prefix(prefix).delimiter("/").maxKeys(listPageSize).build());
      page.contents().forEach(o -> objects.add(o.key().substring(prefix.length())));
      page.commonPrefixes().forEach(p -> regions.add(p.prefix().substring(prefix.length(), p.prefix().length() - 1)));
    } catch (RuntimeException e) {
      throw new IOException("cannot list s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
    }
    return new RunFolder(java.util.Collections.unmodifiableSortedSet(objects), java.util.Collections.unmodifiableSortedSet(regions));
  }

  /**
   * The top of a run's folder.
   *
   * @param objects names of the objects directly in it
   * @param regions names of its region folders
   */
  public record RunFolder(java.util.SortedSet<String> objects, java.util.SortedSet<String> regions) {}

  private static String requireName(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    return value;
  }

  private static String requireSegment(String value, String field) {
    requireName(value, field);
    if (value.contains("/")) {
      throw new IllegalArgumentException(field + " \"" + value + "\" must not contain '/' (it is one segment of an S3 key)");
    }
    return value;
  }
}
