package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The error types failed requests are counted under (docs/performance.md lists them), from the
 * exceptions both engines throw, the cause chain included.
 */
class ErrorTypesTest {

  private static String type(Throwable t) {
    return ErrorTypes.classify(t);
  }

  private static <T extends Throwable> T causedBy(T t, Throwable cause) {
    t.initCause(cause);
    return t;
  }

  @Test
  void eachTransportFailureHasItsType() {
    assertThat(type(new IllegalArgumentException("bad url"))).isEqualTo("invalid_request");
    assertThat(type(new IOException("x", new InterruptedException()))).isEqualTo("interrupted");
    assertThat(type(new HttpConnectTimeoutException("connect"))).isEqualTo("connect_timeout");
    assertThat(type(new HttpTimeoutException("request timed out"))).isEqualTo("timeout");
    assertThat(type(new SocketTimeoutException("read"))).isEqualTo("timeout");
    assertThat(type(new UnknownHostException("nowhere.invalid"))).isEqualTo("unknown_host");
    assertThat(type(new IOException(new UnresolvedAddressException()))).isEqualTo("unknown_host");
    assertThat(type(new NoRouteToHostException("no route"))).isEqualTo("no_route");
    assertThat(type(new ConnectException("Connection refused"))).isEqualTo("connection_refused");
    assertThat(type(new SSLHandshakeException("PKIX path building failed"))).isEqualTo("tls_error");
    assertThat(type(new SSLException("bad record"))).isEqualTo("tls_error");
    assertThat(type(new SocketException("Connection reset"))).isEqualTo("connection_reset");
    assertThat(type(new IOException("Broken pipe"))).isEqualTo("connection_reset");
    assertThat(type(new EOFException())).isEqualTo("connection_closed");
    assertThat(type(new IOException("Socket closed"))).isEqualTo("connection_closed");
    assertThat(type(new IOException("received no bytes"))).isEqualTo("connection_closed");
    assertThat(type(new IOException("unexpected EOF"))).isEqualTo("connection_closed");
    assertThat(type(new IOException("not an HTTP/1.x response: SSH-2.0"))).isEqualTo("io_error");
    assertThat(type(new IOException())).isEqualTo("io_error");
  }

  @Test
  void theFirstKnownCauseInTheChainDecides() {
    assertThat(type(new IOException("wrapped", new HttpConnectTimeoutException("connect")))).isEqualTo("connect_timeout");
    assertThat(type(new IOException("wrapped", new SocketTimeoutException("read")))).isEqualTo("timeout");
    assertThat(type(new IOException("wrapped", new ConnectException("refused")))).isEqualTo("connection_refused");
    assertThat(type(new IOException("wrapped", new NoRouteToHostException("x")))).isEqualTo("no_route");
    assertThat(type(new IOException("wrapped", new UnknownHostException("x")))).isEqualTo("unknown_host");
    assertThat(type(new IOException("outer", new EOFException("inner")))).isEqualTo("connection_closed");
    assertThat(type(new IOException("outer", new IOException("Connection reset by peer")))).isEqualTo("connection_reset");
    assertThat(type(new IOException("outer", new IOException("stream closed")))).isEqualTo("connection_closed");
    // a timeout wins over the closed socket the sweeper left behind
    assertThat(type(new HttpTimeoutException("request timed out").initCause(new SocketException("Socket closed"))))
        .isEqualTo("timeout");
  }

  @Test
  void aTlsFailureCausedByTheConnectionItselfIsClassifiedByThatCause() {
    assertThat(type(causedBy(new SSLException("in handshake"), new EOFException("peer closed")))).isEqualTo("connection_closed");
    assertThat(type(causedBy(new SSLException("in handshake"), new SocketException("Connection reset")))).isEqualTo("connection_reset");
    // an SSLException caused by another SSLException is a TLS error
    assertThat(type(causedBy(new SSLException("outer"), new SSLHandshakeException("inner")))).isEqualTo("tls_error");
    // ... and one caused by something that is not an IOException too
    assertThat(type(causedBy(new SSLException("outer"), new IllegalStateException("state")))).isEqualTo("tls_error");
    assertThat(type(new IOException("wrapped", new SSLHandshakeException("no cipher suites")))).isEqualTo("tls_error");
  }
}
