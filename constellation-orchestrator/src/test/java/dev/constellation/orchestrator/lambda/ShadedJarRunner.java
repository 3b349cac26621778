package dev.constellation.orchestrator.lambda;

/** Runs the handler once, stdin to stdout, the way the Lambda runtime would; for a child JVM. */
public final class ShadedJarRunner {

  private ShadedJarRunner() {}

  public static void main(String[] args) throws Exception {
    new LambdaHandler().handleRequest(System.in, System.out, null);
  }
}
