package demo;

import dev.constellation.api.Http;
import dev.constellation.api.Iteration;
import dev.constellation.api.Request;
import dev.constellation.api.VirtualUser;
import dev.constellation.api.VuContext;
import java.time.Duration;

/** A shopper: looks at the catalogue, opens two items, sometimes puts one in the cart. */
@VirtualUser(name = "browse and buy", weight = 3)
public class BrowseAndBuy {

  private final Http http;

  public BrowseAndBuy(Http http) {
    this.http = http;
  }

  @Iteration
  void shop(VuContext vu) {
    http.get("/items").expectStatus(200);
    long id = (vu.vuIndex() * 31L + vu.iteration()) % 1000 + 1;
    http.get("/items/" + id).expectStatus(200);
    http.get("/items/" + (id + 1)).expectStatus(200);
    if (vu.iteration() % 3 == 0) {
      http.send(Request.post("/cart").body("{\"item\":" + id + "}", "application/json").name("add to cart")).expectStatus(201);
    }
    vu.pause(Duration.ofMillis(50), Duration.ofMillis(150));
  }
}
