package dev.constellation.maven;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;

/** Finds the baseline a report compares with: a run id under the output directory, a run folder, or a summary.json. */
final class Baselines {

  private Baselines() {}

  /** The baseline's path, or null when none was asked for. */
  static Path resolve(String baseline, Path runsRoot) throws MojoExecutionException {
    if (baseline == null || baseline.isBlank()) {
      return null;
    }
    Path given = Path.of(baseline.trim());
    Path candidate = Files.exists(given) ? given : runsRoot.resolve(baseline.trim());
    if (!Files.exists(candidate)) {
      throw new MojoExecutionException("<baseline> (-Dconstellation.baseline) is \"" + baseline + "\": neither a file or folder nor a run under "
          + runsRoot + "; give a run id, a run folder or a summary.json");
    }
    return candidate;
  }
}
