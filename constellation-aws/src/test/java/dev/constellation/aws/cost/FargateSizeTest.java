package dev.constellation.aws.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FargateSizeTest {

  @Test
  void acceptsEveryEdgeOfTheAwsTable() {
    int[][] ok = {{256, 512}, {256, 1024}, {256, 2048}, {512, 1024}, {512, 4096}, {1024, 2048}, {1024, 8192},
        {2048, 4096}, {2048, 16384}, {4096, 8192}, {4096, 30720}, {8192, 16384}, {8192, 20480}, {8192, 61440},
        {16384, 32768}, {16384, 40960}, {16384, 122880}};
    for (int[] c : ok) {
      assertThat(FargateSize.of(c[0], c[1])).isEqualTo(new FargateSize(c[0], c[1]));
    }
  }

  @Test
  void refusesMemoryOutsideTheCpusRangeOrStep() {
    int[][] bad = {{256, 1536}, {256, 3072}, {512, 512}, {512, 5120}, {1024, 1024}, {1024, 2560}, {1024, 9216},
        {2048, 17408}, {4096, 31744}, {8192, 17408}, {8192, 65536}, {16384, 36864}, {16384, 131072}};
    for (int[] c : bad) {
      assertThatThrownBy(() -> FargateSize.of(c[0], c[1])).as("%s/%s", c[0], c[1])
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void namesTheSettingTheValueAndTheAllowedMemory() {
    assertThatThrownBy(() -> FargateSize.of(1024, 1024))
        .hasMessage("<taskMemory> (-Dconstellation.taskMemory) = 1024 MiB does not go with <taskCpu>"
            + " (-Dconstellation.taskCpu) = 1024; Fargate allows 2048 to 8192 in steps of 1024 MiB for 1024 CPU units."
            + " Source: AWS \"Amazon ECS task definition parameters for Fargate: Task size\"");
    assertThatThrownBy(() -> FargateSize.of(256, 4096)).hasMessageContaining("Fargate allows 512, 1024 or 2048 MiB for 256");
    assertThatThrownBy(() -> FargateSize.of(1000, 2048))
        .hasMessage("<taskCpu> (-Dconstellation.taskCpu) = 1000 is not a Fargate task CPU size; use one of"
            + " [256, 512, 1024, 2048, 4096, 8192, 16384] CPU units (1024 = 1 vCPU). Source: AWS \"Amazon ECS task"
            + " definition parameters for Fargate: Task size\"");
  }

  @Test
  void convertsUnitsToVcpuAndGb() {
    FargateSize s = FargateSize.of(256, 512);
    assertThat(s.vcpu()).isEqualTo(0.25);
    assertThat(s.memoryGb()).isEqualTo(0.5);
    assertThat(FargateSize.DEFAULT.vcpu()).isEqualTo(1.0);
    assertThat(FargateSize.DEFAULT.memoryGb()).isEqualTo(2.0);
    assertThat(FargateSize.DEFAULT).hasToString("1 vCPU / 2 GB");
    assertThat(s).hasToString("0.25 vCPU / 0.5 GB");
  }
}
