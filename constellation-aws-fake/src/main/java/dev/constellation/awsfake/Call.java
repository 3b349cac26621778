package dev.constellation.awsfake;

/**
 * One request the fake answered (or failed by an injected fault), in arrival order.
 *
 * @param service the SigV4 signing name from the credential scope ({@code ecs}, {@code iam}, ...)
 * @param region the region from the credential scope ({@code us-east-1} for IAM and STS)
 * @param operation the API operation name as in the AWS API reference ({@code CreateCluster})
 * @param mutating {@code false} for {@code Describe*}, {@code Get*}, {@code List*}, Lambda
 *     {@code Invoke} and Timestream {@code Query}; {@code true} for everything else (it may change infrastructure)
 * @param body the request body as text (form, JSON, or the raw Invoke payload); empty for GET
 */
public record Call(String service, String region, String operation, boolean mutating, String body) {

  /** The rule for {@link #mutating}: read-only by name, and {@code Invoke} (it changes no infrastructure). */
  public static boolean isMutating(String operation) {
    return !(operation.startsWith("Describe") || operation.startsWith("Get")
        || operation.startsWith("List") || operation.equals("Invoke") || operation.equals("Query"));
  }
}
