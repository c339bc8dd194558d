package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** The node's real modules together: a placed order lands in the customer's activity and signals. */
class CheckoutCustomerActivityTest {

  @Test
  void placedOrderIsRecordedOnTheCustomerAndFeedsRecommendations() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule()))) {
      Node node = cluster.node(0);
      // the bundled sample catalog is seeded into the empty database
      Awaitility.await("catalog seeded").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> OrderTesting.api(node, "GET", "/api/v1/products/fountain-pen-1", null, null).statusCode() == 200);

      var placed = OrderTesting.placeOrder(node, "k-activity-1", "Uactivity", "fountain-pen-1", "1");
      assertThat(placed.statusCode()).isEqualTo(202);
      String orderId = OrderTesting.json(placed).get("orderId").asText();

      JsonNode customer = Awaitility.await("order_placed recorded").atMost(Duration.ofSeconds(15)).ignoreExceptions()
          .until(() -> OrderTesting.json(OrderTesting.api(node, "GET", "/api/v1/customers/Uactivity", null, null)),
              c -> c.toString().contains("order_placed") && c.toString().contains(orderId));
      assertThat(customer.toString()).contains("fountain-pen-1");

      JsonNode recommended = OrderTesting.json(OrderTesting.api(node, "GET",
          "/api/v1/products/recommendations?userId=Uactivity&limit=5", null, null));
      assertThat(recommended.get("items")).isNotEmpty();
      assertThat(recommended.toString()).doesNotContain("\"fountain-pen-1\"");
    }
  }
}
