package dev.constellation.awsfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.InvalidInputException;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

class IamTest {

  static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
      + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
  static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
      + "\"Action\":[\"dynamodb:GetItem\",\"dynamodb:UpdateItem\"],\"Resource\":\"arn:aws:dynamodb:*:*:table/constellation-runs\"}]}";

  private FakeAws fake;
  private IamClient iam;

  @BeforeEach
  void start() {
    fake = FakeAws.start();
    iam = Clients.of(IamClient.builder(), fake, "us-east-1");
  }

  @AfterEach
  void stop() {
    iam.close();
    fake.close();
  }

  @Test
  void roleLifeCycleWithTagsAndInlinePolicies() throws Exception {
    Role role = iam.createRole(r -> r.roleName("constellation-eu-west-1-orchestrator").path("/constellation/")
        .assumeRolePolicyDocument(TRUST).tags(Tag.builder().key("constellation:managed").value("true").build()))
        .role();
    assertThat(role.arn()).isEqualTo("arn:aws:iam::123456789012:role/constellation/constellation-eu-west-1-orchestrator");
    assertThat(role.roleId()).startsWith("AROA");
    assertThat(role.createDate()).isNotNull();

    assertThatThrownBy(() -> iam.createRole(r -> r.roleName("constellation-eu-west-1-orchestrator")
        .assumeRolePolicyDocument(TRUST))).isInstanceOf(EntityAlreadyExistsException.class)
        .satisfies(e -> assertThat(((EntityAlreadyExistsException) e).statusCode()).isEqualTo(409));

    Role got = iam.getRole(r -> r.roleName("constellation-eu-west-1-orchestrator")).role();
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(URLDecoder.decode(got.assumeRolePolicyDocument(), StandardCharsets.UTF_8)))
        .isEqualTo(json.readTree(TRUST));
    assertThat(got.tags()).extracting(Tag::key).containsExactly("constellation:managed");

    iam.tagRole(r -> r.roleName(got.roleName()).tags(Tag.builder().key("constellation:home").value("eu-west-1").build()));
    assertThat(iam.listRoleTags(r -> r.roleName(got.roleName())).tags()).extracting(Tag::key)
        .containsExactly("constellation:managed", "constellation:home");
    assertThat(iam.listRoles(r -> r.pathPrefix("/constellation/")).roles()).extracting(Role::roleName)
        .containsExactly("constellation-eu-west-1-orchestrator");
    assertThat(iam.listRoles(r -> r.pathPrefix("/other/")).roles()).isEmpty();

    iam.putRolePolicy(r -> r.roleName(got.roleName()).policyName("orchestrator").policyDocument(POLICY));
    String doc = iam.getRolePolicy(r -> r.roleName(got.roleName()).policyName("orchestrator")).policyDocument();
    assertThat(doc).doesNotContain("{");
    assertThat(json.readTree(URLDecoder.decode(doc, StandardCharsets.UTF_8))).isEqualTo(json.readTree(POLICY));
    assertThat(iam.listRolePolicies(r -> r.roleName(got.roleName())).policyNames()).containsExactly("orchestrator");
    assertThatThrownBy(() -> iam.putRolePolicy(r -> r.roleName(got.roleName()).policyName("bad")
        .policyDocument("{not json"))).isInstanceOf(MalformedPolicyDocumentException.class);

    assertThatThrownBy(() -> iam.deleteRole(r -> r.roleName(got.roleName())))
        .isInstanceOf(DeleteConflictException.class);
    iam.deleteRolePolicy(r -> r.roleName(got.roleName()).policyName("orchestrator"));
    iam.deleteRole(r -> r.roleName(got.roleName()));
    assertThatThrownBy(() -> iam.getRole(r -> r.roleName(got.roleName())))
        .isInstanceOf(NoSuchEntityException.class);
    assertThat(fake.resources("iam")).isEmpty();

    assertThat(FormAssert.form(fake.journal().calls("iam", "CreateRole").get(0).body())).isEqualTo(Map.of(
        "Action", "CreateRole", "Version", "2010-05-08", "Path", "/constellation/",
        "RoleName", "constellation-eu-west-1-orchestrator", "AssumeRolePolicyDocument", TRUST,
        "Tags.member.1.Key", "constellation:managed", "Tags.member.1.Value", "true"));
  }

  @Test
  void serviceLinkedRoleForEcsIsCreatedOnceThenTaken() {
    assertThatThrownBy(() -> iam.getRole(r -> r.roleName("AWSServiceRoleForECS")))
        .isInstanceOf(NoSuchEntityException.class);
    Role slr = iam.createServiceLinkedRole(r -> r.awsServiceName("ecs.amazonaws.com")).role();
    assertThat(slr.roleName()).isEqualTo("AWSServiceRoleForECS");
    assertThat(slr.path()).isEqualTo("/aws-service-role/ecs.amazonaws.com/");
    assertThat(iam.getRole(r -> r.roleName("AWSServiceRoleForECS")).role().arn())
        .isEqualTo("arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS");
    assertThatThrownBy(() -> iam.createServiceLinkedRole(r -> r.awsServiceName("ecs.amazonaws.com")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("has been taken");
  }

  @Test
  void injectedFaultUsesTheQueryErrorShape() {
    fake.faults().failNext("iam", "GetRole", 1, 403, "AccessDenied",
        "User: arn:aws:iam::123456789012:user/constellation-test is not authorized to perform: iam:GetRole");
    assertThatThrownBy(() -> iam.getRole(r -> r.roleName("x"))).satisfies(e -> {
      var ex = (software.amazon.awssdk.services.iam.model.IamException) e;
      assertThat(ex.statusCode()).isEqualTo(403);
      assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
      assertThat(ex.awsErrorDetails().errorMessage()).contains("iam:GetRole");
    });
    assertThatThrownBy(() -> iam.getRole(r -> r.roleName("x"))).isInstanceOf(NoSuchEntityException.class);
  }
}
