package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.customer.order.OrderTesting.*;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.saga.Saga;
import org.linecommerce.runtime.saga.Sagas;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * Steps that fail for good after part of their work took effect leave no units behind: a commit
 * that sold one line and was refused the other, and a reserve step that held one line and never
 * heard from the catalog about the other. Checked on the journal.
 */
class CheckoutCompensationTest {

  /** When set, the next order to reserve is the one whose reserve step holds line 1 and then fails every attempt. */
  private static final AtomicBoolean armed = new AtomicBoolean();
  private static final AtomicReference<String> partial = new AtomicReference<>();

  private static final CheckoutSaga.Hooks PARTIAL_RESERVE = (system, orderId, step, compensation) -> {
    if (step.equals(CheckoutSaga.RESERVE) && !compensation && armed.compareAndSet(true, false)) partial.set(orderId);
    if (!step.equals(CheckoutSaga.RESERVE) || compensation || !orderId.equals(partial.get())) {
      return CompletableFuture.completedFuture(null);
    }
    // what the step does for line 1, then the catalog "does not answer" for line 2
    return new CatalogClient(system).reserve("half-tea", CheckoutSaga.reservationId(orderId, 0), 2, Duration.ofMinutes(5),
            MessageMeta.root("compensation-test", orderId))
        .thenCompose(r -> CompletableFuture.<Void>failedFuture(new IllegalStateException("catalog did not answer line 2")));
  };

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static Node node;
  private static CatalogClient catalog;

  @BeforeAll
  static void start() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new OrderTestModule(PARTIAL_RESERVE)), SEED_OFF);
    node = cluster.node(0);
    catalog = new CatalogClient(cluster.system(0));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static void awaitFinished(String orderId) {
    Sagas sagas = Sagas.get(cluster.system(0));
    await().atMost(Duration.ofSeconds(60)).until(() ->
        OrderTesting.await(sagas.status(CheckoutSaga.sagaId(orderId))).status().isFinished());
  }

  @Test
  void aCommitThatSoldOneLineAndWasRefusedTheOtherRevertsTheSaleAndTheOrderFails() {
    ok(OrderTesting.await(catalog.upsert(product("sold-tea", 5, "10"))));
    ok(OrderTesting.await(catalog.upsert(product("lost-cake", 5, "20"))));
    HttpResponse<String> placed = placeOrder(node, "partial-commit", "U-partial-commit", "sold-tea", "2", "lost-cake", "1");
    String orderId = json(placed).path("orderId").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> order(node, orderId).hasNonNull("expiresAt"));
    // the catalog no longer holds line 2 (e.g. its safety-net expiry passed while the saga was stopped)
    ok(OrderTesting.await(catalog.release("lost-cake", CheckoutSaga.reservationId(orderId, 1), MessageMeta.root("test", null))));

    HttpResponse<String> confirm = api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);

    assertThat(confirm.statusCode()).as(confirm.body()).isEqualTo(409);
    awaitFinished(orderId);
    CheckoutJournal journal = new CheckoutJournal(cluster.system(0));
    List<OrderLine> lines = List.of(new OrderLine("sold-tea", 2), new OrderLine("lost-cake", 1));
    assertThat(journal.assertInvariant(orderId, lines)).isEqualTo("failed");
    assertThat(journal.held(orderId, 0, "sold-tea")).isEqualTo(CheckoutJournal.Held.REVERTED);
    ProductSummary tea = ok(OrderTesting.await(catalog.get("sold-tea")));
    assertThat(tea.stock()).isEqualTo(5);
    assertThat(tea.available()).isEqualTo(5);
    assertThat(status(node, orderId)).isEqualTo("failed");
    assertThat(order(node, orderId).path("failureReasons").get(0).asText()).contains("commit refused");
  }

  @Test
  void aReserveStepThatHeldOneLineAndFailedForGoodReleasesItAndTheOrderFails() {
    ok(OrderTesting.await(catalog.upsert(product("half-tea", 5, "10"))));
    ok(OrderTesting.await(catalog.upsert(product("silent-cake", 5, "20"))));
    armed.set(true);
    HttpResponse<String> placed = placeOrder(node, "partial-reserve", "U-partial-reserve", "half-tea", "2", "silent-cake", "1");
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
    String orderId = json(placed).path("orderId").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> orderId.equals(partial.get()));

    awaitFinished(orderId);

    Saga.Summary saga = OrderTesting.await(Sagas.get(cluster.system(0)).status(CheckoutSaga.sagaId(orderId)));
    assertThat(saga.status()).isEqualTo(Saga.Status.FAILED);
    CheckoutJournal journal = new CheckoutJournal(cluster.system(0));
    assertThat(journal.held(orderId, 0, "half-tea")).isEqualTo(CheckoutJournal.Held.RELEASED);
    assertThat(journal.held(orderId, 1, "silent-cake")).isIn(CheckoutJournal.Held.NONE, CheckoutJournal.Held.RELEASED);
    assertThat(ok(OrderTesting.await(catalog.get("half-tea"))).available()).isEqualTo(5);
    assertThat(status(node, orderId)).isEqualTo("failed");
  }
}
