package dev.constellation.maven.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.constellation.agent.AgentMain;
import dev.constellation.api.VirtualUser;
import dev.constellation.maven.image.agentscript.PingScript;
import dev.constellation.orchestrator.RunSetup;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent image as Fargate would run it, without a container runtime: built with the real agent
 * jars and a real script, pushed to a registry, pulled back over the registry API, unpacked, and
 * its entrypoint run with this machine's JDK against a loopback server that counts requests.
 */
class RealAgentImageIT {

  @RegisterExtension static final DockerRegistryExtension REGISTRY = new DockerRegistryExtension();

  private static final String SCRIPT_CLASS_FILE =
      PingScript.class.getName().replace('.', '/') + ".class";

  @TempDir Path dir;

  private HttpServer server;
  private ExecutorService serverThreads;
  private final AtomicLong served = new AtomicLong();

  @BeforeEach
  void startCountingServer() throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    serverThreads = Executors.newFixedThreadPool(8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
    server.createContext("/ping", exchange -> {
      served.incrementAndGet();
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.setExecutor(serverThreads);
    server.start();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.stop(0);
    serverThreads.shutdownNow();
    serverThreads.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void theImagePulledBackFromTheRegistryRunsTheRealAgentAndRecordsEveryRequestTheServerSaw()
      throws Exception {
    RegistryApi api = new RegistryApi(REGISTRY.host());
    String base = api.pushStandInBase(Files.createDirectories(dir.resolve("base")));
    Path testClasses = dir.resolve("project/target/test-classes");
    copyFromTestClasses(SCRIPT_CLASS_FILE, testClasses);
    Path jars = Files.createDirectories(dir.resolve("jars"));
    List<Path> constellationJars = List.of(
        jarOf(AgentMain.class, jars), jarOf(VirtualUser.class, jars), jarOf(RunSetup.class, jars));
    List<Path> dependencyJars = dependencyJars(constellationJars);
    ImageSpec spec = ImageSpec.builder()
        .baseImage(base)
        .dependencyJars(dependencyJars)
        .constellationJars(constellationJars)
        .classesDirectory(dir.resolve("project/target/classes"))
        .testClassesDirectory(testClasses)
        .jvmFlags(List.of("-XX:+UseSerialGC"))
        .allowInsecureRegistries(true)
        .build();

    long buildStart = System.nanoTime();
    ImageBuildResult built = new AgentImageBuilder(dir.resolve("cache/base"),
        dir.resolve("cache/app"), line -> { })
        .build(spec, ImageTarget.registry(REGISTRY.host() + "/constellation-agent:real"));
    long buildMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - buildStart);

    UnpackedImage image =
        UnpackedImage.pull(api, "constellation-agent", "real", dir.resolve("rootfs"));
    assertThat(image.manifest().digest()).isEqualTo(built.imageDigest());
    assertThat(image.entrypoint()).containsExactly("java", "-XX:+UseSerialGC", "-cp",
        "/app/test-classes:/app/classes:/app/constellation/*:/app/libs/*",
        "dev.constellation.agent.AgentMain");
    assertThat(image.layerFiles()).hasSize(4);
    assertThat(image.layerFiles().get(2))
        .contains("app/constellation/" + constellationJars.get(0).getFileName());
    assertThat(image.layerFiles().get(3)).contains("app/test-classes/" + SCRIPT_CLASS_FILE);

    Path results = dir.resolve("results");
    List<String> command = new ArrayList<>(image.localCommand(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    // The task definition's command; no --scripts: the agent finds the script in /app/test-classes.
    command.addAll(List.of("--runId", "image-it", "--vus", "5", "--duration", "2s",
        "--baseUrl", "http://127.0.0.1:" + server.getAddress().getPort(),
        "--resultsDir", results.toString()));
    Path log = dir.resolve("agent.log");
    long runStart = System.nanoTime();
    Process agent = new ProcessBuilder(command)
        .directory(image.workingDirectory().toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    boolean finished = agent.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      agent.descendants().forEach(ProcessHandle::destroyForcibly);
      agent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - runStart);
    String printed = Files.readString(log);
    assertThat(finished).as("agent finished within 60 s:%n%s", printed).isTrue();
    assertThat(agent.exitValue()).as(printed).isZero();
    assertThat(printed).contains("PingScript x5");

    Path records = results.resolve("local-0.jsonl");
    assertThat(records).as(printed).isRegularFile();
    long recorded = 0;
    long failures = 0;
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(records, StandardCharsets.UTF_8)) {
      JsonNode record = json.readTree(line);
      if (record.get("kind").asText().equals("http")) {
        recorded += record.get("count").asLong();
        failures += record.get("failures").asLong();
      }
    }
    System.out.printf("real agent image: %d layers, %d dependency jars; build+push %d ms;"
            + " agent run from the unpacked image %d ms; %d requests recorded, server saw %d%n",
        image.layerFiles().size(), dependencyJars.size(), buildMillis, runMillis, recorded,
        served.get());
    assertThat(recorded).as("requests in %s", records).isPositive();
    assertThat(recorded).as("requests recorded by the agent vs seen by the server")
        .isEqualTo(served.get());
    assertThat(failures).isZero();
  }

  /** Copies one compiled test class, alone, into a project's test classes folder. */
  private static void copyFromTestClasses(String classFile, Path testClasses) throws IOException {
    Path compiled = codeSource(PingScript.class);
    Path target = testClasses.resolve(classFile);
    Files.createDirectories(target.getParent());
    Files.copy(compiled.resolve(classFile), target);
  }

  /**
   * The jar holding a class: the reactor's built jar, or, where the class comes from a class
   * folder (an IDE, or a reactor run that stopped before package), a jar made from that folder.
   */
  private static Path jarOf(Class<?> type, Path jarsDir) throws IOException {
    Path location = codeSource(type);
    if (Files.isRegularFile(location)) {
      return location;
    }
    String module = location.getParent().getParent().getFileName().toString();
    Path jar = jarsDir.resolve(module + "-from-classes.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out);
        Stream<Path> files = Files.walk(location)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        JarEntry entry = new JarEntry(location.relativize(file).toString().replace(File.separatorChar, '/'));
        entry.setTime(0);
        zip.putNextEntry(entry);
        zip.write(Files.readAllBytes(file));
        zip.closeEntry();
      }
    }
    return jar;
  }

  /** Every other jar on this test's classpath: the agent's dependencies (and some more). */
  private static List<Path> dependencyJars(List<Path> constellationJars) throws IOException {
    Set<Path> exclude = new LinkedHashSet<>();
    for (Class<?> type : List.of(AgentMain.class, VirtualUser.class, RunSetup.class)) {
      exclude.add(codeSource(type).toRealPath());
    }
    for (Path jar : constellationJars) {
      exclude.add(jar.toRealPath());
    }
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Set<Path> jars = new LinkedHashSet<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (entry.endsWith(".jar") && Files.isRegularFile(path)
          && !exclude.contains(path.toRealPath())) {
        jars.add(path);
      }
    }
    assertThat(jars).as("third-party jars on the test classpath").isNotEmpty();
    return List.copyOf(jars);
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
