package dev.constellation.awsfake;

import java.util.Map;

/**
 * Creates resources "from outside" the code under test: nothing is journaled and no fault
 * applies. Typical use: an untagged look-alike that teardown must leave alone, or a
 * service-linked role that already exists. Each method returns the new resource's ARN (for a
 * security group, its id).
 */
public final class Seed {

  private final FakeAws fake;

  Seed(FakeAws fake) {
    this.fake = fake;
  }

  /** An IAM role with a trust policy for {@code trustedService} (e.g. {@code lambda.amazonaws.com}). */
  public String role(String path, String name, String trustedService, Map<String, String> tags) {
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
        + "{\"Service\":\"" + trustedService + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    synchronized (fake.lock) {
      return fake.iam.createRole(name, path, trust, null, tags).arn;
    }
  }

  /** The service-linked role of {@code service} (only {@code ecs.amazonaws.com} is modelled). */
  public String serviceLinkedRole(String service) {
    synchronized (fake.lock) {
      return fake.iam.serviceLinkedRole(service).arn;
    }
  }

  /** A security group in the region's default VPC; returns its id. */
  public String securityGroup(String region, String name, String description, Map<String, String> tags) {
    synchronized (fake.lock) {
      return fake.ec2.createGroup(region, name, description, null, tags).id;
    }
  }

  /** An ECS cluster. */
  public String cluster(String region, String name, Map<String, String> tags) {
    synchronized (fake.lock) {
      return fake.ecs.createCluster(region, name, tags).arn;
    }
  }

  /** An ECR repository; {@code images} is how many images it holds (DeleteRepository needs force then). */
  public String repository(String region, String name, int images, Map<String, String> tags) {
    synchronized (fake.lock) {
      Ecr.Repo r = fake.ecr.create(region, name, tags);
      r.images = images;
      return r.arn;
    }
  }

  /** A CloudWatch Logs log group. */
  public String logGroup(String region, String name, Map<String, String> tags) {
    synchronized (fake.lock) {
      return fake.logs.create(region, name, tags).arn;
    }
  }
}
