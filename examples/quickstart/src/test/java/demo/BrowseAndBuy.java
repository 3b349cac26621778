package demo;

import dev.constellation.api.Feeder;
import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.Request;
import dev.constellation.api.Response;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.time.Duration;
import java.util.Map;

/**
 * A shopper: looks at the catalogue, opens the item of a row of test data and the next one, and
 * sometimes buys it (the "checkout" group). Rows come from src/test/resources/shoppers.csv.
 */
@VirtualUser(name = "browse and buy", weight = 3)
@Feeder(name = "shoppers", file = "shoppers.csv", columns = {"user", "item"}, strategy = Feeder.Strategy.CIRCULAR)
public class BrowseAndBuy {

  private final Http http;

  public BrowseAndBuy(Http http) {
    this.http = http;
  }

  @Iteration
  void shop(VuContext vu) {
    Map<String, String> shopper = vu.feed("shoppers");
    long id = Long.parseLong(shopper.get("item"));
    http.get("/items").expectStatus(200);
    Response item = http.get("/items/" + id).expectStatus(200);
    vu.check("item has a price", item.text().contains("\"price\""));
    http.get("/items/" + (id + 1)).expectStatus(200);
    if (vu.iteration() % 3 == 0) {
      vu.group("checkout", () -> {
        http.send(Request.post("/cart").header("X-Shopper", shopper.get("user"))
            .body("{\"item\":" + id + "}", "application/json").name("add to cart")).expectStatus(201);
        vu.counter("items_bought").increment();
      });
    }
    vu.pause(Duration.ofMillis(50), Duration.ofMillis(150));
  }
}
