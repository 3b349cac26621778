package dev.constellation.maven;

import dev.constellation.agent.http.HttpEngines;
import dev.constellation.maven.run.PlanException;
import dev.constellation.maven.run.RunException;
import dev.constellation.maven.run.RunLog;
import dev.constellation.maven.run.RunPlan;
import dev.constellation.maven.run.RunPlanner;
import dev.constellation.maven.run.RunService;
import dev.constellation.maven.run.Runner;
import dev.constellation.maven.run.Target;
import dev.constellation.maven.run.LocalRunner;
import dev.constellation.maven.aws.AwsRun;
import dev.constellation.maven.aws.AwsRunner;
import dev.constellation.maven.aws.EcrImages;
import dev.constellation.maven.image.AgentImageBuilder;
import dev.constellation.maven.image.ImageSpec;
import dev.constellation.aws.AwsClients;
import dev.constellation.aws.Installation;
import java.nio.file.Path;
import java.util.function.Supplier;
import dev.constellation.maven.visualize.Visualizer;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/**
 * Runs the project's {@code @VirtualUser} scripts as a load test: one agent per region, live
 * progress in the console, then {@code summary.json}, {@code junit.xml} and the report under
 * {@code target/constellation/<runId>/}. A failed threshold, or an interrupted run (Ctrl-C: the
 * report of the partial run is still written), fails the build.
 *
 * <p>Settings come from the pom, the original tool's JSON file ({@code <config>}) and
 * {@code -Dconstellation.*} properties; the command line wins over the file, the file over the pom
 * (see {@link RunPlanner}). This class only maps them; {@link RunService} runs the test.
 */
@Mojo(name = "run", defaultPhase = LifecyclePhase.INTEGRATION_TEST, requiresDependencyResolution = ResolutionScope.TEST,
    threadSafe = true)
public class RunMojo extends AbstractResultsMojo {

  /**
   * Where agents run: {@code local} (agent JVMs on this machine) or {@code aws} (ECS Fargate tasks in
   * each region; run {@code constellation:init} first, see docs/aws.md).
   */
  @Parameter(property = "constellation.target", defaultValue = RunPlanner.DEFAULT_TARGET)
  String target;

  /** How long virtual users start new iterations, such as {@code 30s}, {@code 5m} or {@code PT1M}. */
  @Parameter(property = "constellation.duration", defaultValue = RunPlanner.DEFAULT_DURATION)
  String duration;

  /**
   * Virtual users to run. Closed model (no {@code <rate>}): each loops its iteration back to back.
   * Open model: the most iterations that run at once; an iteration due while all are busy is dropped and counted.
   */
  @Parameter(property = "constellation.vus", defaultValue = RunPlanner.DEFAULT_VUS)
  String vus;

  /**
   * The open model: iterations started per second, per region: {@code 50}, or stages ramping
   * linearly from 0 such as {@code 10s:50,1m:50,10s:0} (then the stages set the duration). Empty: the closed model.
   */
  @Parameter(property = "constellation.rate")
  String rate;

  /** The closed model with a changing VU count: stages ramping linearly from 0, such as {@code 30s:50,2m:50,30s:0}. */
  @Parameter(property = "constellation.stages")
  String stages;

  /** The HTTP engine: {@code socket} (lean HTTP/1.1 on blocking sockets) or {@code jdk} ({@code java.net.http}). */
  @Parameter(property = "constellation.engine", defaultValue = HttpEngines.DEFAULT)
  String engine;

  /**
   * Whether a request that got no byte of response on a reused keep-alive connection (the server
   * closed it while idle) is sent again once on a new connection, whatever its method, as browsers
   * do. Each retry is counted ({@code retries} in the report); {@code false} makes such a request a
   * failure instead.
   */
  @Parameter(property = "constellation.retries", defaultValue = "true")
  String retries;

  /**
   * Whether redirects (301, 302, 303, 307, 308) are followed; each hop is recorded as a request of
   * its own. A request can choose with {@code Request.followRedirects(boolean)}.
   */
  @Parameter(property = "constellation.followRedirects", defaultValue = "true")
  String followRedirects;

  /** How many redirects one request may follow; one more fails it with error type {@code too_many_redirects}. */
  @Parameter(property = "constellation.maxRedirects", defaultValue = "10")
  String maxRedirects;

  /**
   * The cookie jar: {@code vu} (one per virtual user, kept across its iterations), {@code iteration}
   * (emptied before each iteration) or {@code off} (no cookies stored or sent automatically).
   */
  @Parameter(property = "constellation.cookies", defaultValue = "vu")
  String cookies;

  /**
   * Whether requests carry {@code Accept-Encoding: gzip, deflate} (as browsers and k6 send) unless
   * the script sets its own; gzip and deflate responses are decoded either way.
   */
  @Parameter(property = "constellation.compression", defaultValue = "true")
  String compression;

  /** CA or server certificates to trust for https, PEM or PKCS12 ({@code .p12}); default: the JVM's trusted CAs. */
  @Parameter(property = "constellation.truststore")
  String truststore;

  /** The PKCS12 truststore's password. */
  @Parameter(property = "constellation.truststorePassword")
  String truststorePassword;

  /** The client certificate for mutual TLS: PKCS12 ({@code .p12}, with its key) or PEM (then {@code clientKey}). */
  @Parameter(property = "constellation.clientCert")
  String clientCert;

  /** The PEM client certificate's private key, unencrypted PKCS #8 ({@code -----BEGIN PRIVATE KEY-----}). */
  @Parameter(property = "constellation.clientKey")
  String clientKey;

  /** The PKCS12 client certificate's password. */
  @Parameter(property = "constellation.clientCertPassword")
  String clientCertPassword;

  /** Trusts every https certificate and checks no host name: test environments only; the console and the report say so loudly. */
  @Parameter(property = "constellation.insecure", defaultValue = "false")
  String insecure;

  /** The base URL that relative request paths resolve against, such as {@code http://127.0.0.1:8080}. */
  @Parameter(property = "constellation.baseUrl")
  String baseUrl;

  /** Script classes to run (fully qualified, comma-separated on the command line); empty runs every {@code @VirtualUser} class. */
  @Parameter(property = "constellation.scripts")
  List<String> scripts;

  /** How long a running iteration may go on after the duration before it is interrupted and counted. */
  @Parameter(property = "constellation.gracefulStop", defaultValue = RunPlanner.DEFAULT_GRACEFUL_STOP)
  String gracefulStop;

  /** Time limit of each request; a request that takes longer fails with error type {@code timeout}. */
  @Parameter(property = "constellation.requestTimeout", defaultValue = RunPlanner.DEFAULT_REQUEST_TIMEOUT)
  String requestTimeout;

  /** Time limit of each TCP connect; a slower connect fails with error type {@code connect_timeout}. */
  @Parameter(property = "constellation.connectTimeout", defaultValue = RunPlanner.DEFAULT_CONNECT_TIMEOUT)
  String connectTimeout;

  /** Values scripts read with {@code VuContext.parameter(key)}; {@code -Dconstellation.param.<key>=<value>} adds to them. */
  @Parameter
  Map<String, String> parameters;

  /** Distinct request names kept apart; further names are recorded as one, with a warning. */
  @Parameter(property = "constellation.maxRequestNames", defaultValue = RunPlanner.DEFAULT_MAX_REQUEST_NAMES)
  String maxRequestNames;

  /** How often live progress is printed while the test runs. */
  @Parameter(property = "constellation.progressInterval", defaultValue = RunPlanner.DEFAULT_PROGRESS_INTERVAL)
  String progressInterval;

  /** How long to wait for the base URL to accept connections before starting (0s: check once and warn). */
  @Parameter(property = "constellation.targetWait", defaultValue = RunPlanner.DEFAULT_TARGET_WAIT)
  String targetWait;

  /** The {@code java} launcher for agent JVMs; default: the one running Maven. Point it at a Java 21+ JDK for virtual threads. */
  @Parameter(property = "constellation.jvm")
  String jvm;

  /** Extra JVM options for agent JVMs, such as {@code -Xmx2g}. */
  @Parameter(property = "constellation.jvmArgs")
  List<String> jvmArgs;

  /** Virtual users per region, such as {@code <us-east-1>20</us-east-1>}: one agent per region. Empty: one region, {@code local}. */
  @Parameter
  Map<String, String> remoteRegions;

  /** The same as {@code <remoteRegions>} on the command line: {@code -Dconstellation.remoteRegions=us-east-1:20,eu-west-1:10}. */
  @Parameter(property = "constellation.remoteRegions")
  String remoteRegionsList;

  /** Time between the last agent's registration and the synchronized start. */
  @Parameter(property = "constellation.startBuffer", defaultValue = RunPlanner.DEFAULT_START_BUFFER)
  String startBuffer;

  /** How long agents have to register after the run is created; past it the run is aborted and no load is sent. */
  @Parameter(property = "constellation.registrationDeadline", defaultValue = RunPlanner.DEFAULT_REGISTRATION_DEADLINE)
  String registrationDeadline;

  /**
   * The original tool's JSON configuration, accepted as is:
   * {@code {"DURATION": 20000, "HOME_REGION": "eu-central-1", "REMOTE_REGIONS": {"us-east-2": 20}}}
   * (DURATION in ms). Its values win over the pom's; {@code -Dconstellation.*} properties win over it.
   */
  @Parameter(property = "constellation.config")
  File config;

  /**
   * On AWS: virtual users one task (one agent) carries; a region gets {@code ceil(vus / vusPerTask)}
   * tasks. The default is half of what one agent kept up with on one core standing in for a task of
   * the default size (1 vCPU, 2 GB) with a script of one request and 1 s of think time per iteration
   * (docs/performance.md §4); not measured on Fargate. Lower it for heavier scripts or a smaller
   * {@code taskCpu}; each agent warns when it is the bottleneck.
   */
  @Parameter(property = "constellation.vusPerTask", defaultValue = RunPlanner.DEFAULT_VUS_PER_TASK)
  String vusPerTask;

  /** On AWS: tasks per region instead of the computed number, such as {@code <us-east-2>3</us-east-2>}; {@code -Dconstellation.tasksPerRegion=us-east-2:3}. */
  @Parameter
  Map<String, String> tasksPerRegion;

  /** On AWS: Fargate task CPU units (1024 = 1 vCPU); with {@code taskMemory} one of Fargate's allowed combinations. */
  @Parameter(property = "constellation.taskCpu", defaultValue = "1024")
  String taskCpu;

  /** On AWS: Fargate task memory in MiB. */
  @Parameter(property = "constellation.taskMemory", defaultValue = "2048")
  String taskMemory;

  /** On AWS: run the tasks on Fargate Spot (cheaper; a task can be reclaimed with two minutes' notice). */
  @Parameter(property = "constellation.spot", defaultValue = "false")
  String spot;

  /** On AWS: the most the run may cost by the estimate printed before it starts, in US dollars; above it the run is refused. */
  @Parameter(property = "constellation.maxCost")
  String maxCost;

  /** On AWS: print the plan and the price, then stop before any AWS call. */
  @Parameter(property = "constellation.dryRun", defaultValue = "false")
  String dryRun;

  /** On AWS: the installation {@code constellation:init} created. */
  @Parameter(property = "constellation.installation", defaultValue = "constellation")
  String installation;

  /** On AWS: a named AWS profile; empty: the default credential chain. */
  @Parameter(property = "constellation.profile")
  String profile;

  /** On AWS: the agent image's base, a Java 21+ runtime (as for {@code constellation:image}). */
  @Parameter(property = "constellation.image.base", defaultValue = ImageSpec.DEFAULT_BASE_IMAGE)
  String imageBase;

  /** On AWS: the image platform, {@code linux/amd64} or {@code linux/arm64} (Graviton Fargate). */
  @Parameter(property = "constellation.image.platform", defaultValue = ImageSpec.DEFAULT_PLATFORM)
  String imagePlatform;

  /** On AWS: allows a plain-HTTP or self-signed base image registry. */
  @Parameter(property = "constellation.image.allowInsecureRegistries", defaultValue = "false")
  boolean allowInsecureRegistries;

  /** On AWS: where Jib keeps its layer caches. */
  @Parameter(property = "constellation.image.cacheDirectory", defaultValue = "${project.build.directory}/constellation/jib-cache")
  File imageCacheDirectory;

  /**
   * Whether to start the visualizer with the run when none is running over the output directory: its live URL is
   * printed, the page follows the run and shows its report at the end; it stops with the build
   * ({@code mvn constellation:visualize} serves every run for as long as you want).
   */
  @Parameter(property = "constellation.visualize", defaultValue = "false")
  boolean visualize;

  /** The visualizer's port, with {@code visualize}. */
  @Parameter(property = "constellation.visualize.port", defaultValue = "3002")
  int visualizePort;

  /** The visualizer's address, with {@code visualize}: {@code 127.0.0.1} keeps it on this machine. */
  @Parameter(property = "constellation.visualize.bind", defaultValue = Visualizer.DEFAULT_BIND)
  String visualizeBind;

  /** Skips the load test. */
  @Parameter(property = "constellation.skip", defaultValue = "false")
  boolean skip;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  PluginDescriptor plugin;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
  MojoExecution mojoExecution;

  @Parameter(defaultValue = "${session.userProperties}", readonly = true)
  Properties userProperties;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    String skipProperty = userProperties == null ? null : userProperties.getProperty("constellation.skip");
    if (skipProperty != null ? Boolean.parseBoolean(skipProperty.trim()) : skip) {
      getLog().info("constellation:run skipped (constellation.skip=true)");
      return;
    }
    RunService.Result result;
    Visualizer visualizer = startVisualizer();
    try {
      RunPlan plan = new RunPlanner().plan(new RunPlanner.Sources(pomValues(), commandLine(), project.getBasedir().toPath()));
      RunLog log = new RunLog() {
        @Override
        public void info(String line) {
          getLog().info(line);
        }

        @Override
        public void warn(String line) {
          getLog().warn(line);
        }
      };
      result = new RunService(runners(plan, log)).run(plan, new RunService.Environment(outputDirectory.toPath(), project.getBasedir().toPath(),
          ProjectClasspath.of(project, plugin).all(), baselinePath(""), log, true));
    } catch (PlanException | RunException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("interrupted; the agents were stopped");
    } finally {
      if (visualizer != null) {
        visualizer.closeWhenShown();
      }
    }
    if (result.isDryRun()) {
      return;
    }
    if (result.interrupted()) {
      throw new MojoFailureException("the run was interrupted; the report of the partial run is in " + result.runDir());
    }
    failOnThresholds(result.thresholds(), result.runDir());
  }

  /** The local runner, and the AWS runner with the project's agent image. */
  private Map<Target, Runner> runners(RunPlan plan, RunLog log) {
    Map<Target, Runner> out = new LinkedHashMap<>();
    out.put(Target.LOCAL, new LocalRunner());
    if (plan.target() == Target.AWS) {
      Path cache = imageCacheDirectory.toPath();
      AgentImageBuilder builder = new AgentImageBuilder(cache.resolve("base"), cache.resolve("application"), log::info);
      Supplier<ImageSpec> spec = () -> {
        ProjectClasspath cp = ProjectClasspath.of(project, plugin);
        return ImageSpec.builder().baseImage(imageBase).dependencyJars(cp.dependencyJars()).constellationJars(cp.constellationJars())
            .classesDirectory(cp.classes()).testClassesDirectory(cp.testClasses())
            .labels(Map.of("constellation.project", project.getGroupId() + ":" + project.getArtifactId() + ":" + project.getVersion()))
            .platform(imagePlatform).allowInsecureRegistries(allowInsecureRegistries).build();
      };
      out.put(Target.AWS, new AwsRunner(p -> new AwsClients(AwsClients.Options.fromSystemProperties(p.isEmpty() ? null : p)),
          new EcrImages(spec, builder, new Installation(plan.aws().installation(), plan.homeRegion()).repository(), log::info),
          AwsRun.Options.defaults()));
    }
    return out;
  }

  /** The visualizer for this run ({@code visualize=true} and none running over the output directory), else null. */
  Visualizer startVisualizer() throws MojoExecutionException {
    if (!visualize || Visualizer.running(outputDirectory.toPath()).isPresent()) {
      return null;
    }
    try {
      Visualizer v = Visualizer.start(outputDirectory.toPath(), visualizeBind, visualizePort);
      getLog().info("Constellation visualizer: " + v.url() + " (stops with this build; mvn constellation:visualize keeps serving)");
      return v;
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    }
  }

  /** The values the pom's {@code <configuration>} really sets (Maven fills the rest from -D properties and defaults). */
  private Map<String, Object> pomValues() {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("target", target);
    all.put("duration", duration);
    all.put("vus", vus);
    all.put("rate", rate);
    all.put("stages", stages);
    all.put("engine", engine);
    all.put("retries", retries);
    all.put("followRedirects", followRedirects);
    all.put("maxRedirects", maxRedirects);
    all.put("cookies", cookies);
    all.put("compression", compression);
    all.put("truststore", truststore);
    all.put("truststorePassword", truststorePassword);
    all.put("clientCert", clientCert);
    all.put("clientKey", clientKey);
    all.put("clientCertPassword", clientCertPassword);
    all.put("insecure", insecure);
    all.put("baseUrl", baseUrl);
    all.put("scripts", scripts);
    all.put("gracefulStop", gracefulStop);
    all.put("requestTimeout", requestTimeout);
    all.put("connectTimeout", connectTimeout);
    all.put("parameters", parameters);
    all.put("maxRequestNames", maxRequestNames);
    all.put("progressInterval", progressInterval);
    all.put("targetWait", targetWait);
    all.put("jvm", jvm);
    all.put("jvmArgs", jvmArgs);
    all.put("remoteRegions", remoteRegions);
    all.put("remoteRegionsList", remoteRegionsList);
    all.put("startBuffer", startBuffer);
    all.put("registrationDeadline", registrationDeadline);
    all.put("config", config == null ? null : config.getPath());
    all.put("homeRegion", homeRegion);
    all.put("thresholds", thresholds);
    all.put("vusPerTask", vusPerTask);
    all.put("tasksPerRegion", tasksPerRegion);
    all.put("taskCpu", taskCpu);
    all.put("taskMemory", taskMemory);
    all.put("spot", spot);
    all.put("maxCost", maxCost);
    all.put("dryRun", dryRun);
    all.put("installation", installation);
    all.put("profile", profile);
    Xpp3Dom configured = mojoExecution == null ? null : mojoExecution.getConfiguration();
    Map<String, Object> pom = new LinkedHashMap<>();
    all.forEach((name, value) -> {
      if (value != null && configuredInPom(configured, name)) {
        pom.put(name, value);
      }
    });
    return pom;
  }

  /**
   * Whether the pom sets a parameter. In the execution's configuration a parameter the pom does
   * not set carries its property expression ({@code ${constellation.duration}}) or nothing.
   */
  static boolean configuredInPom(Xpp3Dom configuration, String name) {
    Xpp3Dom child = configuration == null ? null : configuration.getChild(name);
    if (child == null) {
      return false;
    }
    if (child.getChildCount() > 0) {
      return true;
    }
    String text = child.getValue();
    return text != null && !text.isBlank() && !text.trim().matches("\\$\\{constellation\\.[A-Za-z.]+}");
  }

  private Map<String, String> commandLine() {
    Map<String, String> out = new LinkedHashMap<>();
    if (userProperties != null) {
      for (String key : userProperties.stringPropertyNames()) {
        if (key.startsWith(RunPlanner.PREFIX)) {
          out.put(key, userProperties.getProperty(key));
        }
      }
    }
    return out;
  }
}
