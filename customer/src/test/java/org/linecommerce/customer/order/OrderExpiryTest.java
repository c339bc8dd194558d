package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.customer.order.OrderTesting.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.saga.Sagas;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The order's deadline on three PostgreSQL nodes with a 3 s order TTL, and a catalog that takes
 * 3 s to commit (a test hook delays the commit step, as a slow catalog or the step's retries
 * would): a confirmation the saga accepts before the deadline is sold, even when the commit ends
 * well after it; one that arrives after the deadline is a 409 and the order expires with its
 * stock back; an order nobody decides expires and releases its stock.
 */
class OrderExpiryTest {

  private static final Duration SLOW_COMMIT = Duration.ofSeconds(3);

  private static final CheckoutSaga.Hooks SLOW_CATALOG = (system, orderId, step, compensation) ->
      step.equals(CheckoutSaga.COMMIT) && !compensation
          // Patterns.after never completes with a null value: delay a non-null one
          ? Patterns.after(SLOW_COMMIT, system.classicSystem().scheduler(), system.executionContext(),
              () -> CompletableFuture.completedFuture("go")).thenApply(go -> (Void) null)
          : CompletableFuture.completedFuture(null);

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static Node node;
  private static CatalogClient catalog;

  @BeforeAll
  static void start() {
    db = TestDatabase.postgres();
    cluster = InProcessCluster.start(3, db, List.of(new CatalogModule(), new OrderTestModule(SLOW_CATALOG)), ttl("3s"));
    node = cluster.node(1);
    catalog = new CatalogClient(cluster.system(0));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static String placePending(String productId, int quantity) {
    ok(OrderTesting.await(catalog.upsert(product(productId, 5, "10"))));
    HttpResponse<String> placed = placeOrder(node, "key-" + productId, "U-" + productId, productId, String.valueOf(quantity));
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
    String orderId = json(placed).path("orderId").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> order(node, orderId).hasNonNull("expiresAt"));
    return orderId;
  }

  private static Instant expiresAt(String orderId) {
    return Instant.parse(order(node, orderId).path("expiresAt").asText());
  }

  private static void awaitUntil(Instant instant) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> Instant.now().isAfter(instant));
  }

  private static String finishedOnTheJournal(String orderId, String productId, int quantity) {
    Sagas sagas = Sagas.get(cluster.system(0));
    await().atMost(Duration.ofSeconds(30)).until(() ->
        OrderTesting.await(sagas.status(CheckoutSaga.sagaId(orderId))).status().isFinished());
    CheckoutJournal journal = new CheckoutJournal(cluster.system(0));
    String status = journal.assertInvariant(orderId, List.of(new OrderLine(productId, quantity)));
    journal.assertNeverNegative(productId);
    return status;
  }

  @Test
  void anOrderExpiresAtItsReservationTimePlusTheOrderTtlWhileTheCatalogHoldsTheStockLonger() {
    Instant before = Instant.now();
    String orderId = placePending("ttl-tea", 1);
    Instant expiresAt = expiresAt(orderId);
    assertThat(expiresAt).isBetween(before.plusSeconds(3), Instant.now().plusSeconds(3));
    // the catalog's own expiry is the safety net, commit-grace (10m by default) after the deadline
    assertThat(ok(OrderTesting.await(catalog.reservation("ttl-tea", CheckoutSaga.reservationId(orderId, 0)))).expiresAt())
        .isEqualTo(expiresAt.plus(Duration.ofMinutes(10)));
  }

  @Test
  void aConfirmationAcceptedAtTheLastMomentIsSoldEvenWhenTheCommitEndsAfterTheDeadline() {
    String orderId = placePending("last-tea", 3);
    Instant expiresAt = expiresAt(orderId);
    awaitUntil(expiresAt.minusMillis(800));

    HttpResponse<String> confirmed = api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);

    assertThat(Instant.now()).as("the commit ended after the deadline").isAfter(expiresAt);
    assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
    assertThat(json(confirmed).path("status").asText()).isEqualTo("confirmed");
    assertThat(finishedOnTheJournal(orderId, "last-tea", 3)).isEqualTo("confirmed");
    ProductSummary tea = ok(OrderTesting.await(catalog.get("last-tea")));
    assertThat(tea.stock()).isEqualTo(2);
    assertThat(tea.reserved()).isZero();
  }

  @Test
  void aConfirmationJustAfterTheDeadlineIsAConflictAndTheOrderExpiresWithItsStockBack() {
    String orderId = placePending("late-tea", 3);
    Instant expiresAt = expiresAt(orderId);
    awaitUntil(expiresAt.plusMillis(50));

    HttpResponse<String> late = api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);

    assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
    assertThat(late.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(json(late).path("detail").asText()).isEqualTo("order " + orderId + " expired at " + expiresAt
        + " and can no longer be confirmed; its stock was released");
    assertThat(status(node, orderId)).isEqualTo("expired");
    assertThat(finishedOnTheJournal(orderId, "late-tea", 3)).isEqualTo("expired");
    ProductSummary tea = ok(OrderTesting.await(catalog.get("late-tea")));
    assertThat(tea.stock()).isEqualTo(5);
    assertThat(tea.available()).isEqualTo(5);
  }

  @Test
  void anUnconfirmedOrderExpiresReleasesItsStockAndRefusesConfirmation() {
    String orderId = placePending("expiring-tea", 3);
    await().atMost(Duration.ofSeconds(15)).until(() -> status(node, orderId).equals("expired"));
    ProductSummary tea = ok(OrderTesting.await(catalog.get("expiring-tea")));
    assertThat(tea.available()).isEqualTo(5);
    assertThat(tea.stock()).isEqualTo(5);
    JsonNode expired = order(node, orderId);
    assertThat(expired.path("timeline").findValuesAsText("status")).containsExactly("pending", "expired");

    HttpResponse<String> confirm = api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);
    assertThat(confirm.statusCode()).isEqualTo(409);
    assertThat(confirm.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(json(confirm).path("detail").asText()).isEqualTo("order " + orderId + " expired at "
        + expired.path("expiresAt").asText() + " and can no longer be confirmed; its stock was released");
    assertThat(finishedOnTheJournal(orderId, "expiring-tea", 3)).isEqualTo("expired");
  }
}
