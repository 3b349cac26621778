package dev.constellation.maven.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.constellation.maven.run.PlanException;
import dev.constellation.maven.run.RunPlan;
import dev.constellation.maven.run.RunPlanner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskPlanTest {

  private static RunPlan plan(Map<String, String> cli) throws PlanException {
    Map<String, String> all = new java.util.HashMap<>(cli);
    all.put("constellation.target", "aws");
    return new RunPlanner().plan(new RunPlanner.Sources(Map.of(), all, Path.of(".")));
  }

  @Test
  void tasksAreCeilOfVusOverVusPerTaskAndVusDifferByAtMostOne() throws PlanException {
    // the default vusPerTask, 1000: 2002 VUs need 3 tasks, 1000 one
    TaskPlan p = TaskPlan.of(plan(Map.of("constellation.remoteRegions", "us-east-2:2002,eu-west-1:1000,ap-south-1:1")));
    assertThat(p.tasksPerRegion()).containsExactly(Map.entry("us-east-2", 3), Map.entry("eu-west-1", 1), Map.entry("ap-south-1", 1));
    assertThat(p.regions().get("us-east-2")).extracting(TaskPlan.Share::vus).containsExactly(668, 667, 667);
    assertThat(p.regions().get("us-east-2")).extracting(TaskPlan.Share::agentId).containsExactly("us-east-2-0", "us-east-2-1", "us-east-2-2");
    assertThat(p.tasks()).isEqualTo(5);
  }

  /** The measured default (docs/performance.md §4) is one figure wherever it is used: the run's plan, the mojo's default, init's quota check. */
  @Test
  void theVusPerTaskDefaultIsOneFigureEverywhere() {
    assertThat(RunPlan.Aws.DEFAULT_VUS_PER_TASK).isEqualTo(1000);
    assertThat(RunPlanner.DEFAULT_VUS_PER_TASK).isEqualTo(Integer.toString(RunPlan.Aws.DEFAULT_VUS_PER_TASK));
    assertThat(dev.constellation.aws.DeploySettings.VUS_PER_TASK).isEqualTo(RunPlan.Aws.DEFAULT_VUS_PER_TASK);
    assertThat(RunPlan.Aws.defaults().vusPerTask()).isEqualTo(RunPlan.Aws.DEFAULT_VUS_PER_TASK);
  }

  @Test
  void vusPerTaskAndTasksPerRegionOverrideTheComputation() throws PlanException {
    TaskPlan p = TaskPlan.of(plan(Map.of("constellation.remoteRegions", "us-east-2:10,eu-west-1:10", "constellation.vusPerTask", "4",
        "constellation.tasksPerRegion", "eu-west-1:2")));
    assertThat(p.tasksPerRegion()).containsExactly(Map.entry("us-east-2", 3), Map.entry("eu-west-1", 2));
    assertThat(p.regions().get("us-east-2")).extracting(TaskPlan.Share::vus).containsExactly(4, 3, 3);
    assertThat(p.regions().get("eu-west-1")).extracting(TaskPlan.Share::vus).containsExactly(5, 5);
  }

  @Test
  void theOpenModelGivesEachAgentItsShareOfTheRateAndStages() throws PlanException {
    TaskPlan p = TaskPlan.of(plan(Map.of("constellation.remoteRegions", "us-east-2:30", "constellation.tasksPerRegion", "us-east-2:3",
        "constellation.rate", "10s:50,1m:60,10s:0")));
    assertThat(p.regions().get("us-east-2")).extracting(TaskPlan.Share::rate)
        .containsOnly("10s:16.666666666666668,1m:20,10s:0");
    assertThat(TaskPlan.shareRate("50", 4)).isEqualTo("12.5");
    assertThat(TaskPlan.shareStages("30s:10,1m:10,30s:0", 0, 3)).isEqualTo("30s:4,1m:4,30s:0");
    assertThat(TaskPlan.shareStages("30s:10,1m:10,30s:0", 2, 3)).isEqualTo("30s:3,1m:3,30s:0");
  }

  @Test
  void everyTaskOfEveryRegionGetsItsOwnSlotsForUniqueFeeders() throws PlanException {
    TaskPlan p = TaskPlan.of(plan(Map.of("constellation.remoteRegions", "us-east-2:10,eu-west-1:5", "constellation.vusPerTask", "4")));
    // 15 VU slots over 3 + 2 tasks, in plan order, each task as many as its VUs: disjoint and covering
    assertThat(p.regions().get("us-east-2")).extracting(TaskPlan.Share::feedShare).containsExactly("0:4/15", "4:3/15", "7:3/15");
    assertThat(p.regions().get("eu-west-1")).extracting(TaskPlan.Share::feedShare).containsExactly("10:3/15", "13:2/15");
  }

  @Test
  void aSplitAddsUpAndDiffersByAtMostOne() {
    for (int total = 0; total < 50; total++) {
      for (int n = 1; n < 8; n++) {
        List<Integer> parts = TaskPlan.split(total, n);
        assertThat(parts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
        assertThat(parts.get(0) - parts.get(n - 1)).isBetween(0, 1);
      }
    }
  }

  @Test
  void badAwsSettingsNameTheSettingTheValueAndTheFix() {
    assertThatThrownBy(() -> plan(Map.of("constellation.remoteRegions", "us-east-2:2", "constellation.tasksPerRegion", "us-east-2:3,eu-west-3:1",
        "constellation.maxCost", "five", "constellation.vusPerTask", "0")))
        .isInstanceOf(PlanException.class)
        .hasMessageContaining("<vusPerTask> (-Dconstellation.vusPerTask) is 0; give 1 or more virtual users per task")
        .hasMessageContaining("<tasksPerRegion> (-Dconstellation.tasksPerRegion) gives us-east-2 3 tasks; give 1 to 2")
        .hasMessageContaining("<tasksPerRegion> (-Dconstellation.tasksPerRegion) names eu-west-3, which is not an agent region [us-east-2]")
        .hasMessageContaining("<maxCost> (-Dconstellation.maxCost) is \"five\"; give US dollars as a number");
  }
}
