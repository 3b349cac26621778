package dev.constellation.awsfake;

import dev.constellation.awsfake.runtime.LambdaLauncher;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Runs Lambda code for {@code Invoke}: the zip is unpacked once per {@code CodeSha256} (as Lambda
 * unpacks a Java package into the task root: classes at the root, {@code lib/*.jar}), and each
 * function version gets warm child JVMs ({@link LambdaLauncher}) that serve one invocation at a
 * time. Init (JVM start, handler class load and construction) is not counted in the function's
 * timeout, as on Lambda; it is bounded by {@link #INIT_TIMEOUT_MS}.
 */
final class LambdaRuntime implements AutoCloseable {

  /** How long a cold start may take on a busy test machine (Lambda's own limit is 10 s). */
  static final long INIT_TIMEOUT_MS = 120_000;

  /** What one invocation returned. */
  record Outcome(boolean error, byte[] body, String log) {}

  /** Everything that makes two execution environments interchangeable. */
  record Key(String codeSha256, String handler, String runtime, int memoryMb, Map<String, String> env) {}

  /** The newest class file version each Java runtime reads (JVMS §4.1: Java N reads up to N + 44). */
  static int maxClassVersion(String runtime) {
    return switch (runtime) {
      case "java8.al2" -> 52;
      case "java11" -> 55;
      case "java17" -> 61;
      case "java21" -> 65;
      case "java25" -> 69;
      default -> Integer.MAX_VALUE;
    };
  }

  private final class Worker {
    final Key key;
    final Process process;
    final DataOutputStream in;
    final DataInputStream out;
    final Path log;

    Worker(Key key, Process process, Path log) {
      this.key = key;
      this.process = process;
      this.in = new DataOutputStream(process.getOutputStream());
      this.out = new DataInputStream(process.getInputStream());
      this.log = log;
    }

    void kill() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private final FakeAws.Options options;
  private final Map<Key, Deque<Worker>> idle = new HashMap<>();
  private final Map<Key, Integer> live = new HashMap<>();
  private final List<Worker> all = new ArrayList<>();
  private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-lambda-reader");
    t.setDaemon(true);
    return t;
  });
  private Path root;
  private boolean closed;

  LambdaRuntime(FakeAws.Options options) {
    this.options = options;
  }

  /** Runs one invocation; blocks while the function already has its maximum of busy JVMs. */
  Outcome invoke(Key key, byte[] zip, byte[] payload, int timeoutSeconds, String requestId)
      throws InterruptedException {
    Worker w = acquire(key, zip);
    if (w == null) {
      return null;
    }
    long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
    long logStart = size(w.log);
    Future<Outcome> answer = readers.submit(() -> {
      w.in.writeInt(payload.length);
      w.in.write(payload);
      w.in.writeLong(deadline);
      w.in.writeUTF(requestId);
      w.in.flush();
      byte status = w.out.readByte();
      int len = w.out.readInt();
      byte[] body = w.out.readNBytes(len);
      return new Outcome(status != 0, body, null);
    });
    try {
      Outcome o = answer.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      release(w);
      return new Outcome(o.error(), o.body(), tail(w.log, logStart));
    } catch (TimeoutException e) {
      answer.cancel(true);
      discard(w);
      String msg = Instant.now() + " " + requestId + " Task timed out after "
          + String.format("%.2f", (double) timeoutSeconds) + " seconds";
      return new Outcome(true, ("{\"errorMessage\":\"" + msg + "\"}").getBytes(StandardCharsets.UTF_8),
          tail(w.log, logStart));
    } catch (ExecutionException e) {
      discard(w);
      String exit = w.process.isAlive() ? "" : " exit status " + waitExit(w.process);
      String msg = "Error: Runtime exited with error:" + exit;
      return new Outcome(true, ("{\"errorMessage\":\"" + msg.trim() + "\",\"errorType\":\"Runtime.ExitError\"}")
          .getBytes(StandardCharsets.UTF_8), tail(w.log, logStart));
    }
  }

  private static int waitExit(Process p) {
    try {
      p.waitFor(5, TimeUnit.SECONDS);
      return p.isAlive() ? -1 : p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private Worker acquire(Key key, byte[] zip) throws InterruptedException {
    synchronized (this) {
      while (true) {
        if (closed) {
          return null;
        }
        Deque<Worker> q = idle.get(key);
        Worker w = q == null ? null : q.poll();
        if (w != null && w.process.isAlive()) {
          return w;
        }
        if (w != null) {
          discardLocked(w);
          continue;
        }
        if (live.getOrDefault(key, 0) < options.lambdaMaxWarmPerFunction) {
          live.merge(key, 1, Integer::sum);
          break;
        }
        wait(1000);
      }
    }
    try {
      return start(key, zip);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        live.merge(key, -1, Integer::sum);
        notifyAll();
      }
      throw new IllegalStateException("cannot start the Lambda runtime JVM: " + e.getMessage(), e);
    }
  }

  private synchronized void release(Worker w) {
    if (closed) {
      w.kill();
      return;
    }
    idle.computeIfAbsent(w.key, k -> new ArrayDeque<>()).add(w);
    notifyAll();
  }

  private synchronized void discard(Worker w) {
    discardLocked(w);
  }

  private void discardLocked(Worker w) {
    w.kill();
    all.remove(w);
    live.merge(w.key, -1, Integer::sum);
    notifyAll();
  }

  private Worker start(Key key, byte[] zip) throws IOException, InterruptedException {
    Path root = root();
    Path task = unpack(root, key.codeSha256(), zip);
    Path log = Files.createTempFile(root, "function-", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(options.javaByRuntime.getOrDefault(key.runtime(), options.javaExecutable).toString());
    cmd.add("-Xmx" + Math.max(64, key.memoryMb() * 85 / 100) + "m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(root.resolve("launcher") + java.io.File.pathSeparator + task
        + java.io.File.pathSeparator + task.resolve("lib") + java.io.File.separator + "*");
    cmd.add(LambdaLauncher.class.getName());
    cmd.add(key.handler());
    cmd.add(Integer.toString(maxClassVersion(key.runtime())));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(task.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    String path = env.get("PATH");
    env.clear();
    if (path != null) {
      env.put("PATH", path);
    }
    env.put("LAMBDA_TASK_ROOT", task.toString());
    env.put("_HANDLER", key.handler());
    env.put("TZ", ":UTC");
    env.put("LANG", "en_US.UTF-8");
    env.putAll(key.env());
    Process p = pb.start();
    Worker w = new Worker(key, p, log);
    synchronized (this) {
      all.add(w);
      if (closed) {
        w.kill();
        return null;
      }
    }
    Future<byte[]> ready = readers.submit(() -> {
      byte b = w.out.readByte();
      if (b == 'R') {
        return null;
      }
      return w.out.readNBytes(w.out.readInt());
    });
    try {
      // An init failure (class not found, constructor threw) still yields a worker: as on
      // Lambda, every invocation then answers with that error.
      ready.get(INIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return w;
    } catch (TimeoutException | ExecutionException e) {
      discard(w);
      String why = e instanceof TimeoutException ? "did not finish init within " + INIT_TIMEOUT_MS + " ms"
          : "exited during init: " + tail(log, 0);
      throw new IllegalStateException("the Lambda runtime JVM for handler " + key.handler() + " " + why);
    }
  }

  private synchronized Path root() throws IOException {
    if (root == null) {
      root = Files.createTempDirectory("fake-lambda-");
      Path launcher = root.resolve("launcher");
      for (String name : List.of("LambdaLauncher", "LambdaLauncher$LambdaError")) {
        String resource = "/" + LambdaLauncher.class.getPackageName().replace('.', '/') + "/" + name + ".class";
        Path target = launcher.resolve(resource.substring(1));
        Files.createDirectories(target.getParent());
        try (InputStream in = LambdaRuntime.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException("the fake's own class " + resource + " is missing");
          }
          Files.copy(in, target);
        }
      }
    }
    return root;
  }

  /** Unpacks a deployment package once per CodeSha256 (a folder named by its hex form). */
  private synchronized Path unpack(Path root, String sha, byte[] zip) throws IOException {
    String dir = java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(sha));
    Path task = root.resolve("task-" + dir);
    if (Files.isDirectory(task)) {
      return task;
    }
    Path tmp = Files.createTempDirectory(root, "unpack-");
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        Path target = tmp.resolve(e.getName()).normalize();
        if (!target.startsWith(tmp)) {
          throw new IOException("zip entry outside the task root: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target);
        }
      }
    }
    Files.move(tmp, task);
    return task;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The function's log written since {@code from}, at most the last 4 KB (Lambda's LogType=Tail). */
  private static String tail(Path log, long from) {
    try {
      byte[] all = Files.readAllBytes(log);
      int start = (int) Math.max(from, all.length - 4096L);
      return new String(all, Math.min(start, all.length), all.length - Math.min(start, all.length),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static Map<String, String> sorted(Map<String, String> env) {
    return new TreeMap<>(env);
  }

  @Override
  public void close() {
    List<Worker> toKill;
    synchronized (this) {
      closed = true;
      toKill = new ArrayList<>(all);
      all.clear();
      idle.clear();
      notifyAll();
    }
    for (Worker w : toKill) {
      w.kill();
    }
    for (Worker w : toKill) {
      try {
        w.process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    readers.shutdownNow();
    if (root != null) {
      deleteTree(root);
    }
  }

  private static void deleteTree(Path root) {
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a temp folder
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
