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
}
