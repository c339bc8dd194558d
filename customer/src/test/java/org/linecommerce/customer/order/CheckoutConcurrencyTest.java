package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.customer.order.OrderTesting.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.customer.api.OrderLine;
import org.linecommerce.customer.internal.order.CheckoutSaga;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.runtime.saga.Sagas;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * Checkouts at once on three PostgreSQL nodes: a hundred customers order the last ten units (ten
 * orders hold them, ninety fail); and a hundred checkouts over three products, confirmed,
 * cancelled or left to expire at random moments before their deadline while the catalog commits
 * slowly, reconcile exactly with the stock.
 */
class CheckoutConcurrencyTest {

  /** What a client does with a 503: repeat the request with the same Idempotency-Key. */
  /** As a well-behaved client: a 503 is repeated (same Idempotency-Key) after its Retry-After, up to {@code attempts} times. */
  private static CompletableFuture<HttpResponse<String>> sendRepeating503(HttpRequest request, int attempts) {
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
      if (r.statusCode() != 503 || attempts <= 1) return CompletableFuture.completedFuture(r);
      long wait = r.headers().firstValueAsLong("Retry-After").orElseThrow(() -> new AssertionError("503 without Retry-After"));
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(wait, TimeUnit.SECONDS))
          .thenCompose(ignored -> sendRepeating503(request, attempts - 1));
    });
  }

  /** The catalog commits slowly: up to 1.5 s per order (a test hook delays the commit step). */
  private static final CheckoutSaga.Hooks SLOW_COMMITS = (system, orderId, step, compensation) ->
      step.equals(CheckoutSaga.COMMIT) && !compensation
          // Patterns.after never completes with a null value: delay a non-null one
          ? Patterns.after(Duration.ofMillis(Math.floorMod(orderId.hashCode(), 1500)), system.classicSystem().scheduler(),
              system.executionContext(), () -> CompletableFuture.completedFuture("go")).thenApply(go -> (Void) null)
          : CompletableFuture.completedFuture(null);

  private static HttpRequest post(Node node, String path, String body, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(60)).header("Authorization", API_TOKEN)
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    if (key != null) b.header("Idempotency-Key", key);
    return b.build();
  }

  @Test
  void hundredCheckoutsConfirmedCancelledOrExpiredAtRandomReconcileExactlyWithTheStock() throws Exception {
    List<String> products = List.of("mix-a", "mix-b", "mix-c");
    int initial = 60;
    Random random = new Random(20261130);
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    try (TestDatabase db = TestDatabase.postgres();
        InProcessCluster cluster = InProcessCluster.start(3, db,
            List.of(new CatalogModule(), new OrderTestModule(SLOW_COMMITS)), ttl("10s"))) {
      CatalogClient catalog = new CatalogClient(cluster.system(0));
      for (String p : products) ok(OrderTesting.await(catalog.upsert(product(p, initial, "20"))));

      // 100 orders of 1 or 2 distinct products, 1 to 3 units a line: more than the stock, so some fail
      List<List<OrderLine>> requested = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        List<String> shuffled = new ArrayList<>(products);
        Collections.shuffle(shuffled, random);
        List<OrderLine> lines = shuffled.subList(0, 1 + random.nextInt(2)).stream()
            .map(p -> new OrderLine(p, 1 + random.nextInt(3))).toList();
        requested.add(lines);
        String items = lines.stream().map(l -> "{\"productId\":\"" + l.productId() + "\",\"quantity\":" + l.quantity() + "}")
            .collect(Collectors.joining(","));
        posts.add(sendRepeating503(post(cluster.node(i % 3), "/api/v1/orders",
            "{\"userId\":\"U-mix-" + i + "\",\"items\":[" + items + "]}", "mix-" + i), 20));
      }
      List<String> orderIds = posts.stream().map(CompletableFuture::join).map(r -> {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).path("orderId").asText();
      }).toList();

      // all unsettled orders read at once each round: reading 100 one by one took longer than their time to live
      Map<String, JsonNode> settled = new ConcurrentHashMap<>();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        List<CompletableFuture<Void>> reads = new ArrayList<>();
        for (int i = 0; i < orderIds.size(); i++) {
          String id = orderIds.get(i);
          if (settled.containsKey(id)) continue;
          HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(i % 3).httpPort()
              + "/api/v1/orders/" + id)).timeout(Duration.ofSeconds(30)).header("Authorization", API_TOKEN).GET().build();
          reads.add(HTTP.sendAsync(get, HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
            assertThat(r.statusCode()).as("GET order %s: %s", id, r.body()).isEqualTo(200);
            JsonNode o = json(r);
            if (o.path("status").asText().equals("failed") || o.hasNonNull("expiresAt")) settled.put(id, o);
          }));
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
        return settled.size() == orderIds.size();
      });

      // each pending order: confirm, cancel or nothing, at a random moment until shortly before its deadline
      Map<String, String> asked = new HashMap<>();
      Map<String, CompletableFuture<HttpResponse<String>>> answers = new HashMap<>();
      for (int i = 0; i < orderIds.size(); i++) {
        String id = orderIds.get(i);
        JsonNode o = settled.get(id);
        int roll = random.nextInt(100);
        if (!o.path("status").asText().equals("pending") || roll >= 75) continue;
        String decision = roll < 45 ? "confirm" : "cancel";
        asked.put(id, decision);
        Instant latest = Instant.parse(o.path("expiresAt").asText()).minusMillis(700);
        long window = Math.max(0, Duration.between(Instant.now(), latest).toMillis());
        long delay = window == 0 ? 0 : (long) (random.nextDouble() * window);
        HttpRequest request = post(cluster.node(i % 3), "/api/v1/orders/" + id + "/" + decision, null, null);
        CompletableFuture<HttpResponse<String>> answer = new CompletableFuture<>();
        clock.schedule(() -> HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString())
            .whenComplete((r, e) -> { if (e != null) answer.completeExceptionally(e); else answer.complete(r); }),
            delay, TimeUnit.MILLISECONDS);
        answers.put(id, answer);
      }
      Sagas sagas = Sagas.get(cluster.system(0));
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> orderIds.stream()
          .allMatch(id -> OrderTesting.await(sagas.status(CheckoutSaga.sagaId(id))).status().isFinished()));

      CheckoutJournal journal = new CheckoutJournal(cluster.system(0));
      Map<String, Integer> sold = new HashMap<>();
      Map<String, Integer> outcomes = new TreeMap<>();
      for (int i = 0; i < orderIds.size(); i++) {
        String id = orderIds.get(i);
        String status = journal.assertInvariant(id, requested.get(i));
        outcomes.merge(status, 1, Integer::sum);
        String decision = asked.get(id);
        if (decision != null) {
          HttpResponse<String> answer = answers.get(id).get(30, TimeUnit.SECONDS);
          String wanted = decision.equals("confirm") ? "confirmed" : "cancelled";
          // asked before the deadline: done; only a request the machine delayed past it may find the order expired
          assertThat(status).as("order %s asked to %s: %s", id, decision, answer.body()).isIn(wanted, "expired");
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status.equals(wanted) ? 200 : 409);
        } else if (!status.equals("failed")) {
          assertThat(status).as("order %s nobody decided", id).isEqualTo("expired");
        }
        if (status.equals("confirmed")) {
          for (OrderLine l : requested.get(i)) sold.merge(l.productId(), l.quantity(), Integer::sum);
        }
      }
      assertThat(outcomes).as("outcomes %s", outcomes).containsKeys("confirmed", "cancelled", "expired");
      for (String p : products) {
        ProductSummary now = ok(OrderTesting.await(catalog.get(p)));
        int expected = initial - sold.getOrDefault(p, 0);
        assertThat(now.stock()).as("stock of %s", p).isEqualTo(expected);
        assertThat(journal.finalStock(p)).as("stock of %s in the journal", p).isEqualTo(expected);
        assertThat(now.reserved()).as("units of %s still reserved", p).isZero();
        assertThat(journal.stillReserved(p)).isZero();
        journal.assertNeverNegative(p);
      }
    } finally {
      clock.shutdownNow();
    }
  }

  @Test
  void hundredConcurrentOrdersForTenUnitsSellExactlyTenAndFailTheRest() {
    try (TestDatabase db = TestDatabase.postgres();
        InProcessCluster cluster = InProcessCluster.start(3, db, modules(), SEED_OFF)) {
      CatalogClient catalog = new CatalogClient(cluster.system(0));
      ok(OrderTesting.await(catalog.upsert(product("last-ten", 10, "99"))));

      List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int port = cluster.node(i % 3).httpPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json").header("Authorization", API_TOKEN)
            .header("Idempotency-Key", "race-" + i)
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"userId\":\"U-race-" + i + "\",\"items\":[{\"productId\":\"last-ten\",\"quantity\":1}]}"))
            .build();
        posts.add(sendRepeating503(request, 20));
      }
      List<String> orderIds = posts.stream().map(CompletableFuture::join).map(r -> {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r).path("orderId").asText();
      }).toList();
      assertThat(orderIds).doesNotHaveDuplicates();

      Map<String, JsonNode> settled = new ConcurrentHashMap<>();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
        for (int i = 0; i < orderIds.size(); i++) {
          String id = orderIds.get(i);
          if (settled.containsKey(id)) continue;
          JsonNode o = order(cluster.node(i % 3), id);
          if (o.path("status").asText().equals("failed") || o.hasNonNull("expiresAt")) settled.put(id, o);
        }
        return settled.size() == orderIds.size();
      });
      List<String> held = settled.values().stream().filter(o -> o.path("status").asText().equals("pending"))
          .map(o -> o.path("orderId").asText()).toList();
      List<JsonNode> failed = settled.values().stream().filter(o -> o.path("status").asText().equals("failed")).toList();
      assertThat(held).hasSize(10);
      assertThat(failed).hasSize(90).allSatisfy(o -> assertThat(o.path("failureReasons").get(0).asText())
          .startsWith("line 1 (last-ten): insufficient stock for product last-ten"));
      ProductSummary reserved = ok(OrderTesting.await(catalog.get("last-ten")));
      assertThat(reserved.reserved()).isEqualTo(10);
      assertThat(reserved.available()).isZero();

      for (String id : held) {
        assertThat(api(cluster.node(1), "POST", "/api/v1/orders/" + id + "/confirm", null, null).statusCode()).isEqualTo(200);
      }
      ProductSummary sold = ok(OrderTesting.await(catalog.get("last-ten")));
      assertThat(sold.stock()).isZero();
      assertThat(sold.reserved()).isZero();
      assertThat(sold.available()).isZero();

      // the journal agrees: ten holds, ten sales, and no event ever saw a negative stock
      JdbcReadJournal journal = PersistenceQuery.get(Adapter.toClassic(cluster.system(0)))
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      List<Object> events = OrderTesting.await(journal.currentEventsByPersistenceId("Product|last-ten", 0L, Long.MAX_VALUE)
          .runWith(Sink.seq(), cluster.system(0))).stream().map(EventEnvelope::event).toList();
      assertThat(events.stream().filter(e -> e instanceof ProductEvent.StockReserved)).hasSize(10);
      assertThat(events.stream().filter(e -> e instanceof ProductEvent.ReservationCommitted)).hasSize(10);
      for (Object e : events) {
        if (e instanceof ProductEvent.StockReserved r) assertThat(r.available()).isNotNegative();
        if (e instanceof ProductEvent.ReservationRefused r) assertThat(r.available()).isNotNegative();
        if (e instanceof ProductEvent.ReservationCommitted c) assertThat(c.stock()).isNotNegative();
      }
    }
  }
}
