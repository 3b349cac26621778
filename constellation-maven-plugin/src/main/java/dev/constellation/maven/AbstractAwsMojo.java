package dev.constellation.maven;

import dev.constellation.aws.AwsClients;
import dev.constellation.aws.DeployException;
import dev.constellation.aws.DeploySettings;
import dev.constellation.aws.Installation;
import dev.constellation.aws.Step;
import dev.constellation.aws.StepListener;
import dev.constellation.aws.Summary;
import dev.constellation.maven.plan.AwsRegions;
import dev.constellation.maven.plan.RegionVus;
import dev.constellation.maven.plan.SeedConfig;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What {@code init} and {@code teardown} share: the installation, home region and agent regions as
 * {@code run} reads them (pom, {@code -D}, or the original tool's JSON file), the AWS profile, and
 * printing each step as it happens. The work itself is in {@code dev.constellation.aws}.
 */
abstract class AbstractAwsMojo extends AbstractMojo {

  /**
   * The installation name: every AWS resource name starts with it and carries it in the tag
   * {@code constellation:installation}, so two installations in one account never collide.
   */
  @Parameter(property = "constellation.installation", defaultValue = Installation.DEFAULT_NAME)
  String installation;

  /** The home region: the orchestrator Lambda, the run-state table, the results store. */
  @Parameter(property = "constellation.homeRegion", defaultValue = "us-east-1")
  String homeRegion;

  /** Virtual users per region, as for {@code run}, such as {@code <us-east-2>20</us-east-2>}: the agent regions. */
  @Parameter
  Map<String, String> remoteRegions;

  /** The same as {@code <remoteRegions>} on the command line: {@code -Dconstellation.remoteRegions=us-east-2:20,eu-west-1:10}. */
  @Parameter(property = "constellation.remoteRegions")
  String remoteRegionsList;

  /**
   * The original tool's JSON configuration ({@code HOME_REGION}, {@code REMOTE_REGIONS}, {@code DURATION});
   * its values win over the pom's home region and regions.
   */
  @Parameter(property = "constellation.config")
  File config;

  /** Where results are stored on AWS: {@code auto} (Timestream where the account can use it, else S3), {@code s3} or {@code timestream}. */
  @Parameter(property = "constellation.resultsStore", defaultValue = "auto")
  String resultsStore;

  /** A named AWS profile (also an IAM Identity Center/SSO profile); empty: the default chain ({@code AWS_PROFILE}, environment, SSO, …). */
  @Parameter(property = "constellation.profile")
  String profile;

  /** Print what would be created or deleted, and call nothing that changes anything. */
  @Parameter(property = "constellation.dryRun", defaultValue = "false")
  boolean dryRun;

  /**
   * Public subnets per region instead of the default VPC's, such as
   * {@code <us-east-2>subnet-0a1,subnet-0b2</us-east-2>}; on the command line
   * {@code -Dconstellation.subnets.us-east-2=subnet-0a1,subnet-0b2}.
   */
  @Parameter
  Map<String, String> subnets;

  /** Days CloudWatch keeps agent and orchestrator logs. */
  @Parameter(property = "constellation.logRetentionDays", defaultValue = "7")
  int logRetentionDays;

  /** Parses everything into settings; every problem is named in one error, before any AWS call. */
  DeploySettings settings() throws MojoExecutionException {
    List<String> problems = new ArrayList<>();
    SeedConfig seed = null;
    if (config != null) {
      try {
        seed = SeedConfig.read(config.toPath());
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    String home = seed != null ? seed.homeRegion() : homeRegion == null ? "" : homeRegion.trim();
    if (seed == null && !AwsRegions.isKnown(home)) {
      problems.add("<homeRegion> (-Dconstellation.homeRegion) is \"" + homeRegion + "\", which is not an AWS region; known regions: "
          + AwsRegions.list());
    }
    Map<String, Integer> regions = new LinkedHashMap<>();
    try {
      regions.putAll(RegionVus.resolve(remoteRegions, remoteRegionsList, seed == null ? null : seed.remoteRegions()));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    Map<String, List<String>> configuredSubnets = new LinkedHashMap<>();
    Map<String, String> subnetSettings = new LinkedHashMap<>(subnets == null ? Map.of() : subnets);
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("constellation.subnets."))
        .forEach(k -> subnetSettings.put(k.substring("constellation.subnets.".length()), System.getProperty(k)));
    subnetSettings.forEach((region, list) -> {
      List<String> ids = Arrays.stream(list == null ? new String[0] : list.split(",")).map(String::trim)
          .filter(s -> !s.isEmpty()).toList();
      if (!regions.containsKey(region)) {
        problems.add("<subnets><" + region + "> names a region that is not among the agent regions " + regions.keySet()
            + "; remove it or add the region to <remoteRegions>");
      } else if (ids.isEmpty() || ids.stream().anyMatch(s -> !s.matches("subnet-[0-9a-f]+"))) {
        problems.add("<subnets><" + region + "> is \"" + list + "\"; give subnet ids separated by commas, e.g. subnet-0a1b2c,subnet-0d3e4f");
      } else {
        configuredSubnets.put(region, ids);
      }
    });
    Installation inst = null;
    try {
      inst = new Installation(installation == null ? Installation.DEFAULT_NAME : installation.trim(), home);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!DeploySettings.RETENTION_DAYS.contains(logRetentionDays)) {
      problems.add("<logRetentionDays> (-Dconstellation.logRetentionDays) is " + logRetentionDays
          + "; CloudWatch Logs accepts only " + DeploySettings.RETENTION_DAYS);
    }
    if (!problems.isEmpty()) {
      throw new MojoExecutionException(String.join("\n", problems));
    }
    Map<String, Double> vcpu = new LinkedHashMap<>();
    int tasks = 0;
    for (Map.Entry<String, Integer> e : regions.entrySet()) {
      double v = DeploySettings.vcpusFor(e.getValue());
      vcpu.put(e.getKey(), v);
      tasks += (int) v;
    }
    // each agent polls the orchestrator about once a second for ~50 ms (AWS-DEPLOY §2.10)
    int concurrency = tasks == 0 ? 0 : (int) Math.max(1, Math.ceil(tasks * 0.05));
    return new DeploySettings(inst, List.copyOf(regions.keySet()), vcpu, resultsStore, configuredSubnets, concurrency,
        logRetentionDays);
  }

  /** The client factory: the profile, or the default chain; endpoint overrides from {@code constellation.aws.endpoint.*} (tests). */
  AwsClients clients() {
    return new AwsClients(AwsClients.Options.fromSystemProperties(profile));
  }

  /** Prints each step as it happens. */
  StepListener printer() {
    return new StepListener() {
      @Override
      public void step(Step step) {
        getLog().info(step.line());
      }

      @Override
      public void warn(String message) {
        getLog().warn(message);
      }

      @Override
      public void info(String message) {
        getLog().info(message);
      }
    };
  }

  /** Prints the summary line. */
  void printSummary(String goal, Summary summary) {
    getLog().info(goal + (dryRun ? " (dry run)" : "") + ": " + summary.line());
  }

  /** An AWS-side failure as a build failure with the full list of problems. */
  static MojoExecutionException failure(DeployException e) {
    return new MojoExecutionException(e.getMessage(), e);
  }
}
