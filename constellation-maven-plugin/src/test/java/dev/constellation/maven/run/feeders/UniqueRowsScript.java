package dev.constellation.maven.run.feeders;

import dev.constellation.api.Feeder;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.util.Map;

/** Takes one row of a unique feeder per iteration and sends its id; the run ends when every agent's share is used. */
@VirtualUser(name = "unique-rows")
@Feeder(name = "rows", file = "unique-rows.csv", columns = {"id", "user"}, strategy = Feeder.Strategy.UNIQUE,
    whenExhausted = Feeder.WhenExhausted.END_RUN)
public class UniqueRowsScript {

  private final Http http;

  public UniqueRowsScript(Http http) {
    this.http = http;
  }

  @Iteration
  public void send(VuContext vu) {
    Map<String, String> row = vu.feed("rows");
    vu.group("use row", () -> http.get("/row?id=" + row.get("id") + "&agent=" + vu.region()).expectStatus(200));
    vu.check("user matches id", row.get("user").equals("user-" + row.get("id")));
    vu.counter("rows_sent").increment();
    vu.trend("row_id").record(Long.parseLong(row.get("id")));
  }
}
