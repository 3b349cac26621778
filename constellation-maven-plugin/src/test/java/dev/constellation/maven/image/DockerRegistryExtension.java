package dev.constellation.maven.image;

import dev.constellation.testservices.DockerRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link DockerRegistry} (Debian's {@code docker-registry} on 127.0.0.1) for one test class: started
 * before the class's tests, stopped (by process handle) and its storage deleted after them. Open over
 * plain HTTP (the default), or, with {@link #withBasicAuth}, htpasswd authentication over HTTPS. A
 * missing {@code docker-registry} skips the class on a developer's machine and fails it under
 * {@code CI=true}.
 */
final class DockerRegistryExtension implements BeforeAllCallback, AfterAllCallback {

  private final String user;
  private final String password;
  private DockerRegistry registry;

  DockerRegistryExtension() {
    this(null, null);
  }

  private DockerRegistryExtension(String user, String password) {
    this.user = user;
    this.password = password;
  }

  /** A registry that answers only requests with this user's basic credentials, over HTTPS. */
  static DockerRegistryExtension withBasicAuth(String user, String password) {
    return new DockerRegistryExtension(user, password);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    DockerRegistry.requireInstalled();
    registry = user == null ? DockerRegistry.start() : DockerRegistry.startWithBasicAuth(user, password);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (registry != null) {
      registry.close();
    }
  }

  /** {@code 127.0.0.1:<port>}, the registry part of image references. */
  String host() {
    return registry.host();
  }

  int port() {
    return registry.port();
  }

  /** Every line the registry logged so far. */
  List<String> logLines() throws IOException {
    return registry.logLines();
  }

  /** Completed blob uploads in the access log from line {@code fromLine} on. */
  long completedBlobUploads(int fromLine) throws IOException {
    return registry.completedBlobUploads(fromLine);
  }

  /** Whether the registry asks for credentials (and speaks HTTPS). */
  boolean authenticated() {
    return registry.authenticated();
  }

  /** An HTTP client for this registry: it trusts the registry's self-signed certificate. */
  HttpClient client() throws IOException {
    return registry.client();
  }

  /** The registry's base URL, {@code http://} or {@code https://} host. */
  String baseUrl() {
    return registry.endpoint();
  }
}
