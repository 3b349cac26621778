package dev.constellation.maven.image;

/**
 * An ECS task definition's {@code runtimePlatform} (ECS API reference, "RuntimePlatform"):
 * {@code cpuArchitecture} {@code X86_64} or {@code ARM64} and {@code operatingSystemFamily}
 * {@code LINUX}, derived from the image platform so that the task definition and the image can
 * never disagree.
 *
 * @param cpuArchitecture {@code X86_64} or {@code ARM64}
 * @param operatingSystemFamily {@code LINUX}
 */
public record RuntimePlatform(String cpuArchitecture, String operatingSystemFamily) {

  /**
   * The runtime platform of an image platform.
   *
   * @param platform {@code os/architecture} as in {@link ImageSpec#platform()}: {@code linux/amd64}
   *     or {@code linux/arm64} (also {@code linux/x86_64}, {@code linux/aarch64}, {@code linux/arm64/v8})
   * @return the runtime platform
   * @throws ImageException naming {@code <platform>} and the values Fargate runs
   */
  public static RuntimePlatform of(String platform) throws ImageException {
    String[] parts = platform == null ? new String[0] : platform.trim().split("/");
    if (parts.length >= 2 && parts[0].equals("linux")) {
      String arch = parts[1];
      if ((arch.equals("amd64") || arch.equals("x86_64")) && parts.length == 2) {
        return new RuntimePlatform("X86_64", "LINUX");
      }
      if ((arch.equals("arm64") || arch.equals("aarch64")) && (parts.length == 2 || (parts.length == 3 && parts[2].equals("v8")))) {
        return new RuntimePlatform("ARM64", "LINUX");
      }
    }
    throw new ImageException(ImageSpec.SETTING_PLATFORM, String.valueOf(platform),
        "Fargate runs Linux agent images on x86-64 or 64-bit ARM only",
        "Use linux/amd64 (the default) or linux/arm64 (Graviton)", null);
  }
}
