package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramAdderTest {

  @Test
  void addingAnEncodedHistogramEqualsDecodingItAndUsingHistogramAdd() throws Exception {
    Random random = new Random(3);
    HistogramAdder adder = new HistogramAdder();
    for (int round = 0; round < 200; round++) {
      Histogram source = IntervalRecord.newHistogram();
      int n = random.nextInt(2000);
      for (int i = 0; i < n; i++) {
        source.recordValueWithCount(1 + (long) Math.abs(random.nextGaussian() * Math.pow(10, 1 + random.nextInt(9))),
            1 + random.nextInt(3));
      }
      String encoded = IntervalRecord.encode(source);
      Histogram viaAdd = new Histogram(3);
      Histogram viaAdder = new Histogram(3);
      viaAdd.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0));
      long total = adder.addTo(encoded, viaAdder);
      assertThat(total).isEqualTo(source.getTotalCount());
      assertThat(viaAdder).isEqualTo(viaAdd);
      assertThat(viaAdder.getMaxValue()).isEqualTo(viaAdd.getMaxValue());
    }
  }

  @Test
  void histogramsWithOtherSettingsAreAddedByValue() {
    Histogram source = new Histogram(1000, 10_000_000L, 2);
    for (long v = 1000; v < 9_000_000; v += 12_345) {
      source.recordValue(v);
    }
    Histogram expected = new Histogram(3);
    expected.add(source);
    Histogram actual = new Histogram(3);
    new HistogramAdder().addTo(IntervalRecord.encode(source), actual);
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void anEmptyHistogramAddsNothing() {
    Histogram target = new Histogram(3);
    assertThat(new HistogramAdder().addTo(IntervalRecord.encode(IntervalRecord.newHistogram()), target)).isZero();
    assertThat(target.getTotalCount()).isZero();
  }

  @Test
  void anUncompressedEncodingGoesToTheStandardDecodeWhichRefusesIt() {
    // Interval records always carry the compressed V2 encoding; anything else is handed to
    // HdrHistogram's own compressed decode, whose refusal is reported, nothing added.
    Histogram source = IntervalRecord.newHistogram();
    for (long v = 1; v < 5_000_000; v = v * 3 + 7) {
      source.recordValueWithCount(v, v % 5 + 1);
    }
    ByteBuffer plain = ByteBuffer.allocate(source.getNeededByteBufferCapacity());
    source.encodeIntoByteBuffer(plain);
    String encoded = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(plain.array(), plain.position()));
    Histogram target = new Histogram(3);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new HistogramAdder().addTo(encoded, target)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("histogram cannot be decoded")
        .hasMessageContaining("does not contain a compressed Histogram");
    assertThat(target.getTotalCount()).isZero();
  }

  @Test
  void brokenEncodingsAreRefusedWithWhatIsWrong() {
    HistogramAdder adder = new HistogramAdder();
    Histogram target = new Histogram(3);
    Histogram source = IntervalRecord.newHistogram();
    source.recordValue(1234);
    byte[] good = Base64.getDecoder().decode(IntervalRecord.encode(source));
    String truncated = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(good, good.length - 3));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> adder.addTo("not base64!", target)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid base64");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> adder.addTo(Base64.getEncoder().encodeToString(new byte[7]), target)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated (7 bytes)");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> adder.addTo(truncated, target)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated: expected");
    assertThat(target.getTotalCount()).as("nothing added from a broken encoding").isZero();
    assertThat(adder.addTo(Base64.getEncoder().encodeToString(good), target)).as("the adder still works").isEqualTo(1);
    assertThat(target.getTotalCount()).isEqualTo(1);
  }

  /** A histogram's V2 encoding with its 40-byte header changed, compressed as the agents send it. */
  private static String encodedWithHeader(Histogram source, Consumer<ByteBuffer> change) {
    ByteBuffer plain = ByteBuffer.allocate(source.getNeededByteBufferCapacity());
    int length = source.encodeIntoByteBuffer(plain);
    change.accept(plain);
    Deflater deflater = new Deflater();
    deflater.setInput(plain.array(), 0, length);
    deflater.finish();
    byte[] compressed = new byte[length + 64];
    int n = deflater.deflate(compressed);
    deflater.end();
    ByteBuffer out = ByteBuffer.allocate(8 + n);
    out.putInt(0x1c849304 | 0x10).putInt(n).put(compressed, 0, n);
    return Base64.getEncoder().encodeToString(out.array());
  }

  private static Histogram oneValue() {
    Histogram source = IntervalRecord.newHistogram();
    source.recordValueWithCount(1234, 3);
    return source;
  }

  @Test
  void theHeaderIsCheckedFieldByField() {
    HistogramAdder adder = new HistogramAdder();
    Histogram target = new Histogram(3);
    // offsets in the V2 header: payload length 4, digits 12, lowest discernible value 16
    for (Consumer<ByteBuffer> broken : List.<Consumer<ByteBuffer>>of(
        b -> b.putInt(4, -1), b -> b.putInt(4, b.getInt(4) + 1), b -> b.putInt(12, -1), b -> b.putInt(12, 6),
        b -> b.putLong(16, 0))) {
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> adder.addTo(encodedWithHeader(oneValue(), broken), target)))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("histogram encoding has an invalid header");
    }
    assertThat(target.getTotalCount()).isZero();
    // the limits themselves are valid: 0 and 5 digits, lowest discernible value 1, the whole payload
    assertThat(adder.addTo(encodedWithHeader(oneValue(), b -> { }), target)).isEqualTo(3);
    Histogram fiveDigits = new Histogram(5);
    fiveDigits.recordValueWithCount(98_765, 2);
    assertThat(adder.addTo(IntervalRecord.encode(fiveDigits), target)).isEqualTo(2);
    Histogram zeroDigits = new Histogram(0);
    zeroDigits.recordValueWithCount(7, 4);
    assertThat(adder.addTo(IntervalRecord.encode(zeroDigits), target)).isEqualTo(4);
    Histogram expected = new Histogram(3);
    expected.recordValueWithCount(1234, 3);
    expected.add(fiveDigits);
    expected.add(zeroDigits);
    assertThat(target).isEqualTo(expected);
  }

  @Test
  void anUnknownInnerCookieGoesToTheStandardDecode() {
    Histogram target = new Histogram(3);
    // an inner cookie the adder does not know: HdrHistogram's own decode refuses it, nothing is added
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new HistogramAdder().addTo(
        encodedWithHeader(oneValue(), b -> b.putInt(0, 0x12345678)), target)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("histogram cannot be decoded");
    assertThat(target.getTotalCount()).isZero();
  }

  @Test
  void mergesAHistogramWithManyDistinctBucketsWhateverItsSize() {
    // 30 000 distinct buckets: an inflated payload and a pair list far beyond the initial buffers
    Histogram big = IntervalRecord.newHistogram();
    for (long v = 1; v <= 30_000; v++) {
      big.recordValueWithCount(v * 37, v % 7 + 1);
    }
    HistogramAdder adder = new HistogramAdder();
    Histogram viaAdder = new Histogram(3);
    assertThat(adder.addTo(IntervalRecord.encode(big), viaAdder)).isEqualTo(big.getTotalCount());
    Histogram expected = new Histogram(3);
    expected.add(big);
    assertThat(viaAdder).isEqualTo(expected);
    // the grown buffers still serve a small histogram exactly
    Histogram small = new Histogram(3);
    assertThat(adder.addTo(IntervalRecord.encode(oneValue()), small)).isEqualTo(3);
    assertThat(small.getTotalCount()).isEqualTo(3);
    assertThat(small.getCountAtValue(1234)).isEqualTo(3);
  }

  @Test
  void countsOfTwoToTheFiftySixOrMoreUseTheNinthByte() {
    Histogram source = IntervalRecord.newHistogram();
    source.recordValueWithCount(500, 1L << 57);
    source.recordValueWithCount(9_000, (1L << 56) + 12_345);
    Histogram target = new Histogram(3);
    assertThat(new HistogramAdder().addTo(IntervalRecord.encode(source), target))
        .isEqualTo((1L << 57) + (1L << 56) + 12_345);
    Histogram expected = new Histogram(3);
    expected.add(source);
    assertThat(target).isEqualTo(expected);
    assertThat(target.getCountAtValue(9_000)).isEqualTo((1L << 56) + 12_345);
  }

  @Test
  void addsToEveryTarget() {
    Histogram a = new Histogram(3);
    Histogram b = new Histogram(3);
    new HistogramAdder().addTo(IntervalRecord.encode(oneValue()), a, b);
    assertThat(a.getCountAtValue(1234)).isEqualTo(3);
    assertThat(b.getCountAtValue(1234)).isEqualTo(3);
  }
}
