package dev.constellation.orchestrator.http;

import dev.constellation.orchestrator.JsonOrchestratorClient;
import dev.constellation.orchestrator.OrchestratorException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * An orchestrator client over HTTP ({@code POST} of the action JSON), for the
 * {@link LocalOrchestratorServer}.
 *
 * @since 0.1.0
 */
public final class HttpOrchestratorClient extends JsonOrchestratorClient {

  private final URI url;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * A client for an orchestrator URL.
   *
   * @param url e.g. {@code http://127.0.0.1:41234/}
   * @param timeout how long one request may take, connection included
   */
  public HttpOrchestratorClient(URI url, Duration timeout) {
    this.url = Objects.requireNonNull(url, "url");
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
      throw new IllegalArgumentException("the orchestrator URL " + url
          + " is not http(s); use the URL the local orchestrator printed, e.g. http://127.0.0.1:41234/");
    }
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public String address() {
    return url.toString();
  }

  @Override
  protected String exchange(String jsonRequest) throws OrchestratorException {
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(jsonRequest, StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new OrchestratorException(OrchestratorException.UNREACHABLE,
          "cannot reach the orchestrator at " + url + " (" + describe(e) + "); check that it is"
              + " running and that this is its address", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrchestratorException(OrchestratorException.UNREACHABLE,
          "interrupted while calling the orchestrator at " + url, e);
    }
    if (response.statusCode() != 200) {
      throw new OrchestratorException(OrchestratorException.UNREACHABLE,
          "the orchestrator at " + url + " answered HTTP " + response.statusCode() + ": "
              + abbreviate(response.body()) + "; check that this is the orchestrator's address");
    }
    return response.body();
  }

  /** The first message along the cause chain; the JDK client often throws a bare ConnectException. */
  private static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
      }
    }
    return e instanceof java.net.ConnectException
        ? "ConnectException: nothing accepted the connection"
        : e.getClass().getSimpleName();
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
