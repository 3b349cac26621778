package dev.constellation.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The rendered policies against golden files (src/test/resources/dev/constellation/aws/golden). */
class PoliciesTest {

  static final ObjectMapper JSON = new ObjectMapper();
  final Policies policies = new Policies(new Installation("constellation", "eu-west-1"), "aws", "123456789012");

  @ParameterizedTest
  @CsvSource({
      "EXECUTION, false, execution-role.json",
      "TASK, false, task-role-s3.json",
      "TASK, true, task-role-timestream.json",
      "ORCHESTRATOR, false, orchestrator-role.json"})
  void permissionsMatchGoldenFiles(Installation.Role role, boolean timestream, String golden) throws IOException {
    assertThat(JSON.readTree(policies.permissions(role, timestream))).isEqualTo(JSON.readTree(golden(golden)));
  }

  @Test
  void trustPoliciesMatchGoldenFiles() throws IOException {
    assertThat(JSON.readTree(policies.trust(Installation.Role.EXECUTION))).isEqualTo(JSON.readTree(golden("trust-ecs-tasks.json")));
    assertThat(JSON.readTree(policies.trust(Installation.Role.TASK))).isEqualTo(JSON.readTree(golden("trust-ecs-tasks.json")));
    assertThat(JSON.readTree(policies.trust(Installation.Role.ORCHESTRATOR))).isEqualTo(JSON.readTree(golden("trust-lambda.json")));
  }

  @Test
  void operatorPolicyIsValidJsonWithoutPlaceholders() throws IOException {
    String op = policies.operator();
    assertThat(op).doesNotContain("{{").contains("arn:aws:iam::123456789012:role/constellation/*");
    assertThat(JSON.readTree(op).get("Statement").size()).isGreaterThan(5);
  }

  @Test
  void anotherInstallationGetsItsOwnResourcesOnly() {
    Policies other = new Policies(new Installation("team-a", "us-east-2"), "aws-us-gov", "210987654321");
    String task = other.permissions(Installation.Role.TASK, false);
    assertThat(task).contains("arn:aws-us-gov:lambda:us-east-2:210987654321:function:team-a-orchestrator:live")
        .contains("arn:aws-us-gov:s3:::team-a-210987654321-us-east-2/runs/*")
        .doesNotContain("constellation-");
  }

  @Test
  void sameComparesJsonNotTextAndDecodesWhatIamReturns() {
    String doc = policies.permissions(Installation.Role.ORCHESTRATOR, false);
    String reordered = "{\"Statement\":" + doc.substring(doc.indexOf("[")) .replaceFirst("}$", "") + ",\"Version\":\"2012-10-17\"}";
    assertThat(Policies.same(doc, reordered)).isTrue();
    assertThat(Policies.same(URLEncoder.encode(doc, StandardCharsets.UTF_8), doc)).isTrue();
    assertThat(Policies.same(doc, policies.permissions(Installation.Role.EXECUTION, false))).isFalse();
    assertThat(Policies.same(null, doc)).isFalse();
    assertThat(Policies.same("not json", doc)).isFalse();
  }

  @Test
  void differencesNameTheStatementsBySid() {
    String s3 = policies.permissions(Installation.Role.TASK, false);
    String timestream = policies.permissions(Installation.Role.TASK, true);
    assertThat(Policies.differences(URLEncoder.encode(s3, StandardCharsets.UTF_8), s3)).isEmpty();
    assertThat(Policies.differences(timestream, s3))
        .isEqualTo("statement ResultsS3 is missing; statement ResultsTimestream is extra; statement TimestreamEndpoints is extra");
    assertThat(Policies.differences(s3.replace("s3:PutObject", "s3:GetObject"), s3)).isEqualTo("statement ResultsS3 differs");
    assertThat(Policies.differences(null, s3)).isEqualTo("there is no such policy");
    assertThat(Policies.differences("not json", s3)).isEqualTo("the document in the account is not JSON");
  }

  private static String golden(String name) throws IOException {
    try (InputStream in = PoliciesTest.class.getResourceAsStream("golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
