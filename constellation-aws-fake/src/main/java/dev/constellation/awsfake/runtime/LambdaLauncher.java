package dev.constellation.awsfake.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;

/**
 * The fake Lambda's runtime process: resolves a Java handler string the way Lambda's Java
 * runtime does and answers invocations framed on stdin/stdout. It uses nothing but the JDK, so
 * the only other thing on the class path is the uploaded code.
 *
 * <p>Handler strings: {@code pkg.Class::method} or {@code pkg.Class} (method
 * {@code handleRequest}). The class is instantiated with its public no-argument constructor
 * (during "init", before the first invocation, as on Lambda); the method must be public and take
 * {@code (InputStream, OutputStream)} or {@code (InputStream, OutputStream, Context)} — the
 * {@code RequestStreamHandler} shape. POJO handlers ({@code RequestHandler<I,O>}, which Lambda
 * serialises with its own JSON library) are reported as unsupported by this fake.
 *
 * <p>Frames. Parent to child: {@code int length, bytes payload, long deadlineEpochMs,
 * UTF requestId}. Child to parent: one byte {@code 'R'} once init finished (or {@code 'E'} plus an
 * error frame if it failed), then per invocation {@code byte status (0 ok, 1 error), int length,
 * bytes}. The handler's own {@code System.out} goes to stderr (the function's log).
 */
public final class LambdaLauncher {

  private LambdaLauncher() {}

  public static void main(String[] args) throws Exception {
    DataOutputStream proto = new DataOutputStream(new FileOutputStream(FileDescriptor.out));
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
    DataInputStream in = new DataInputStream(System.in);
    Object target = null;
    Method method = null;
    boolean withContext = false;
    byte[] initError = null;
    try {
      String handler = args[0];
      int sep = handler.indexOf("::");
      String className = sep < 0 ? handler : handler.substring(0, sep);
      String methodName = sep < 0 ? "handleRequest" : handler.substring(sep + 2);
      int maxClassVersion = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
      checkClassVersion(className, maxClassVersion);
      Class<?> cls;
      try {
        cls = Class.forName(className, true, LambdaLauncher.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new LambdaError("java.lang.ClassNotFoundException", "Class not found: " + className, e);
      }
      for (Method m : cls.getMethods()) {
        Class<?>[] p = m.getParameterTypes();
        if (!m.getName().equals(methodName) || m.isBridge()) {
          continue;
        }
        if (p.length >= 2 && p[0] == InputStream.class && p[1] == OutputStream.class
            && (p.length == 2 || (p.length == 3
                && p[2].getName().equals("com.amazonaws.services.lambda.runtime.Context")))) {
          method = m;
          withContext = p.length == 3;
          break;
        }
      }
      if (method == null) {
        String hint = implementsByName(cls, "com.amazonaws.services.lambda.runtime.RequestHandler")
            ? " (a RequestHandler<I,O> POJO handler: the fake runs only stream handlers)" : "";
        throw new LambdaError("java.lang.RuntimeException", "No public method named " + methodName
            + " with appropriate method signature found on class " + className + hint, null);
      }
      if (!Modifier.isStatic(method.getModifiers())) {
        try {
          target = cls.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
          throw new LambdaError("java.lang.RuntimeException", "Class " + className
              + " has no public zero-argument constructor", e);
        } catch (InvocationTargetException e) {
          throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
      }
    } catch (Throwable t) {
      initError = errorJson(t);
    }
    if (initError != null) {
      proto.writeByte('E');
      proto.writeInt(initError.length);
      proto.write(initError);
      proto.flush();
    } else {
      proto.writeByte('R');
      proto.flush();
    }
    while (true) {
      int len;
      try {
        len = in.readInt();
      } catch (EOFException eof) {
        return;
      }
      byte[] payload = in.readNBytes(len);
      long deadline = in.readLong();
      String requestId = in.readUTF();
      byte status;
      byte[] body;
      if (initError != null) {
        status = 1;
        body = initError;
      } else {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
          Object[] callArgs = withContext
              ? new Object[] {new ByteArrayInputStream(payload), out, context(method, requestId, deadline)}
              : new Object[] {new ByteArrayInputStream(payload), out};
          method.invoke(target, callArgs);
          status = 0;
          body = out.toByteArray();
        } catch (InvocationTargetException e) {
          status = 1;
          body = errorJson(e.getCause());
        } catch (Throwable t) {
          status = 1;
          body = errorJson(t);
        }
      }
      proto.writeByte(status);
      proto.writeInt(body.length);
      proto.write(body);
      proto.flush();
    }
  }

  /**
   * Fails as the runtime's JVM would when the handler class was compiled for a newer Java than the
   * function's {@code Runtime} (e.g. class file 69 = Java 25 on {@code java21}, which reads up to 65).
   */
  private static void checkClassVersion(String className, int max) throws Exception {
    try (InputStream in = LambdaLauncher.class.getClassLoader()
        .getResourceAsStream(className.replace('.', '/') + ".class")) {
      if (in == null) {
        return;
      }
      DataInputStream data = new DataInputStream(in);
      if (data.readInt() != 0xCAFEBABE) {
        return;
      }
      data.readUnsignedShort();
      int major = data.readUnsignedShort();
      if (major > max) {
        throw new LambdaError("java.lang.UnsupportedClassVersionError", className.replace('.', '/')
            + " has been compiled by a more recent version of the Java Runtime (class file version "
            + major + ".0), this version of the Java Runtime only recognizes class file versions up to "
            + max + ".0", null);
      }
    }
  }

  private static boolean implementsByName(Class<?> c, String name) {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Class<?> i : k.getInterfaces()) {
        if (i.getName().equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A {@code Context} (from the uploaded code's aws-lambda-java-core) answering from the env. */
  private static Object context(Method method, String requestId, long deadline) {
    Class<?> ctx = method.getParameterTypes()[2];
    ClassLoader loader = ctx.getClassLoader();
    return Proxy.newProxyInstance(loader, new Class<?>[] {ctx}, (proxy, m, a) -> switch (m.getName()) {
      case "getAwsRequestId" -> requestId;
      case "getLogGroupName" -> System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
      case "getLogStreamName" -> System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
      case "getFunctionName" -> System.getenv("AWS_LAMBDA_FUNCTION_NAME");
      case "getFunctionVersion" -> System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
      case "getInvokedFunctionArn" -> System.getenv("CONSTELLATION_FAKE_FUNCTION_ARN");
      case "getRemainingTimeInMillis" -> (int) Math.max(0, deadline - System.currentTimeMillis());
      case "getMemoryLimitInMB" -> Integer.parseInt(System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
      case "getLogger" -> logger(loader);
      case "toString" -> "FakeLambdaContext[" + requestId + "]";
      case "hashCode" -> System.identityHashCode(proxy);
      case "equals" -> proxy == a[0];
      default -> null;
    });
  }

  private static Object logger(ClassLoader loader) throws ClassNotFoundException {
    Class<?> lg = Class.forName("com.amazonaws.services.lambda.runtime.LambdaLogger", false, loader);
    return Proxy.newProxyInstance(loader, new Class<?>[] {lg}, (proxy, m, a) -> {
      if (m.getName().equals("log") && a != null && a.length >= 1) {
        if (a[0] instanceof byte[] b) {
          System.err.write(b);
        } else {
          System.err.print(a[0]);
        }
        System.err.flush();
      }
      return null;
    });
  }

  /** Lambda's error document: errorMessage, errorType, stackTrace (JSON written by hand). */
  static byte[] errorJson(Throwable t) {
    String type = t instanceof LambdaError le ? le.type : t.getClass().getName();
    StringBuilder sb = new StringBuilder("{\"errorMessage\":").append(quote(String.valueOf(t.getMessage())))
        .append(",\"errorType\":").append(quote(type)).append(",\"stackTrace\":[");
    // For the runtime's own errors (class not found, ...) the trace of the underlying cause.
    StackTraceElement[] st = (t instanceof LambdaError && t.getCause() != null ? t.getCause() : t).getStackTrace();
    for (int i = 0; i < st.length && i < 50; i++) {
      sb.append(i == 0 ? "" : ",").append(quote(st[i].toString()));
    }
    return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** An error with Lambda's {@code errorType} naming. */
  static final class LambdaError extends Exception {
    final String type;

    LambdaError(String type, String message, Throwable cause) {
      super(message, cause);
      this.type = type;
    }
  }
}
