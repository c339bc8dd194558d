package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.customer.order.OrderTesting.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.customer.api.OrderEvent;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.customer.internal.order.Order;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The order API over real HTTP on one H2 node with the catalog: every 4xx answer, and checkout
 * end to end (confirm sells the stock, a refused line releases the others, cancel releases,
 * Idempotency-Key repeats get the first order).
 */
class OrderRoutesTest {

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static Node node;
  private static CatalogClient catalog;

  @BeforeAll
  static void start() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, modules(), SEED_OFF);
    node = cluster.node(0);
    catalog = new CatalogClient(cluster.system(0));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static void problem(HttpResponse<String> r, int status, String detailPart) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    if (detailPart != null) assertThat(json(r).path("detail").asText()).contains(detailPart);
  }

  private static ProductSummary product(String id) {
    return ok(OrderTesting.await(catalog.get(id)));
  }

  private static String awaitStatus(String orderId, String... expected) {
    await().atMost(Duration.ofSeconds(20)).until(() -> List.of(expected).contains(status(node, orderId)));
    return status(node, orderId);
  }

  @Test
  void placingWithoutAValidIdempotencyKeyIsABadRequest() {
    String body = "{\"userId\":\"U1\",\"items\":[{\"productId\":\"a\",\"quantity\":1}]}";
    problem(api(node, "POST", "/api/v1/orders", body, null), 400, "Idempotency-Key");
    problem(api(node, "POST", "/api/v1/orders", body, " "), 400, "Idempotency-Key");
    problem(api(node, "POST", "/api/v1/orders", body, "k".repeat(129)), 400, "Idempotency-Key");
  }

  @Test
  void invalidOrderBodiesAreBadRequests() {
    problem(api(node, "POST", "/api/v1/orders", "{not json", "bad-1"), 400, null);
    problem(api(node, "POST", "/api/v1/orders", "{\"userId\":\"U1\",\"items\":[]}", "bad-2"), 400, "1 to 50");
    problem(placeOrder(node, "bad-3", "U1", "matcha", "0"), 400, "quantity must be 1 to 99");
    problem(placeOrder(node, "bad-4", "U1", "matcha", "100"), 400, "quantity must be 1 to 99");
    problem(placeOrder(node, "bad-5", "U1", "Bad_Id", "1"), 400, "productId");
    problem(placeOrder(node, "bad-6", "U1", "matcha", "60", "matcha", "40"), 400, "at most 99");
    problem(api(node, "POST", "/api/v1/orders", "{\"items\":[{\"productId\":\"a\",\"quantity\":1}]}", "bad-7"), 400, "userId");
    String[] many = new String[102];
    for (int i = 0; i < 51; i++) {
      many[2 * i] = "p-" + i;
      many[2 * i + 1] = "1";
    }
    problem(placeOrder(node, "bad-8", "U1", many), 400, "1 to 50");
  }

  @Test
  void theOrderApiNeedsTheApiToken() {
    assertThat(send(node, "GET", "/api/v1/orders/x", null, null, null).statusCode()).isEqualTo(401);
    assertThat(send(node, "POST", "/api/v1/orders", "{}", "k-401", "Bearer wrong").statusCode()).isEqualTo(401);
  }

  @Test
  void unknownOrdersAreNotFound() {
    problem(api(node, "GET", "/api/v1/orders/no-such-order", null, null), 404, "no-such-order");
    problem(api(node, "POST", "/api/v1/orders/no-such-order/confirm", null, null), 404, null);
    problem(api(node, "POST", "/api/v1/orders/no-such-order/cancel", null, null), 404, null);
  }

  @Test
  void confirmedOrderSellsTheReservedStockAndConfirmingTwiceIsIdempotent() {
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("happy-tea", 10, "100.50"))));
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("happy-cup", 3, "20"))));
    HttpResponse<String> placed = placeOrder(node, "happy-1", "U-happy", "happy-tea", "2", "happy-cup", "1", "happy-tea", "1");
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
    String orderId = json(placed).path("orderId").asText();
    assertThat(json(placed).path("status").asText()).isEqualTo("pending");

    await().atMost(Duration.ofSeconds(20)).until(() -> !order(node, orderId).path("expiresAt").isNull()
        && order(node, orderId).has("expiresAt"));
    JsonNode pending = order(node, orderId);
    assertThat(pending.path("status").asText()).isEqualTo("pending");
    assertThat(pending.path("userId").asText()).isEqualTo("U-happy");
    assertThat(pending.path("currency").asText()).isEqualTo("THB");
    assertThat(pending.path("total").decimalValue()).isEqualByComparingTo("321.50"); // 3 × 100.50 + 20
    assertThat(pending.path("items")).hasSize(2);
    assertThat(pending.path("items").get(0).path("quantity").asInt()).isEqualTo(3); // duplicate lines merged
    assertThat(pending.path("items").get(0).path("lineTotal").decimalValue()).isEqualByComparingTo("301.50");
    assertThat(pending.path("items").get(0).path("name").asText()).isEqualTo("Product happy-tea");
    assertThat(product("happy-tea").reserved()).isEqualTo(3);

    HttpResponse<String> confirmed = api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null);
    assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
    assertThat(json(confirmed).path("status").asText()).isEqualTo("confirmed");
    assertThat(api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null).statusCode()).isEqualTo(200);

    ProductSummary tea = product("happy-tea");
    assertThat(tea.stock()).isEqualTo(7);
    assertThat(tea.reserved()).isZero();
    assertThat(product("happy-cup").stock()).isEqualTo(2);
    Reservation r = ok(OrderTesting.await(catalog.reservation("happy-tea", CheckoutSaga.reservationId(orderId, 0))));
    assertThat(r.status()).isEqualTo(Reservation.Status.COMMITTED);
    assertThat(order(node, orderId).path("timeline").findValuesAsText("status")).containsExactly("pending", "confirmed");

    problem(api(node, "POST", "/api/v1/orders/" + orderId + "/cancel", null, null), 409, "confirmed");

    // order.created and order.confirmed, with metadata, under the order's tag for subscribers
    List<OrderEvent> events = tagged(cluster.system(0), Order.tags(cluster.system(0)).tagFor(orderId)).stream()
        .map(OrderEvent.class::cast).filter(e -> e.orderId().equals(orderId)).toList();
    assertThat(events).extracting(OrderEvent::eventType).containsExactly("order.created", "order.confirmed");
    assertThat(events).allSatisfy(e -> assertThat(e.meta()).isNotNull());
    assertThat(Order.tags(cluster.system(0)).tagFor(orderId)).startsWith("order-");

    HttpResponse<String> list = api(node, "GET", "/api/v1/customers/U-happy/orders", null, null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list).path("items").findValuesAsText("orderId")).containsExactly(orderId);
  }

  @Test
  void aRefusedSecondLineReleasesTheFirstAndTheOrderFailsWithAReasonPerLine() {
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("fail-tea", 5, "10"))));
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("fail-cup", 1, "10"))));
    HttpResponse<String> placed = placeOrder(node, "fail-1", "U-fail", "fail-tea", "2", "fail-cup", "3", "fail-unknown", "1");
    assertThat(placed.statusCode()).isEqualTo(202);
    String orderId = json(placed).path("orderId").asText();

    assertThat(awaitStatus(orderId, "failed", "confirmed", "cancelled", "expired")).isEqualTo("failed");
    JsonNode failed = order(node, orderId);
    List<String> reasons = new ArrayList<>();
    failed.path("failureReasons").forEach(n -> reasons.add(n.asText()));
    assertThat(reasons).hasSize(2);
    assertThat(reasons.get(0)).startsWith("line 2 (fail-cup): insufficient stock");
    assertThat(reasons.get(1)).startsWith("line 3 (fail-unknown)");
    assertThat(failed.path("timeline").findValuesAsText("status")).containsExactly("failed");

    ProductSummary tea = product("fail-tea");
    assertThat(tea.available()).isEqualTo(5);
    assertThat(tea.reserved()).isZero();
    assertThat(product("fail-cup").available()).isEqualTo(1);
    assertThat(ok(OrderTesting.await(catalog.reservation("fail-tea", CheckoutSaga.reservationId(orderId, 0)))).status())
        .isEqualTo(Reservation.Status.RELEASED);
    problem(api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null), 409, "failed");
  }

  @Test
  void theSameIdempotencyKeyGetsTheFirstOrderAndAnotherBodyIsAConflict() {
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("idem-tea", 10, "10"))));
    List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
    for (int i = 0; i < 4; i++) {
      racing.add(CompletableFuture.supplyAsync(() -> placeOrder(node, "idem-1", "U-idem", "idem-tea", "2"), clients));
    }
    clients.shutdown();
    List<String> ids = racing.stream().map(CompletableFuture::join).map(r -> {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      return json(r).path("orderId").asText();
    }).distinct().toList();
    assertThat(ids).hasSize(1);
    String orderId = ids.get(0);
    HttpResponse<String> later = placeOrder(node, "idem-1", "U-idem", "idem-tea", "2");
    assertThat(later.statusCode()).isEqualTo(202);
    assertThat(json(later).path("orderId").asText()).isEqualTo(orderId);

    HttpResponse<String> conflict = placeOrder(node, "idem-1", "U-idem", "idem-tea", "3");
    problem(conflict, 409, "already used with a different request");
    assertThat(conflict.body()).doesNotContain(orderId);

    awaitStatus(orderId, "pending");
    await().atMost(Duration.ofSeconds(20)).until(() -> order(node, orderId).hasNonNull("expiresAt"));
    assertThat(product("idem-tea").reserved()).isEqualTo(2);
    assertThat(json(api(node, "GET", "/api/v1/customers/U-idem/orders", null, null)).path("items")).hasSize(1);
  }

  @Test
  void aCustomersOrdersAreListedNewestFirst() {
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("list-tea", 10, "10"))));
    String first = json(placeOrder(node, "list-1", "U-list", "list-tea", "1")).path("orderId").asText();
    String second = json(placeOrder(node, "list-2", "U-list", "list-tea", "2")).path("orderId").asText();
    HttpResponse<String> list = api(node, "GET", "/api/v1/customers/U-list/orders", null, null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(json(list).path("items").findValuesAsText("orderId")).containsExactly(second, first);
    assertThat(json(list).path("items").findValuesAsText("status")).containsOnly("pending");
    assertThat(json(api(node, "GET", "/api/v1/customers/U-nobody/orders", null, null)).path("items")).isEmpty();
  }

  @Test
  void cancellingReleasesTheStockAndACancelledOrderCannotBeConfirmed() {
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("cancel-tea", 4, "10"))));
    String orderId = json(placeOrder(node, "cancel-1", "U-cancel", "cancel-tea", "4")).path("orderId").asText();
    await().atMost(Duration.ofSeconds(20)).until(() -> order(node, orderId).hasNonNull("expiresAt"));
    assertThat(product("cancel-tea").available()).isZero();

    HttpResponse<String> cancelled = api(node, "POST", "/api/v1/orders/" + orderId + "/cancel", null, null);
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    assertThat(json(cancelled).path("status").asText()).isEqualTo("cancelled");
    assertThat(product("cancel-tea").available()).isEqualTo(4);
    assertThat(api(node, "POST", "/api/v1/orders/" + orderId + "/cancel", null, null).statusCode()).isEqualTo(200);
    problem(api(node, "POST", "/api/v1/orders/" + orderId + "/confirm", null, null), 409,
        "is cancelled and can no longer be confirmed");
  }

  private static HttpResponse<String> placeAs(String clientId, String key, String userId, String productId, int quantity) {
    java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/orders"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Authorization", OrderTesting.API_TOKEN)
        .header("Idempotency-Key", key)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId
            + "\",\"items\":[{\"productId\":\"" + productId + "\",\"quantity\":" + quantity + "}]}"));
    if (clientId != null) request.header("X-Client-Id", clientId);
    try {
      return OrderTesting.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theSameIdempotencyKeyOfAnotherUserOrAnotherClientIsAnotherOrder() {
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("scope-tea", 20, "10"))));
    HttpResponse<String> alice = placeAs(null, "shared-key", "U-alice", "scope-tea", 1);
    HttpResponse<String> bob = placeAs(null, "shared-key", "U-bob", "scope-tea", 2);
    HttpResponse<String> aliceViaShop = placeAs("shop-1", "shared-key", "U-alice", "scope-tea", 1);
    HttpResponse<String> aliceViaOtherShop = placeAs("shop-2", "shared-key", "U-alice", "scope-tea", 1);
    List<String> ids = new ArrayList<>();
    for (HttpResponse<String> r : List.of(alice, bob, aliceViaShop, aliceViaOtherShop)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      ids.add(json(r).path("orderId").asText());
    }
    assertThat(ids).doesNotHaveDuplicates();
    // within one scope the key still means one order
    assertThat(json(placeAs("shop-1", "shared-key", "U-alice", "scope-tea", 1)).path("orderId").asText()).isEqualTo(ids.get(2));
    assertThat(json(placeAs(null, "shared-key", "U-bob", "scope-tea", 2)).path("orderId").asText()).isEqualTo(ids.get(1));
    HttpResponse<String> otherBody = placeAs(null, "shared-key", "U-bob", "scope-tea", 3);
    problem(otherBody, 409, "already used with a different request");
    ids.forEach(id -> assertThat(otherBody.body()).doesNotContain(id));
    problem(placeAs("bad client id!", "k-x", "U-alice", "scope-tea", 1), 400, "X-Client-Id");
  }

  @Test
  void aRepeatedRequestAnswersTheOrdersCurrentStatus() {
    ok(OrderTesting.await(catalog.upsert(OrderTesting.product("repeat-tea", 5, "10"))));
    HttpResponse<String> first = placeOrder(node, "repeat-1", "U-repeat", "repeat-tea", "1");
    assertThat(json(first).path("status").asText()).isEqualTo("pending");
    String orderId = json(first).path("orderId").asText();
    await().atMost(Duration.ofSeconds(20)).until(() -> order(node, orderId).hasNonNull("expiresAt"));
    assertThat(api(node, "POST", "/api/v1/orders/" + orderId + "/cancel", null, null).statusCode()).isEqualTo(200);

    HttpResponse<String> repeated = placeOrder(node, "repeat-1", "U-repeat", "repeat-tea", "1");
    assertThat(repeated.statusCode()).as(repeated.body()).isEqualTo(202);
    assertThat(json(repeated).path("orderId").asText()).isEqualTo(orderId);
    assertThat(json(repeated).path("status").asText()).isEqualTo("cancelled");
  }
}
