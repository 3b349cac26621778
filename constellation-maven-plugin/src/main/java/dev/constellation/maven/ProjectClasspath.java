package dev.constellation.maven;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;

/**
 * What agents run with: the project's test and main classes, its test-scope jars, and the
 * plugin's own Constellation jars where the project does not bring them. Local runs put it all on
 * one classpath; the image keeps the parts in separate layers.
 *
 * @param testClasses the project's compiled test classes (the scripts)
 * @param classes the project's compiled main classes
 * @param constellationJars jars of group {@code dev.constellation}
 * @param dependencyJars every other jar
 */
record ProjectClasspath(Path testClasses, Path classes, List<Path> constellationJars, List<Path> dependencyJars) {

  static final String CONSTELLATION_GROUP = "dev.constellation";
  static final String AGENT_ARTIFACT = "constellation-agent";

  static ProjectClasspath of(MavenProject project, PluginDescriptor plugin) {
    Map<String, Artifact> byKey = new LinkedHashMap<>();
    for (Artifact a : project.getArtifacts()) {
      if (a.getFile() != null && a.getArtifactHandler().isAddedToClasspath()) {
        byKey.put(a.getGroupId() + ":" + a.getArtifactId(), a);
      }
    }
    for (Artifact a : plugin.getArtifacts()) {
      if (a.getFile() != null && isAgentOrItsDependency(a)) {
        byKey.putIfAbsent(a.getGroupId() + ":" + a.getArtifactId(), a);
      }
    }
    List<Path> constellation = new ArrayList<>();
    List<Path> others = new ArrayList<>();
    for (Artifact a : byKey.values()) {
      (CONSTELLATION_GROUP.equals(a.getGroupId()) ? constellation : others).add(a.getFile().toPath());
    }
    return new ProjectClasspath(Path.of(project.getBuild().getTestOutputDirectory()), Path.of(project.getBuild().getOutputDirectory()),
        List.copyOf(constellation), List.copyOf(others));
  }

  /** Of the plugin's own artifacts only the agent and what it needs run agents; Jib, Maven and the like stay out. */
  private static boolean isAgentOrItsDependency(Artifact a) {
    String agent = CONSTELLATION_GROUP + ":" + AGENT_ARTIFACT + ":";
    if (CONSTELLATION_GROUP.equals(a.getGroupId()) && AGENT_ARTIFACT.equals(a.getArtifactId())) {
      return true;
    }
    List<String> trail = a.getDependencyTrail();
    return trail != null && trail.stream().anyMatch(t -> t.startsWith(agent));
  }

  /** Everything, in class-loading order, for one JVM. */
  List<Path> all() {
    List<Path> out = new ArrayList<>();
    if (Files.isDirectory(testClasses)) {
      out.add(testClasses);
    }
    if (Files.isDirectory(classes)) {
      out.add(classes);
    }
    out.addAll(constellationJars);
    out.addAll(dependencyJars);
    return out;
  }
}
