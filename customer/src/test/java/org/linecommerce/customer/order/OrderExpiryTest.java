package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.customer.order.OrderTesting.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** With a 2 s reservation TTL an unconfirmed order expires, its stock comes back, and confirming it is a conflict. */
class OrderExpiryTest {

  @Test
  void anUnconfirmedOrderExpiresReleasesItsStockAndRefusesConfirmation() {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, modules(), ttl("2s"))) {
      Node node = cluster.node(0);
      CatalogClient catalog = new CatalogClient(cluster.system(0));
      ok(OrderTesting.await(catalog.upsert(product("expiring-tea", 5, "10"))));

      HttpResponse<String> placed = placeOrder(node, "exp-1", "U-exp", "expiring-tea", "3");
      assertThat(placed.statusCode()).isEqualTo(202);
      String orderId = json(placed).path("orderId").asText();
      await().atMost(Duration.ofSeconds(10)).until(() -> order(node, orderId).hasNonNull("expiresAt"));
      JsonNode pending = order(node, orderId);
      Instant expiresAt = Instant.parse(pending.path("expiresAt").asText());
      assertThat(expiresAt).isBetween(Instant.now().minusSeconds(1), Instant.now().plusSeconds(3));

      await().atMost(Duration.ofSeconds(15)).until(() -> status(node, orderId).equals("expired"));
      ProductSummary tea = ok(OrderTesting.await(catalog.get("expiring-tea")));
      assertThat(tea.available()).isEqualTo(5);
      assertThat(tea.stock()).isEqualTo(5);
      assertThat(order(node, orderId).path("timeline").findValuesAsText("status")).containsExactly("pending", "expired");

      HttpResponse<String> confirm = api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);
      assertThat(confirm.statusCode()).isEqualTo(409);
      assertThat(confirm.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(json(confirm).path("detail").asText()).isEqualTo("order " + orderId + " is expired and can no longer be confirmed");
    }
  }
}
