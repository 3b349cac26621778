package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestNamesTest {

  @Test
  void templatesNumericUuidAndLongHexSegments() {
    assertThat(RequestNames.defaultName("GET", "/items/42")).isEqualTo("GET /items/{id}");
    assertThat(RequestNames.defaultName("PUT", "/users/3f2b8c1e-9d4a-4b7e-8f0a-1c2d3e4f5a6b/cart/7"))
        .isEqualTo("PUT /users/{id}/cart/{id}");
    assertThat(RequestNames.defaultName("GET", "/blobs/0123456789abcdef0123")).isEqualTo("GET /blobs/{id}");
  }

  @Test
  void keepsShortHexWordsAndMalformedUuids() {
    assertThat(RequestNames.defaultName("GET", "/cafe/deadbeef")).isEqualTo("GET /cafe/deadbeef");
    assertThat(RequestNames.defaultName("GET", "/u/3f2b8c1e9-d4a-4b7e-8f0a-1c2d3e4f5a6b")).isEqualTo("GET /u/3f2b8c1e9-d4a-4b7e-8f0a-1c2d3e4f5a6b");
    assertThat(RequestNames.defaultName("GET", "/u/3f2b8c1e-9d4a-4b7e-8f0a-1c2d3e4f5a6g")).isEqualTo("GET /u/3f2b8c1e-9d4a-4b7e-8f0a-1c2d3e4f5a6g");
  }

  @Test
  void keepsWordsAndTrailingSlashes() {
    assertThat(RequestNames.defaultName("GET", "/api/v2/items/")).isEqualTo("GET /api/v2/items/");
    assertThat(RequestNames.defaultName("DELETE", "")).isEqualTo("DELETE /");
  }
}
