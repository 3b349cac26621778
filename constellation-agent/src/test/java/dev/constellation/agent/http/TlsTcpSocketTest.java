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
}
