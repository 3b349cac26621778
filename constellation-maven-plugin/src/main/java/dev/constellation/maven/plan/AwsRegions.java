package dev.constellation.maven.plan;

import java.util.Set;
import java.util.TreeSet;

/** The AWS regions a run may name (commercial partition, as of 2026). */
public final class AwsRegions {

  /** Every known region name. */
  public static final Set<String> KNOWN = Set.copyOf(new TreeSet<>(Set.of(
      "us-east-1", "us-east-2", "us-west-1", "us-west-2",
      "af-south-1",
      "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
      "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
      "ap-southeast-7",
      "ca-central-1", "ca-west-1",
      "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
      "il-central-1", "me-south-1", "me-central-1", "mx-central-1",
      "sa-east-1")));

  private AwsRegions() {}

  /** Whether a name is a known region. */
  public static boolean isKnown(String region) {
    return KNOWN.contains(region);
  }

  /** The known regions, sorted, for error messages. */
  public static String list() {
    return String.join(", ", new TreeSet<>(KNOWN));
  }
}
