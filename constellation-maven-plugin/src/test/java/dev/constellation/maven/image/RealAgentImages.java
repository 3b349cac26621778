package dev.constellation.maven.image;

import dev.constellation.agent.AgentMain;
import dev.constellation.api.VirtualUser;
import dev.constellation.maven.image.agentscript.PingScript;
import dev.constellation.orchestrator.RunSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real agent image for tests in other packages (the AWS run): the reactor's agent jars, this
 * test classpath's other jars as dependencies, and {@link PingScript} as the project's only
 * script, on the stand-in base pushed to a loopback registry (see {@link RealAgentImageIT}).
 */
public final class RealAgentImages {

  private RealAgentImages() {}

  /**
   * Pushes the stand-in base to the registry and returns the spec of an image with the real agent.
   *
   * @param registryHost {@code 127.0.0.1:<port>} of a plain-HTTP registry
   * @param dir a folder for the base, the project and the jars
   * @return the spec (insecure registries allowed)
   * @throws Exception when the base cannot be pushed or the files written
   */
  public static ImageSpec spec(String registryHost, Path dir) throws Exception {
    String base = new RegistryApi(registryHost).pushStandInBase(Files.createDirectories(dir.resolve("base")));
    Path testClasses = dir.resolve("project/target/test-classes");
    RealAgentImageIT.copyFromTestClasses(PingScript.class.getName().replace('.', '/') + ".class", testClasses);
    Path jars = Files.createDirectories(dir.resolve("jars"));
    List<Path> constellationJars = List.of(RealAgentImageIT.jarOf(AgentMain.class, jars), RealAgentImageIT.jarOf(VirtualUser.class, jars),
        RealAgentImageIT.jarOf(RunSetup.class, jars));
    return ImageSpec.builder()
        .baseImage(base)
        .dependencyJars(RealAgentImageIT.dependencyJars(constellationJars))
        .constellationJars(constellationJars)
        .classesDirectory(Files.createDirectories(dir.resolve("project/target/classes")))
        .testClassesDirectory(testClasses)
        .allowInsecureRegistries(true)
        .build();
  }
}
