package dev.constellation.agent.script;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;
import static org.junit.platform.launcher.EngineFilter.includeEngines;

import dev.constellation.agent.junit.ConstellationTestEngine;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Finds the scripts to run, with the JUnit Platform Launcher's discovery and our engine. */
public final class ScriptDiscovery {

  private ScriptDiscovery() {}

  /**
   * The scripts named, or every {@code @VirtualUser} class in the classpath's directories.
   *
   * @param classNames fully qualified class names; empty means discover all
   * @param loader the class loader holding the scripts
   * @return validated scripts, at least one
   * @throws ScriptException when a name is unknown or nothing is found
   */
  public static List<ScriptDefinition> find(List<String> classNames, ClassLoader loader) {
    List<ScriptDefinition> out = new ArrayList<>();
    if (!classNames.isEmpty()) {
      for (String name : classNames) {
        Class<?> c;
        try {
          c = Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          throw new ScriptException("script class " + name + " was not found on the test classpath; check <scripts> "
              + "(-Dconstellation.scripts) for a typo and that the class is under src/test/java");
        }
        out.add(ScriptDefinition.of(c));
      }
      return out;
    }
    for (String name : discoverAll()) {
      try {
        out.add(ScriptDefinition.of(Class.forName(name, false, loader)));
      } catch (ClassNotFoundException e) {
        throw new ScriptException("discovered script " + name + " could not be loaded: " + e.getMessage(), e);
      }
    }
    if (out.isEmpty()) {
      throw new ScriptException("no @VirtualUser class was found on the test classpath ("
          + String.join(File.pathSeparator, classpathDirectories().stream().map(Path::toString).toList())
          + "); add a public class annotated @VirtualUser under src/test/java, or name one in <scripts>");
    }
    return out;
  }

  private static Set<String> discoverAll() {
    List<DiscoverySelector> selectors = new ArrayList<>(selectClasspathRoots(new LinkedHashSet<>(classpathDirectories())));
    if (selectors.isEmpty()) {
      return Set.of();
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectors)
        .filters(includeEngines(ConstellationTestEngine.ID))
        .build();
    Launcher launcher = LauncherFactory.create();
    TestPlan plan = launcher.discover(request);
    Set<String> names = new LinkedHashSet<>();
    for (TestIdentifier root : plan.getRoots()) {
      for (TestIdentifier child : plan.getChildren(root)) {
        child.getSource()
            .filter(ClassSource.class::isInstance)
            .map(s -> ((ClassSource) s).getClassName())
            .ifPresent(names::add);
      }
    }
    return names;
  }

  private static List<Path> classpathDirectories() {
    List<Path> dirs = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isDirectory(Path.of(entry))) {
        dirs.add(Path.of(entry));
      }
    }
    return dirs;
  }
}
