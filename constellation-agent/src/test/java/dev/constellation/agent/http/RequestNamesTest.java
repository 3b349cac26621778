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
  /** Segments that are ids: digits only, a UUID (8-4-4-4-12 hex digits), or 16 or more hex digits in either case. */
  @Test
  void theIdRulesAtTheirLimits() {
    assertThat(RequestNames.defaultName("GET", "/a/0/9/5")).isEqualTo("GET /a/{id}/{id}/{id}");
    assertThat(RequestNames.defaultName("GET", "/a/0123456789abcde")).isEqualTo("GET /a/0123456789abcde");
    assertThat(RequestNames.defaultName("GET", "/a/0123456789abcdef")).isEqualTo("GET /a/{id}");
    assertThat(RequestNames.defaultName("GET", "/a/ffffffffffffffff/x")).isEqualTo("GET /a/{id}/x");
    assertThat(RequestNames.defaultName("GET", "/a/AAAAAAAAAAAAAAAA")).isEqualTo("GET /a/{id}");
    assertThat(RequestNames.defaultName("GET", "/a/FFFFFFFFFFFFFFFF")).isEqualTo("GET /a/{id}");
    assertThat(RequestNames.defaultName("GET", "/a/aaaaaaaaaaaaaaaa")).isEqualTo("GET /a/{id}");
    assertThat(RequestNames.defaultName("GET", "/a/9999999999999999")).isEqualTo("GET /a/{id}");
    // neighbours of the hex ranges are not hex: '/' ':' '@' 'G' '`' 'g'
    for (char c : new char[] {':', '@', 'G', '`', 'g'}) {
      String seg = "0123456789abcde" + c;
      assertThat(RequestNames.defaultName("GET", "/a/" + seg)).as(seg).isEqualTo("GET /a/" + seg);
    }
    assertThat(RequestNames.defaultName("GET", "/a/1:")).isEqualTo("GET /a/1:");
    assertThat(RequestNames.defaultName("GET", "/a/1/")).isEqualTo("GET /a/{id}/");
    assertThat(RequestNames.defaultName("GET", "/a/3F2B8C1E-9D4A-4B7E-8F0A-1C2D3E4F5A6B")).isEqualTo("GET /a/{id}");
    assertThat(RequestNames.defaultName("GET", "/a/3f2b8c1e-9d4a-4b7e-8f0a-1c2d3e4f5a6")).isEqualTo(
        "GET /a/3f2b8c1e-9d4a-4b7e-8f0a-1c2d3e4f5a6");
    assertThat(RequestNames.defaultName("GET", "/a/3f2b8c1e-9d4a-4b7e-8f0a_1c2d3e4f5a6b")).isEqualTo(
        "GET /a/3f2b8c1e-9d4a-4b7e-8f0a_1c2d3e4f5a6b");
    assertThat(RequestNames.defaultName("GET", "/a/3f2b8c1e-9d4a-4b7e-8f0a-1c2d3e4f5a6b-")).isEqualTo(
        "GET /a/3f2b8c1e-9d4a-4b7e-8f0a-1c2d3e4f5a6b-");
    assertThat(RequestNames.defaultName("GET", "/a/3f2b8c1e-9d4a-4b7e-8f0a-1c2d3e4f5a6b/b?x=1/2", 41)).isEqualTo("GET /a/{id}/b");
    assertThat(RequestNames.defaultName("GET", "/a/12?x=1/2", 5)).isEqualTo("GET /a/{id}");
    assertThat(RequestNames.defaultName("GET", "?x=1", 0)).isEqualTo("GET /");
  }
}

