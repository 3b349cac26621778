package dev.constellation.bench;

import dev.constellation.agent.http.HttpEngine;
import dev.constellation.agent.http.InstrumentedHttp;
import dev.constellation.agent.http.RequestTarget;
import dev.constellation.agent.record.MetricRecorder;
import dev.constellation.agent.record.Recording;
import dev.constellation.api.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording cost per request: {@link MetricRecorder#recordResponse} alone, and the whole
 * {@link InstrumentedHttp} path (resolve, name, look up the recorder, time, record, wrap) over an
 * engine that does no I/O.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RecordingBenchmarks {

  private static final HttpEngine.RawResponse OK = new HttpEngine.RawResponse(200,
      Map.of("content-type", List.of("text/plain")), "hello constellation\n".getBytes(StandardCharsets.UTF_8));

  private MetricRecorder recorder;
  private InstrumentedHttp http;
  private long micros;
  Recording recording;
  HttpEngine noIo;

  @Setup
  public void setUp() {
    recording = new Recording("bench", "local", "local-0", 500);
    recorder = recording.http("get loop", "GET /");
    noIo = new HttpEngine() {
      @Override
      public RawResponse send(String method, RequestTarget target, List<String> headers, byte[] body, Duration timeout,
          Attempts attempts) {
        return OK;
      }

      @Override
      public void close() {}
    };
    http = new InstrumentedHttp(noIo, recording, "get loop", "http://127.0.0.1:8080", Duration.ofSeconds(60));
  }

  /** One recorded response, one thread. */
  @Benchmark
  public void recordResponse() {
    micros = (micros + 7919) & 0xFFFF;
    recorder.recordResponse(micros + 100, 200, 20);
  }

  /** One recorded response, two threads writing the same recorder (VUs share it). */
  @Benchmark
  @Threads(2)
  public void recordResponseContended() {
    recorder.recordResponse((System.identityHashCode(this) & 0xFFF) + 100, 200, 20);
  }

  /** A whole GET through the instrumented client, minus I/O. */
  @Benchmark
  public Response instrumentedGet() {
    return http.get("/items/42");
  }

  /** A GET whose path changes every time (ids in the URL): the per-VU memo misses, naming and lookup run. */
  @Benchmark
  public Response instrumentedGetChangingPath() {
    micros = (micros + 1) & 1023;
    return http.get("/items/" + micros);
  }

  /** The same, two threads, each with its own client (as VUs have), both recording into the same recorder. */
  @Benchmark
  @Threads(2)
  public Response instrumentedGetContended(PerVu vu) {
    return vu.http.get("/items/42");
  }

  /** One virtual user's client over the benchmark's shared recording. */
  @State(Scope.Thread)
  public static class PerVu {
    InstrumentedHttp http;

    @Setup
    public void setUp(RecordingBenchmarks shared) {
      http = new InstrumentedHttp(shared.noIo, shared.recording, "get loop", "http://127.0.0.1:8080", Duration.ofSeconds(60));
    }
  }
}
