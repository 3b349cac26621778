package dev.constellation.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.model.Build;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes into the image's /app/constellation and /app/libs: the project's jars and the agent's, never the plugin's build-time jars. */
class ProjectClasspathTest {

  private static final String PLUGIN = "dev.constellation:constellation-maven-plugin:maven-plugin:0.1.0";
  private static final String AGENT = "dev.constellation:constellation-agent:jar:0.1.0";

  @TempDir Path dir;

  private Artifact artifact(String group, String id, String... trail) throws Exception {
    DefaultArtifactHandler handler = new DefaultArtifactHandler("jar");
    handler.setAddedToClasspath(true);
    DefaultArtifact a = new DefaultArtifact(group, id, "1.0", "runtime", "jar", null, handler);
    a.setFile(Files.writeString(dir.resolve(id + "-1.0.jar"), id).toFile());
    List<String> t = new ArrayList<>(List.of(trail));
    t.add(a.getId());
    a.setDependencyTrail(t);
    return a;
  }

  @Test
  void takesFromThePluginOnlyTheAgentAndWhatItNeedsLeavingJibMavenAndTheEcrClientOut() throws Exception {
    MavenProject project = new MavenProject();
    project.getModel().setBuild(new Build());
    project.getBuild().setOutputDirectory(dir.resolve("classes").toString());
    project.getBuild().setTestOutputDirectory(dir.resolve("test-classes").toString());
    Set<Artifact> projectArtifacts = new LinkedHashSet<>();
    projectArtifacts.add(artifact("dev.constellation", "constellation-api", "p:p:jar:1"));
    projectArtifacts.add(artifact("org.assertj", "assertj-core", "p:p:jar:1"));
    project.setArtifacts(projectArtifacts);
    PluginDescriptor plugin = new PluginDescriptor();
    plugin.setArtifacts(List.of(
        artifact("dev.constellation", "constellation-agent", PLUGIN),
        artifact("dev.constellation", "constellation-orchestrator", PLUGIN, AGENT),
        artifact("dev.constellation", "constellation-api", PLUGIN, AGENT),
        artifact("software.amazon.awssdk", "s3", PLUGIN, AGENT),
        artifact("org.hdrhistogram", "HdrHistogram", PLUGIN, AGENT),
        artifact("com.google.cloud.tools", "jib-core", PLUGIN),
        artifact("com.google.guava", "guava", PLUGIN, "com.google.cloud.tools:jib-core:jar:0.28.1"),
        artifact("org.apache.httpcomponents", "httpclient", PLUGIN, "com.google.cloud.tools:jib-core:jar:0.28.1"),
        artifact("software.amazon.awssdk", "ecr", PLUGIN),
        artifact("software.amazon.awssdk", "apache5-client", PLUGIN, "software.amazon.awssdk:ecr:jar:2.57.8"),
        artifact("dev.constellation", "constellation-maven-plugin")));

    ProjectClasspath cp = ProjectClasspath.of(project, plugin);

    assertThat(cp.constellationJars()).extracting(p -> p.getFileName().toString())
        .containsExactly("constellation-api-1.0.jar", "constellation-agent-1.0.jar", "constellation-orchestrator-1.0.jar");
    assertThat(cp.dependencyJars()).extracting(p -> p.getFileName().toString())
        .containsExactly("assertj-core-1.0.jar", "s3-1.0.jar", "HdrHistogram-1.0.jar");
  }
}
