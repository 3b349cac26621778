package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsTcpSocketTest {

  /** A network stand-in: hands out the given segments, one per read at most, and counts the reads. */
  private static final class Segments extends InputStream {
    final List<byte[]> segments;
    final List<Integer> readLengths = new ArrayList<>();
    int skipped;

    Segments(byte[]... segments) {
      this.segments = new ArrayList<>(List.of(segments));
    }

    @Override
    public int read() {
      throw new AssertionError("single-byte read of the network");
    }

    @Override
    public int read(byte[] b, int off, int len) {
      readLengths.add(len);
      if (segments.isEmpty()) {
        return -1;
      }
      byte[] s = segments.get(0);
      int n = Math.min(len, s.length);
      System.arraycopy(s, 0, b, off, n);
      if (n == s.length) {
        segments.remove(0);
      } else {
        segments.set(0, Arrays.copyOfRange(s, n, s.length));
      }
      return n;
    }

    @Override
    public int available() {
      return segments.isEmpty() ? 0 : segments.get(0).length;
    }

    @Override
    public long skip(long n) {
      skipped += (int) n;
      return n;
    }
  }

  private static byte[] bytes(int n, int first) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (first + i);
    }
    return b;
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      assertThat(r).isPositive();
      off += r;
    }
    return b;
  }

  @Test
  void aRecordsHeaderAndBodyCostOneReadOfTheNetwork() throws IOException {
    // what the JDK's SSLSocket does per record: read the 5-byte header, then the body it announces
    byte[] record = bytes(190, 1);
    Segments net = new Segments(record);
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    assertThat(readFully(in, 5)).isEqualTo(Arrays.copyOfRange(record, 0, 5));
    assertThat(readFully(in, 185)).isEqualTo(Arrays.copyOfRange(record, 5, 190));
    assertThat(net.readLengths).containsExactly(TlsTcpSocket.BUFFER_BYTES);
  }

  @Test
  void bytesLeftInTheBufferAreServedBeforeTheNetworkIsReadAgain() throws IOException {
    Segments net = new Segments(bytes(8, 0), bytes(4, 8));
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    assertThat(readFully(in, 3)).containsExactly(0, 1, 2);
    assertThat(readFully(in, 7)).containsExactly(3, 4, 5, 6, 7, 8, 9);
    assertThat(in.read()).isEqualTo(10);
    assertThat(in.read()).isEqualTo(11);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
    assertThat(net.readLengths).hasSize(3);
  }

  @Test
  void availableCountsBufferedAndUnreadNetworkBytes() throws IOException {
    Segments net = new Segments(bytes(10, 0), bytes(6, 10));
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    assertThat(in.available()).isEqualTo(10);
    readFully(in, 4);
    // 6 buffered, 6 more waiting on the socket: the pool's "bytes arrived while idle" check sees both
    assertThat(in.available()).isEqualTo(12);
  }

  @Test
  void fillIfEmptyWaitsForBytesOnlyWhenNoneAreBuffered() throws IOException {
    Segments net = new Segments(bytes(10, 0), bytes(6, 10));
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    in.fillIfEmpty();
    assertThat(net.readLengths).hasSize(1);
    in.fillIfEmpty();
    assertThat(net.readLengths).hasSize(1);
    assertThat(readFully(in, 10)).isEqualTo(bytes(10, 0));
    in.fillIfEmpty();
    assertThat(net.readLengths).hasSize(2);
    assertThat(readFully(in, 6)).isEqualTo(bytes(6, 10));
  }

  @Test
  void readsOfAtLeastTheBufferSizeGoStraightToTheNetwork() throws IOException {
    byte[] big = bytes(TlsTcpSocket.BUFFER_BYTES + 100, 0);
    Segments net = new Segments(big);
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    byte[] into = new byte[big.length];
    assertThat(in.read(into, 0, into.length)).isEqualTo(big.length);
    assertThat(into).isEqualTo(big);
    assertThat(net.readLengths).containsExactly(big.length);
  }

  @Test
  void skipUsesBufferedBytesFirst() throws IOException {
    Segments net = new Segments(bytes(10, 0));
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    in.read();
    assertThat(in.skip(100)).isEqualTo(9);
    assertThat(net.skipped).isZero();
    assertThat(in.skip(5)).isEqualTo(5);
    assertThat(net.skipped).isEqualTo(5);
  }

  @Test
  void theEndOfTheStreamStaysTheEnd() throws IOException {
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(new ByteArrayInputStream(new byte[0]));
    in.fillIfEmpty();
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read(new byte[5], 0, 5)).isEqualTo(-1);
    assertThat(in.available()).isZero();
    assertThat(in.skip(3)).isZero();
  }

  @Test
  void aBufferedReadThatMeetsTheEndOfTheStreamReturnsMinusOne() throws IOException {
    Segments net = new Segments();
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    assertThat(in.read(new byte[5], 0, 5)).isEqualTo(-1);
    assertThat(in.read(new byte[5], 0, 5)).isEqualTo(-1);
    assertThat(net.readLengths).containsExactly(TlsTcpSocket.BUFFER_BYTES);
  }

  @Test
  void aReadOfNothingReturnsAtOnceWithoutReadingTheNetwork() throws IOException {
    Segments net = new Segments(bytes(4, 0));
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    assertThat(in.read(new byte[4], 0, 0)).isZero();
    assertThat(net.readLengths).isEmpty();
  }

  @Test
  void bytesAreReturnedUnsigned() throws IOException {
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(new Segments(new byte[] {(byte) 0xFF, (byte) 0x80, 0x7F}));
    assertThat(in.read()).isEqualTo(255);
    assertThat(in.read()).isEqualTo(128);
    assertThat(in.read()).isEqualTo(127);
  }

  /** A read straight from the network that meets the end of the stream ends the stream for good, whatever the network says after. */
  @Test
  void theEndOfTheStreamMetByAReadStraightFromTheNetworkStaysTheEnd() throws IOException {
    List<Integer> reads = new ArrayList<>();
    InputStream ended = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("single-byte read of the network");
      }

      @Override
      public int read(byte[] b, int off, int len) {
        reads.add(len);
        return -1;
      }

      @Override
      public int available() {
        return 7; // a network that would still claim bytes
      }
    };
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(ended);
    assertThat(in.read(new byte[TlsTcpSocket.BUFFER_BYTES + 1], 0, TlsTcpSocket.BUFFER_BYTES + 1)).isEqualTo(-1);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read(new byte[8], 0, 8)).isEqualTo(-1);
    in.fillIfEmpty();
    assertThat(in.available()).isZero();
    assertThat(in.skip(4)).isZero();
    assertThat(reads).containsExactly(TlsTcpSocket.BUFFER_BYTES + 1);
  }

  @Test
  void aReadStraightFromTheNetworkLeavesTheStreamOpen() throws IOException {
    Segments net = new Segments(bytes(10, 0), bytes(3, 10));
    TlsTcpSocket.Input in = new TlsTcpSocket.Input(net);
    byte[] big = new byte[TlsTcpSocket.BUFFER_BYTES];
    assertThat(in.read(big, 0, big.length)).isEqualTo(10);
    assertThat(in.read()).isEqualTo(10);
    assertThat(in.available()).isEqualTo(2);
  }

  /** The socket itself, connected on loopback: one buffered stream for its life, its count of bytes waiting, and its close. */
  @Test
  void theSocketKeepsOneBufferedStreamAndCountsWhatItHolds() throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        TlsTcpSocket socket = new TlsTcpSocket()) {
      assertThat(socket.buffered()).isZero();
      socket.connect(server.getLocalSocketAddress(), 2_000);
      try (java.net.Socket peer = server.accept()) {
        peer.getOutputStream().write(bytes(10, 0));
        peer.getOutputStream().flush();
        socket.awaitBytes();
        assertThat(socket.buffered()).isEqualTo(10);
        InputStream in = socket.getInputStream();
        assertThat(socket.getInputStream()).isSameAs(in);
        assertThat(readFully(in, 4)).containsExactly(0, 1, 2, 3);
        assertThat(socket.buffered()).isEqualTo(6);
        socket.awaitBytes(); // bytes are buffered: returns at once
        assertThat(socket.buffered()).isEqualTo(6);
        in.close();
        assertThat(socket.isClosed()).isTrue();
      }
    }
  }
}
