package dev.constellation.maven.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Writes requests.csv: one row per request name, latencies in ms. */
final class RequestsCsv {

  static final String HEADER = "name,requests,failures,error_pct,rps,p50_ms,p90_ms,p95_ms,p99_ms,max_ms,mean_ms,"
      + "new_connections,tls_handshakes,tls_resumed,connect_p50_ms,connect_p95_ms,connect_p99_ms,connect_max_ms,"
      + "tls_p50_ms,tls_p95_ms,tls_p99_ms,tls_max_ms";

  private RequestsCsv() {}

  /**
   * The connection columns of a name: counts, then connect and TLS handshake p50/p95/p99/max in ms;
   * every cell empty when not measured (the jdk engine), a time's cells empty when there was none.
   */
  static String connections(ConnectionStats c) {
    if (c == null) {
      return ",,,,,,,,,,,";
    }
    String connect = c.newConnections() == 0 ? ",,,," : String.format(Locale.ROOT, ",%.3f,%.3f,%.3f,%.3f", c.connectMs(50),
        c.connectMs(95), c.connectMs(99), c.connectMaxMs());
    String tls = c.tlsHandshakes() == 0 ? ",,,," : String.format(Locale.ROOT, ",%.3f,%.3f,%.3f,%.3f", c.tlsHandshakeMs(50),
        c.tlsHandshakeMs(95), c.tlsHandshakeMs(99), c.tlsHandshakeMaxMs());
    return "," + c.newConnections() + "," + c.tlsHandshakes() + "," + c.tlsResumed() + connect + tls;
  }

  static void write(Path file, RunResults results) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER);
      out.write("\r\n");
      for (Map.Entry<String, Stats> e : results.requests().entrySet()) {
        Stats s = e.getValue();
        out.write(Format.csv(e.getKey()));
        out.write(String.format(Locale.ROOT, ",%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f", s.requests(), s.failures(),
            s.errorRate() * 100, s.rps(), s.p50(), s.p90(), s.p95(), s.p99(), s.max(), s.mean()));
        out.write(connections(results.connections().get(e.getKey())));
        out.write("\r\n");
      }
    }
  }
}
