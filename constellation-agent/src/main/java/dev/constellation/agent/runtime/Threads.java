package dev.constellation.agent.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Virtual threads on Java 21+, platform threads on 17. The code compiles for release 17, so the
 * Java 21 API is reached through method handles, once.
 */
public final class Threads {

  private static final MethodHandle OF_VIRTUAL;
  private static final MethodHandle NAME;
  private static final MethodHandle FACTORY;
  private static final MethodHandle VIRTUAL_EXECUTOR;

  static {
    MethodHandle ofVirtual = null;
    MethodHandle name = null;
    MethodHandle factory = null;
    MethodHandle executor = null;
    try {
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> virtualBuilder = Class.forName("java.lang.Thread$Builder$OfVirtual");
      ofVirtual = l.findStatic(Thread.class, "ofVirtual", MethodType.methodType(virtualBuilder));
      name = l.findVirtual(virtualBuilder, "name", MethodType.methodType(virtualBuilder, String.class, long.class));
      factory = l.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
      executor = l.findStatic(java.util.concurrent.Executors.class, "newThreadPerTaskExecutor",
          MethodType.methodType(ExecutorService.class, ThreadFactory.class));
    } catch (ReflectiveOperationException e) {
      ofVirtual = null;
    }
    OF_VIRTUAL = ofVirtual;
    NAME = name;
    FACTORY = factory;
    VIRTUAL_EXECUTOR = executor;
  }

  /** The JDK's system property for the number of carrier threads of virtual threads. */
  public static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

  private static volatile String carriers = "";

  private Threads() {}

  /**
   * Chooses the carrier threads of this agent process's virtual threads, once, before the first
   * virtual thread exists (the JDK reads {@value #PARALLELISM} when its scheduler starts).
   * A target on this machine (a loopback {@code baseUrl}) shares the CPUs with the agent: then the
   * agent takes half of them (at least 1) and leaves the rest to the target. Measured on 2 CPUs
   * against a loopback nginx (docs/performance.md): 1 carrier instead of 2 sent 1.3-1.5 times the
   * requests at two thirds of the CPU per request, because carriers that contend with the target
   * for the CPUs park and wake for every response. Any other target keeps the JDK's default (one
   * carrier per CPU). A {@code -Djdk.virtualThreadScheduler.parallelism} the user gave always wins.
   * Does nothing on Java 17 (platform threads).
   *
   * @param baseUrl the run's base URL; may be empty
   */
  public static void configureCarriers(String baseUrl) {
    if (OF_VIRTUAL == null) {
      return;
    }
    String given = System.getProperty(PARALLELISM);
    int cpus = Runtime.getRuntime().availableProcessors();
    Integer chosen = carriersFor(baseUrl, cpus, given);
    if (chosen != null) {
      System.setProperty(PARALLELISM, Integer.toString(chosen));
      carriers = chosen + (chosen == 1 ? " carrier thread" : " carrier threads") + " (half of " + cpus
          + " CPUs: the target is on this machine; -D" + PARALLELISM + " overrides)";
    } else if (given != null) {
      carriers = given.trim() + " carrier threads (-D" + PARALLELISM + ")";
    } else {
      carriers = cpus + (cpus == 1 ? " carrier thread" : " carrier threads") + " (one per CPU)";
    }
  }

  /**
   * The carrier threads to set, or null to leave the JDK's choice (or the user's).
   *
   * @param baseUrl the run's base URL; may be empty
   * @param cpus the CPUs this process may use
   * @param given the user's {@value #PARALLELISM}, or null
   * @return {@code max(1, cpus / 2)} for a loopback target when the user gave none, else null
   */
  static Integer carriersFor(String baseUrl, int cpus, String given) {
    if (given != null || baseUrl == null || !isLoopback(baseUrl)) {
      return null;
    }
    return Math.max(1, cpus / 2);
  }

  /**
   * Whether a URL's host is this machine: {@code localhost} and names under it (RFC 6761 §6.3),
   * 127.0.0.0/8, {@code ::1}. Only literals: no name is looked up.
   *
   * @param url an absolute URL
   * @return true for a loopback host; false for any other and for a URL that does not parse
   */
  static boolean isLoopback(String url) {
    String host;
    try {
      host = java.net.URI.create(url.trim()).getHost();
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    boolean literal = h.startsWith("[") || h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    if (!literal) {
      return false;
    }
    try {
      // a literal address is parsed, not looked up
      return java.net.InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /**
   * How virtual threads are carried in this process, for the agent's start line: e.g.
   * {@code "1 carrier thread (half of 2 CPUs: ...)"}; empty until {@link #configureCarriers} ran.
   *
   * @return the description, or empty
   */
  public static String carriers() {
    return carriers;
  }

  /** Whether this runtime has virtual threads (Java 21+). */
  public static boolean virtualAvailable() {
    return OF_VIRTUAL != null;
  }

  /**
   * A thread factory for virtual users: virtual threads when available, else daemon platform
   * threads with a small stack.
   *
   * @param prefix the thread name prefix
   * @return the factory
   */
  public static ThreadFactory vuFactory(String prefix) {
    if (OF_VIRTUAL != null) {
      try {
        Object b = NAME.invoke(OF_VIRTUAL.invoke(), prefix, 0L);
        return (ThreadFactory) FACTORY.invoke(b);
      } catch (Throwable e) {
        throw new IllegalStateException("virtual threads are present but could not be created", e);
      }
    }
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(null, r, prefix + n.getAndIncrement(), 256 * 1024);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * An executor starting one virtual thread per task, or null on runtimes without them.
   *
   * @param prefix the thread name prefix
   * @return the executor, or null
   */
  public static ExecutorService virtualExecutorIfAvailable(String prefix) {
    if (OF_VIRTUAL == null) {
      return null;
    }
    try {
      return (ExecutorService) VIRTUAL_EXECUTOR.invoke(vuFactory(prefix));
    } catch (Throwable e) {
      throw new IllegalStateException("virtual threads are present but could not be created", e);
    }
  }
}
