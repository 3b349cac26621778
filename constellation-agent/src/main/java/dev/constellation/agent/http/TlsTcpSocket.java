package dev.constellation.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * The TCP socket under an https connection: a plain {@link Socket} whose input stream reads the
 * network in chunks of up to one TLS record (header and body in one system call) instead of the
 * JDK's {@code SSLSocket} reading each record with two (its 5-byte header, then the rest), and
 * which lets the connection wait for the response's bytes before asking the TLS layer to decrypt
 * them ({@link #awaitBytes}), so a virtual user that blocks parks with a shallow stack. The TLS
 * socket layered over it ({@code SSLSocketFactory.createSocket(Socket, ...)}) reads through
 * {@link #getInputStream()}. Not thread-safe: one exchange uses a connection at a time.
 */
final class TlsTcpSocket extends Socket {

  /**
   * The buffer's size: the largest TLS record on the wire, a 5-byte header and at most
   * 2^14 + 256 bytes of body (RFC 8446 section 5.2, TLSCiphertext.length), so the common record
   * arrives with one read.
   */
  static final int BUFFER_BYTES = 5 + (1 << 14) + 256;

  private Input input;

  @Override
  public InputStream getInputStream() throws IOException {
    Input in = input;
    if (in == null) {
      in = new Input(super.getInputStream());
      input = in;
    }
    return in;
  }

  /**
   * Blocks until at least one byte from the network is buffered (or the stream ended); returns
   * at once when bytes are buffered already. Call it only when the TLS layer holds no decrypted
   * byte, so that whatever it reads next must come from the network anyway.
   */
  void awaitBytes() throws IOException {
    ((Input) getInputStream()).fillIfEmpty();
  }

  /** Bytes read from the network and not yet handed to the TLS layer. */
  int buffered() {
    Input in = input;
    return in == null ? 0 : in.lim - in.pos;
  }

  /** Buffers the TCP stream: one read of up to {@link #BUFFER_BYTES} when empty; reads at least that big go straight through. */
  static final class Input extends InputStream {
    private final InputStream tcp;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private int lim;
    private boolean eof;

    Input(InputStream tcp) {
      this.tcp = tcp;
    }

    void fillIfEmpty() throws IOException {
      if (pos == lim && !eof) {
        int n = tcp.read(buf, 0, buf.length);
        if (n < 0) {
          eof = true;
        } else {
          pos = 0;
          lim = n;
        }
      }
    }

    @Override
    public int read() throws IOException {
      fillIfEmpty();
      return pos < lim ? buf[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (pos == lim) {
        if (eof) {
          return -1;
        }
        if (len >= buf.length) {
          int n = tcp.read(b, off, len);
          eof = n < 0;
          return n;
        }
        fillIfEmpty();
        if (pos == lim) {
          return -1;
        }
      }
      int n = Math.min(len, lim - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (n <= 0) {
        return 0;
      }
      if (pos < lim) {
        int k = (int) Math.min(n, lim - pos);
        pos += k;
        return k;
      }
      return eof ? 0 : tcp.skip(n);
    }

    /** Buffered bytes plus what the TCP socket has unread: the bytes that arrived and nobody read. */
    @Override
    public int available() throws IOException {
      int buffered = lim - pos;
      return eof ? buffered : buffered + tcp.available();
    }

    @Override
    public void close() throws IOException {
      tcp.close();
    }
  }
}
