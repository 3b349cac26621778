package dev.constellation.agent;

import java.util.Locale;

/**
 * Why a second of a run counted as saturated: whether the load generator, not the target, limited
 * the test, and who to blame. Decided each second by the agent's self-check from the agent's own
 * CPU (its process), the machine's CPU (all processes, from {@code /proc/stat}) and the CPU stolen
 * by the hypervisor ({@code steal} in {@code /proc/stat}), and the scheduling lag of its
 * once-a-second flusher. Its name (lower case) is what the result file and {@code summary.json}
 * store.
 */
public enum Saturation {

  /** Nothing was saturated. */
  NONE("nothing", ""),
  /** The agent itself used (nearly) all the CPU it may use: too many VUs or too heavy scripts for one agent. */
  AGENT("the agent's own CPU", "run fewer VUs per agent, more agents, or a bigger machine"),
  /** The agent lagged while other processes on the machine kept its CPUs busy: more agents would not help. */
  MACHINE("other processes on the machine",
      "run the agent where nothing else competes for the CPU (fewer VUs per agent would not help)"),
  /** The agent lagged while the hypervisor gave its CPUs to other guests (steal time). */
  STEAL("CPU stolen by the hypervisor", "use an instance with dedicated CPUs, or another host (fewer VUs per agent would not help)"),
  /** The agent lagged while neither its CPU nor the machine's was high: a pause such as garbage collection, a stopped process, or CPU throttling of a container. */
  PAUSE("a pause (garbage collection, a stopped process, or CPU throttling of the container), not CPU use",
      "check the agent's heap and its container's CPU limit");

  private final String cause;
  private final String advice;

  Saturation(String cause, String advice) {
    this.cause = cause;
    this.advice = advice;
  }

  /** What this cause is, in words, e.g. {@code "other processes on the machine"}. */
  public String cause() {
    return cause;
  }

  /** What the user should do about it. */
  public String advice() {
    return advice;
  }

  /** The lower-case name stored in result files and {@code summary.json}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The cause a stored key names.
   *
   * @param key a {@link #key()}, any case; unknown or empty keys give {@link #NONE}
   * @return the cause
   */
  public static Saturation fromKey(String key) {
    for (Saturation s : values()) {
      if (s.key().equalsIgnoreCase(key == null ? "" : key.trim())) {
        return s;
      }
    }
    return NONE;
  }
}
