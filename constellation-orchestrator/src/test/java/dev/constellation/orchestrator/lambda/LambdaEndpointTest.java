package dev.constellation.orchestrator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaEndpointTest {

  @Test
  void usesTheTestEndpointOnlyWhenTheEnvironmentNamesOne() {
    assertThat(LambdaOrchestratorClient.create("us-east-1", "constellation-orchestrator", "live",
        Map.of(LambdaOrchestratorClient.ENDPOINT_ENV, "http://127.0.0.1:9001")::get).endpointOverride())
        .contains(URI.create("http://127.0.0.1:9001"));
    assertThat(LambdaOrchestratorClient.create("us-east-1", "constellation-orchestrator", "live", k -> null).endpointOverride())
        .isEmpty();
  }
}
