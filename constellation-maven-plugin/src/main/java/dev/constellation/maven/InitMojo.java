package dev.constellation.maven;

import dev.constellation.aws.AwsClients;
import dev.constellation.aws.DeployException;
import dev.constellation.aws.DeploySettings;
import dev.constellation.aws.Init;
import dev.constellation.aws.Summary;
import java.io.IOException;
import java.io.InputStream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Creates Constellation's AWS infrastructure (the original tool's {@code init --config}): IAM roles,
 * run-state table, orchestrator Lambda and results store in the home region; ECR repository, ECS
 * cluster, log group and security group in every agent region. Checks the account first and fails
 * before creating anything when something is wrong. A second {@code init} changes nothing and says
 * so. See docs/aws.md.
 */
@Mojo(name = "init", requiresProject = false, aggregator = true, threadSafe = true)
public class InitMojo extends AbstractAwsMojo {

  /** Where the plugin jar carries the shaded orchestrator Lambda jar (copied in at build time). */
  static final String LAMBDA_JAR = "META-INF/constellation/orchestrator-lambda.jar";

  @Override
  public void execute() throws MojoExecutionException {
    DeploySettings settings = settings();
    byte[] jar = lambdaJar();
    try (AwsClients aws = clients()) {
      Summary summary = new Init(aws, printer(), Init.Options.defaults(dryRun)).run(settings, jar);
      printSummary("init", summary);
    } catch (DeployException e) {
      throw failure(e);
    }
  }

  static byte[] lambdaJar() throws MojoExecutionException {
    try (InputStream in = InitMojo.class.getClassLoader().getResourceAsStream(LAMBDA_JAR)) {
      if (in == null) {
        throw new MojoExecutionException("the plugin jar has no " + LAMBDA_JAR + "; it is copied in when the plugin is "
            + "packaged (mvn package of constellation-maven-plugin), so use a packaged plugin");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new MojoExecutionException("cannot read " + LAMBDA_JAR + " from the plugin jar: " + e.getMessage(), e);
    }
  }
}
