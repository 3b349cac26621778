package dev.constellation.awsfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotEmptyException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.servicequotas.model.NoSuchResourceException;

class EcrLogsQuotasTest {

  private static final String LIFECYCLE = "{\"rules\":[{\"rulePriority\":1,\"description\":\"keep 5\","
      + "\"selection\":{\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":5},"
      + "\"action\":{\"type\":\"expire\"}}]}";

  private FakeAws fake;

  @BeforeEach
  void start() {
    fake = FakeAws.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void ecrRepositoryWithTagsLifecyclePolicyAndForcedDelete() throws Exception {
    try (EcrClient ecr = Clients.of(EcrClient.builder(), fake, "us-east-2")) {
      var repo = ecr.createRepository(r -> r.repositoryName("constellation-agent")
          .tags(Tag.builder().key("constellation:managed").value("true").build())).repository();
      assertThat(repo.repositoryUri()).isEqualTo("123456789012.dkr.ecr.us-east-2.amazonaws.com/constellation-agent");
      assertThatThrownBy(() -> ecr.createRepository(r -> r.repositoryName("constellation-agent")))
          .isInstanceOf(RepositoryAlreadyExistsException.class);
      assertThatThrownBy(() -> ecr.getLifecyclePolicy(r -> r.repositoryName("constellation-agent")))
          .isInstanceOf(LifecyclePolicyNotFoundException.class);
      ecr.putLifecyclePolicy(r -> r.repositoryName("constellation-agent").lifecyclePolicyText(LIFECYCLE));
      ObjectMapper json = new ObjectMapper();
      assertThat(json.readTree(ecr.getLifecyclePolicy(r -> r.repositoryName("constellation-agent")).lifecyclePolicyText()))
          .isEqualTo(json.readTree(LIFECYCLE));
      ecr.tagResource(r -> r.resourceArn(repo.repositoryArn()).tags(Tag.builder().key("constellation:home").value("x").build()));
      assertThat(ecr.listTagsForResource(r -> r.resourceArn(repo.repositoryArn())).tags()).extracting(Tag::key)
          .containsExactly("constellation:managed", "constellation:home");
      assertThat(ecr.describeRepositories().repositories()).hasSize(1);
      ecr.deleteRepository(r -> r.repositoryName("constellation-agent").force(true));
      assertThatThrownBy(() -> ecr.describeRepositories(r -> r.repositoryNames("constellation-agent")))
          .isInstanceOf(RepositoryNotFoundException.class);

      fake.seed().repository("us-east-2", "full", 3, Map.of());
      assertThatThrownBy(() -> ecr.deleteRepository(r -> r.repositoryName("full")))
          .isInstanceOf(RepositoryNotEmptyException.class);
      assertThat(fake.resources("ecr")).singleElement().satisfies(r -> assertThat(r.tags()).isEmpty());
      assertThat(ecr.getAuthorizationToken().authorizationData()).singleElement()
          .satisfies(a -> assertThat(a.proxyEndpoint()).isEqualTo("https://123456789012.dkr.ecr.us-east-2.amazonaws.com"));
      assertThat(json.readTree(fake.journal().calls("ecr", "CreateRepository").get(0).body())).isEqualTo(json.readTree(
          "{\"repositoryName\":\"constellation-agent\",\"tags\":[{\"Key\":\"constellation:managed\",\"Value\":\"true\"}]}"));
    }
  }

  @Test
  void logGroupWithRetentionAndTagsInBothApis() {
    try (CloudWatchLogsClient logs = Clients.of(CloudWatchLogsClient.builder(), fake, "eu-west-1")) {
      logs.createLogGroup(r -> r.logGroupName("/constellation/agents").tags(Map.of("constellation:managed", "true")));
      assertThatThrownBy(() -> logs.createLogGroup(r -> r.logGroupName("/constellation/agents")))
          .isInstanceOf(ResourceAlreadyExistsException.class);
      logs.putRetentionPolicy(r -> r.logGroupName("/constellation/agents").retentionInDays(7));
      assertThatThrownBy(() -> logs.putRetentionPolicy(r -> r.logGroupName("/constellation/agents").retentionInDays(8)))
          .isInstanceOf(InvalidParameterException.class).hasMessageContaining("retentionInDays");
      LogGroup g = logs.describeLogGroups(r -> r.logGroupNamePrefix("/constellation/")).logGroups().get(0);
      assertThat(g.retentionInDays()).isEqualTo(7);
      assertThat(g.logGroupArn()).isEqualTo("arn:aws:logs:eu-west-1:123456789012:log-group:/constellation/agents");
      logs.tagResource(r -> r.resourceArn(g.logGroupArn()).tags(Map.of("constellation:home", "eu-west-1")));
      assertThat(logs.listTagsForResource(r -> r.resourceArn(g.logGroupArn())).tags())
          .isEqualTo(Map.of("constellation:managed", "true", "constellation:home", "eu-west-1"));
      @SuppressWarnings("deprecation")
      Map<String, String> old = logs.listTagsLogGroup(r -> r.logGroupName("/constellation/agents")).tags();
      assertThat(old).containsEntry("constellation:managed", "true");
      assertThat(logs.describeLogGroups(r -> r.logGroupNamePrefix("/other")).logGroups()).isEmpty();
      logs.deleteLogGroup(r -> r.logGroupName("/constellation/agents"));
      assertThatThrownBy(() -> logs.deleteLogGroup(r -> r.logGroupName("/constellation/agents")))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThat(fake.resources("logs")).isEmpty();
    }
  }

  @Test
  void aRegionalFaultHitsOnlyThatRegion() {
    fake.faults().failNextIn("us-east-2", "logs", "CreateLogGroup", 1, 400, "LimitExceededException",
        "Resource limit exceeded.");
    try (CloudWatchLogsClient euWest = Clients.of(CloudWatchLogsClient.builder(), fake, "eu-west-1");
         CloudWatchLogsClient usEast = Clients.of(CloudWatchLogsClient.builder(), fake, "us-east-2")) {
      euWest.createLogGroup(r -> r.logGroupName("/constellation/agents"));
      assertThatThrownBy(() -> usEast.createLogGroup(r -> r.logGroupName("/constellation/agents")))
          .isInstanceOf(software.amazon.awssdk.services.cloudwatchlogs.model.LimitExceededException.class);
      usEast.createLogGroup(r -> r.logGroupName("/constellation/agents"));
    }
    assertThat(fake.resources("logs")).extracting(FakeResource::region)
        .containsExactlyInAnyOrder("eu-west-1", "us-east-2");
  }

  @Test
  void serviceQuotaDefaultsAndOverrides() {
    fake.faults().quota("us-east-2", "fargate", "L-3032A538", 2.0);
    try (ServiceQuotasClient sq = Clients.of(ServiceQuotasClient.builder(), fake, "eu-west-1");
         ServiceQuotasClient sq2 = Clients.of(ServiceQuotasClient.builder(), fake, "us-east-2")) {
      var q = sq.getServiceQuota(r -> r.serviceCode("fargate").quotaCode("L-3032A538")).quota();
      assertThat(q.value()).isEqualTo(6.0);
      assertThat(q.quotaName()).isEqualTo("Fargate On-Demand vCPU resource count");
      assertThat(sq2.getServiceQuota(r -> r.serviceCode("fargate").quotaCode("L-3032A538")).quota().value())
          .isEqualTo(2.0);
      assertThatThrownBy(() -> sq.getServiceQuota(r -> r.serviceCode("fargate").quotaCode("L-NOPE")))
          .isInstanceOf(NoSuchResourceException.class);
    }
  }
}
