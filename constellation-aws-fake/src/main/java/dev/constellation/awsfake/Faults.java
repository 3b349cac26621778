package dev.constellation.awsfake;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Fault injection. Every fault is one example of a kind a test can vary: a modelled error for the
 * next N calls of any operation, a region without a default VPC, a region not opted in, a quota
 * value, the Lambda concurrency left in a region.
 */
public final class Faults {

  private record Failure(String region, int status, String code, String message) {}

  private final Object lock;
  private final Map<String, Deque<Failure>> failures = new HashMap<>();
  private final Set<String> noDefaultVpc = new HashSet<>();
  private final Set<String> optedOut = new HashSet<>();
  private final Map<String, Double> quotas = new HashMap<>();
  private final Map<String, Integer> lambdaConcurrency = new HashMap<>();
  private long lambdaPendingMillis;
  private long roleAssumableAfterMillis;
  private final Map<String, double[]> runTaskRates = new HashMap<>();
  private final Map<String, Deque<String[]>> failedStarts = new HashMap<>();
  private final Map<String, Deque<Map<String, String>>> taskEnvironments = new HashMap<>();
  private final Map<String, Long> taskStartDelays = new HashMap<>();

  /** The default of {@link #taskStartDelay}. */
  public static final long DEFAULT_TASK_START_DELAY_MS = 300;

  /** ECS's TaskStopCode values (API reference, Task.stopCode). */
  static final java.util.List<String> STOP_CODES = java.util.List.of("TaskFailedToStart",
      "EssentialContainerExited", "UserInitiated", "ServiceSchedulerInitiated", "SpotInterruption",
      "TerminationNotice");
  private final Map<String, Deque<String>> runTaskFailures = new HashMap<>();

  Faults(Object lock) {
    this.lock = lock;
  }

  /**
   * The next {@code times} calls of {@code service}/{@code operation} (any region) fail with the
   * modelled error {@code errorCode}, rendered in the service's protocol (awsJson {@code __type},
   * awsQuery/ec2Query {@code <Code>}, Lambda {@code X-Amzn-ErrorType}) with HTTP status
   * {@code httpStatus}. Nothing changes state on a failed call. Calls queue up per operation.
   *
   * <p>Examples: {@code failNext("lambda", "CreateFunction", 3, 400, "InvalidParameterValueException",
   * "The role defined for the function cannot be assumed by Lambda.")} (IAM propagation),
   * {@code failNext("ecs", "RunTask", 1, 400, "ThrottlingException", "Rate exceeded")}.
   */
  public Faults failNext(String service, String operation, int times, int httpStatus,
                         String errorCode, String message) {
    return failNextIn(null, service, operation, times, httpStatus, errorCode, message);
  }

  /**
   * As {@link #failNext}, but only calls signed for {@code region} fail (IAM and STS calls are
   * signed for {@code us-east-1}); calls in other regions are served normally and do not use up
   * the failures.
   */
  public Faults failNextIn(String region, String service, String operation, int times,
                           int httpStatus, String errorCode, String message) {
    if (times < 1 || httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("times must be >= 1 and httpStatus 4xx/5xx; got times="
          + times + ", httpStatus=" + httpStatus);
    }
    synchronized (lock) {
      Deque<Failure> q = failures.computeIfAbsent(service + "/" + operation, k -> new ArrayDeque<>());
      for (int i = 0; i < times; i++) {
        q.add(new Failure(region, httpStatus, errorCode, message));
      }
    }
    return this;
  }

  /** In {@code region}, {@code DescribeVpcs} finds no default VPC (and no default subnets). */
  public Faults noDefaultVpc(String region) {
    synchronized (lock) {
      noDefaultVpc.add(region);
    }
    return this;
  }

  /**
   * {@code region} is an opt-in region the account has not enabled: {@code DescribeRegions}
   * lists it only with {@code AllRegions=true}, with {@code OptInStatus=not-opted-in}; regional
   * calls there fail with {@code UnrecognizedClientException}/{@code AuthFailure} (HTTP 403),
   * as AWS answers for a disabled region.
   */
  public Faults optedOut(String region) {
    synchronized (lock) {
      optedOut.add(region);
    }
    return this;
  }

  /**
   * The value {@code GetServiceQuota} reports in {@code region}. Defaults: {@code fargate}
   * {@code L-3032A538} (On-Demand vCPUs) 6.0 and {@code L-36FBB829} (Spot vCPUs) 6.0,
   * {@code lambda} {@code L-B99A9384} (concurrent executions) 1000.0.
   */
  public Faults quota(String region, String serviceCode, String quotaCode, double value) {
    synchronized (lock) {
      quotas.put(region + "/" + serviceCode + "/" + quotaCode, value);
    }
    return this;
  }

  /** {@code GetAccountSettings} in {@code region} reports this UnreservedConcurrentExecutions (default 1000). */
  public Faults lambdaConcurrency(String region, int unreserved) {
    synchronized (lock) {
      lambdaConcurrency.put(region, unreserved);
    }
    return this;
  }

  /**
   * After {@code CreateFunction}, {@code UpdateFunctionCode} or {@code UpdateFunctionConfiguration}
   * the function stays {@code State=Pending} (create) or {@code LastUpdateStatus=InProgress}
   * (updates) for this long, as Lambda does while it prepares the code; meanwhile further updates,
   * {@code PublishVersion} and {@code Invoke} of a Pending function fail with Lambda's
   * {@code ResourceConflictException} (HTTP 409). Default 0: settled at once.
   */
  public Faults lambdaPendingFor(java.time.Duration duration) {
    synchronized (lock) {
      lambdaPendingMillis = duration.toMillis();
    }
    return this;
  }

  /**
   * The next {@code times} tasks that {@code RunTask} would start in {@code region} are not
   * started: each becomes an entry of the response's {@code failures[]} with this {@code reason}
   * (e.g. {@code "Capacity is unavailable at this time. Please try again later or in a different
   * availability zone"}), as ECS reports capacity problems.
   */
  public Faults runTaskFailures(String region, int times, String reason) {
    synchronized (lock) {
      Deque<String> q = runTaskFailures.computeIfAbsent(region, k -> new ArrayDeque<>());
      for (int i = 0; i < times; i++) {
        q.add(reason);
      }
    }
    return this;
  }

  /**
   * IAM propagation: a role can be assumed by Lambda only this long after {@code CreateRole}
   * (AWS documents that IAM changes take time to propagate). Until then {@code CreateFunction} and
   * {@code UpdateFunctionConfiguration} naming it fail with Lambda's
   * {@code InvalidParameterValueException} "The role defined for the function cannot be assumed by
   * Lambda." Default 0: at once. For a failure count instead of a time, use {@link #failNext}.
   */
  public Faults rolesAssumableAfter(java.time.Duration duration) {
    synchronized (lock) {
      roleAssumableAfterMillis = duration.toMillis();
    }
    return this;
  }

  /**
   * The RunTask rate limit of {@code region}: a token bucket of {@code burst} calls refilled at
   * {@code perSecond} calls per second; a call finding it empty fails with ECS's
   * {@code ThrottlingException} "Rate exceeded" (HTTP 400). Default, as AWS documents for an
   * account and region: burst 20, 20 per second.
   */
  public Faults runTaskRate(String region, int burst, double perSecond) {
    if (burst < 1 || perSecond <= 0) {
      throw new IllegalArgumentException("burst must be >= 1 and perSecond > 0; got " + burst
          + ", " + perSecond);
    }
    synchronized (lock) {
      runTaskRates.put(region, new double[] {burst, perSecond});
    }
    return this;
  }

  /**
   * Shorthand for {@link #taskStopsBeforeRunning(String, int, String, String)
   * taskStopsBeforeRunning(region, times, "TaskFailedToStart", stoppedReason)}, e.g. "Timeout
   * waiting for network interface provisioning to complete.".
   */
  public Faults tasksFailToStart(String region, int times, String stoppedReason) {
    return taskStopsBeforeRunning(region, times, "TaskFailedToStart", stoppedReason);
  }

  /**
   * The next {@code times} tasks that {@code RunTask} accepts in {@code region} (they appear in
   * {@code tasks[]} as PROVISIONING) go STOPPED after PROVISIONING and PENDING without pulling
   * their image or starting a process, with this {@code stopCode} (ECS's {@code TaskStopCode}:
   * {@code TaskFailedToStart}, {@code EssentialContainerExited}, {@code UserInitiated},
   * {@code ServiceSchedulerInitiated}, {@code SpotInterruption}, {@code TerminationNotice}) and
   * {@code stoppedReason}, e.g. {@code ("TaskFailedToStart", "Timeout waiting for network
   * interface provisioning to complete.")}.
   */
  public Faults taskStopsBeforeRunning(String region, int times, String stopCode, String reason) {
    if (times < 1 || !STOP_CODES.contains(stopCode)) {
      throw new IllegalArgumentException("times must be >= 1 and stopCode one of " + STOP_CODES
          + "; got times=" + times + ", stopCode=" + stopCode);
    }
    synchronized (lock) {
      Deque<String[]> q = failedStarts.computeIfAbsent(region, k -> new ArrayDeque<>());
      for (int i = 0; i < times; i++) {
        q.add(new String[] {stopCode, reason});
      }
    }
    return this;
  }

  /**
   * Extra environment for the processes of the next {@code times} tasks that {@code RunTask}
   * accepts in {@code region}; it wins over every other source (see docs/testing-aws.md), so a
   * test can give one real agent a bad setting (and see it exit 2).
   */
  public Faults taskEnvironment(String region, int times, Map<String, String> env) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1; got " + times);
    }
    synchronized (lock) {
      Deque<Map<String, String>> q = taskEnvironments.computeIfAbsent(region, k -> new ArrayDeque<>());
      for (int i = 0; i < times; i++) {
        q.add(Map.copyOf(env));
      }
    }
    return this;
  }

  /**
   * How long tasks in {@code region} stay PROVISIONING (the first half) and PENDING (the second
   * half) before the image pull and the process start; default {@value #DEFAULT_TASK_START_DELAY_MS}
   * ms, so both states are observable. Applies to tasks launched from now on.
   */
  public Faults taskStartDelay(String region, java.time.Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative; got " + delay);
    }
    synchronized (lock) {
      taskStartDelays.put(region, delay.toMillis());
    }
    return this;
  }

  private record SlowInvoke(String region, Map<String, String> payload, long delayMillis) {}

  private final java.util.List<SlowInvoke> slowInvokes = new java.util.ArrayList<>();
  private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

  /**
   * The next {@code times} {@code Invoke} calls in {@code region} whose JSON payload has every one of
   * {@code payloadFields} as a top-level string member answer only after {@code delay}, then run the
   * function as usual: a function or network that is slow for one caller. The caller's SDK may give
   * up first (its read timeout) and retry, which is another matching call. Example: the
   * orchestrator's {@code test-end} of one agent, {@code Map.of("action", "test-end", "agentId",
   * "us-east-2-1")}, delayed past the run's end, so that agent's task keeps running (a straggler).
   * {@link FakeAws#close()} ends the waits at once.
   */
  public Faults invokeDelay(String region, Map<String, String> payloadFields, int times, java.time.Duration delay) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1; got " + times);
    }
    if (delay.isNegative() || payloadFields.isEmpty()) {
      throw new IllegalArgumentException("the delay must not be negative and payloadFields not empty; got " + delay + ", "
          + payloadFields);
    }
    synchronized (lock) {
      for (int i = 0; i < times; i++) {
        slowInvokes.add(new SlowInvoke(region, Map.copyOf(payloadFields), delay.toMillis()));
      }
    }
    return this;
  }

  /**
   * Drops the {@link #invokeDelay}s not used up yet, so a test's delays do not reach the next test's
   * agents (delays already being waited out go on).
   *
   * @return this
   */
  public Faults noInvokeDelays() {
    synchronized (lock) {
      slowInvokes.clear();
    }
    return this;
  }

  /** How long this Invoke waits (an {@link #invokeDelay} used up), 0 for none. */
  long nextInvokeDelay(String region, com.fasterxml.jackson.databind.JsonNode payload) {
    if (payload == null || !payload.isObject()) {
      return 0;
    }
    for (java.util.Iterator<SlowInvoke> it = slowInvokes.iterator(); it.hasNext(); ) {
      SlowInvoke d = it.next();
      if (d.region().equals(region) && d.payload().entrySet().stream()
          .allMatch(e -> payload.path(e.getKey()).isTextual() && payload.path(e.getKey()).asText().equals(e.getValue()))) {
        it.remove();
        return d.delayMillis();
      }
    }
    return 0;
  }

  /** Waits out an Invoke's delay, or until the fake closes; outside the lock. */
  void awaitInvokeDelay(long millis) throws InterruptedException {
    if (millis > 0) {
      closing.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** The fake is closing: delayed calls answer now. */
  void closing() {
    closing.countDown();
  }

  // --- read by the services, under the lock ---

  /** {stopCode, reason} for the next task in the region, or null. */
  String[] nextFailedStart(String region) {
    Deque<String[]> q = failedStarts.get(region);
    return q == null ? null : q.poll();
  }

  Map<String, String> nextTaskEnvironment(String region) {
    Deque<Map<String, String>> q = taskEnvironments.get(region);
    Map<String, String> env = q == null ? null : q.poll();
    return env == null ? Map.of() : env;
  }

  long taskStartDelayMillis(String region) {
    return taskStartDelays.getOrDefault(region, DEFAULT_TASK_START_DELAY_MS);
  }

  /** {burst, perSecond} for RunTask in the region. */
  double[] runTaskRate(String region) {
    return runTaskRates.getOrDefault(region, new double[] {20, 20});
  }

  long roleAssumableAfterMillis() {
    return roleAssumableAfterMillis;
  }

  long lambdaPendingMillis() {
    return lambdaPendingMillis;
  }

  String nextRunTaskFailure(String region) {
    Deque<String> q = runTaskFailures.get(region);
    return q == null ? null : q.poll();
  }

  AwsError nextFailure(String service, String operation, String region) {
    Deque<Failure> q = failures.get(service + "/" + operation);
    if (q == null) {
      return null;
    }
    for (java.util.Iterator<Failure> it = q.iterator(); it.hasNext(); ) {
      Failure f = it.next();
      if (f.region() == null || f.region().equals(region)) {
        it.remove();
        return new AwsError(f.status(), f.code(), f.message());
      }
    }
    return null;
  }

  boolean hasNoDefaultVpc(String region) {
    return noDefaultVpc.contains(region);
  }

  boolean isOptedOut(String region) {
    return optedOut.contains(region);
  }

  Double quota(String region, String serviceCode, String quotaCode) {
    return quotas.get(region + "/" + serviceCode + "/" + quotaCode);
  }

  int lambdaConcurrency(String region) {
    return lambdaConcurrency.getOrDefault(region, 1000);
  }
}
