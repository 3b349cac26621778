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

  private Threads() {}

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
