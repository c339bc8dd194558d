package org.linecommerce.customer.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.linecommerce.customer.order.OrderTesting.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** A hundred customers order the last ten units at once on three PostgreSQL nodes: ten orders hold them, ninety fail. */
class CheckoutConcurrencyTest {

  /** What a client does with a 503: repeat the request with the same Idempotency-Key. */
  private static CompletableFuture<HttpResponse<String>> sendRepeating503(HttpRequest request, int attempts) {
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(r ->
        r.statusCode() == 503 && attempts > 1 ? sendRepeating503(request, attempts - 1) : CompletableFuture.completedFuture(r));
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
        posts.add(sendRepeating503(request, 3));
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
