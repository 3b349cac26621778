package dev.constellation.maven;

import dev.constellation.aws.AwsClients;
import dev.constellation.aws.DeployException;
import dev.constellation.aws.DeploySettings;
import dev.constellation.aws.Summary;
import dev.constellation.aws.Teardown;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Removes what {@code init} created, found by tag and IAM path, never by name alone (the original
 * tool's {@code teardown-remote | teardown-home | teardown-all}). Stops running tasks first; idempotent
 * and resumable. Deletes the results store only after a warning, unless {@code keepResults}.
 */
@Mojo(name = "teardown", requiresProject = false, aggregator = true, threadSafe = true)
public class TeardownMojo extends AbstractAwsMojo {

  /** {@code remote} (the agent regions), {@code home} (home region and IAM roles) or {@code all}. */
  @Parameter(property = "constellation.scope", defaultValue = "all")
  String scope;

  /** Keep the results store (S3 bucket or Timestream database) and every run's results in it. */
  @Parameter(property = "constellation.keepResults", defaultValue = "false")
  boolean keepResults;

  @Override
  public void execute() throws MojoExecutionException {
    Teardown.Scope parsed;
    try {
      parsed = Teardown.Scope.parse(scope);
    } catch (IllegalArgumentException e) {
      throw new MojoExecutionException(e.getMessage());
    }
    DeploySettings settings = settings();
    try (AwsClients aws = clients()) {
      Summary summary = new Teardown(aws, printer(), Teardown.Options.of(parsed, keepResults, dryRun)).run(settings);
      printSummary("teardown", summary);
    } catch (DeployException e) {
      throw failure(e);
    }
  }
}
