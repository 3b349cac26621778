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

  static final String HEADER = "name,requests,failures,error_pct,rps,p50_ms,p90_ms,p95_ms,p99_ms,max_ms,mean_ms";

  private RequestsCsv() {}

  static void write(Path file, RunResults results) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER);
      out.write("\r\n");
      for (Map.Entry<String, Stats> e : results.requests().entrySet()) {
        Stats s = e.getValue();
        out.write(Format.csv(e.getKey()));
        out.write(String.format(Locale.ROOT, ",%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\r\n", s.requests(), s.failures(),
            s.errorRate() * 100, s.rps(), s.p50(), s.p90(), s.p95(), s.p99(), s.max(), s.mean()));
      }
    }
  }
}
