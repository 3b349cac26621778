package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.constellation.agent.results.IntervalRecord;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Random;
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
}
