package dev.constellation.maven.report;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.Histogram;

/**
 * Adds an encoded histogram (HdrHistogram V2 compressed encoding, base64) to target histograms
 * without materialising a full decoded histogram per record.
 *
 * <p>The effect is exactly that of {@code target.add(Histogram.decodeFromCompressedByteBuffer(..))}:
 * every non-zero bucket of the encoded histogram is recorded with its count at the bucket's value,
 * which is what {@link Histogram#add} does. Decoding the standard way allocates a counts array
 * sized for the full trackable range (about 190 KB at one hour, 3 digits) for every record, which
 * made merging 720k records take over 30 s; this reader streams the counts instead. Encodings it
 * does not know (V0/V1 cookies) fall back to the standard decode and {@link Histogram#add}.
 * One instance per thread: it reuses its inflater and buffers.
 */
final class HistogramAdder {

  private static final int V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
  private static final int V2_COOKIE_BASE = 0x1c849303;
  private static final int HEADER_SIZE = 40;

  private final Inflater inflater = new Inflater();
  private byte[] payload = new byte[4096];
  private long[] indexedCounts = new long[512];
  private int pairs;

  /**
   * Adds the encoded histogram to every target.
   *
   * @param encoded base64 of the compressed encoding
   * @param targets histograms to add into (auto-resizing ones, or wide enough for the values)
   * @return the total count of the encoded histogram
   * @throws IllegalArgumentException when the text is not an encoded histogram
   */
  long addTo(String encoded, Histogram... targets) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("histogram is not valid base64: " + e.getMessage(), e);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    if (bytes.length < 8) {
      throw new IllegalArgumentException("histogram encoding is truncated (" + bytes.length + " bytes)");
    }
    int cookie = in.getInt(0);
    if ((cookie & ~0xf0) != V2_COMPRESSED_COOKIE_BASE) {
      return addByStandardDecode(bytes, targets);
    }
    int compressedLength = in.getInt(4);
    if (compressedLength < 0 || compressedLength > bytes.length - 8) {
      throw new IllegalArgumentException("histogram encoding is truncated: expected " + compressedLength + " compressed bytes");
    }
    int length = inflate(bytes, 8, compressedLength);
    ByteBuffer p = ByteBuffer.wrap(payload, 0, length).order(ByteOrder.BIG_ENDIAN);
    if (length < HEADER_SIZE || (p.getInt(0) & ~0xf0) != V2_COOKIE_BASE) {
      return addByStandardDecode(bytes, targets);
    }
    int payloadLength = p.getInt(4);
    int digits = p.getInt(12);
    long lowestDiscernible = p.getLong(16);
    if (payloadLength < 0 || HEADER_SIZE + payloadLength > length || digits < 0 || digits > 5 || lowestDiscernible < 1) {
      throw new IllegalArgumentException("histogram encoding has an invalid header");
    }
    long largestSingleUnit = 2 * (long) Math.pow(10, digits);
    int unitMagnitude = (int) (Math.log(lowestDiscernible) / Math.log(2));
    int subBucketCountMagnitude = (int) Math.ceil(Math.log(largestSingleUnit) / Math.log(2));
    int subBucketHalfCountMagnitude = subBucketCountMagnitude - 1;
    int subBucketHalfCount = 1 << subBucketHalfCountMagnitude;

    pairs = 0;
    long total = 0;
    int index = 0;
    p.position(HEADER_SIZE);
    int end = HEADER_SIZE + payloadLength;
    while (p.position() < end) {
      long count = zigZagLong(p);
      if (count < 0) {
        index += (int) -count;
      } else {
        if (count > 0) {
          long value = valueFromIndex(index, subBucketHalfCountMagnitude, subBucketHalfCount, unitMagnitude);
          push(value, count);
          total += count;
        }
        index++;
      }
    }
    for (Histogram target : targets) {
      for (int i = 0; i < pairs; i++) {
        target.recordValueWithCount(indexedCounts[2 * i], indexedCounts[2 * i + 1]);
      }
    }
    return total;
  }

  private long addByStandardDecode(byte[] bytes, Histogram[] targets) {
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
      for (Histogram target : targets) {
        target.add(h);
      }
      return h.getTotalCount();
    } catch (DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("histogram cannot be decoded: " + e.getMessage(), e);
    }
  }

  private int inflate(byte[] bytes, int offset, int length) {
    inflater.reset();
    inflater.setInput(bytes, offset, length);
    int total = 0;
    try {
      while (!inflater.finished()) {
        if (total == payload.length) {
          payload = Arrays.copyOf(payload, payload.length * 2);
        }
        int n = inflater.inflate(payload, total, payload.length - total);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        total += n;
      }
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("histogram is not valid compressed data: " + e.getMessage(), e);
    }
    return total;
  }

  private void push(long value, long count) {
    if (2 * pairs + 1 >= indexedCounts.length) {
      indexedCounts = Arrays.copyOf(indexedCounts, indexedCounts.length * 2);
    }
    indexedCounts[2 * pairs] = value;
    indexedCounts[2 * pairs + 1] = count;
    pairs++;
  }

  // Same arithmetic as AbstractHistogram.valueFromIndex(int), which is not public.
  static long valueFromIndex(int index, int subBucketHalfCountMagnitude, int subBucketHalfCount, int unitMagnitude) {
    int bucketIndex = (index >> subBucketHalfCountMagnitude) - 1;
    int subBucketIndex = (index & (subBucketHalfCount - 1)) + subBucketHalfCount;
    if (bucketIndex < 0) {
      subBucketIndex -= subBucketHalfCount;
      bucketIndex = 0;
    }
    return ((long) subBucketIndex) << (bucketIndex + unitMagnitude);
  }

  // LEB128-64b9B ZigZag, as HdrHistogram's ZigZagEncoding.getLong.
  private static long zigZagLong(ByteBuffer buffer) {
    long v = buffer.get();
    long value = v & 0x7F;
    int shift = 7;
    while ((v & 0x80) != 0 && shift < 56) {
      v = buffer.get();
      value |= (v & 0x7F) << shift;
      shift += 7;
    }
    if ((v & 0x80) != 0) {
      v = buffer.get();
      value |= v << 56;
    }
    return (value >>> 1) ^ (-(value & 1));
  }
}
