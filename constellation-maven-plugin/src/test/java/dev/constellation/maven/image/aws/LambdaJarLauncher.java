package dev.constellation.maven.image.aws;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * The runtime side of {@link LambdaInvokeStandIn}: runs in a child JVM whose class path is the
 * uploaded jar and this one class (JDK types only). It resolves the handler string
 * {@code pkg.Class::method} as Lambda's Java runtime does for a stream handler (public no-arg
 * constructor, method {@code (InputStream, OutputStream, Context)}; the context is null here), and
 * answers invocations read from stdin, kept warm like a Lambda execution environment. Frames:
 * request = int length + payload; reply = int status (0 ok, 1 function error) + int length + bytes.
 */
public final class LambdaJarLauncher {

  private LambdaJarLauncher() {}

  public static void main(String[] args) throws Exception {
    String[] handler = args[0].split("::");
    DataOutputStream protocol = new DataOutputStream(System.out);
    System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8)); // the function's logs
    Class<?> type = Class.forName(handler[0]);
    Object instance = type.getConstructor().newInstance();
    Method method = null;
    for (Method m : type.getMethods()) {
      if (m.getName().equals(handler[1]) && m.getParameterCount() == 3) {
        method = m;
      }
    }
    if (method == null) {
      throw new NoSuchMethodException(args[0] + " (InputStream, OutputStream, Context)");
    }
    DataInputStream in = new DataInputStream(System.in);
    while (true) {
      byte[] payload;
      try {
        payload = new byte[in.readInt()];
      } catch (EOFException end) {
        return;
      }
      in.readFully(payload);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = 0;
      try {
        method.invoke(instance, new ByteArrayInputStream(payload), out, null);
      } catch (InvocationTargetException e) {
        status = 1;
        StringWriter trace = new StringWriter();
        e.getCause().printStackTrace(new PrintWriter(trace));
        out.reset();
        out.write(("{\"errorMessage\":\"" + String.valueOf(e.getCause().getMessage()).replace("\"", "'")
            + "\",\"errorType\":\"" + e.getCause().getClass().getName() + "\"}").getBytes(StandardCharsets.UTF_8));
        System.err.println(trace);
      }
      byte[] reply = out.toByteArray();
      protocol.writeInt(status);
      protocol.writeInt(reply.length);
      protocol.write(reply);
      protocol.flush();
    }
  }
}
