package dev.constellation.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

/** Preflight's pure checks and how its problems read. */
class PreflightTest {

  static final Map<String, String> OPT_IN = Map.of(
      "us-east-1", "opt-in-not-required", "eu-west-1", "opt-in-not-required",
      "af-south-1", "not-opted-in", "ap-east-1", "opted-in");

  @Test
  void everyUnknownOrDisabledRegionIsOneProblem() {
    List<Problem> problems = Preflight.checkRegions(OPT_IN, List.of("us-east-1", "af-south-1", "eu-west-9", "ap-east-1"));

    assertThat(problems).extracting(Problem::region).containsExactly("af-south-1", "eu-west-9");
    assertThat(problems.get(0).line()).isEqualTo("[af-south-1] region: af-south-1 is not enabled for this account "
        + "(opt-in status not-opted-in). Fix: enable it in the AWS console (Account → AWS Regions) or with "
        + "'aws account enable-region --region-name af-south-1', or leave it out");
    assertThat(problems.get(1).problem()).isEqualTo("this account's partition has no region named eu-west-9");
  }

  @Test
  void quotaCountsTasksAlreadyRunning() {
    assertThat(Preflight.checkQuota("eu-west-1", 4, 6, 2)).isEmpty();
    assertThat(Preflight.checkQuota("eu-west-1", 4, 6, 2.25)).get().extracting(Problem::problem)
        .isEqualTo("the plan needs 4 vCPU at once, the quota is 6 and 2.25 are in use");
    assertThat(Preflight.checkQuota("eu-west-1", 7, 6, 0).orElseThrow().fix()).contains("L-3032A538").contains("eu-west-1");
  }

  @Test
  void oneErrorListsEveryProblem() {
    DeployException e = new DeployException("Preflight found 2 problems; nothing was created", List.of(
        new Problem("eu-west-1", "default VPC", "this region has no default VPC", "create one"),
        new Problem("us-east-2", "Fargate On-Demand vCPU quota L-3032A538", "too small", "ask for more")));

    assertThat(e.getMessage()).isEqualTo("Preflight found 2 problems; nothing was created:\n"
        + "  - [eu-west-1] default VPC: this region has no default VPC. Fix: create one\n"
        + "  - [us-east-2] Fargate On-Demand vCPU quota L-3032A538: too small. Fix: ask for more");
    assertThat(e.problems()).hasSize(2);
  }

  @Test
  void aSubnetIsPublicThroughItsOwnTableOrTheMainTable() {
    RouteTable main = RouteTable.builder()
        .associations(RouteTableAssociation.builder().main(true).build())
        .routes(Route.builder().destinationCidrBlock("0.0.0.0/0").gatewayId("igw-1").build()).build();
    RouteTable privateTable = RouteTable.builder()
        .associations(RouteTableAssociation.builder().subnetId("subnet-private").main(false).build())
        .routes(Route.builder().destinationCidrBlock("0.0.0.0/0").natGatewayId("nat-1").build(),
            Route.builder().destinationCidrBlock("172.31.0.0/16").gatewayId("local").build()).build();
    List<RouteTable> tables = List.of(main, privateTable);

    assertThat(Preflight.isPublic("subnet-any", tables)).isTrue();
    assertThat(Preflight.isPublic("subnet-private", tables)).isFalse();
    assertThat(Preflight.isPublic("subnet-any", List.of(privateTable))).isFalse();
  }

  @Test
  void vcpusFollowTheDefaultAgentSize() {
    assertThat(DeploySettings.vcpusFor(1)).isEqualTo(1.0);
    assertThat(DeploySettings.vcpusFor(1000)).isEqualTo(1.0);
    assertThat(DeploySettings.vcpusFor(1001)).isEqualTo(2.0);
  }
}
