package dev.constellation.agent.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 for transport tests: counts connections and requests it
 * read, keeps every request head, and lets the test write each answer byte by byte. Stops its
 * threads and sockets on {@link #close()}.
 */
final class RawServer implements AutoCloseable {

  /** What the server does with one request whose head (and body, unless told not to) it read. */
  @FunctionalInterface
  interface Handler {
    /**
     * @param head the request line and headers, CRLF-separated
     * @param out the connection's output
     * @param connection the connection's number, from 1
     * @param nth the request's number on its connection, from 1
     * @return whether to keep the connection for another request
     */
    boolean answer(String head, OutputStream out, int connection, int nth) throws IOException;
  }

  private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final int idleCloseMillis;
  private final boolean readBodies;
  /** Set to speak TLS on every connection accepted after; null for plain HTTP. */
  private volatile javax.net.ssl.SSLContext tls;
  private volatile String[] tlsProtocols;
  /** How long each accepted connection waits before the TLS handshake starts, ms. */
  private volatile int handshakeDelayMillis;
  private final List<String> alpn = new CopyOnWriteArrayList<>();
  private final List<String> protocols = new CopyOnWriteArrayList<>();
  private final List<String> sni = new CopyOnWriteArrayList<>();

  /**
   * @param idleCloseMillis close a connection idle this long between requests (as servers' keep-alive timeouts do); 0 never
   * @param readBodies whether request bodies are read before the handler runs
   * @param handler the answers
   */
  RawServer(int idleCloseMillis, boolean readBodies, Handler handler) throws IOException {
    this.idleCloseMillis = idleCloseMillis;
    this.readBodies = readBodies;
    Thread acceptor = new Thread(() -> {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          open.add(s);
          int n = connections.incrementAndGet();
          Thread t = new Thread(() -> serve(s, n, handler), "raw-server-" + n);
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "raw-server-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  RawServer(Handler handler) throws IOException {
    this(0, true, handler);
  }

  /**
   * Speaks TLS (server side, with the given context) on connections accepted from now on.
   *
   * @param protocols the TLS versions the server allows; none for the context's defaults
   *
   * @return this server
   */
  RawServer tls(javax.net.ssl.SSLContext context, String... protocols) {
    this.tlsProtocols = protocols.length == 0 ? null : protocols;
    this.tls = context;
    return this;
  }

  /**
   * Waits this long on every connection accepted from now on before the TLS handshake (the client's
   * ClientHello waits unanswered), as a slow or far TLS terminator would.
   *
   * @param millis the delay
   * @return this server
   */
  RawServer handshakeDelay(int millis) {
    this.handshakeDelayMillis = millis;
    return this;
  }

  /** Per TLS connection, the protocol version the handshake chose. */
  List<String> protocols() {
    return protocols;
  }

  /** Per TLS connection, the ALPN protocol the handshake chose ("" for none). */
  List<String> alpn() {
    return alpn;
  }

  /** Per TLS connection, the SNI host names the client sent, comma-separated ("" for none). */
  List<String> sni() {
    return sni;
  }

  private void serve(Socket tcp, int connection, Handler handler) {
    Socket s = tcp;
    try (tcp) {
      if (tls != null) {
        javax.net.ssl.SSLSocket ss = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(tcp, null, true);
        ss.setUseClientMode(false);
        javax.net.ssl.SSLParameters params = ss.getSSLParameters();
        params.setApplicationProtocols(new String[] {"h2", "http/1.1"}); // h2 first: picked whenever a client offers it
        if (tlsProtocols != null) {
          params.setProtocols(tlsProtocols);
        }
        ss.setSSLParameters(params);
        if (handshakeDelayMillis > 0) {
          try {
            Thread.sleep(handshakeDelayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        ss.startHandshake();
        protocols.add(ss.getSession().getProtocol());
        alpn.add(String.valueOf(ss.getApplicationProtocol()));
        sni.add(((javax.net.ssl.ExtendedSSLSession) ss.getSession()).getRequestedServerNames().stream()
            .map(n -> n instanceof javax.net.ssl.SNIHostName h ? h.getAsciiName() : n.toString())
            .collect(java.util.stream.Collectors.joining(",")));
        open.add(ss);
        s = ss;
      }
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (int nth = 1; ; nth++) {
        if (idleCloseMillis > 0 && nth > 1) {
          s.setSoTimeout(idleCloseMillis);
        }
        String head;
        try {
          head = readHead(in);
        } catch (SocketTimeoutException idle) {
          return; // closes without a word, as an idle timeout does
        }
        if (head == null) {
          return;
        }
        s.setSoTimeout(0);
        if (readBodies) {
          byte[] body = new byte[0];
          for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
              body = in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
          }
          bodies.add(body);
        }
        requests.incrementAndGet();
        heads.add(head);
        boolean keep = handler.answer(head, out, connection, nth);
        out.flush();
        if (!keep) {
          return;
        }
      }
    } catch (IOException ignored) {
      // the client went away; nothing to serve
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') ? (b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0)) : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Writes a 200 with a short body. */
  static void ok(OutputStream out, String extraHeaders) throws IOException {
    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + extraHeaders + "\r\nok"));
  }

  String url() {
    return (tls != null ? "https" : "http") + "://127.0.0.1:" + socket.getLocalPort();
  }

  int port() {
    return socket.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  /** Requests whose head the server read. */
  int requests() {
    return requests.get();
  }

  /** The heads of every request read, in order. */
  List<String> heads() {
    return heads;
  }

  /** The body of each request read, in order (when the server reads bodies). */
  List<byte[]> bodies() {
    return bodies;
  }

  /** The request line of each request read. */
  List<String> requestLines() {
    return heads.stream().map(h -> h.substring(0, h.indexOf("\r\n"))).toList();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
