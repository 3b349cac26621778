package dev.constellation.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/aws.md quotes the policy files; this keeps the quotes equal to what init uses. */
class DocsPolicyTest {

  @Test
  void docsQuoteEveryPolicyFileAsItIs() throws IOException {
    String doc = Files.readString(repoRoot().resolve("docs/aws.md"));
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    ObjectMapper json = new ObjectMapper();
    List<Object> quoted = new ArrayList<>();
    for (String b : blocks) {
      quoted.add(json.readTree(b));
    }
    for (String file : List.of("execution-role.json", "task-role-s3.json", "task-role-timestream.json", "orchestrator-role.json",
        "operator.json")) {
      try (InputStream in = Policies.class.getResourceAsStream("policies/" + file)) {
        Object policy = json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        assertThat(quoted).as("docs/aws.md quotes " + file).contains(policy);
      }
    }
  }

  private static Path repoRoot() {
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/aws.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("docs/aws.md not found above " + Paths.get("").toAbsolutePath());
  }
}
