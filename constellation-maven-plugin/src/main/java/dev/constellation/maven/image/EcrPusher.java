package dev.constellation.maven.image;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

/**
 * Puts the agent image into an ECR repository in every region, in parallel.
 *
 * <p>Per region: find the repository ({@code DescribeRepositories}), create it when missing
 * (tagged {@code constellation:managed=true}), look for the content tag ({@code DescribeImages}):
 * when it is there the image is not built or pushed again. Otherwise get a registry token
 * ({@code GetAuthorizationToken}, user {@code AWS}) and push with {@link AgentImageBuilder}; Jib
 * then uploads only the layers the repository lacks. A push that fails on a transient registry
 * error (5xx, a reset connection, a lost upload; see {@link PushRetry}) is tried again, up to
 * {@link PushRetry#maxAttempts()} in all, after a jittered exponential backoff; a permanent one
 * (credentials, a missing repository, an invalid manifest) is not.
 */
public final class EcrPusher {

  /** The default repository name. */
  public static final String DEFAULT_REPOSITORY = "constellation-agent";

  /** The pom element of the repository name. */
  public static final String SETTING_REPOSITORY = "<repository> (-Dconstellation.image.repository)";

  /** The pom element of the regions. */
  public static final String SETTING_REGIONS = "<ecrRegions> (-Dconstellation.image.ecrRegions)";

  private static final Pattern REPOSITORY_NAME =
      Pattern.compile("(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");

  private final AgentImageBuilder builder;
  private final Function<String, EcrClient> clients;
  private final String repositoryName;
  private final Consumer<String> log;
  private final PushRetry retry;
  private final DoubleSupplier random;

  /**
   * Creates a pusher.
   *
   * @param builder builds and pushes the image
   * @param clients an ECR client for a region name; see {@link #defaultClients()}
   * @param repositoryName the repository in every region, for example {@link #DEFAULT_REPOSITORY}
   * @param log receives one line per region
   */
  public EcrPusher(
      AgentImageBuilder builder,
      Function<String, EcrClient> clients,
      String repositoryName,
      Consumer<String> log) {
    this(builder, clients, repositoryName, log, PushRetry.STANDARD,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * Creates a pusher with its own retry bound and backoff.
   *
   * @param retry attempts and backoff for a region's push, for example {@link PushRetry#STANDARD}
   * @param random the backoff's jitter, uniform in [0, 1)
   */
  public EcrPusher(
      AgentImageBuilder builder,
      Function<String, EcrClient> clients,
      String repositoryName,
      Consumer<String> log,
      PushRetry retry,
      DoubleSupplier random) {
    this.builder = Objects.requireNonNull(builder, "builder");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.repositoryName = Objects.requireNonNull(repositoryName, "repositoryName");
    this.log = Objects.requireNonNull(log, "log");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** ECR clients with the SDK's default credentials and HTTP client, one per region. */
  public static Function<String, EcrClient> defaultClients() {
    return region -> EcrClient.builder().region(Region.of(region)).build();
  }

  /**
   * Makes sure every region's repository holds the image, pushing where it is missing.
   *
   * @param spec what the image contains
   * @param regions AWS region names
   * @return one entry per region, in the order given
   * @throws ImageException when a region cannot be reached, refuses the credentials, or the
   *     build fails; other regions' failures are attached as suppressed exceptions
   */
  public List<RegionImage> push(ImageSpec spec, List<String> regions) throws ImageException {
    if (!REPOSITORY_NAME.matcher(repositoryName).matches() || repositoryName.length() > 256) {
      throw new ImageException(
          SETTING_REPOSITORY, repositoryName,
          "ECR repository names are lowercase letters, digits and . _ - / separators",
          "Use a name such as " + DEFAULT_REPOSITORY, null);
    }
    if (regions.isEmpty()) {
      return List.of();
    }
    String tag = builder.contentTag(spec);
    ExecutorService pool = Executors.newFixedThreadPool(regions.size(), r -> {
      Thread t = new Thread(r, "constellation-ecr-push");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<RegionImage>> futures = new ArrayList<>();
      for (String region : regions) {
        futures.add(pool.submit(() -> pushToRegion(spec, region, tag)));
      }
      List<RegionImage> images = new ArrayList<>();
      ImageException failure = null;
      for (int i = 0; i < futures.size(); i++) {
        try {
          images.add(futures.get(i).get());
        } catch (ExecutionException e) {
          ImageException error = e.getCause() instanceof ImageException ie
              ? ie
              : new ImageException(SETTING_REGIONS, regions.get(i),
                  "the image could not be pushed (" + e.getCause() + ")",
                  "Run again with -X and report the stack trace", e.getCause());
          if (failure == null) {
            failure = error;
          } else {
            failure.addSuppressed(error);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      return List.copyOf(images);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException(SETTING_REGIONS, String.join(",", regions),
          "the push was interrupted", "Run it again", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private RegionImage pushToRegion(ImageSpec spec, String region, String tag)
      throws ImageException {
    long start = System.nanoTime();
    try (EcrClient ecr = clients.apply(region)) {
      String repositoryUri = ensureRepository(ecr);
      Optional<String> existing = existingDigest(ecr, tag);
      if (existing.isPresent()) {
        log.accept(region + ": " + repositoryUri + ":" + tag + " is already there, not pushed again");
        return new RegionImage(region, repositoryUri, tag, existing.get(), false, 0, 0,
            Duration.ofNanos(System.nanoTime() - start));
      }
      AuthorizationData auth = ecr.getAuthorizationToken(r -> { }).authorizationData().get(0);
      String[] userPassword = new String(
          Base64.getDecoder().decode(auth.authorizationToken()), StandardCharsets.UTF_8)
          .split(":", 2);
      String registry = URI.create(auth.proxyEndpoint()).getAuthority();
      String repository = registry + "/" + repositoryName;
      ImageBuildResult built = pushWithRetry(spec,
          ImageTarget.registry(repository + ":" + tag, userPassword[0], userPassword[1]), region,
          repository);
      log.accept(region + ": pushed " + repository + ":" + tag + " (" + built.layersPushed()
          + " layers uploaded, " + built.layersReused() + " already there)");
      return new RegionImage(region, repository, tag, built.imageDigest(), true,
          built.layersPushed(), built.layersReused(), Duration.ofNanos(System.nanoTime() - start));
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      boolean credentials = e.statusCode() == 401 || e.statusCode() == 403
          || (code != null && (code.contains("AccessDenied") || code.contains("UnrecognizedClient")
              || code.contains("ExpiredToken") || code.contains("InvalidSignature")));
      throw new ImageException(SETTING_REGIONS, region,
          (credentials ? "AWS refused the credentials for ECR (" : "ECR answered an error (")
              + e.getMessage() + ")",
          credentials
              ? "Check the AWS credentials (AWS_PROFILE or aws configure) and that they allow"
                  + " ecr:DescribeRepositories, ecr:CreateRepository, ecr:DescribeImages,"
                  + " ecr:GetAuthorizationToken and the layer upload actions"
              : "Check that ECR is available in this region",
          e);
    } catch (SdkException e) {
      throw new ImageException(SETTING_REGIONS, region,
          "ECR cannot be reached (" + e.getMessage() + ")",
          "Check the region name and the network connection to AWS", e);
    }
  }

  /** Pushes, trying again after transient failures within {@link #retry}'s bound. */
  private ImageBuildResult pushWithRetry(
      ImageSpec spec, ImageTarget target, String region, String repository) throws ImageException {
    return retry.push(() -> builder.build(spec, target), region, repository, log, random,
        (e, attempts, cause) -> {
          if (!e.setting().equals(ImageSpec.SETTING_REGISTRY)) {
            return e;
          }
          // The user set regions, not a registry: name the region and the repository instead.
          if (cause.isEmpty()) {
            return new ImageException(SETTING_REGIONS, region,
                "pushing to " + repository + " failed: " + e.problem(), e.fix(), e);
          }
          return new ImageException(SETTING_REGIONS, region,
              "pushing to " + repository + " failed " + attempts + " times on transient registry"
                  + " errors (" + cause.get() + "), the last: " + e.problem(),
              "Run it again later; if it keeps failing, check the registry's health (for ECR: the"
                  + " AWS Health Dashboard for " + region + ")",
              e);
        });
  }

  private String ensureRepository(EcrClient ecr) {
    try {
      return ecr.describeRepositories(r -> r.repositoryNames(repositoryName))
          .repositories().get(0).repositoryUri();
    } catch (RepositoryNotFoundException missing) {
      return ecr.createRepository(r -> r
              .repositoryName(repositoryName)
              .imageTagMutability(ImageTagMutability.MUTABLE)
              .imageScanningConfiguration(s -> s.scanOnPush(false))
              .tags(Tag.builder().key("constellation:managed").value("true").build()))
          .repository().repositoryUri();
    }
  }

  private Optional<String> existingDigest(EcrClient ecr, String tag) {
    try {
      return ecr.describeImages(r -> r
              .repositoryName(repositoryName)
              .imageIds(ImageIdentifier.builder().imageTag(tag).build()))
          .imageDetails().stream()
          .map(ImageDetail::imageDigest)
          .filter(Objects::nonNull)
          .findFirst();
    } catch (ImageNotFoundException missing) {
      return Optional.empty();
    }
  }
}
