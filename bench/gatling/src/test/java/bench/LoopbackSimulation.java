package bench;

import static io.gatling.javaapi.core.CoreDsl.forever;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/** Same load as the agent run: N users, each looping one GET on its own keep-alive connection, for a fixed time. */
public class LoopbackSimulation extends Simulation {

  private final String baseUrl = System.getProperty("bench.baseUrl", "http://127.0.0.1:8080");
  private final int users = Integer.getInteger("bench.users", 50);
  private final int seconds = Integer.getInteger("bench.seconds", 20);

  private final HttpProtocolBuilder protocol = http.baseUrl(baseUrl).disableCaching().disableWarmUp();

  private final ScenarioBuilder scn = scenario("loop")
      .exec(forever().on(http("get").get("/").check(status().is(200))));

  {
    setUp(scn.injectOpen(atOnceUsers(users))).protocols(protocol).maxDuration(Duration.ofSeconds(seconds));
  }
}
