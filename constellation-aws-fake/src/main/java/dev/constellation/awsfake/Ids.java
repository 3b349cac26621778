package dev.constellation.awsfake;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/** Resource ids in AWS's formats. */
final class Ids {

  private final SecureRandom random = new SecureRandom();

  String hex(int chars) {
    byte[] b = new byte[(chars + 1) / 2];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b).substring(0, chars);
  }

  /** {@code prefix-} + 17 hex digits, as EC2 ids ({@code sg-0123456789abcdef0}). */
  String ec2(String prefix) {
    return prefix + "-" + hex(17);
  }

  /** IAM unique ids: prefix + 17 upper-case alphanumerics ({@code AROA...}). */
  String iam(String prefix) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = 0; i < 17; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  String requestId() {
    return UUID.randomUUID().toString();
  }
}
