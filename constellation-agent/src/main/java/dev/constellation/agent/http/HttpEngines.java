package dev.constellation.agent.http;

import java.time.Duration;
import java.util.List;

/** Creates the HTTP engine an agent runs on, by name. */
public final class HttpEngines {

  /** The engine on blocking sockets, {@link SocketHttpEngine}; the default (measured faster, docs/performance.md). */
  public static final String SOCKET = "socket";
  /** The engine on {@code java.net.http}, {@link JdkHttpEngine}. */
  public static final String JDK = "jdk";
  /** The engine agents use unless told otherwise. */
  public static final String DEFAULT = SOCKET;
  /** Every engine name {@link #create} accepts. */
  public static final List<String> NAMES = List.of(SOCKET, JDK);

  private HttpEngines() {}

  /**
   * Creates an engine.
   *
   * @param name {@value #SOCKET} or {@value #JDK}
   * @param connectTimeout the TCP connect time limit
   * @return the engine; the caller closes it
   * @throws IllegalArgumentException naming the known engines when {@code name} is none of them
   */
  public static HttpEngine create(String name, Duration connectTimeout) {
    return create(name, connectTimeout, true, null);
  }

  /**
   * Creates an engine with the JVM's default TLS context.
   *
   * @param name {@value #SOCKET} or {@value #JDK}
   * @param connectTimeout the TCP connect time limit
   * @param retries whether a request that got no byte of response on a reused connection is sent
   *     again once on a new one (each retry is counted)
   * @return the engine; the caller closes it
   * @throws IllegalArgumentException naming the known engines when {@code name} is none of them
   */
  public static HttpEngine create(String name, Duration connectTimeout, boolean retries) {
    return create(name, connectTimeout, retries, null);
  }

  /**
   * Creates an engine with retries on.
   *
   * @param name {@value #SOCKET} or {@value #JDK}
   * @param connectTimeout the TCP connect time limit
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   * @return the engine; the caller closes it
   * @throws IllegalArgumentException naming the known engines when {@code name} is none of them
   */
  public static HttpEngine create(String name, Duration connectTimeout, javax.net.ssl.SSLContext ssl) {
    return create(name, connectTimeout, true, ssl);
  }

  /**
   * Creates an engine.
   *
   * @param name {@value #SOCKET} or {@value #JDK}
   * @param connectTimeout the TCP connect time limit
   * @param retries whether a request that got no byte of response on a reused connection is sent
   *     again once on a new one (each retry is counted)
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   * @return the engine; the caller closes it
   * @throws IllegalArgumentException naming the known engines when {@code name} is none of them
   */
  public static HttpEngine create(String name, Duration connectTimeout, boolean retries, javax.net.ssl.SSLContext ssl) {
    switch (name) {
      case SOCKET:
        return new SocketHttpEngine(connectTimeout, retries, ssl);
      case JDK:
        return new JdkHttpEngine(connectTimeout, retries, ssl);
      default:
        throw new IllegalArgumentException("HTTP engine \"" + name + "\" is unknown; use one of " + NAMES);
    }
  }
}
