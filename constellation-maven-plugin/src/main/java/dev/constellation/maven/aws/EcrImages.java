package dev.constellation.maven.aws;

import dev.constellation.aws.AwsClients;
import dev.constellation.maven.image.AgentImageBuilder;
import dev.constellation.maven.image.EcrPusher;
import dev.constellation.maven.image.ImageException;
import dev.constellation.maven.image.ImageSpec;
import dev.constellation.maven.image.RegionImage;
import dev.constellation.maven.run.RunException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * The agent image of a run: built with Jib from the project and pushed to the ECR repository of
 * every agent region by the existing {@link EcrPusher} (nothing is uploaded where the repository
 * already has the image with the same content tag).
 */
public final class EcrImages implements AwsRun.Images {

  private final Supplier<ImageSpec> spec;
  private final AgentImageBuilder builder;
  private final String repository;
  private final Consumer<String> log;

  /**
   * An image publisher.
   *
   * @param spec what the image contains (built when first needed)
   * @param builder builds and pushes
   * @param repository the ECR repository name in every region
   * @param log one line per region
   */
  public EcrImages(Supplier<ImageSpec> spec, AgentImageBuilder builder, String repository,
      Consumer<String> log) {
    this.spec = spec;
    this.builder = builder;
    this.repository = repository;
    this.log = log;
  }

  @Override
  public Map<String, String> publish(AwsClients aws, List<String> regions) throws RunException {
    EcrPusher pusher = new EcrPusher(builder, region -> unclosable(aws.ecr(region)), repository, log);
    try {
      Map<String, String> out = new LinkedHashMap<>();
      for (RegionImage r : pusher.push(spec.get(), regions)) {
        out.put(r.region(), r.pinnedReference());
      }
      return out;
    } catch (ImageException e) {
      throw new RunException("the agent image could not be published: " + e.getMessage() + "; nothing was started", e);
    }
  }

  @Override
  public String cpuArchitecture() throws RunException {
    try {
      return spec.get().runtimePlatform().cpuArchitecture();
    } catch (ImageException e) {
      throw new RunException(e.getMessage(), e);
    }
  }

  /** The pusher closes each client after its region; the run's clients are shared and closed with the run. */
  private static EcrClient unclosable(EcrClient client) {
    return (EcrClient) Proxy.newProxyInstance(EcrClient.class.getClassLoader(), new Class<?>[] {EcrClient.class}, (proxy, method, args) -> {
      if (method.getName().equals("close") && method.getParameterCount() == 0) {
        return null;
      }
      try {
        return method.invoke(client, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }
}
