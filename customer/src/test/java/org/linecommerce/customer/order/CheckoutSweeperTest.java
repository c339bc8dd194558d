package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.api.PlaceOrder;
import org.linecommerce.customer.internal.order.OrderRequests;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** An accepted order request whose checkout never started (the node died in between) is started by the sweeper. */
class CheckoutSweeperTest {

  @Test
  void acceptedRequestWithoutASagaIsCheckedOutByTheSweeper() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule()),
            ConfigFactory.parseString("linecommerce.orders.sweeper { interval = 300ms, grace = 0s }"))) {
      Node node = cluster.node(0);
      Awaitility.await("catalog seeded").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> OrderTesting.api(node, "GET", "/api/v1/products/fountain-pen-1", null, null).statusCode() == 200);

      // what POST stores before it starts the saga, as if the node had died right after the insert
      String orderId = UUID.randomUUID().toString();
      String json = Json.mapper(node.system())
          .writeValueAsString(new PlaceOrder("Usweep", List.of(new OrderLine("fountain-pen-1", 1))));
      new OrderRequests(node.system()).accept(new OrderRequests.Accepted(
          "api", "k-sweep-1", "not-checked-here", json, orderId, "Usweep", Instant.now())).toCompletableFuture().get();

      JsonNode order = Awaitility.await("order created by the swept checkout").atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(() -> OrderTesting.order(node, orderId), o -> o.hasNonNull("expiresAt"));
      assertThat(order.get("status").asText()).isEqualTo("pending");
      assertThat(order.get("total").decimalValue()).isPositive();

      try (Connection c = db.connect();
          PreparedStatement q = c.prepareStatement("SELECT saga_started FROM order_requests WHERE order_id = ?")) {
        q.setString(1, orderId);
        Awaitility.await("marked started").atMost(Duration.ofSeconds(5)).until(() -> {
          try (ResultSet rs = q.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
          }
        });
      }
    }
  }

  @Test
  void anUnreadableStoredRequestIsMarkedAndSkippedAndTheRequestsBehindItAreStillStarted() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule()),
            ConfigFactory.parseString("linecommerce.orders.sweeper { interval = 300ms, grace = 0s }"))) {
      Node node = cluster.node(0);
      Awaitility.await("catalog seeded").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> OrderTesting.api(node, "GET", "/api/v1/products/fountain-pen-1", null, null).statusCode() == 200);

      // a corrupt row accepted first (the sweeper takes the oldest first), then a good one
      String corruptId = UUID.randomUUID().toString();
      String goodId = UUID.randomUUID().toString();
      OrderRequests requests = new OrderRequests(node.system());
      requests.accept(new OrderRequests.Accepted("api", "k-corrupt", "x", "{\"userId\":\"Ucorrupt\",\"items\":[{",
          corruptId, "Ucorrupt", Instant.now().minusSeconds(60))).toCompletableFuture().get();
      String json = Json.mapper(node.system())
          .writeValueAsString(new PlaceOrder("Ugood", List.of(new OrderLine("fountain-pen-1", 1))));
      requests.accept(new OrderRequests.Accepted("api", "k-good", "y", json, goodId, "Ugood", Instant.now().minusSeconds(30)))
          .toCompletableFuture().get();

      Awaitility.await("the good request is checked out").atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> OrderTesting.order(node, goodId), o -> o.hasNonNull("expiresAt"));
      try (Connection c = db.connect();
          PreparedStatement q = c.prepareStatement("SELECT saga_started, unreadable FROM order_requests WHERE order_id = ?")) {
        q.setString(1, corruptId);
        Awaitility.await("the corrupt request is marked").atMost(Duration.ofSeconds(5)).until(() -> {
          try (ResultSet rs = q.executeQuery()) {
            return rs.next() && rs.getString("unreadable") != null && !rs.getBoolean("saga_started");
          }
        });
      }
    }
  }
}
