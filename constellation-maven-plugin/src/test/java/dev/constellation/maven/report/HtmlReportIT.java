package dev.constellation.maven.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.constellation.testservices.Required;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opens the generated index.html in headless Chromium: the charts must render with no script
 * error, and a screenshot is kept in target/report-it/ for people to look at.
 */
class HtmlReportIT {

  private static Path browser;
  private static final Path OUT = Path.of("target", "report-it").toAbsolutePath();

  private static Path page;
  private static int expectedCharts;

  @BeforeAll
  static void writeReport() throws IOException {
    // chromium or chromium-browser on PATH; none skips the class, or fails it under CI=true
    browser = Required.chromium("the HTML report test (HtmlReportIT)");
    SampleRun run = new SampleRun(90, 17);
    RunResults results = run.results();
    List<ThresholdResult> thresholds = Thresholds.parse(List.of("p(95) < 500ms", "[POST /orders] p(95) < 100ms",
        "[region=eu-west-1] error_rate < 5%", "iteration_failures == 0")).evaluate(results);
    Path baselineDir = OUT.resolve("baseline");
    SampleRun earlier = new SampleRun(90, 3);
    ReportWriter.write(baselineDir, earlier.facts, earlier.results(), List.of());
    page = ReportWriter.write(OUT.resolve("run"), run.facts, results, thresholds, baselineDir).indexHtml();
    expectedCharts = 4 + results.series().size();
  }

  @Test
  void chromiumRendersEveryChartWithoutScriptErrors() throws Exception {
    Result r = chromium(List.of("--virtual-time-budget=5000", "--dump-dom", page.toUri().toString()));
    String dom = r.stdout;
    Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
    assertThat(body.find()).as("a <body> in the dumped DOM; chromium stderr:%n%s", r.stderr).isTrue();
    assertThat(attribute(body.group(1), "data-js-errors")).as("script errors: %s", jsErrors(dom)).isEqualTo("0");
    assertThat(attribute(body.group(1), "data-charts-rendered")).isEqualTo(Integer.toString(expectedCharts));
    assertThat(count(dom, "<canvas")).isGreaterThanOrEqualTo(expectedCharts);
    assertThat(consoleErrors(r.stderr)).isEmpty();
    assertThat(dom).contains("Requests by name").contains("GET /search?q=&lt;/script&gt;");
  }

  @Test
  void chromiumTakesAScreenshotOfThePage() throws Exception {
    Path png = OUT.resolve("index.png");
    Files.deleteIfExists(png);
    Result r = chromium(List.of("--virtual-time-budget=5000", "--hide-scrollbars", "--screenshot=" + png,
        "--window-size=1400,2400", page.toUri().toString()));
    assertThat(png).as("chromium stderr:%n%s", r.stderr).exists();
    byte[] head = Files.readAllBytes(png);
    assertThat(head.length).isGreaterThan(20_000);
    assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    assertThat(consoleErrors(r.stderr)).isEmpty();
  }

  private record Result(String stdout, String stderr) {}

  private static Result chromium(List<String> args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile");
    Path stdout = Files.createTempFile("chromium", ".out");
    Path stderr = Files.createTempFile("chromium", ".err");
    List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    try {
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        fail("chromium did not finish within 90 s: " + cmd);
      }
      return new Result(Files.readString(stdout), Files.readString(stderr));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      deleteTree(profile);
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  private static List<String> consoleErrors(String stderr) {
    return stderr.lines()
        .filter(l -> l.contains("CONSOLE") || l.contains("Uncaught"))
        .filter(l -> !l.contains(":INFO:CONSOLE") || l.contains("Uncaught") || l.contains("Error"))
        .toList();
  }

  private static String jsErrors(String dom) {
    Matcher m = Pattern.compile("<pre id=\"js-errors\"[^>]*>(.*?)</pre>", Pattern.DOTALL).matcher(dom);
    return m.find() ? m.group(1) : "(none)";
  }

  private static String attribute(String attributes, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(attributes);
    return m.find() ? m.group(1) : null;
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
