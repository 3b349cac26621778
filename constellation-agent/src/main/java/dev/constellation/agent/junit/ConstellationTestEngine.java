package dev.constellation.agent.junit;

import dev.constellation.agent.AgentConfig;
import dev.constellation.agent.Setting;
import dev.constellation.agent.http.HttpEngine;
import dev.constellation.agent.http.HttpEngines;
import dev.constellation.agent.feed.FeedShare;
import dev.constellation.agent.feed.Feeds;
import dev.constellation.agent.record.Recording;
import dev.constellation.agent.record.VuMetrics;
import dev.constellation.agent.results.IntervalRecord;
import dev.constellation.agent.script.ScriptDefinition;
import dev.constellation.agent.script.VirtualUserInstance;
import dev.constellation.api.VirtualUser;
import dev.constellation.agent.http.InstrumentedHttp;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Optional;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;
import org.junit.platform.engine.support.discovery.EngineDiscoveryRequestResolver;
import org.junit.platform.engine.support.discovery.SelectorResolver;

/**
 * A JUnit Platform engine for {@code @VirtualUser} classes. The agent finds scripts through it;
 * an IDE or {@code mvn test} runs each script once (one VU, one iteration) as a smoke test, but
 * only when a base URL is given ({@code -Dconstellation.baseUrl=...} or the JUnit configuration
 * parameter of that name): without one every script is reported skipped, so a plain build never
 * sends traffic anywhere by surprise.
 */
public final class ConstellationTestEngine implements TestEngine {

  /** The engine id. */
  public static final String ID = "constellation";
  /** The configuration parameter (or system property) that enables smoke runs. */
  public static final String BASE_URL = "constellation.baseUrl";

  private static final EngineDiscoveryRequestResolver<EngineDescriptor> RESOLVER =
      EngineDiscoveryRequestResolver.<EngineDescriptor>builder()
          .addClassContainerSelectorResolver(ConstellationTestEngine::isScript)
          .addSelectorResolver(context -> new ScriptResolver())
          .build();

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public Optional<String> getGroupId() {
    return Optional.of("dev.constellation");
  }

  @Override
  public Optional<String> getArtifactId() {
    return Optional.of("constellation-agent");
  }

  @Override
  public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
    EngineDescriptor engine = new EngineDescriptor(uniqueId, "Constellation");
    RESOLVER.resolve(request, engine);
    return engine;
  }

  @Override
  public void execute(ExecutionRequest request) {
    EngineExecutionListener listener = request.getEngineExecutionListener();
    TestDescriptor root = request.getRootTestDescriptor();
    Optional<String> baseUrl = request.getConfigurationParameters().get(BASE_URL).map(String::trim).filter(s -> !s.isEmpty());
    listener.executionStarted(root);
    for (TestDescriptor child : root.getChildren()) {
      if (!(child instanceof ScriptDescriptor script)) {
        continue;
      }
      listener.executionStarted(script);
      SmokeRunDescriptor run = script.smokeRun();
      if (baseUrl.isEmpty()) {
        listener.executionSkipped(run, "no base URL for the smoke run: scripts are only run once against an address you name; "
            + "set -D" + BASE_URL + "=http://host:port (or the JUnit configuration parameter " + BASE_URL + ") to run each "
            + "@VirtualUser once");
      } else {
        listener.executionStarted(run);
        listener.executionFinished(run, smokeRun(script, baseUrl.get(), request.getConfigurationParameters(), listener));
      }
      listener.executionFinished(script, TestExecutionResult.successful());
    }
    listener.executionFinished(root, TestExecutionResult.successful());
  }

  /** The HTTP and TLS settings a smoke run takes from {@code constellation.<setting>} parameters (or system properties), as a run does. */
  static AgentConfig httpSettings(org.junit.platform.engine.ConfigurationParameters params) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--runId", "smoke"));
    for (Setting s : java.util.List.of(Setting.FOLLOW_REDIRECTS, Setting.MAX_REDIRECTS, Setting.COOKIES, Setting.COMPRESSION,
        Setting.TRUSTSTORE, Setting.TRUSTSTORE_PASSWORD, Setting.CLIENT_CERT, Setting.CLIENT_KEY, Setting.CLIENT_CERT_PASSWORD,
        Setting.INSECURE)) {
      params.get("constellation." + s.key()).ifPresent(v -> {
        args.add(s.flag());
        args.add(v);
      });
    }
    return AgentConfig.parse(args.toArray(String[]::new));
  }

  private static TestExecutionResult smokeRun(ScriptDescriptor d, String baseUrl, org.junit.platform.engine.ConfigurationParameters params,
      EngineExecutionListener listener) {
    TestDescriptor test = d.smokeRun();
    String problem = AgentConfig.checkBaseUrl(baseUrl);
    if (problem != null) {
      return TestExecutionResult.failed(new IllegalArgumentException(BASE_URL + " is \"" + baseUrl + "\": " + problem));
    }
    AgentConfig http;
    try {
      http = httpSettings(params);
      java.util.List<String> tlsProblems = http.tls().problems();
      if (!tlsProblems.isEmpty()) {
        throw new IllegalArgumentException(String.join("\n", tlsProblems));
      }
    } catch (IllegalArgumentException e) {
      return TestExecutionResult.failed(e);
    }
    Feeds feeds = null;
    try (HttpEngine engine = HttpEngines.create(HttpEngines.DEFAULT, Duration.ofSeconds(10), http.tls().sslContext())) {
      ScriptDefinition script = ScriptDefinition.of(d.scriptClass);
      Recording recording = new Recording("smoke", "local", "smoke-0", 100);
      SmokeContext context = new SmokeContext(baseUrl);
      InstrumentedHttp instrumented = new InstrumentedHttp(engine, recording, script.name(), baseUrl, Duration.ofSeconds(30), http.httpOptions());
      // feeders are checked whole, as before a run; a smoke run takes its rows like one VU alone
      feeds = Feeds.load(java.util.Map.of(script.type(), script.name()), script.type().getClassLoader(), FeedShare.alone(1), "smoke", "local", 0);
      context.attach(new VuMetrics(recording, script.name(), instrumented::failedRequests), feeds.forVu(script.type(), script.name(), 0, recording));
      VirtualUserInstance vu = VirtualUserInstance.create(script, instrumented, context);
      Throwable failure = null;
      try {
        vu.before();
        context.iteration(0);
        vu.iterate();
      } catch (Throwable t) {
        failure = t;
      }
      Throwable teardown = vu.after();
      StringBuilder summary = new StringBuilder();
      java.util.List<IntervalRecord> drained = recording.drain(System.currentTimeMillis(), 0);
      for (IntervalRecord r : drained) {
        if (IntervalRecord.KIND_HTTP.equals(r.kind())) {
          summary.append(summary.length() == 0 ? "" : "; ").append(r.name()).append(' ').append(r.statusCodes().isEmpty() ? r.errors() : r.statusCodes());
        }
      }
      if (summary.length() > 0) {
        listener.reportingEntryPublished(test, ReportEntry.from("requests", summary.toString()));
      }
      java.util.List<String> checks = new java.util.ArrayList<>();
      for (IntervalRecord r : drained) {
        if (IntervalRecord.KIND_CHECK.equals(r.kind()) && r.failures() > 0) {
          checks.add(r.name() + (r.messages().isEmpty() ? "" : " (" + String.join("; ", r.messages().keySet()) + ")"));
        }
      }
      if (failure == null) {
        failure = teardown;
      }
      if (failure == null && !checks.isEmpty()) {
        // a smoke run checks that the script works: a failed check fails it, though it does not stop a load test's iteration
        failure = new AssertionError("check" + (checks.size() == 1 ? "" : "s") + " failed: " + String.join(", ", checks));
      }
      return failure == null ? TestExecutionResult.successful() : TestExecutionResult.failed(failure);
    } catch (Throwable t) {
      return TestExecutionResult.failed(t);
    } finally {
      if (feeds != null) {
        try {
          feeds.close();
        } catch (java.io.IOException ignored) {
          // the run's outcome is decided; a temporary copy left behind is deleted at exit
        }
      }
    }
  }

  static boolean isScript(Class<?> c) {
    return c.isAnnotationPresent(VirtualUser.class) && !Modifier.isAbstract(c.getModifiers()) && !c.isInterface();
  }

  /** Resolves class selectors of {@code @VirtualUser} classes to script descriptors. */
  private static final class ScriptResolver implements SelectorResolver {
    @Override
    public Resolution resolve(ClassSelector selector, Context context) {
      Class<?> c = selector.getJavaClass();
      if (!isScript(c)) {
        return Resolution.unresolved();
      }
      return context.addToParent(parent -> Optional.of(new ScriptDescriptor(parent.getUniqueId().append("script", c.getName()), c)))
          .map(d -> Resolution.match(Match.exact(d)))
          .orElse(Resolution.unresolved());
    }
  }

  /** One {@code @VirtualUser} class: a container, as build tools report tests per class. */
  static final class ScriptDescriptor extends AbstractTestDescriptor {
    private final Class<?> scriptClass;

    ScriptDescriptor(UniqueId id, Class<?> scriptClass) {
      super(id, scriptClass.getSimpleName(), ClassSource.from(scriptClass));
      this.scriptClass = scriptClass;
      addChild(new SmokeRunDescriptor(id.append("smoke-run", "once"), scriptClass));
    }

    SmokeRunDescriptor smokeRun() {
      return (SmokeRunDescriptor) getChildren().iterator().next();
    }

    @Override
    public Type getType() {
      return Type.CONTAINER;
    }
  }

  /** The single test of a script: one VU, one iteration. */
  static final class SmokeRunDescriptor extends AbstractTestDescriptor {
    SmokeRunDescriptor(UniqueId id, Class<?> scriptClass) {
      super(id, "one iteration", ClassSource.from(scriptClass));
    }

    @Override
    public Type getType() {
      return Type.TEST;
    }
  }
}
