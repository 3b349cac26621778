package dev.constellation.awsfake;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An offline, stateful AWS for tests: one WireMock server on 127.0.0.1 answering STS, EC2, IAM,
 * ECS, ECR, CloudWatch Logs, Service Quotas, Lambda and Timestream in their real wire protocols (awsQuery,
 * ec2Query, awsJson1_1, awsJson1_0, restJson1; shapes from the AWS API references).
 *
 * <p>Point every SDK client at {@link #endpoint()} with static credentials and an explicit
 * region. The service and region of each request come from the SigV4 credential scope in the
 * {@code Authorization} header ({@code Credential=AKID/date/REGION/SERVICE/aws4_request}), so one
 * server keeps per-region state for every service. Signatures are not checked. IAM is global
 * (its resources report region {@code global}); STS and IAM clients sign for {@code us-east-1}.
 *
 * <p>Lambda {@code Invoke} runs the uploaded code's handler for real in a kept-warm child JVM
 * (see {@link Options#lambdaEnvironment(Map)}). ECS {@code RunTask} runs the task for real: the
 * task definition's image is pulled from the registry that stands in for ECR
 * ({@link Options#ecrProxyEndpoint(String)}), unpacked, and its entrypoint runs as a local process
 * whose output goes to CloudWatch Logs (see docs/testing-aws.md). {@link #close()} stops every
 * process the fake started. DynamoDB and S3 are not faked: use dynalite and s3rver (module
 * constellation-test-services).
 */
public final class FakeAws implements AutoCloseable {

  /** The commercial regions; those from {@link #FIRST_OPT_IN} on are opt-in regions. */
  static final List<String> COMMERCIAL_REGIONS = List.of(
      "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
      "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
      "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
      "ap-southeast-1", "ap-southeast-2",
      // opt-in regions (AWS: "Regions introduced after March 20, 2019 are disabled by default")
      "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
      "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1", "eu-central-2",
      "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1");
  static final int FIRST_OPT_IN = COMMERCIAL_REGIONS.indexOf("af-south-1");

  /** Start-up settings; every setter returns this. */
  public static final class Options {
    String accountId = "123456789012";
    List<String> regions = COMMERCIAL_REGIONS;
    Map<String, String> lambdaEnvironment = new LinkedHashMap<>();
    Map<String, String> taskEnvironment = new LinkedHashMap<>();
    Path javaExecutable = Paths.get(System.getProperty("java.home"), "bin", "java");
    final Map<String, Path> javaByRuntime = new LinkedHashMap<>();
    String ecrProxyEndpoint;
    int lambdaMaxWarmPerFunction = 4;

    /** Defaults: account 123456789012, every commercial region, the running JVM's java. */
    public static Options defaults() {
      return new Options();
    }

    /** The 12-digit account id in every ARN and in GetCallerIdentity. */
    public Options accountId(String accountId) {
      if (accountId == null || !accountId.matches("\\d{12}")) {
        throw new IllegalArgumentException("accountId must be 12 digits; got '" + accountId + "'");
      }
      this.accountId = accountId;
      return this;
    }

    /** The regions that exist (default: the commercial regions, all enabled). */
    public Options regions(List<String> regions) {
      this.regions = List.copyOf(regions);
      return this;
    }

    /**
     * Extra environment for every Lambda invocation's JVM, after the function's own
     * {@code Environment.Variables} and {@code AWS_REGION}: e.g. {@code CONSTELLATION_DYNAMODB_ENDPOINT}
     * pointing at dynalite. Static test credentials ({@code AWS_ACCESS_KEY_ID=AKIDTEST},
     * {@code AWS_SECRET_ACCESS_KEY=secret}) and {@code AWS_EC2_METADATA_DISABLED=true} are set by
     * default and can be replaced here.
     */
    public Options lambdaEnvironment(Map<String, String> env) {
      this.lambdaEnvironment = new LinkedHashMap<>(env);
      return this;
    }

    /**
     * Extra environment for every ECS task process, e.g. {@code CONSTELLATION_LAMBDA_ENDPOINT} and
     * {@code CONSTELLATION_S3_ENDPOINT} pointing at the fake and s3rver. It comes after the
     * container definition's and the override's {@code environment} (and wins over them); static
     * test credentials and {@code AWS_EC2_METADATA_DISABLED=true} are set by default and can be
     * replaced here. Only {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, {@code AWS_EXECUTION_ENV},
     * {@code ECS_CONTAINER_METADATA_URI_V4} (what ECS sets) and {@link Faults#taskEnvironment} come later.
     */
    public Options taskEnvironment(Map<String, String> env) {
      this.taskEnvironment = new LinkedHashMap<>(env);
      return this;
    }

    /** The {@code java} that runs Lambda code and task entrypoints that start with {@code java} (default: this JVM's). */
    public Options javaExecutable(Path java) {
      this.javaExecutable = java;
      return this;
    }

    /**
     * The {@code java} for functions of one Lambda {@code Runtime} (e.g. {@code java21} → a JDK 21),
     * instead of {@link #javaExecutable(Path)}. Class files newer than the runtime reads fail
     * either way (see docs/testing-aws.md).
     */
    public Options javaForRuntime(String runtime, Path java) {
      this.javaByRuntime.put(runtime, java);
      return this;
    }

    /**
     * The {@code proxyEndpoint} ECR {@code GetAuthorizationToken} answers, e.g. a plain-HTTP
     * {@code docker-registry} on loopback ({@code http://127.0.0.1:PORT}). It is also where
     * {@code RunTask} pulls task images from: images of this account's ECR in any region
     * ({@code <account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@sha256:...]}) and images named
     * with this registry's own {@code host:port}. Unset: every task stops with
     * {@code CannotPullContainerError}.
     */
    public Options ecrProxyEndpoint(String url) {
      this.ecrProxyEndpoint = url;
      return this;
    }

    /** How many warm JVMs one function version may keep (concurrent invocations); default 4. */
    public Options lambdaMaxWarmPerFunction(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("lambdaMaxWarmPerFunction must be >= 1; got " + n);
      }
      this.lambdaMaxWarmPerFunction = n;
      return this;
    }
  }

  private static final Pattern SCOPE =
      Pattern.compile("Credential=[^/\\s,]+/\\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request");

  final Object lock = new Object();
  final Options options;
  final Journal journal = new Journal();
  final Faults faults = new Faults(lock);
  final Ids ids = new Ids();
  final Sts sts;
  final Ec2 ec2;
  final Iam iam;
  final Ecs ecs;
  final Ecr ecr;
  final Logs logs;
  final Quotas quotas;
  final LambdaService lambda;
  final Timestream timestream;
  final TaskRuns taskRuns;
  private final Seed seed;
  private final WireMockServer server;

  private FakeAws(Options options) {
    this.options = options;
    this.sts = new Sts(this);
    this.ec2 = new Ec2(this);
    this.iam = new Iam(this);
    this.ecs = new Ecs(this);
    this.ecr = new Ecr(this);
    this.logs = new Logs(this);
    this.quotas = new Quotas(this);
    this.lambda = new LambdaService(this);
    this.timestream = new Timestream(this);
    this.taskRuns = new TaskRuns(this);
    this.seed = new Seed(this);
    this.server = new WireMockServer(wireMockConfig()
        .bindAddress("127.0.0.1")
        .dynamicPort()
        .disableRequestJournal()
        .gzipDisabled(true)
        .containerThreads(32)
        .extensions(new Transformer()));
  }

  /** Starts the fake with {@link Options#defaults()} on 127.0.0.1 and an ephemeral port. */
  public static FakeAws start() {
    return start(Options.defaults());
  }

  /** Starts the fake on 127.0.0.1 and an ephemeral port. */
  public static FakeAws start(Options options) {
    FakeAws fake = new FakeAws(options);
    fake.server.start();
    fake.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
    return fake;
  }

  /** The one endpoint for every service ({@code http://127.0.0.1:PORT}). */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** The account id in every ARN. */
  public String accountId() {
    return options.accountId;
  }

  /** Every call so far, in order. */
  public Journal journal() {
    return journal;
  }

  /** Fault injection. */
  public Faults faults() {
    return faults;
  }

  /** Timestream for LiveAnalytics: whether the account may use it, its faults, and what was written. */
  public Timestream timestream() {
    return timestream;
  }

  /** Creates resources "from outside" (not journaled), e.g. untagged look-alikes. */
  public Seed seed() {
    return seed;
  }

  /** Everything that exists now, in every region (see {@link FakeResource} for what is listed). */
  public List<FakeResource> resources() {
    synchronized (lock) {
      List<FakeResource> out = new ArrayList<>();
      out.addAll(ec2.resources());
      out.addAll(iam.resources());
      out.addAll(ecs.resources());
      out.addAll(ecr.resources());
      out.addAll(logs.resources());
      out.addAll(lambda.resources());
      out.addAll(timestream.resources());
      return out;
    }
  }

  /** The resources of one service (signing name: {@code ec2}, {@code iam}, {@code ecs}, ...). */
  public List<FakeResource> resources(String service) {
    return resources().stream().filter(r -> r.service().equals(service)).toList();
  }

  /**
   * The ECS task processes alive now (started by {@code RunTask}, not yet exited). A test that
   * stopped its tasks asserts this is empty.
   */
  public List<ProcessHandle> runningTaskProcesses() {
    return taskRuns.alive();
  }

  /**
   * Stops every task process (SIGTERM, SIGKILL after 2 s), the server and every Lambda JVM it
   * started, and deletes the unpacked images.
   */
  @Override
  public void close() {
    faults.closing();
    try {
      taskRuns.close();
    } finally {
      try {
        server.stop();
      } finally {
        lambda.close();
      }
    }
  }

  // ------------------------------------------------------------------------------------------

  boolean regionExists(String region) {
    return options.regions.contains(region);
  }

  /** Enabled for the account: exists and not opted out. */
  boolean regionEnabled(String region) {
    return regionExists(region) && !faults.isOptedOut(region);
  }

  boolean isOptInRegion(String region) {
    int i = COMMERCIAL_REGIONS.indexOf(region);
    return i >= FIRST_OPT_IN;
  }

  Resp dispatch(Req req, String operation) {
    journal.add(new Call(req.service, req.region, operation, Call.isMutating(operation),
        req.bodyText()));
    Protocol protocol = protocolOf(req.service);
    try {
      if (req.service.equals("lambda") && operation.equals("Invoke")) {
        AwsError fault;
        synchronized (lock) {
          fault = faults.nextFailure(req.service, operation, req.region);
          checkRegion(req);
        }
        if (fault != null) {
          throw fault;
        }
        return lambda.invoke(req);
      }
      synchronized (lock) {
        AwsError fault = faults.nextFailure(req.service, operation, req.region);
        if (fault != null) {
          throw fault;
        }
        checkRegion(req);
        return switch (req.service) {
          case "sts" -> sts.handle(operation, req);
          case "ec2" -> ec2.handle(operation, req);
          case "iam" -> iam.handle(operation, req);
          case "ecs" -> ecs.handle(operation, req);
          case "ecr" -> ecr.handle(operation, req);
          case "logs" -> logs.handle(operation, req);
          case "servicequotas" -> quotas.handle(operation, req);
          case "lambda" -> lambda.handle(operation, req);
          case "timestream" -> timestream.handle(operation, req);
          default -> throw new AwsError(400, "UnknownOperationException",
              "The fake does not serve service '" + req.service + "'");
        };
      }
    } catch (AwsError e) {
      return protocol.error(e, ids.requestId());
    } catch (RuntimeException e) {
      return protocol.error(new AwsError(500, "InternalFailure",
          "fake failure: " + e), ids.requestId());
    }
  }

  private void checkRegion(Req req) {
    if (req.service.equals("iam") || req.service.equals("sts")) {
      return;
    }
    if (!regionEnabled(req.region)) {
      String code = req.service.equals("ec2") ? "AuthFailure" : "UnrecognizedClientException";
      throw new AwsError(403, code, "The security token included in the request is invalid.");
    }
  }

  static Protocol protocolOf(String service) {
    return switch (service) {
      case "sts" -> Protocol.query("https://sts.amazonaws.com/doc/2011-06-15/");
      case "iam" -> Protocol.query("https://iam.amazonaws.com/doc/2010-05-08/");
      case "ec2" -> Protocol.EC2;
      case "lambda" -> Protocol.REST_JSON;
      case "timestream" -> Protocol.JSON_1_0;
      default -> Protocol.JSON_1_1;
    };
  }

  /** The operation name of a request, from the protocol (Action, X-Amz-Target, or the REST route). */
  static String operationOf(Req req) {
    return switch (req.service) {
      case "sts", "iam", "ec2" -> {
        String action = new Form(req.bodyText()).get("Action");
        if (action == null) {
          action = req.queryParam("Action");
        }
        yield action == null ? "Unknown" : action;
      }
      case "lambda" -> LambdaService.operationOf(req);
      default -> {
        String target = req.header("X-Amz-Target");
        yield target == null ? "Unknown" : target.substring(target.indexOf('.') + 1);
      }
    };
  }

  /** Where the ECS task metadata endpoint v4 of each task lives: {@code /ecs-metadata/<taskId>}. */
  static final String METADATA_PATH = "/ecs-metadata/";

  /**
   * The task metadata endpoint v4: {@code GET /ecs-metadata/<taskId>} answers the container's
   * metadata, {@code .../task} the task's (shapes from the ECS developer guide, "Amazon ECS task
   * metadata endpoint version 4 for tasks on Fargate"); anything else 404.
   */
  private ResponseDefinition metadata(String url) {
    String rest = url.substring(METADATA_PATH.length());
    int q = rest.indexOf('?');
    rest = q < 0 ? rest : rest.substring(0, q);
    boolean task = rest.endsWith("/task");
    String id = task ? rest.substring(0, rest.length() - "/task".length()) : rest.replaceAll("/+$", "");
    String body = null;
    synchronized (lock) {
      TaskRuns.Run run = ecs.runById(id);
      if (run != null) {
        body = Js.write(task ? taskRuns.taskMetadata(run) : taskRuns.containerMetadata(run));
      }
    }
    ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition();
    if (body == null) {
      return b.withStatus(404).withHeader("Content-Type", "text/plain")
          .withBody("404 page not found\n").build();
    }
    return b.withStatus(200).withHeader("Content-Type", "application/json").withBody(body).build();
  }

  /** The WireMock extension that turns every request into a call on the fake. */
  private final class Transformer implements ResponseDefinitionTransformerV2 {

    @Override
    public String getName() {
      return "constellation-fake-aws";
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      LoggedRequest r = event.getRequest();
      if (r.getUrl().startsWith(METADATA_PATH)) {
        return metadata(r.getUrl());
      }
      String auth = r.getHeader("Authorization");
      Matcher m = auth == null ? null : SCOPE.matcher(auth);
      Resp resp;
      if (m == null || !m.find()) {
        resp = new Resp(403, "application/json", "{\"__type\":\"MissingAuthenticationTokenException\","
            + "\"message\":\"Missing Authentication Token: the fake takes service and region from"
            + " the SigV4 Authorization header\"}");
      } else {
        Req req = new Req(m.group(2), m.group(1), r.getMethod().getName(), r.getUrl(), r.getBody(),
            name -> {
              HttpHeader h = r.header(name);
              return h == null || !h.isPresent() ? null : h.firstValue();
            });
        resp = dispatch(req, operationOf(req));
      }
      ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition()
          .withStatus(resp.status).withBody(resp.body);
      resp.headers.forEach(b::withHeader);
      b.withHeader("x-amzn-RequestId", UUID.randomUUID().toString());
      return b.build();
    }
  }
}
