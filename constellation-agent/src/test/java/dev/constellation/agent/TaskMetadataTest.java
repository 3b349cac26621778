package dev.constellation.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ECS task metadata endpoint v4, played by a loopback HTTP server. */
class TaskMetadataTest {

  private HttpServer server;
  private final List<String> paths = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    // Shape from "Task metadata v4 JSON response for Fargate" (trimmed).
    byte[] body = ("{\"Cluster\":\"arn:aws:ecs:eu-west-1:123456789012:cluster/constellation\","
        + "\"TaskARN\":\"arn:aws:ecs:eu-west-1:123456789012:task/constellation/9781c248b2b94f3a8e3b1e47c4e4b0c1\","
        + "\"Family\":\"constellation-agent\",\"Revision\":\"3\",\"AvailabilityZone\":\"eu-west-1b\","
        + "\"LaunchType\":\"FARGATE\"}").getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      paths.add(exchange.getRequestURI().getPath());
      boolean task = exchange.getRequestURI().getPath().equals("/v4/abc-123/task");
      exchange.sendResponseHeaders(task ? 200 : 404, task ? body.length : -1);
      try (OutputStream out = exchange.getResponseBody()) {
        if (task) {
          out.write(body);
        }
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v4/abc-123";
  }

  @Test
  void readsTheTaskArnFromTheTaskPathOfTheEndpointEcsNames() throws Exception {
    TaskMetadata m = TaskMetadata.read(Map.of(TaskMetadata.ENV, base())::get, Duration.ofSeconds(2));
    assertThat(m.taskArn()).isEqualTo("arn:aws:ecs:eu-west-1:123456789012:task/constellation/9781c248b2b94f3a8e3b1e47c4e4b0c1");
    assertThat(m.taskId()).isEqualTo("9781c248b2b94f3a8e3b1e47c4e4b0c1");
    assertThat(m.availabilityZone()).isEqualTo("eu-west-1b");
    assertThat(paths).containsExactly("/v4/abc-123/task");
  }

  @Test
  void asksNothingOutsideEcsAndFailsClearlyWhenTheEndpointHasNoTask() throws Exception {
    assertThat(TaskMetadata.read(k -> null, Duration.ofSeconds(2))).isNull();
    assertThat(paths).isEmpty();
    assertThatThrownBy(() -> TaskMetadata.read(Map.of(TaskMetadata.ENV, base() + "x")::get, Duration.ofSeconds(2)))
        .hasMessageEndingWith("/v4/abc-123x/task answered HTTP 404");
  }
}
