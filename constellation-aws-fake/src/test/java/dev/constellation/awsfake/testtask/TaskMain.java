package dev.constellation.awsfake.testtask;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The entrypoint of the tiny test image: runs its arguments as steps, in order.
 * {@code print TEXT}, {@code err TEXT} (stderr), {@code env NAME} (prints {@code NAME=value}),
 * {@code cwd}, {@code metadata} (prints {@code ${ECS_CONTAINER_METADATA_URI_V4}/task} on one line),
 * {@code lines N} ({@code line 1} .. {@code line N}), {@code sleep MS}, {@code onterm TEXT} (a
 * shutdown hook prints it: SIGTERM runs it), {@code ignoreterm} (a shutdown hook that never ends, so
 * only SIGKILL stops the process), {@code exit CODE}.
 */
public final class TaskMain {

  private TaskMain() {}

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "print" -> System.out.println(args[++i]);
        case "err" -> System.err.println(args[++i]);
        case "env" -> {
          String name = args[++i];
          System.out.println(name + "=" + System.getenv(name));
        }
        case "cwd" -> System.out.println("cwd=" + System.getProperty("user.dir"));
        case "metadata" -> {
          URI uri = URI.create(System.getenv("ECS_CONTAINER_METADATA_URI_V4") + "/task");
          try (InputStream in = uri.toURL().openStream()) {
            System.out.println("metadata=" + new String(in.readAllBytes(), StandardCharsets.UTF_8).replace('\n', ' '));
          }
        }
        case "lines" -> {
          int n = Integer.parseInt(args[++i]);
          for (int k = 1; k <= n; k++) {
            System.out.println("line " + k);
          }
        }
        case "sleep" -> Thread.sleep(Long.parseLong(args[++i]));
        case "onterm" -> {
          String text = args[++i];
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(text);
            System.out.flush();
          }));
        }
        case "ignoreterm" -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          System.out.println("ignoring SIGTERM");
          System.out.flush();
          try {
            Thread.sleep(600_000);
          } catch (InterruptedException ignored) {
            // SIGKILL ends it
          }
        }));
        case "exit" -> {
          System.out.flush();
          System.exit(Integer.parseInt(args[++i]));
        }
        default -> throw new IllegalArgumentException("unknown step " + args[i]);
      }
    }
  }
}
