package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.customer.order.OrderTesting.*;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * Three nodes on PostgreSQL: the node running a checkout saga dies after the stock was reserved
 * and before the order was created (a test hook holds step 2 there); the saga resumes on another
 * node, reserves nothing twice (the reservation ids are stable) and the stock adds up after confirm.
 */
class CheckoutCrashTest {

  /** The node on which step 2 was first reached; step 2 never finishes there. */
  private static final AtomicReference<ActorSystem<?>> held = new AtomicReference<>();

  private static final CheckoutSaga.Hooks HOLD_ON_FIRST_NODE = (system, orderId) -> {
    held.compareAndSet(null, system);
    return held.get() == system ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
  };

  @Test
  void checkoutResumesOnAnotherNodeAfterTheNodeRunningItCrashedBetweenReservingAndCreatingTheOrder() {
    try (TestDatabase db = TestDatabase.postgres();
        InProcessCluster cluster = InProcessCluster.start(3, db,
            List.of(new CatalogModule(), new OrderTestModule(HOLD_ON_FIRST_NODE)), SEED_OFF)) {
      CatalogClient catalog0 = new CatalogClient(cluster.system(0));
      ok(OrderTesting.await(catalog0.upsert(product("crash-tea", 5, "50"))));

      HttpResponse<String> placed = placeOrder(cluster.node(0), "crash-1", "U-crash", "crash-tea", "2");
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
      String orderId = json(placed).path("orderId").asText();

      await().atMost(Duration.ofSeconds(30)).until(() -> held.get() != null);
      assertThat(ok(OrderTesting.await(catalog0.get("crash-tea"))).reserved()).isEqualTo(2);
      int victim = -1;
      for (int i = 0; i < 3; i++) if (cluster.system(i) == held.get()) victim = i;
      assertThat(victim).as("the node holding step 2").isNotNegative();
      cluster.stopAbruptly(victim);

      int survivor = victim == 0 ? 1 : 0;
      Node node = cluster.node(survivor);
      CatalogClient catalog = new CatalogClient(cluster.system(survivor));
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> order(node, orderId).hasNonNull("expiresAt"));
      assertThat(status(node, orderId)).isEqualTo("pending");
      ProductSummary reserved = ok(OrderTesting.await(catalog.get("crash-tea")));
      assertThat(reserved.reserved()).isEqualTo(2);
      assertThat(reserved.activeReservations()).extracting(Reservation::reservationId)
          .containsExactly(CheckoutSaga.reservationId(orderId, 0));

      HttpResponse<String> confirmed = api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);
      assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
      ProductSummary after = ok(OrderTesting.await(catalog.get("crash-tea")));
      assertThat(after.stock()).isEqualTo(3);
      assertThat(after.reserved()).isZero();
      assertThat(after.available()).isEqualTo(3);
      List<Object> events = journal(cluster.system(survivor), "Product|crash-tea");
      assertThat(events.stream().filter(e -> e instanceof ProductEvent.StockReserved)).hasSize(1);
      assertThat(events.stream().filter(e -> e instanceof ProductEvent.ReservationCommitted)).hasSize(1);
    }
  }
}
