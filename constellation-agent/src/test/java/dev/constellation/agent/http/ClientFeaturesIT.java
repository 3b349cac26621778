package dev.constellation.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.constellation.agent.record.Recording;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.api.HttpFailure;
import dev.constellation.api.Request;
import dev.constellation.api.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cookies, redirects and compression against a real loopback server, on both engines, with exact recorded counts. */
@Timeout(30)
class ClientFeaturesIT {

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private Recording recording;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  /** A loopback server with the routes; https with a self-signed certificate when {@code engine} ends with " https". */
  private String server(String engine, Map<String, HttpHandler> routes) throws IOException {
    boolean https = engine.endsWith(" https");
    HttpServer server;
    if (https) {
      HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      s.setHttpsConfigurator(new HttpsConfigurator(TestTls.serverContext()));
      server = s;
    } else {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    }
    server.setExecutor(Executors.newFixedThreadPool(4));
    routes.forEach((path, handler) -> server.createContext(path, exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        handler.handle(exchange);
      }
    }));
    server.start();
    closing.add(() -> server.stop(0));
    return (https ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  private InstrumentedHttp client(String engineName, String baseUrl, HttpOptions options) {
    boolean https = engineName.endsWith(" https");
    HttpEngine engine = HttpEngines.create(engineName.replace(" https", ""), Duration.ofSeconds(2),
        https ? TestTls.trusting().sslContext() : null);
    closing.add(engine);
    recording = new Recording("run", "local", "local-0", 100);
    return new InstrumentedHttp(engine, recording, "script", baseUrl, Duration.ofSeconds(5), options);
  }

  /** Request name to "count/failures status errors" of everything recorded so far. */
  private Map<String, String> recorded() {
    Map<String, String> out = new TreeMap<>();
    for (IntervalRecord r : recording.drain(0, 1000)) {
      out.put(r.name(), r.count() + "/" + r.failures() + " " + new TreeMap<>(r.statusCodes()) + " " + new TreeMap<>(r.errors()));
    }
    return out;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      exchange.getResponseBody().write(b);
    }
  }

  private static HttpHandler redirect(int status, String location) {
    return exchange -> {
      exchange.getResponseHeaders().add("Location", location);
      respond(exchange, status, "");
    };
  }

  private Map<String, HttpHandler> loginRoutes() {
    return Map.of(
        "/login", exchange -> {
          exchange.getResponseHeaders().add("Set-Cookie", "sid=s3cr3t; Path=/; HttpOnly");
          exchange.getResponseHeaders().add("Location", "/home");
          respond(exchange, 302, "");
        },
        "/home", exchange -> {
          String cookie = exchange.getRequestHeaders().getFirst("Cookie");
          respond(exchange, "sid=s3cr3t".equals(cookie) ? 200 : 401, "cookie=" + cookie);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void theLoginRedirectsSetCookieIsSentToTheHomePage(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, loginRoutes()), HttpOptions.DEFAULT);
    for (int i = 0; i < 5; i++) {
      Response home = http.get("/login");
      assertThat(home.status()).isEqualTo(200);
      assertThat(home.name()).isEqualTo("GET /home");
    }
    assertThat(recorded()).containsExactly(
        Map.entry("GET /home", "5/0 {200=5} {}"),
        Map.entry("GET /login", "5/0 {302=5} {}"));
    assertThat(http.cookies().get("/anything", "sid")).contains("s3cr3t");
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void withCookiesOffTheHomePageAnswers401(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, loginRoutes()), new HttpOptions(true, 10, HttpOptions.COOKIES_OFF, true));
    for (int i = 0; i < 3; i++) {
      assertThat(http.get("/login").status()).isEqualTo(401);
    }
    assertThat(recorded()).containsExactly(
        Map.entry("GET /home", "3/3 {401=3} {}"),
        Map.entry("GET /login", "3/0 {302=3} {}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void aScriptCanStopAtTheRedirectReadItsCookieAndSetCookies(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, loginRoutes()), HttpOptions.DEFAULT);
    Response login = http.send(Request.get("/login").followRedirects(false));
    assertThat(login.status()).isEqualTo(302);
    assertThat(login.header("Location")).contains("/home");
    assertThat(http.cookies().get("/", "sid")).contains("s3cr3t");
    http.cookies().clear();
    assertThat(http.get("/home").status()).isEqualTo(401);
    http.cookies().set("/", "sid", "s3cr3t");
    assertThat(http.get("/home").text()).isEqualTo("cookie=sid=s3cr3t");
    assertThat(recorded()).containsExactly(
        Map.entry("GET /home", "2/1 {200=1, 401=1} {}"),
        Map.entry("GET /login", "1/0 {302=1} {}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void redirectsOffForTheRunReturnTheRedirectItself(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, loginRoutes()), new HttpOptions(false, 10, HttpOptions.COOKIES_VU, true));
    assertThat(http.get("/login").status()).isEqualTo(302);
    assertThat(http.send(Request.get("/login").followRedirects(true)).status()).isEqualTo(200);
    assertThat(seen).containsExactly("GET /login", "GET /login", "GET /home");
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void iterationModeEmptiesTheJarBeforeEachIteration(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, loginRoutes()), new HttpOptions(true, 10, HttpOptions.COOKIES_ITERATION, true));
    http.iterationStarting();
    assertThat(http.get("/login").status()).isEqualTo(200);
    assertThat(http.get("/home").status()).isEqualTo(200);
    http.iterationStarting();
    assertThat(http.get("/home").status()).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void aRedirectLoopFailsWithTooManyRedirectsAfterTheLimit(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, Map.of("/loop", redirect(302, "/loop"))), new HttpOptions(true, 5,
        HttpOptions.COOKIES_VU, true));
    HttpFailure f = catchThrowableOfType(() -> http.get("/loop"), HttpFailure.class);
    assertThat(f.errorType()).isEqualTo("too_many_redirects");
    assertThat(seen).hasSize(6);
    assertThat(recorded()).containsExactly(Map.entry("GET /loop", "6/1 {302=5} {too_many_redirects=1}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void theDefaultLimitIsTenRedirectsAndNamedRequestsNameEachHop(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, Map.of("/loop", redirect(307, "/loop"))), HttpOptions.DEFAULT);
    HttpFailure f = catchThrowableOfType(() -> http.send(Request.post("/loop").body("x", "text/plain").name("loop")),
        HttpFailure.class);
    assertThat(f.errorType()).isEqualTo("too_many_redirects");
    assertThat(seen).hasSize(11).allMatch(s -> s.equals("POST /loop"));
    Map<String, String> r = recorded();
    assertThat(r).hasSize(11).containsEntry("loop", "1/0 {307=1} {}").containsEntry("loop (redirect 9)", "1/0 {307=1} {}")
        .containsEntry("loop (redirect 10)", "1/1 {} {too_many_redirects=1}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void a303AfterAPostIsFollowedWithAGet(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, Map.of("/orders", redirect(303, "/orders/7"), "/orders/7",
        exchange -> respond(exchange, 200, exchange.getRequestMethod()))), HttpOptions.DEFAULT);
    Response r = http.post("/orders", "{}", "application/json");
    assertThat(r.text()).isEqualTo("GET");
    assertThat(seen).containsExactly("POST /orders", "GET /orders/7");
  }

  private static byte[] gzip(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(in);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(in);
    }
    return out.toByteArray();
  }

  private static final String TEXT = "constellation ".repeat(200);

  private final List<String> acceptEncodings = new CopyOnWriteArrayList<>();

  private Map<String, HttpHandler> compressing() throws IOException {
    byte[] plain = TEXT.getBytes(StandardCharsets.UTF_8);
    byte[] gz = gzip(plain);
    byte[] df = deflate(plain);
    return Map.of("/text", exchange -> {
      String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
      acceptEncodings.add(accept);
      byte[] body = plain;
      if (accept.contains("gzip")) {
        exchange.getResponseHeaders().add("Content-Encoding", "gzip");
        body = gz;
      } else if (accept.contains("deflate")) {
        exchange.getResponseHeaders().add("Content-Encoding", "deflate");
        body = df;
      }
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void gzipIsAskedForAndDecodedAndTheWireBytesAreRecorded(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, compressing()), HttpOptions.DEFAULT);
    Response r = http.get("/text");
    assertThat(r.text()).isEqualTo(TEXT);
    assertThat(r.header("content-encoding")).contains("gzip");
    assertThat(acceptEncodings).containsExactly("gzip, deflate");
    int wire = gzip(TEXT.getBytes(StandardCharsets.UTF_8)).length;
    assertThat(wire).isLessThan(200);
    assertThat(recording.drain(0, 1000)).singleElement().satisfies(rec -> assertThat(rec.bytes()).isEqualTo(wire));
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void deflateIsDecodedWhenTheScriptAsksForIt(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, compressing()), HttpOptions.DEFAULT);
    Response r = http.send(Request.get("/text").header("Accept-Encoding", "deflate"));
    assertThat(r.text()).isEqualTo(TEXT);
    assertThat(acceptEncodings).containsExactly("deflate");
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void withCompressionOffNoAcceptEncodingIsSent(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, compressing()), new HttpOptions(true, 10, HttpOptions.COOKIES_VU, false));
    assertThat(http.get("/text").text()).isEqualTo(TEXT);
    assertThat(acceptEncodings).containsExactly("null");
    assertThat(recording.drain(0, 1000)).singleElement().satisfies(rec -> assertThat(rec.bytes()).isEqualTo(TEXT.length()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"socket", "jdk", "socket https"})
  void aBrokenGzipBodyIsAFailedRequestWithDecodeError(String engine) throws Exception {
    InstrumentedHttp http = client(engine, server(engine, Map.of("/broken", exchange -> {
      exchange.getResponseHeaders().add("Content-Encoding", "gzip");
      respond(exchange, 200, "this is not gzip");
    })), HttpOptions.DEFAULT);
    HttpFailure f = catchThrowableOfType(() -> http.get("/broken"), HttpFailure.class);
    assertThat(f.errorType()).isEqualTo("decode_error");
    assertThat(recorded()).containsExactly(Map.entry("GET /broken", "1/1 {} {decode_error=1}"));
  }
}
