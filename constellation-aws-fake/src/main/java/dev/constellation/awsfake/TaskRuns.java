package dev.constellation.awsfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs ECS tasks as local processes. Each task's life cycle runs on its own thread:
 * PROVISIONING (half the start delay) → PENDING (the other half, then the image pull) → RUNNING
 * (the image's entrypoint runs as a child process) → DEPROVISIONING (the process exited; its last
 * output lines are stored) → STOPPED. Output lines go to the task's {@code awslogs} stream. Every
 * change of the task's JSON happens under the fake's lock and bumps the task's {@code version}.
 */
final class TaskRuns implements AutoCloseable {

  /** How long a task stays DEPROVISIONING after its process exited (observable, and short). */
  static final long DEPROVISIONING_MS = 100;

  /** ECS's default and Fargate's maximum {@code stopTimeout} (container definition), in seconds. */
  static final int DEFAULT_STOP_TIMEOUT_S = 30;
  static final int MAX_STOP_TIMEOUT_S = 120;

  /** One task's run: what RunTask fixed, and the process once it started. */
  static final class Run {
    final Ecs.Task task;
    final String region;
    final String clusterName;
    final String taskId;
    final String family;
    final int revision;
    final ObjectNode container;
    final JsonNode containerOverride;
    final int containerCount;
    /** The task definition's {@code runtimePlatform.cpuArchitecture} ({@code X86_64} by default). */
    final String cpuArchitecture;
    final Map<String, String> faultEnvironment;
    final long startDelayMs;
    final String[] stopBeforeRunning;
    final CountDownLatch stopRequested = new CountDownLatch(1);
    /** Guarded by the fake's lock. */
    Process process;
    /** Guarded by the fake's lock: the task reached STOPPED (or was stopped before its process). */
    boolean finished;
    String logGroup;
    String logRegion;
    String logStream;

    Run(Ecs.Task task, String region, String clusterName, String taskId, String family, int revision,
        ObjectNode container, JsonNode containerOverride, int containerCount, String cpuArchitecture,
        Map<String, String> faultEnvironment, long startDelayMs, String[] stopBeforeRunning) {
      this.task = task;
      this.region = region;
      this.clusterName = clusterName;
      this.taskId = taskId;
      this.family = family;
      this.revision = revision;
      this.container = container;
      this.containerOverride = containerOverride;
      this.containerCount = containerCount;
      this.cpuArchitecture = cpuArchitecture;
      this.faultEnvironment = faultEnvironment;
      this.startDelayMs = startDelayMs;
      this.stopBeforeRunning = stopBeforeRunning;
    }

    int stopTimeoutSeconds() {
      int s = container.path("stopTimeout").asInt(DEFAULT_STOP_TIMEOUT_S);
      return Math.max(0, Math.min(MAX_STOP_TIMEOUT_S, s));
    }
  }

  private final FakeAws fake;
  private final TaskImages images;
  private final List<Run> runs = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-ecs-task");
    t.setDaemon(true);
    return t;
  });
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fake-ecs-stop-timer");
    t.setDaemon(true);
    return t;
  });
  private boolean closed;

  TaskRuns(FakeAws fake) {
    this.fake = fake;
    this.images = new TaskImages(fake.accountId());
  }

  /** Starts the task's life cycle (caller holds the fake's lock). */
  void launch(Run run) {
    if (closed) {
      finishLocked(run, "TaskFailedToStart", "the fake is closed", null, null);
      return;
    }
    runs.add(run);
    threads.submit(() -> lifeCycle(run));
  }

  /**
   * StopTask (caller holds the fake's lock; desiredStatus, stopCode and stoppedReason are set): a
   * task whose process has not started is STOPPED at once; a running process gets SIGTERM, and
   * SIGKILL after the container's {@code stopTimeout}.
   */
  void stop(Run run) {
    run.stopRequested.countDown();
    if (run.finished) {
      return;
    }
    if (run.process == null) {
      finishLocked(run, null, null, null, null);
      return;
    }
    // Through the ProcessHandle: Process.destroy() would also close the output pipe, and the
    // lines the process writes while it shuts down (its SIGTERM handling) would be lost.
    ProcessHandle p = run.process.toHandle();
    p.destroy();
    timers.schedule(() -> {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }, run.stopTimeoutSeconds(), TimeUnit.SECONDS);
  }

  /** The folder of the unpacked images (each under {@code image-<sha256 hex>/rootfs}), once one was pulled. */
  java.util.Optional<Path> imagesRoot() {
    return images.rootIfCreated();
  }

  /** The task processes alive now. */
  List<ProcessHandle> alive() {
    synchronized (fake.lock) {
      return runs.stream().filter(r -> r.process != null && r.process.isAlive())
          .map(r -> r.process.toHandle()).toList();
    }
  }

  // ------------------------------------------------------------------------------------------

  private void lifeCycle(Run run) {
    try {
      if (waitForStop(run, run.startDelayMs / 2)) {
        return;
      }
      synchronized (fake.lock) {
        if (run.finished) {
          return;
        }
        set(run, "PENDING");
        for (JsonNode a : run.task.node.path("attachments")) {
          ((ObjectNode) a).put("status", "ATTACHED");
        }
      }
      if (waitForStop(run, run.startDelayMs - run.startDelayMs / 2)) {
        return;
      }
      if (run.stopBeforeRunning != null) {
        finish(run, run.stopBeforeRunning[0], run.stopBeforeRunning[1], null, null);
        return;
      }
      if (run.containerCount != 1) {
        finish(run, "TaskFailedToStart", "the offline fake runs tasks with exactly one container;"
            + " this task definition has " + run.containerCount, null, null);
        return;
      }
      String logProblem = prepareLogs(run);
      if (logProblem != null) {
        finish(run, "TaskFailedToStart", logProblem, logProblem, null);
        return;
      }
      synchronized (fake.lock) {
        run.task.node.put("pullStartedAt", Ecs.now());
        bump(run);
      }
      TaskImages.Image image;
      try {
        image = images.pull(run.container.path("image").asText(), fake.options.ecrProxyEndpoint);
      } catch (TaskImages.PullException e) {
        finish(run, "TaskFailedToStart", e.getMessage(), e.getMessage(), null);
        return;
      }
      ProcessBuilder pb = processBuilder(run, image);
      String wanted = run.cpuArchitecture.equals("ARM64") ? "arm64" : "amd64";
      if (pb != null && !image.architecture().isEmpty() && !image.architecture().equals(wanted)) {
        execFormatError(run, image, firstArgument(run, image));
        return;
      }
      Process p;
      synchronized (fake.lock) {
        if (run.finished) {
          return;
        }
        run.task.node.put("pullStoppedAt", Ecs.now());
        ObjectNode c = container(run);
        c.put("imageDigest", image.digest());
        if (pb == null) {
          String why = "CannotStartContainerError: Error response from daemon: No command specified";
          c.put("reason", why);
          finishLocked(run, "TaskFailedToStart", why, null, null);
          return;
        }
        if (closed) {
          finishLocked(run, "TaskFailedToStart", "the fake was closed", null, null);
          return;
        }
        try {
          p = pb.start();
        } catch (IOException e) {
          String why = "CannotStartContainerError: ResourceInitializationError: failed to create new"
              + " container runtime task: exec: " + e.getMessage();
          c.put("reason", why);
          finishLocked(run, "TaskFailedToStart", why, null, null);
          return;
        }
        p.getOutputStream().close();
        run.process = p;
        double now = Ecs.now();
        run.task.node.put("startedAt", now).put("connectivityAt", now);
        c.put("lastStatus", "RUNNING").put("runtimeId", run.taskId + "-" + Math.abs(
            run.container.path("name").asText().hashCode()));
        set(run, "RUNNING");
      }
      pump(run, p);
      int exit = p.waitFor();
      synchronized (fake.lock) {
        double now = Ecs.now();
        ObjectNode t = run.task.node;
        ObjectNode c = container(run);
        c.put("exitCode", exit).put("lastStatus", "STOPPED");
        if (!t.has("stopCode")) {
          t.put("stopCode", "EssentialContainerExited")
              .put("stoppedReason", "Essential container in task exited");
        }
        if (!t.has("stoppingAt")) {
          t.put("stoppingAt", now);
        }
        t.put("executionStoppedAt", now).put("desiredStatus", "STOPPED");
        set(run, "DEPROVISIONING");
      }
      Thread.sleep(DEPROVISIONING_MS);
      synchronized (fake.lock) {
        finishLocked(run, null, null, null, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(run, "TaskFailedToStart", "the fake was closed", null, null);
    } catch (IOException | RuntimeException e) {
      finish(run, "TaskFailedToStart", "fake failure: " + e, null, null);
    }
  }

  /**
   * An image built for another CPU architecture than the task's {@code runtimePlatform}: on
   * Fargate the container starts, the kernel refuses the entrypoint ("exec format error" in the
   * log) and the essential container exits with 1 (AWS Knowledge Center, "resolve the exec format
   * error in Amazon ECS tasks"). The local {@code java} could run it, so the fake reproduces that.
   */
  private void execFormatError(Run run, TaskImages.Image image, String entry) {
    synchronized (fake.lock) {
      if (run.finished) {
        return;
      }
      double now = Ecs.now();
      run.task.node.put("pullStoppedAt", now).put("startedAt", now).put("connectivityAt", now);
      container(run).put("imageDigest", image.digest());
      if (run.logGroup != null) {
        fake.logs.append(run.logRegion, run.logGroup, run.logStream, System.currentTimeMillis(),
            "exec " + entry + ": exec format error");
      }
      finishLocked(run, "EssentialContainerExited", "Essential container in task exited", null, 1);
    }
  }

  private static String firstArgument(Run run, TaskImages.Image image) {
    List<String> entry = strings(run.container.get("entryPoint"));
    if (entry.isEmpty()) {
      entry = image.strings("Entrypoint");
    }
    return entry.isEmpty() ? "" : entry.get(0);
  }

  /** Waits up to {@code ms} for a StopTask; true when the task was stopped meanwhile. */
  private static boolean waitForStop(Run run, long ms) throws InterruptedException {
    return ms > 0 ? run.stopRequested.await(ms, TimeUnit.MILLISECONDS) : run.stopRequested.getCount() == 0;
  }

  /**
   * The awslogs target of the container; null when fine, else the ResourceInitializationError the
   * awslogs driver reports when the group does not exist (and {@code awslogs-create-group} is not true).
   */
  private String prepareLogs(Run run) {
    JsonNode lc = run.container.path("logConfiguration");
    if (!"awslogs".equals(lc.path("logDriver").asText())) {
      return null;
    }
    JsonNode o = lc.path("options");
    String group = o.path("awslogs-group").asText("");
    String region = o.path("awslogs-region").asText(run.region);
    String prefix = o.path("awslogs-stream-prefix").asText("");
    String name = run.container.path("name").asText();
    String stream = prefix.isEmpty() ? run.taskId : prefix + "/" + name + "/" + run.taskId;
    synchronized (fake.lock) {
      if (!fake.logs.region(region).containsKey(group)) {
        if (!"true".equals(o.path("awslogs-create-group").asText())) {
          return "ResourceInitializationError: failed to validate logger args: create stream has been"
              + " retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException:"
              + " The specified log group does not exist. : exit status 1";
        }
        fake.logs.create(region, group, Map.of());
      }
      fake.logs.stream(region, group, stream);
      run.logGroup = group;
      run.logRegion = region;
      run.logStream = stream;
    }
    return null;
  }

  /** Reads the process's output (stdout and stderr merged) line by line into its log stream. */
  private void pump(Run run, Process p) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (run.logGroup != null) {
          synchronized (fake.lock) {
            fake.logs.append(run.logRegion, run.logGroup, run.logStream, System.currentTimeMillis(), line);
          }
        }
      }
    }
  }

  /**
   * The entrypoint as this machine runs it: the container definition's {@code entryPoint} or the
   * image's Entrypoint, then the override's {@code command}, the container definition's
   * {@code command} or the image's Cmd; {@code java} becomes the configured java and {@code /app/}
   * points into the unpacked image. Null when there is nothing to run.
   */
  private ProcessBuilder processBuilder(Run run, TaskImages.Image image) {
    List<String> entry = strings(run.container.get("entryPoint"));
    if (entry.isEmpty()) {
      entry = image.strings("Entrypoint");
    }
    List<String> cmd;
    if (run.containerOverride != null && run.containerOverride.has("command")) {
      cmd = strings(run.containerOverride.get("command"));
    } else if (run.container.has("command")) {
      cmd = strings(run.container.get("command"));
    } else {
      cmd = image.strings("Cmd");
    }
    List<String> argv = new ArrayList<>(entry);
    argv.addAll(cmd);
    if (argv.isEmpty()) {
      return null;
    }
    String app = image.rootfs().resolve("app") + "/";
    List<String> local = new ArrayList<>();
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (i == 0 && a.equals("java")) {
        local.add(fake.options.javaExecutable.toString());
      } else if (i == 0 && a.startsWith("/") && Files.exists(image.rootfs().resolve(a.substring(1)))) {
        local.add(image.rootfs().resolve(a.substring(1)).toString());
      } else {
        local.add(a.replace("/app/", app));
      }
    }
    String wd = run.container.path("workingDirectory").asText(image.config().path("WorkingDir").asText("/"));
    Path dir = image.rootfs().resolve(wd.startsWith("/") ? wd.substring(1) : wd);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      dir = image.rootfs();
    }
    ProcessBuilder pb = new ProcessBuilder(local).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    String path = env.get("PATH");
    env.clear();
    env.putAll(environment(run, image, path, app));
    return pb;
  }

  /**
   * The process environment, later entries winning: the image's Env (without PATH and JAVA_HOME,
   * which name the image's own folders), static test credentials and
   * {@code AWS_EC2_METADATA_DISABLED=true}, the container definition's {@code environment}, the
   * override's {@code environment}, {@code Options.taskEnvironment}, what ECS sets
   * ({@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, {@code AWS_EXECUTION_ENV},
   * {@code ECS_CONTAINER_METADATA_URI_V4}), and last the {@code Faults.taskEnvironment} entries.
   */
  private Map<String, String> environment(Run run, TaskImages.Image image, String hostPath, String app) {
    Map<String, String> env = new LinkedHashMap<>();
    if (hostPath != null) {
      env.put("PATH", hostPath);
    }
    for (String kv : image.strings("Env")) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      if (!k.equals("PATH") && !k.equals("JAVA_HOME")) {
        env.put(k, eq < 0 ? "" : kv.substring(eq + 1).replace("/app/", app));
      }
    }
    env.put("AWS_ACCESS_KEY_ID", "AKIDTEST");
    env.put("AWS_SECRET_ACCESS_KEY", "secret");
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    for (JsonNode kv : run.container.path("environment")) {
      env.put(kv.path("name").asText(), kv.path("value").asText(""));
    }
    if (run.containerOverride != null) {
      for (JsonNode kv : run.containerOverride.path("environment")) {
        env.put(kv.path("name").asText(), kv.path("value").asText(""));
      }
    }
    env.putAll(fake.options.taskEnvironment);
    env.put("AWS_REGION", run.region);
    env.put("AWS_DEFAULT_REGION", run.region);
    env.put("AWS_EXECUTION_ENV", "AWS_ECS_FARGATE");
    env.put("ECS_CONTAINER_METADATA_URI_V4", fake.endpoint() + "/ecs-metadata/" + run.taskId);
    env.putAll(run.faultEnvironment);
    return env;
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(v -> out.add(v.asText()));
    }
    return out;
  }

  private static ObjectNode container(Run run) {
    return (ObjectNode) run.task.node.path("containers").get(0);
  }

  private static void set(Run run, String lastStatus) {
    run.task.node.put("lastStatus", lastStatus);
    bump(run);
  }

  private static void bump(Run run) {
    run.task.node.put("version", run.task.node.path("version").asInt(1) + 1);
  }

  private void finish(Run run, String stopCode, String reason, String containerReason, Integer exitCode) {
    synchronized (fake.lock) {
      finishLocked(run, stopCode, reason, containerReason, exitCode);
    }
  }

  /**
   * Marks the task STOPPED. stopCode and reason apply unless StopTask set them first (then they
   * are kept, as ECS keeps the first stop reason).
   */
  private void finishLocked(Run run, String stopCode, String reason, String containerReason, Integer exitCode) {
    if (run.finished) {
      return;
    }
    run.finished = true;
    run.stopRequested.countDown();
    double now = Ecs.now();
    ObjectNode t = run.task.node;
    if (!t.has("stopCode") && stopCode != null) {
      t.put("stopCode", stopCode).put("stoppedReason", reason);
    }
    if (!t.has("stoppingAt")) {
      t.put("stoppingAt", now);
    }
    if (!t.has("executionStoppedAt")) {
      t.put("executionStoppedAt", now);
    }
    t.put("stoppedAt", now).put("desiredStatus", "STOPPED");
    for (JsonNode c : t.path("containers")) {
      ObjectNode co = (ObjectNode) c;
      co.put("lastStatus", "STOPPED");
      if (containerReason != null && !co.has("reason")) {
        co.put("reason", containerReason);
      }
      if (exitCode != null) {
        co.put("exitCode", exitCode);
      }
    }
    for (JsonNode a : t.path("attachments")) {
      ((ObjectNode) a).put("status", "DELETED");
    }
    set(run, "STOPPED");
  }

  /** Task metadata v4 ({@code ${ECS_CONTAINER_METADATA_URI_V4}/task}) of one run (under the lock). */
  ObjectNode taskMetadata(Run run) {
    ObjectNode t = run.task.node;
    ObjectNode o = Js.obj().put("Cluster", t.path("clusterArn").asText()).put("TaskARN", run.task.arn)
        .put("Family", run.family).put("Revision", Integer.toString(run.revision))
        .put("DesiredStatus", t.path("desiredStatus").asText())
        .put("KnownStatus", t.path("lastStatus").asText());
    ObjectNode limits = o.putObject("Limits");
    if (t.hasNonNull("cpu") && !t.path("cpu").asText().isEmpty()) {
      limits.put("CPU", Double.parseDouble(t.path("cpu").asText()) / 1024.0);
    }
    if (t.hasNonNull("memory") && !t.path("memory").asText().isEmpty()) {
      limits.put("Memory", Integer.parseInt(t.path("memory").asText()));
    }
    if (t.has("pullStartedAt")) {
      o.put("PullStartedAt", iso(t.path("pullStartedAt").asDouble()));
    }
    if (t.has("pullStoppedAt")) {
      o.put("PullStoppedAt", iso(t.path("pullStoppedAt").asDouble()));
    }
    o.put("AvailabilityZone", t.path("availabilityZone").asText());
    o.put("LaunchType", t.path("launchType").asText("FARGATE"));
    o.putArray("Containers").add(containerMetadata(run));
    return o;
  }

  /** Container metadata v4 ({@code ${ECS_CONTAINER_METADATA_URI_V4}}) of one run (under the lock). */
  ObjectNode containerMetadata(Run run) {
    ObjectNode t = run.task.node;
    ObjectNode c = container(run);
    String name = c.path("name").asText();
    ObjectNode o = Js.obj().put("DockerId", c.path("runtimeId").asText(""))
        .put("Name", name).put("DockerName", name).put("Image", c.path("image").asText())
        .put("ImageID", c.path("imageDigest").asText(""));
    o.putObject("Labels").put("com.amazonaws.ecs.cluster", t.path("clusterArn").asText())
        .put("com.amazonaws.ecs.container-name", name)
        .put("com.amazonaws.ecs.task-arn", run.task.arn)
        .put("com.amazonaws.ecs.task-definition-family", run.family)
        .put("com.amazonaws.ecs.task-definition-version", Integer.toString(run.revision));
    o.put("DesiredStatus", t.path("desiredStatus").asText()).put("KnownStatus", c.path("lastStatus").asText());
    o.putObject("Limits").put("CPU", run.container.path("cpu").asInt(0))
        .put("Memory", run.container.path("memory").asInt(0));
    o.put("CreatedAt", iso(t.path("createdAt").asDouble()));
    if (t.has("startedAt")) {
      o.put("StartedAt", iso(t.path("startedAt").asDouble()));
    }
    o.put("Type", "NORMAL");
    if (run.logGroup != null) {
      o.put("LogDriver", "awslogs");
      o.putObject("LogOptions").put("awslogs-group", run.logGroup).put("awslogs-region", run.logRegion)
          .put("awslogs-stream", run.logStream);
    }
    o.put("ContainerARN", c.path("containerArn").asText());
    ArrayNode nets = o.putArray("Networks");
    nets.addObject().put("NetworkMode", "awsvpc").putArray("IPv4Addresses").add("127.0.0.1");
    return o;
  }

  private static String iso(double epochSeconds) {
    return Instant.ofEpochMilli((long) (epochSeconds * 1000)).toString();
  }

  /**
   * Stops every task process (SIGTERM, SIGKILL after 2 s), ends the life-cycle threads and
   * deletes the unpacked images.
   */
  @Override
  public void close() {
    List<Process> processes = new ArrayList<>();
    synchronized (fake.lock) {
      closed = true;
      for (Run r : runs) {
        r.stopRequested.countDown();
        if (r.process != null && r.process.isAlive()) {
          processes.add(r.process);
        }
      }
    }
    processes.forEach(Process::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (Process p : processes) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    timers.shutdownNow();
    threads.shutdownNow();
    images.close();
  }
}
