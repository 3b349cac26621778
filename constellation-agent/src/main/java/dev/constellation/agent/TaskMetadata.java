package dev.constellation.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * Which ECS task this agent runs in, from the task metadata endpoint version 4: ECS sets
 * {@value #ENV} in every container, and {@code GET ${ECS_CONTAINER_METADATA_URI_V4}/task} answers
 * JSON with {@code TaskARN}, {@code Cluster}, {@code AvailabilityZone} (AWS: "Amazon ECS task
 * metadata endpoint version 4 for tasks on Fargate"). Outside ECS the variable is unset and
 * nothing is asked.
 *
 * @param taskArn the task ARN
 * @param cluster the cluster ARN or name, or empty
 * @param availabilityZone the zone, or empty
 */
record TaskMetadata(String taskArn, String cluster, String availabilityZone) {

  /** The environment variable ECS sets in each container (Fargate platform 1.4.0 and later). */
  static final String ENV = "ECS_CONTAINER_METADATA_URI_V4";

  /** The task id: the last segment of the ARN ({@code arn:aws:ecs:<region>:<account>:task/<cluster>/<id>}). */
  String taskId() {
    int slash = taskArn.lastIndexOf('/');
    return slash < 0 ? taskArn : taskArn.substring(slash + 1);
  }

  /**
   * Asks the metadata endpoint, if the environment names one.
   *
   * @param env the environment
   * @param timeout connect and read time limit
   * @return the metadata, or null outside ECS
   * @throws IOException when the endpoint is named but does not answer with a task ARN
   */
  static TaskMetadata read(Function<String, String> env, Duration timeout) throws IOException {
    String base = env.apply(ENV);
    if (base == null || base.isBlank()) {
      return null;
    }
    URI uri = URI.create(base.trim().replaceAll("/+$", "") + "/task");
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout((int) timeout.toMillis());
    c.setReadTimeout((int) timeout.toMillis());
    try {
      int status = c.getResponseCode();
      if (status != 200) {
        throw new IOException(uri + " answered HTTP " + status);
      }
      JsonNode n;
      try (InputStream in = c.getInputStream()) {
        n = new ObjectMapper().readTree(in);
      }
      String arn = n.path("TaskARN").asText("");
      if (arn.isEmpty()) {
        throw new IOException(uri + " answered without a TaskARN");
      }
      return new TaskMetadata(arn, n.path("Cluster").asText(""), n.path("AvailabilityZone").asText(""));
    } finally {
      c.disconnect();
    }
  }
}
