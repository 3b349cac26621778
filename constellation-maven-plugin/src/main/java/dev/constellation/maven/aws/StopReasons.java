package dev.constellation.maven.aws;

import java.util.Locale;

/**
 * Sorts why a task did not start, or stopped before its agent registered, into what a relaunch can
 * fix and what it cannot (AWS-DEPLOY §2.6 step 5; ECS "Stopped tasks error codes" page,
 * "CannotPullContainer task errors", "Amazon ECS task stopped reasons").
 */
public final class StopReasons {

  private StopReasons() {}

  /** What to do about a task that ended before the run started. */
  public enum Kind {
    /** Capacity, network-interface or image-pull timeouts, Spot interruptions: launch again with a new token. */
    TRANSIENT,
    /** Bad input (exit 2), access denied, a missing image, a platform mismatch: abort the run. */
    PERMANENT
  }

  /**
   * A {@code failures[]} entry of {@code RunTask}.
   *
   * @param reason the failure's {@code reason}
   * @return TRANSIENT for capacity, throttling and the like; PERMANENT otherwise
   */
  public static Kind ofLaunchFailure(String reason) {
    String r = lower(reason);
    return r.contains("capacity is unavailable") || r.startsWith("resource:") || r.contains("throttl")
        || r.contains("try again") ? Kind.TRANSIENT : Kind.PERMANENT;
  }

  /**
   * A task that stopped before its agent registered.
   *
   * @param stopCode the task's {@code stopCode} ({@code TaskFailedToStart}, {@code EssentialContainerExited},
   *     {@code SpotInterruption}, {@code UserInitiated}, ...)
   * @param stoppedReason the task's {@code stoppedReason}
   * @param containerReason {@code containers[0].reason}, or null
   * @param exitCode {@code containers[0].exitCode}, or null when the container never ran
   * @return the kind
   */
  public static Kind ofStop(String stopCode, String stoppedReason, String containerReason, Integer exitCode) {
    String all = lower(stoppedReason) + " " + lower(containerReason);
    if (exitCode != null) {
      // the agent ran and exited on its own before the start: bad settings (2), an aborted run (3),
      // a results store it cannot reach (4), or anything else; a relaunch would do the same
      return Kind.PERMANENT;
    }
    if (all.contains("accessdenied") || all.contains("access denied") || all.contains("not authorized")
        || all.contains("exec format error") || all.contains("resourceinitializationerror")
        || (all.contains("cannotpullcontainer") && !all.contains("timeout") && !all.contains("i/o timeout"))) {
      return Kind.PERMANENT;
    }
    String code = lower(stopCode);
    if (code.equals("taskfailedtostart") || code.equals("spotinterruption") || all.contains("timeout")
        || all.contains("capacity")) {
      return Kind.TRANSIENT;
    }
    return Kind.PERMANENT;
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }
}
