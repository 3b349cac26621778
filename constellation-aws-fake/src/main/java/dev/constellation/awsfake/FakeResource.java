package dev.constellation.awsfake;

import java.util.Map;

/**
 * A resource that exists in the fake now.
 *
 * <p>Types: {@code ec2/security-group}, {@code iam/role}, {@code ecs/cluster},
 * {@code ecs/task-definition} (ACTIVE revisions), {@code ecs/task} (not STOPPED),
 * {@code ecr/repository}, {@code logs/log-group}, {@code lambda/function}. The account's
 * built-in defaults (default VPC, its subnets, route table and {@code default} security group)
 * are not listed: they exist before any test and are not the product's to delete.
 *
 * @param service the signing name ({@code ecs})
 * @param region the region, or {@code global} for IAM
 * @param type the resource type (above)
 * @param id the service's id (security group id, role id, cluster name, ...)
 * @param arn the ARN (for security groups, the {@code arn:aws:ec2:...:security-group/sg-...} form)
 * @param name the resource's name
 * @param tags its tags, key to value
 */
public record FakeResource(String service, String region, String type, String id, String arn,
                           String name, Map<String, String> tags) {}
