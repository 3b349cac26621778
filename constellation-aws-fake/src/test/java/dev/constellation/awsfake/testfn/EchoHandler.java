package dev.constellation.awsfake.testfn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A stream handler for the fake Lambda's tests: answers with the payload, env and JVM facts. */
public class EchoHandler {

  private static int invocations;

  public void handleRequest(InputStream in, OutputStream out) throws IOException {
    String payload = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    if (payload.contains("boom")) {
      throw new IllegalStateException("asked to fail: " + payload.length() + " bytes");
    }
    if (payload.contains("sleep")) {
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    System.out.println("log line from the handler");
    invocations++;
    String answer = "{\"echo\":" + payload + ",\"greeting\":\"" + System.getenv("GREETING")
        + "\",\"region\":\"" + System.getenv("AWS_REGION") + "\",\"invocations\":" + invocations
        + ",\"pid\":" + ProcessHandle.current().pid() + "}";
    out.write(answer.getBytes(StandardCharsets.UTF_8));
  }
}
