package dev.constellation.agent.vt;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the JUnit Jupiter test classes named on its command line in this JVM and prints one line
 * {@code RESULT found=N succeeded=N failed=N aborted=N}; exits 0 only if tests were found and none
 * failed or aborted. {@link VirtualThreadPathIT} starts it on a JDK 21+.
 */
public final class ChildTestRun {

  private ChildTestRun() {}

  public static void main(String[] args) throws Exception {
    List<org.junit.platform.engine.DiscoverySelector> selectors = new ArrayList<>();
    for (String a : args) {
      selectors.add(selectClass(Class.forName(a)));
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors)
        .filters(EngineFilter.includeEngines("junit-jupiter")).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request, listener);
    TestExecutionSummary s = listener.getSummary();
    s.printFailuresTo(new PrintWriter(System.out, true), 20);
    System.out.println("RESULT found=" + s.getTestsFoundCount() + " succeeded=" + s.getTestsSucceededCount()
        + " failed=" + s.getTestsFailedCount() + " aborted=" + s.getTestsAbortedCount()
        + " java=" + Runtime.version().feature());
    boolean ok = s.getTestsFoundCount() > 0 && s.getTestsFailedCount() == 0 && s.getTestsAbortedCount() == 0
        && s.getContainersFailedCount() == 0;
    System.exit(ok ? 0 : 1);
  }
}
