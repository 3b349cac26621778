package dev.constellation.aws;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;

/**
 * The one factory of every AWS client Constellation's deployment uses. Each client gets an explicit
 * region, the JDK URL-connection HTTP client (one shared instance, so no Apache/Netty client is
 * picked by class-path scanning), the SDK's standard retry strategy (or the one given), a user agent
 * suffix naming the product ({@code constellation/<version>}), and an interceptor that turns an
 * access-denied answer into a message naming the IAM action to add (docs/aws.md has the policy).
 *
 * <p>Credentials: a named profile (which may be an IAM Identity Center/SSO profile; run
 * {@code aws sso login} first), else the SDK's default chain (environment, {@code AWS_PROFILE},
 * SSO, web identity, container and instance credentials). Tests give static credentials and
 * per-service endpoint overrides; {@link Options#fromSystemProperties()} reads overrides from
 * {@code constellation.aws.endpoint.<service>} properties.
 *
 * <p>Clients are created on first use, cached per service and region, and closed by {@link #close()}.
 */
public final class AwsClients implements AutoCloseable {

  /** Service keys used for endpoint overrides and credentials overrides. */
  public static final List<String> SERVICES = List.of(
      "sts", "ec2", "iam", "ecs", "ecr", "logs", "servicequotas", "lambda", "dynamodb", "s3", "timestream");

  private final Options options;
  private final SdkHttpClient http;
  private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();
  private final String userAgent;

  /**
   * How clients are built.
   *
   * @param profile a named profile from ~/.aws/config, or null for the default chain
   * @param credentials credentials for every service, or null (profile / default chain)
   * @param serviceCredentials credentials per service key (wins over {@code credentials}); tests only
   * @param endpoints endpoint per service key; tests only (production leaves it empty)
   * @param retryStrategy the retry strategy, or null for the SDK's standard one
   *     ({@code AwsRetryStrategy.standardRetryStrategy()}: 3 attempts, exponential back-off with jitter)
   * @param httpTimeout connect timeout of the HTTP client; the socket timeout is 6× this
   */
  public record Options(String profile, AwsCredentialsProvider credentials,
      Map<String, AwsCredentialsProvider> serviceCredentials, Map<String, URI> endpoints,
      RetryStrategy retryStrategy, Duration httpTimeout) {

    public Options {
      serviceCredentials = Map.copyOf(serviceCredentials == null ? Map.of() : serviceCredentials);
      endpoints = Map.copyOf(endpoints == null ? Map.of() : endpoints);
      httpTimeout = httpTimeout == null ? Duration.ofSeconds(10) : httpTimeout;
      for (String key : endpoints.keySet()) {
        if (!SERVICES.contains(key)) {
          throw new IllegalArgumentException("constellation.aws.endpoint." + key + " names no service; use one of " + SERVICES);
        }
      }
    }

    /** Real AWS: default credential chain, no overrides, standard retries. */
    public static Options defaults() {
      return new Options(null, null, Map.of(), Map.of(), null, null);
    }

    /**
     * Real AWS with a named profile.
     *
     * @param profile the profile, or null/blank for the default chain
     * @return the options
     */
    public static Options profile(String profile) {
      return new Options(profile == null || profile.isBlank() ? null : profile.trim(), null, Map.of(), Map.of(), null, null);
    }

    /**
     * Defaults plus endpoint overrides from system properties {@code constellation.aws.endpoint.<service>}
     * (for tests of the Maven goals against local stand-ins).
     *
     * @param profile the profile, or null
     * @return the options
     */
    public static Options fromSystemProperties(String profile) {
      Map<String, URI> e = new HashMap<>();
      for (String s : SERVICES) {
        String v = System.getProperty("constellation.aws.endpoint." + s);
        if (v != null && !v.isBlank()) {
          e.put(s, URI.create(v.trim()));
        }
      }
      return profile(profile).withEndpoints(e);
    }

    /** A copy with these endpoint overrides added. */
    public Options withEndpoints(Map<String, URI> more) {
      Map<String, URI> e = new HashMap<>(endpoints);
      e.putAll(more);
      return new Options(profile, credentials, serviceCredentials, e, retryStrategy, httpTimeout);
    }

    /** A copy with these credentials for every service. */
    public Options withCredentials(AwsCredentialsProvider provider) {
      return new Options(profile, provider, serviceCredentials, endpoints, retryStrategy, httpTimeout);
    }

    /** A copy with credentials for one service. */
    public Options withCredentials(String service, AwsCredentialsProvider provider) {
      Map<String, AwsCredentialsProvider> c = new HashMap<>(serviceCredentials);
      c.put(service, provider);
      return new Options(profile, credentials, c, endpoints, retryStrategy, httpTimeout);
    }

    /** A copy with this retry strategy. */
    public Options withRetryStrategy(RetryStrategy strategy) {
      return new Options(profile, credentials, serviceCredentials, endpoints, strategy, httpTimeout);
    }
  }

  /**
   * A factory.
   *
   * @param options how to build clients
   */
  public AwsClients(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.http = UrlConnectionHttpClient.builder()
        .connectionTimeout(options.httpTimeout())
        .socketTimeout(options.httpTimeout().multipliedBy(6))
        .build();
    this.userAgent = "constellation/" + version();
  }

  /** The product version, as sent in the user agent. */
  public static String version() {
    try (InputStream in = AwsClients.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "dev";
  }

  /** The user agent suffix every client sends. */
  public String userAgent() {
    return userAgent;
  }

  /** Whether a service has an endpoint override (tests). */
  public boolean overridden(String service) {
    return options.endpoints().containsKey(service);
  }

  /** STS in the home region (regional endpoint). */
  public StsClient sts(String region) {
    return get("sts", region, r -> configure(StsClient.builder(), "sts", r).build());
  }

  /** EC2 in a region. */
  public Ec2Client ec2(String region) {
    return get("ec2", region, r -> configure(Ec2Client.builder(), "ec2", r).build());
  }

  /**
   * IAM (global; the signing region is the partition's global region, us-east-1 for {@code aws}).
   *
   * @param partition {@code aws}, {@code aws-cn} or {@code aws-us-gov}
   */
  public IamClient iam(String partition) {
    String global = switch (partition) {
      case "aws-cn" -> Region.AWS_CN_GLOBAL.id();
      case "aws-us-gov" -> Region.AWS_US_GOV_GLOBAL.id();
      default -> Region.AWS_GLOBAL.id();
    };
    return get("iam", global, r -> configure(IamClient.builder(), "iam", r).build());
  }

  /** ECS in a region. */
  public EcsClient ecs(String region) {
    return get("ecs", region, r -> configure(EcsClient.builder(), "ecs", r).build());
  }

  /** ECR in a region. */
  public EcrClient ecr(String region) {
    return get("ecr", region, r -> configure(EcrClient.builder(), "ecr", r).build());
  }

  /** CloudWatch Logs in a region. */
  public CloudWatchLogsClient logs(String region) {
    return get("logs", region, r -> configure(CloudWatchLogsClient.builder(), "logs", r).build());
  }

  /** Service Quotas in a region. */
  public ServiceQuotasClient quotas(String region) {
    return get("servicequotas", region, r -> configure(ServiceQuotasClient.builder(), "servicequotas", r).build());
  }

  /** Lambda in a region. */
  public LambdaClient lambda(String region) {
    return get("lambda", region, r -> configure(LambdaClient.builder(), "lambda", r).build());
  }

  /** DynamoDB in a region. */
  public DynamoDbClient dynamo(String region) {
    return get("dynamodb", region, r -> configure(DynamoDbClient.builder(), "dynamodb", r).build());
  }

  /**
   * S3 in a region. With an endpoint override (tests against s3rver) it uses path-style addresses,
   * unchunked payloads and checksums only where required, which S3 stand-ins need.
   */
  public S3Client s3(String region) {
    return get("s3", region, r -> {
      var b = configure(S3Client.builder(), "s3", r);
      if (overridden("s3")) {
        b.forcePathStyle(true)
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      }
      return b.build();
    });
  }

  /** Timestream (write) in a region; endpoint discovery as the SDK does it for real AWS. */
  public TimestreamWriteClient timestream(String region) {
    return get("timestream", region, r -> {
      var b = configure(TimestreamWriteClient.builder(), "timestream", r);
      if (overridden("timestream")) {
        b.endpointDiscoveryEnabled(false);
      }
      return b.build();
    });
  }

  /**
   * Timestream queries in a region (reading a run's records); endpoint discovery as for
   * {@link #timestream(String)}, and off with an endpoint override for {@code timestream}.
   */
  public software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient timestreamQuery(String region) {
    return get("timestream-query", region, r -> {
      var b = configure(software.amazon.awssdk.services.timestreamquery.TimestreamQueryClient.builder(), "timestream", r);
      if (overridden("timestream")) {
        b.endpointDiscoveryEnabled(false);
      }
      return b.build();
    });
  }

  @SuppressWarnings("unchecked")
  private <C extends SdkClient> C get(String service, String region, Function<String, C> create) {
    return (C) clients.computeIfAbsent(service + "@" + region, k -> create.apply(region));
  }

  private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder, String service, String region) {
    builder.region(Region.of(region)).httpClient(http).credentialsProvider(credentials(service));
    URI endpoint = options.endpoints().get(service);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    RetryStrategy retry = options.retryStrategy() != null ? options.retryStrategy() : AwsRetryStrategy.standardRetryStrategy();
    builder.overrideConfiguration(c -> c
        .retryStrategy(retry)
        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, userAgent)
        .addExecutionInterceptor(new DeniedHints()));
    return builder;
  }

  private AwsCredentialsProvider credentials(String service) {
    AwsCredentialsProvider p = options.serviceCredentials().get(service);
    if (p != null) {
      return p;
    }
    if (options.credentials() != null) {
      return options.credentials();
    }
    if (options.profile() != null) {
      return ProfileCredentialsProvider.create(options.profile());
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (SdkClient c : clients.values()) {
      try {
        c.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    clients.clear();
    http.close();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  /** Whether an error code means the caller lacks a permission. */
  static boolean isDenied(AwsServiceException e) {
    String code = code(e);
    return code.equals("AccessDenied") || code.equals("AccessDeniedException") || code.equals("UnauthorizedOperation")
        || code.equals("UnauthorizedAccess") || code.equals("AuthorizationError");
  }

  /** Whether an error code means the credentials are wrong or expired. */
  static boolean isBadCredentials(AwsServiceException e) {
    String code = code(e);
    return code.equals("ExpiredToken") || code.equals("ExpiredTokenException") || code.equals("InvalidClientTokenId")
        || code.equals("UnrecognizedClientException") || code.equals("SignatureDoesNotMatch")
        || code.equals("AuthFailure") || code.equals("InvalidSignatureException");
  }

  /** The error code, or "" when there is none. */
  public static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
  }

  /** The IAM action prefix of an SDK service name (e.g. {@code CloudWatchLogs} → {@code logs}). */
  static String actionPrefix(String serviceName) {
    if (serviceName == null) {
      return "?";
    }
    return switch (serviceName) {
      case "CloudWatchLogs" -> "logs";
      case "TimestreamWrite", "TimestreamQuery" -> "timestream";
      case "DynamoDb" -> "dynamodb";
      case "ServiceQuotas" -> "servicequotas";
      default -> serviceName.toLowerCase(Locale.ROOT);
    };
  }

  /** Adds the IAM action and the fix to access-denied and bad-credential errors, for every client. */
  static final class DeniedHints implements ExecutionInterceptor {
    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
      Throwable t = context.exception();
      if (!(t instanceof AwsServiceException e) || e.awsErrorDetails() == null) {
        return t;
      }
      String action = actionPrefix(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)) + ":"
          + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      String hint;
      if (isDenied(e)) {
        hint = " [Constellation needs the IAM action " + action + "; add the operator policy of docs/aws.md to"
            + " these credentials]";
      } else if (isBadCredentials(e)) {
        hint = " [" + action + " refused the credentials: check AWS_PROFILE / -Dconstellation.profile, or run"
            + " 'aws sso login' when the SSO session expired]";
      } else {
        return t;
      }
      AwsErrorDetails d = e.awsErrorDetails();
      String original = d.errorMessage() == null ? "" : d.errorMessage();
      if (original.contains(hint)) {
        return t;
      }
      return e.toBuilder().awsErrorDetails(d.toBuilder().errorMessage(original + hint).build()).build();
    }
  }
}
