package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.customer.order.OrderTesting.SEED_OFF;
import static org.linecommerce.customer.order.OrderTesting.json;
import static org.linecommerce.customer.order.OrderTesting.ok;
import static org.linecommerce.customer.order.OrderTesting.placeOrder;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderStatus;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** {@link OrderClient#getPriced}: answered when the checkout has priced the order, not by polling. */
class OrderPricedWaitTest {

  @Test
  void aPlacedOrderIsShownPricedAndAFailedOneAsFailedAndAnUnknownIdAsNothingAfterTheWait() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule()), SEED_OFF)) {
      Node node = cluster.node(0);
      ok(OrderTesting.await(new CatalogClient(node.system()).upsert(OrderTesting.product("wait-tea", 10, "12"))));
      OrderClient orders = OrderClient.get(node.system());

      String orderId = json(placeOrder(node, "wait-1", "U-wait", "wait-tea", "2")).path("orderId").asText();
      Optional<OrderView> priced = orders.getPriced(orderId, Duration.ofSeconds(20), node.system())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(priced).isPresent();
      assertThat(priced.get().expiresAt()).as("priced: stock reserved, order created").isNotNull();
      assertThat(priced.get().status()).isEqualTo(OrderStatus.PENDING);

      // more than the stock: the checkout fails at the reservation; the answer is the failure, at once
      String failedId = json(placeOrder(node, "wait-2", "U-wait", "wait-tea", "50")).path("orderId").asText();
      long t0 = System.nanoTime();
      Optional<OrderView> failed = orders.getPriced(failedId, Duration.ofSeconds(20), node.system())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(failed).isPresent();
      assertThat(failed.get().status()).isEqualTo(OrderStatus.FAILED);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("not the whole wait").isLessThan(Duration.ofSeconds(15));

      // no such order: nothing, once the wait is over
      t0 = System.nanoTime();
      assertThat(orders.getPriced("no-such-order", Duration.ofMillis(800), node.system())
          .toCompletableFuture().get(30, TimeUnit.SECONDS)).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }
  }
}
