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
    return create(name, connectTimeout, null);
  }

  /**
   * Creates an engine with a TLS context.
   *
   * @param name {@value #SOCKET} or {@value #JDK}
   * @param connectTimeout the TCP connect time limit
   * @param ssl the TLS context for https ({@link TlsSettings#sslContext()}), or null for the JVM's default
   * @return the engine; the caller closes it
   * @throws IllegalArgumentException naming the known engines when {@code name} is none of them
   */
  public static HttpEngine create(String name, Duration connectTimeout, javax.net.ssl.SSLContext ssl) {
    switch (name) {
      case SOCKET:
        return new SocketHttpEngine(connectTimeout, ssl);
      case JDK:
        return new JdkHttpEngine(connectTimeout, ssl);
      default:
        throw new IllegalArgumentException("HTTP engine \"" + name + "\" is unknown; use one of " + NAMES);
    }
  }
}
