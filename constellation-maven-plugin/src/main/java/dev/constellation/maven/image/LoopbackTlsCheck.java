package dev.constellation.maven.image;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Fails fast when a registry on this machine does not speak trusted TLS and plain HTTP is not
 * allowed. Without this, Jib retries the TLS handshake with back-off for about a minute before
 * it gives up; remote registries are left to Jib.
 */
final class LoopbackTlsCheck {

  private static final int TIMEOUT_MILLIS = 2_000;

  private LoopbackTlsCheck() {}

  static void requireTls(String setting, String value, String registry) throws ImageException {
    String host = host(registry);
    if (!isLoopback(host)) {
      return;
    }
    int port = port(registry);
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      plain.setSoTimeout(TIMEOUT_MILLIS);
      SSLContext tls = SSLContext.getDefault();
      try (SSLSocket socket =
          (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, false)) {
        socket.startHandshake();
      }
    } catch (SSLException | SocketTimeoutException notTls) {
      throw new ImageException(
          setting, value,
          "registry " + registry + " answers only over plain HTTP or with an untrusted certificate,"
              + " and insecure registries are not allowed (" + notTls.getMessage() + ")",
          "Use an HTTPS registry, or set " + ImageSpec.SETTING_ALLOW_INSECURE
              + " to true, for a registry on this machine only",
          notTls);
    } catch (ConnectException refused) {
      // Nothing listens there: Jib reports the unreachable registry itself, quickly.
    } catch (IOException | java.security.NoSuchAlgorithmException other) {
      // Not conclusive; Jib's own connection handling decides.
    }
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
  }

  private static String host(String registry) {
    if (registry.startsWith("[")) {
      return registry.substring(1, registry.indexOf(']'));
    }
    int colon = registry.lastIndexOf(':');
    return colon > 0 ? registry.substring(0, colon) : registry;
  }

  private static int port(String registry) {
    int colon = registry.lastIndexOf(':');
    int bracket = registry.lastIndexOf(']');
    return colon > bracket && colon > 0 ? Integer.parseInt(registry.substring(colon + 1)) : 443;
  }
}
