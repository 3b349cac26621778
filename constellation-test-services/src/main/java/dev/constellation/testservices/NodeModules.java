package dev.constellation.testservices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js test services pinned in the repository's {@code .ci/node/package.json} (dynalite,
 * s3rver): where they are installed, and {@code npm ci} there the first time a test needs one, so
 * {@code mvn verify} works on a fresh machine that has Node.js and npm.
 */
final class NodeModules {

  private NodeModules() {
  }

  /**
   * The file {@code relative} of the npm package {@code pkg} (e.g. {@code dynalite}, {@code cli.js}),
   * installed first when it is missing.
   *
   * @throws IllegalStateException when it is still missing afterwards, saying how to install it
   */
  static Path script(String pkg, String relative) {
    Path nodeModules = folder();
    installIfMissing(nodeModules, pkg);
    Path script = nodeModules.resolve(pkg).resolve(relative);
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(pkg + " is not installed at " + script + "; run: npm ci --prefix .ci/node");
    }
    return script;
  }

  /**
   * The node_modules folder: {@code -Dconstellation.nodeModules}, else {@code
   * CONSTELLATION_NODE_MODULES}, else {@code .ci/node/node_modules} in the first folder above the
   * working directory that has a {@code .ci} folder.
   */
  static Path folder() {
    String p = System.getProperty("constellation.nodeModules");
    if (p == null || p.isBlank()) {
      p = System.getenv("CONSTELLATION_NODE_MODULES");
    }
    if (p != null && !p.isBlank()) {
      return Paths.get(p);
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(".ci"))) {
        return dir.resolve(".ci").resolve("node").resolve("node_modules");
      }
    }
    throw new IllegalStateException("cannot find the repository root (a folder with .ci) above "
        + Paths.get("").toAbsolutePath() + "; set -Dconstellation.nodeModules or"
        + " CONSTELLATION_NODE_MODULES, and run: npm ci --prefix .ci/node");
  }

  private static synchronized void installIfMissing(Path nodeModules, String pkg) {
    if (Files.isDirectory(nodeModules.resolve(pkg)) || !Files.isRegularFile(nodeModules.resolveSibling("package.json"))) {
      return;
    }
    try {
      Path log = Files.createTempFile("npm-ci", ".log");
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
          .directory(nodeModules.getParent().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!npm.waitFor(5, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
      }
    } catch (IOException e) {
      // no npm here: the check that follows names what is missing and how to install it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
