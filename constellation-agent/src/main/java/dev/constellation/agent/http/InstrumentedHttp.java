package dev.constellation.agent.http;

import dev.constellation.agent.record.MetricRecorder;
import dev.constellation.agent.record.Recording;
import dev.constellation.api.Http;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Request;
import dev.constellation.api.Response;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@link Http} a virtual user gets: resolves, names, times and records every request. */
public final class InstrumentedHttp implements Http {

  /** Resolved requests remembered per VU; a power of two. */
  private static final int TARGETS = 8;

  private final HttpEngine engine;
  private final Recording recording;
  private final String script;
  private final String baseUrl;
  private final RequestTarget base;
  private final Duration timeout;
  private long lateness;
  private final Target[] targets = new Target[TARGETS];

  /**
   * Creates the client of one virtual user.
   *
   * @param engine the shared transport
   * @param recording where requests are recorded
   * @param script the VU's script name
   * @param baseUrl what relative paths resolve against; may be empty when scripts use absolute URLs
   * @param timeout each request's time limit
   */
  public InstrumentedHttp(HttpEngine engine, Recording recording, String script, String baseUrl, Duration timeout) {
    this.engine = engine;
    this.recording = recording;
    this.script = script;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.base = this.baseUrl.isEmpty() ? null : RequestTarget.base(this.baseUrl);
    this.timeout = timeout;
  }

  /**
   * Sets how late the current iteration started (open model): its actual start minus when the
   * arrival schedule said it was due. Every request of the iteration then records a latency of its
   * service time plus this lateness, so a start delayed by a busy or stalled generator shows in
   * the percentiles (no coordinated omission), while whatever the script does before a request
   * (think time, building a body) does not. As in wrk2, a request's latency counts from when the
   * plan says it should have been sent: the iteration's plan is shifted by its lateness, and every
   * request in it by the same amount. Zero (the closed model) records service time alone.
   *
   * @param nanos the lateness in nanoseconds, 0 or more
   */
  public void iterationLateness(long nanos) {
    lateness = Math.max(0, nanos);
  }

  @Override
  public Response get(String pathOrUrl) {
    return execute("GET", pathOrUrl, List.of(), null, null);
  }

  @Override
  public Response post(String pathOrUrl, String body, String contentType) {
    return execute("POST", pathOrUrl, List.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8), null);
  }

  @Override
  public Response put(String pathOrUrl, String body, String contentType) {
    return execute("PUT", pathOrUrl, List.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8), null);
  }

  @Override
  public Response delete(String pathOrUrl) {
    return execute("DELETE", pathOrUrl, List.of(), null, null);
  }

  @Override
  public Response send(Request request) {
    return execute(request.method(), request.pathOrUrl(), request.headers(),
        request.hasBody() ? request.body() : null, request.explicitName());
  }

  private Response execute(String method, String pathOrUrl, List<String> headers, byte[] body, String explicitName) {
    Target target = target(method, pathOrUrl, explicitName);
    RequestTarget to = target.to;
    String name = target.name;
    MetricRecorder recorder = target.recorder;
    recording.requestStarting();
    long sent = System.nanoTime();
    long start = sent - lateness;
    HttpEngine.RawResponse raw;
    try {
      raw = engine.send(method, to, headers, body, timeout);
    } catch (IOException | RuntimeException e) {
      String type = ErrorTypes.classify(e);
      long now = System.nanoTime();
      recorder.recordFailure((now - start) / 1000, (now - sent) / 1000, type);
      throw new HttpFailure(type, name, String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      long now = System.nanoTime();
      recorder.recordFailure((now - start) / 1000, (now - sent) / 1000, "interrupted");
      throw new HttpFailure("interrupted", name, "the virtual user was stopped while waiting for the response", e);
    }
    long now = System.nanoTime();
    recorder.recordResponse((now - start) / 1000, (now - sent) / 1000, raw.status(), raw.body().length);
    return new RecordedResponse(name, raw);
  }

  /**
   * The URI, name and recorder of a request; scripts repeat the same few requests, so the last
   * ones are remembered (direct-mapped by path) and a repeat skips URI parsing, naming and lookups.
   */
  private Target target(String method, String pathOrUrl, String explicitName) {
    int slot = (pathOrUrl.hashCode() * 31 + method.hashCode()) & (TARGETS - 1);
    Target t = targets[slot];
    if (t != null && t.pathOrUrl.equals(pathOrUrl) && t.method.equals(method) && java.util.Objects.equals(t.explicitName, explicitName)) {
      return t;
    }
    RequestTarget to = resolve(pathOrUrl);
    String name = explicitName != null ? explicitName : RequestNames.defaultName(method, to.pathAndQuery(), to.pathEnd());
    t = new Target(method, pathOrUrl, explicitName, to, name, recording.http(script, name));
    targets[slot] = t;
    return t;
  }

  /** One remembered request: its key (method, path or URL, explicit name) and what it resolved to. */
  private static final class Target {
    final String method;
    final String pathOrUrl;
    final String explicitName;
    final RequestTarget to;
    final String name;
    final MetricRecorder recorder;

    Target(String method, String pathOrUrl, String explicitName, RequestTarget to, String name, MetricRecorder recorder) {
      this.method = method;
      this.pathOrUrl = pathOrUrl;
      this.explicitName = explicitName;
      this.to = to;
      this.name = name;
      this.recorder = recorder;
    }
  }

  private RequestTarget resolve(String pathOrUrl) {
    if (pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")) {
      return RequestTarget.of(pathOrUrl);
    }
    if (base == null) {
      throw new IllegalArgumentException("request path \"" + pathOrUrl + "\" is relative but no base URL is set; set <baseUrl> "
          + "(-Dconstellation.baseUrl=http://host:port) or use an absolute URL");
    }
    return base.resolve(pathOrUrl);
  }

  /** A response as scripts see it. */
  private record RecordedResponse(String name, HttpEngine.RawResponse raw) implements Response {

    @Override
    public int status() {
      return raw.status();
    }

    @Override
    public Optional<String> header(String headerName) {
      List<String> v = raw.headers().get(headerName.toLowerCase(java.util.Locale.ROOT));
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    @Override
    public Map<String, List<String>> headers() {
      return raw.headers();
    }

    @Override
    public String text() {
      return new String(raw.body(), charset());
    }

    @Override
    public byte[] bytes() {
      return raw.body().clone();
    }

    @Override
    public Response expectStatus(int... expected) {
      for (int s : expected) {
        if (s == raw.status()) {
          return this;
        }
      }
      throw new AssertionError(name + ": expected status " + Arrays.toString(expected) + " but was " + raw.status());
    }

    private Charset charset() {
      return header("content-type")
          .map(ct -> {
            int i = ct.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
            if (i < 0) {
              return StandardCharsets.UTF_8;
            }
            try {
              return Charset.forName(ct.substring(i + 8).replace("\"", "").split(";")[0].trim());
            } catch (IllegalArgumentException e) {
              return StandardCharsets.UTF_8;
            }
          })
          .orElse(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return name + " -> " + raw.status();
    }
  }
}
