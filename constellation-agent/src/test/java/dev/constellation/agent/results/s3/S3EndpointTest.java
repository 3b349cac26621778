package dev.constellation.agent.results.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class S3EndpointTest {

  @Test
  void usesTheTestEndpointOnlyWhenTheEnvironmentNamesOne() {
    try (S3Client test = S3ResultsStore.clientBuilder("eu-west-1",
            Map.of(S3ResultsStore.ENDPOINT_ENV, "http://127.0.0.1:4569")::get).build();
        S3Client production = S3ResultsStore.clientBuilder("eu-west-1", k -> null).build()) {
      assertThat(test.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:4569"));
      assertThat(production.serviceClientConfiguration().endpointOverride()).isEmpty();
      assertThat(production.serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
    }
  }
}
