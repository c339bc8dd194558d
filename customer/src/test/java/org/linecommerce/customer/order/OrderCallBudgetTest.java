package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@code POST /api/v1/orders} answers within its budget ({@code linecommerce.orders.api}, one
 * ResilientAsk attempt of {@code start-timeout} [10 s] for the saga start), inside the HTTP request
 * timeout, even when no saga can be started: 503 problem+json telling the client to repeat with the
 * same key; the checkout sweeper starts the stored request once sagas can run. (Before, three
 * 10 s attempts outlived Pekko HTTP's 20 s request timeout, which answered a plain-text 503.)
 */
class OrderCallBudgetTest {

  @Test
  void placingAnswers503ProblemWithinTheBudgetWhenNoSagaCanStart() {
    // saga entities may only live on nodes with a role no node has yet: every start times out
    var noSagaHost = ConfigFactory.parseString("""
        linecommerce.node.roles = "gateway,customer,catalog"
        linecommerce.sagas.role = "conversation"
        linecommerce.orders.sweeper { interval = 500ms, grace = 0s }
        """).withFallback(OrderTesting.SEED_OFF);
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, OrderTesting.modules(), noSagaHost)) {
      Node node = cluster.node(0);
      long started = System.nanoTime();
      HttpResponse<String> r = OrderTesting.placeOrder(node, "budget-1", "U-budget", "budget-tea", "1");
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(OrderTesting.json(r).path("detail").asText()).contains("repeat the request with the same Idempotency-Key");
      assertThat(took).as("answered within the budget").isLessThan(Duration.ofSeconds(15));
      String orderId = OrderTesting.json(r).path("detail").asText().split(" ")[1];

      // the request is kept: the order shows as pending until a sweep (or a repeat) starts its checkout
      assertThat(OrderTesting.api(node, "GET", "/api/v1/customers/U-budget/orders", null, null).body()).contains(orderId);
      OrderTesting.ok(OrderTesting.await(new org.linecommerce.catalog.api.CatalogClient(node.system())
          .upsert(OrderTesting.product("budget-tea", 5, "10"))));
      cluster.startNode(ConfigFactory.parseString("linecommerce.node.roles = \"conversation\"")); // sagas can run now
      org.awaitility.Awaitility.await("the sweeper started the checkout").atMost(Duration.ofSeconds(40))
          .ignoreExceptions().until(() -> OrderTesting.order(node, orderId).hasNonNull("expiresAt"));
    }
  }
}
