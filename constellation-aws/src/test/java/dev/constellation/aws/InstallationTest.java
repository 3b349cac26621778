package dev.constellation.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InstallationTest {

  final Installation def = new Installation("constellation", "eu-west-1");
  final Installation teamA = new Installation("team-a", "ap-southeast-2");

  @Test
  void defaultNamesMatchTheDocs() {
    assertThat(def.roleName(Installation.Role.EXECUTION)).isEqualTo("constellation-eu-west-1-execution");
    assertThat(def.roleName(Installation.Role.TASK)).isEqualTo("constellation-eu-west-1-task");
    assertThat(def.roleName(Installation.Role.ORCHESTRATOR)).isEqualTo("constellation-eu-west-1-orchestrator");
    assertThat(def.roleArn("aws", "123456789012", Installation.Role.TASK))
        .isEqualTo("arn:aws:iam::123456789012:role/constellation/constellation-eu-west-1-task");
    assertThat(def.table()).isEqualTo("constellation-runs");
    assertThat(def.function()).isEqualTo("constellation-orchestrator");
    assertThat(def.functionLogGroup()).isEqualTo("/aws/lambda/constellation-orchestrator");
    assertThat(def.bucket("123456789012")).isEqualTo("constellation-123456789012-eu-west-1");
    assertThat(def.repository()).isEqualTo("constellation-agent");
    assertThat(def.cluster()).isEqualTo("constellation");
    assertThat(def.agentLogGroup()).isEqualTo("/constellation/agents");
    assertThat(def.securityGroup()).isEqualTo("constellation-agents");
    assertThat(def.taskFamily()).isEqualTo("constellation-agent");
  }

  @Test
  void anotherInstallationSharesNoName() {
    assertThat(teamA.cluster()).isEqualTo("team-a");
    assertThat(teamA.bucket("123456789012")).isEqualTo("team-a-123456789012-ap-southeast-2");
    assertThat(teamA.roleName(Installation.Role.ORCHESTRATOR)).isEqualTo("team-a-ap-southeast-2-orchestrator");
    assertThat(teamA.securityGroup()).isEqualTo("team-a-agents");
  }

  @Test
  void longestNamesFitAwsLimits() {
    Installation longest = new Installation("abcdefghij-klmnopqrs", "ap-southeast-4");
    assertThat(longest.roleName(Installation.Role.ORCHESTRATOR)).hasSizeLessThanOrEqualTo(64); // IAM role name limit
    assertThat(longest.bucket("123456789012")).hasSizeLessThanOrEqualTo(63); // S3 bucket name limit
  }

  @Test
  void tagsNameManagedInstallationAndHome() {
    assertThat(teamA.tags()).containsExactly(Map.entry("constellation:managed", "true"),
        Map.entry("constellation:installation", "team-a"), Map.entry("constellation:home", "ap-southeast-2"));
  }

  @Test
  void ownershipNeedsTheManagedTagAndTheInstallation() {
    assertThat(teamA.owns(teamA.tags())).isTrue();
    assertThat(teamA.owns(Map.of())).isFalse();
    assertThat(teamA.owns(Map.of("constellation:installation", "team-a"))).isFalse();
    assertThat(teamA.owns(Map.of("constellation:managed", "true", "constellation:installation", "team-b"))).isFalse();
    // resources tagged by earlier versions (managed only) belong to the default installation only
    assertThat(teamA.owns(Map.of("constellation:managed", "true"))).isFalse();
    assertThat(def.owns(Map.of("constellation:managed", "true"))).isTrue();
    assertThat(def.owns(Map.of("constellation:managed", "false"))).isFalse();
  }

  @Test
  void rolesAreGlobalSoTheyAlsoNeedTheHomeRegion() {
    assertThat(def.ownsGlobal(def.tags())).isTrue();
    assertThat(def.ownsGlobal(new Installation("constellation", "us-east-1").tags())).isFalse();
    assertThat(def.ownsGlobal(Map.of("constellation:managed", "true"))).isFalse();
  }

  @Test
  void badNamesAreRejectedNamingTheSetting() {
    assertThatThrownBy(() -> new Installation("Team_A", "eu-west-1"))
        .hasMessageContaining("<installation> (-Dconstellation.installation) is \"Team_A\"");
    assertThatThrownBy(() -> new Installation("a-very-long-installation-name", "eu-west-1"))
        .hasMessageContaining("1-20 lower-case letters");
    assertThatThrownBy(() -> new Installation("team-", "eu-west-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Installation("team", "Europe"))
        .hasMessageContaining("<homeRegion> (-Dconstellation.homeRegion) is \"Europe\"");
  }

  @Test
  void partitionFollowsTheRegion() {
    assertThat(Installation.partitionOf("eu-west-1")).isEqualTo("aws");
    assertThat(Installation.partitionOf("cn-north-1")).isEqualTo("aws-cn");
    assertThat(Installation.partitionOf("us-gov-west-1")).isEqualTo("aws-us-gov");
    assertThat(Preflight.partitionOfArn("arn:aws-cn:sts::123456789012:assumed-role/x/y")).isEqualTo("aws-cn");
  }
}
