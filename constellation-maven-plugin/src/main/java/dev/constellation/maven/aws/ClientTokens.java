package dev.constellation.maven.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code clientToken} of each {@code RunTask} call: the same run, region, agent and attempt
 * always give the same token, so a call the SDK retries (a timeout after ECS accepted it) starts
 * no second task, while a relaunch (next attempt) gets a new one.
 *
 * <p>ECS keeps a token for 24 hours per cluster and accepts up to 64 ASCII characters (ECS API
 * reference, RunTask {@code clientToken}; "Ensuring idempotency"); the token is the SHA-256 of
 * {@code runId/region/index/attempt} in hex: exactly 64 characters.
 */
public final class ClientTokens {

  /** The longest token ECS accepts. */
  public static final int MAX_LENGTH = 64;

  private ClientTokens() {}

  /**
   * The token of one launch.
   *
   * @param runId the run
   * @param region the region
   * @param index the agent's index in the region
   * @param attempt the launch attempt of that agent, from 0
   * @return 64 lowercase hex characters
   */
  public static String of(String runId, String region, int index, int attempt) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((runId + "/" + region + "/" + index + "/" + attempt).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
