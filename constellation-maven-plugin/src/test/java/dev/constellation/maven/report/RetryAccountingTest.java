package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.constellation.agent.http.HttpEngine;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.http.InstrumentedHttp;
import dev.constellation.agent.record.Recording;
import dev.constellation.api.HttpFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14, item 1: against a server that counts every request it reads and closes {@code /reset}
 * without answering, the server's count equals requests + retries in summary.json, exactly, on
 * both engines and with retries on or off.
 */
@Timeout(60)
class RetryAccountingTest {

  @ParameterizedTest
  @CsvSource({"socket,true", "jdk,true", "socket,false", "jdk,false"})
  void theServersCountIsRequestsPlusRetriesInSummaryJson(String engineName, boolean retries) throws Exception {
    try (CountingServer server = new CountingServer();
        HttpEngine engine = HttpEngines.create(engineName, Duration.ofSeconds(2), retries)) {
      Recording recording = new Recording("run-1", "local", "local-0", 100);
      InstrumentedHttp http = new InstrumentedHttp(engine, recording, "script", server.url(), Duration.ofSeconds(10));
      for (int i = 0; i < 7; i++) {
        assertThat(http.get("/ok").status()).isEqualTo(200);
        HttpFailure f = catchThrowableOfType(() -> http.get("/reset"), HttpFailure.class);
        assertThat(f).isNotNull();
      }
      RunResults results = RunResults.merge(recording.drain(0, 1000));
      JsonNode summary = SummaryJson.build(new RunFacts("run-1", Instant.EPOCH, 1000, server.url(), Map.of()), results, List.of(), null);
      JsonNode totals = summary.get("totals");
      long requests = totals.get("requests").asLong();
      long retried = totals.get("retries").asLong();
      assertThat(requests).isEqualTo(14);
      assertThat(retried).isEqualTo(retries ? 7 : 0);
      assertThat(totals.get("attempts").asLong()).isEqualTo(requests + retried);
      assertThat(requests + retried).isEqualTo(server.requests());
      JsonNode reset = summary.get("requests").get("GET /reset");
      assertThat(reset.get("requests").asLong()).isEqualTo(7);
      assertThat(reset.get("failures").asLong()).isEqualTo(7);
      assertThat(reset.get("retries").asLong()).isEqualTo(retries ? 7 : 0);
      assertThat(summary.get("requests").get("GET /ok").get("retries").asLong()).isZero();
      if (retries) {
        assertThat(reset.get("retryErrors").fieldNames()).toIterable().allSatisfy(t -> assertThat(t).isIn("connection_closed",
            "connection_reset"));
        assertThat(reset.get("retryLatencyMs").get("max").asDouble()).isPositive().isLessThan(10_000);
        assertThat(ConsoleSummary.render(new RunFacts("run-1", Instant.EPOCH, 1000, "", Map.of()), results, List.of()))
            .contains("Retries: 7 (attempts on the wire 21 = requests + retries): GET /reset x7");
      }
    }
  }

  /** Counts every request head it reads; answers 200 to anything but {@code /reset}, which it closes unanswered. */
  private static final class CountingServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    CountingServer() throws IOException {
      Thread acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            open.add(s);
            Thread t = new Thread(() -> serve(s), "counting-server");
            t.setDaemon(true);
            t.start();
          } catch (IOException closed) {
            return;
          }
        }
      }, "counting-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        for (;;) {
          ByteArrayOutputStream head = new ByteArrayOutputStream();
          int matched = 0;
          while (matched < 4) {
            int b = in.read();
            if (b < 0) {
              return;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
          }
          requests.incrementAndGet();
          if (head.toString(StandardCharsets.ISO_8859_1).startsWith("GET /reset ")) {
            return;
          }
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
      } catch (IOException ignored) {
        // the client went away
      }
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    int requests() {
      return requests.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
