package dev.constellation.aws.cost;

import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU and memory of one Fargate task (Linux), validated against the combinations Fargate
 * accepts.
 *
 * <p>Allowed combinations (AWS, "Troubleshoot Amazon ECS task definition invalid CPU or memory
 * errors", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html,
 * and "Amazon ECS task definition parameters for Fargate: Task size"):
 * 256 CPU units with 512, 1024 or 2048 MiB; 512 with 1024–4096 MiB in 1024 steps; 1024 with
 * 2048–8192 in 1024 steps; 2048 with 4096–16384 in 1024 steps; 4096 with 8192–30720 in 1024 steps;
 * 8192 with 16384–61440 in 4096 steps and 16384 with 32768–122880 in 8192 steps (both need platform
 * version 1.4.0 or later).
 *
 * @param cpuUnits task CPU in CPU units, 1024 units = 1 vCPU
 * @param memoryMiB task memory in MiB
 */
public record FargateSize(int cpuUnits, int memoryMiB) {

  /** Allowed memory per CPU size: {min MiB, max MiB, step MiB} (256 is special: 512, 1024, 2048). */
  private static final Map<Integer, int[]> MEMORY = new TreeMap<>(Map.of(
      256, new int[] {512, 2048, 0},
      512, new int[] {1024, 4096, 1024},
      1024, new int[] {2048, 8192, 1024},
      2048, new int[] {4096, 16384, 1024},
      4096, new int[] {8192, 30720, 1024},
      8192, new int[] {16384, 61440, 4096},
      16384, new int[] {32768, 122880, 8192}));

  /** The default agent size: 1 vCPU, 2 GB. */
  public static final FargateSize DEFAULT = new FargateSize(1024, 2048);

  /**
   * Validates like {@link #of}.
   *
   * @throws IllegalArgumentException if the combination is not one Fargate accepts
   */
  public FargateSize {
    int[] range = MEMORY.get(cpuUnits);
    if (range == null) {
      throw new IllegalArgumentException("<taskCpu> (-Dconstellation.taskCpu) = " + cpuUnits
          + " is not a Fargate task CPU size; use one of " + MEMORY.keySet()
          + " CPU units (1024 = 1 vCPU). Source: AWS \"Amazon ECS task definition parameters for Fargate: Task size\"");
    }
    if (!allowed(range, memoryMiB)) {
      throw new IllegalArgumentException("<taskMemory> (-Dconstellation.taskMemory) = " + memoryMiB
          + " MiB does not go with <taskCpu> (-Dconstellation.taskCpu) = " + cpuUnits
          + "; Fargate allows " + describe(range) + " MiB for " + cpuUnits
          + " CPU units. Source: AWS \"Amazon ECS task definition parameters for Fargate: Task size\"");
    }
  }

  /**
   * A validated task size.
   *
   * @param cpuUnits task CPU in CPU units (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384
   * @param memoryMiB task memory in MiB, one of the values allowed for that CPU (see the type's Javadoc)
   * @return the size
   * @throws IllegalArgumentException naming {@code <taskCpu>}/{@code <taskMemory>}, the value and the
   *     allowed memory values for that CPU
   */
  public static FargateSize of(int cpuUnits, int memoryMiB) {
    return new FargateSize(cpuUnits, memoryMiB);
  }

  /** @return the task's vCPUs (cpuUnits / 1024) */
  public double vcpu() {
    return cpuUnits / 1024.0;
  }

  /** @return the task's memory in GB as Fargate bills it (memoryMiB / 1024) */
  public double memoryGb() {
    return memoryMiB / 1024.0;
  }

  @Override
  public String toString() {
    return trim(vcpu()) + " vCPU / " + trim(memoryGb()) + " GB";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static boolean allowed(int[] range, int memory) {
    if (range[2] == 0) {
      return memory == 512 || memory == 1024 || memory == 2048;
    }
    return memory >= range[0] && memory <= range[1] && (memory - range[0]) % range[2] == 0;
  }

  private static String describe(int[] range) {
    if (range[2] == 0) {
      return "512, 1024 or 2048";
    }
    return range[0] + " to " + range[1] + " in steps of " + range[2];
  }
}
