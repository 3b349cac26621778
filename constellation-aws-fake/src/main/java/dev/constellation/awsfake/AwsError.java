package dev.constellation.awsfake;

/** A modelled service error; each protocol renders it in its own wire form. */
final class AwsError extends RuntimeException {

  final int status;
  final String code;

  AwsError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static AwsError badRequest(String code, String message) {
    return new AwsError(400, code, message);
  }
}
