package org.linecommerce.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.CatalogTesting.MODULES;
import static org.linecommerce.catalog.CatalogTesting.SEED_OFF;
import static org.linecommerce.catalog.CatalogTesting.await;
import static org.linecommerce.catalog.CatalogTesting.journal;
import static org.linecommerce.catalog.CatalogTesting.ok;
import static org.linecommerce.catalog.CatalogTesting.product;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.catalog.api.Reservation;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * Fifty customers on three nodes reserve the last ten units of a product at the same moment, on
 * PostgreSQL: exactly ten get one, the stock is never oversold, and retries get their first answers.
 */
class ReservationRaceTest {

  private static final String PRODUCT = "last-ten-units";
  private static final Duration TTL = Duration.ofMinutes(10);

  @Test
  void fiftyConcurrentReservesOfTheLastTenUnitsGrantExactlyTenAndRetriesGetTheirFirstAnswers() throws Exception {
    try (TestDatabase db = TestDatabase.postgres();
        InProcessCluster cluster = InProcessCluster.start(3, db, MODULES, SEED_OFF)) {
      List<CatalogClient> clients = List.of(
          new CatalogClient(cluster.system(0)), new CatalogClient(cluster.system(1)), new CatalogClient(cluster.system(2)));
      ok(await(clients.get(0).upsert(product(PRODUCT, 10))));

      Map<String, AskResult<Reservation>> first = new ConcurrentHashMap<>();
      ExecutorService customers = Executors.newFixedThreadPool(50);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          String reservationId = "order-" + i;
          CatalogClient client = clients.get(i % 3);
          done.add(CompletableFuture.runAsync(() -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            first.put(reservationId, await(client.reserve(PRODUCT, reservationId, 1, TTL)));
          }, customers));
        }
        go.countDown();
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      } finally {
        customers.shutdownNow();
      }

      List<String> granted = first.entrySet().stream().filter(e -> e.getValue().isOk()).map(Map.Entry::getKey).toList();
      List<String> refused = first.entrySet().stream().filter(e -> !e.getValue().isOk()).map(Map.Entry::getKey).toList();
      assertThat(granted).hasSize(10);
      assertThat(refused).hasSize(40);
      assertThat(refused).allSatisfy(id -> assertThat(first.get(id)).isInstanceOfSatisfying(AskResult.Failed.class, f -> {
        assertThat(f.failure()).isEqualTo(AskResult.Failure.REJECTED);
        assertThat(f.detail()).startsWith("insufficient stock for product " + PRODUCT + ": 1 requested, 0 available");
      }));
      ProductSummary after = ok(await(clients.get(1).get(PRODUCT)));
      assertThat(after.stock()).isEqualTo(10);
      assertThat(after.reserved()).isEqualTo(10);
      assertThat(after.available()).isZero();
      assertThat(after.activeReservations()).extracting(Reservation::reservationId).containsExactlyInAnyOrderElementsOf(granted);

      // free one unit: a fresh decision would now grant a refused id, a remembered one must not
      ok(await(clients.get(2).release(PRODUCT, granted.get(0))));
      for (int i = 0; i < 5; i++) {
        CatalogClient other = clients.get((i + 1) % 3);
        assertThat(await(other.reserve(PRODUCT, refused.get(i), 1, TTL))).isEqualTo(first.get(refused.get(i)));
        String grantedId = granted.get(i + 1);
        assertThat(await(other.reserve(PRODUCT, grantedId, 1, TTL))).isEqualTo(first.get(grantedId));
      }
      assertThat(ok(await(clients.get(0).get(PRODUCT))).available()).isEqualTo(1);

      // the journal agrees: ten holds, forty refusals, the stock never below zero
      List<Object> events = journal(cluster.system(0), "Product|" + PRODUCT);
      assertThat(events.stream().filter(e -> e instanceof ProductEvent.StockReserved)).hasSize(10);
      assertThat(events.stream().filter(e -> e instanceof ProductEvent.ReservationRefused)).hasSize(40);
      for (Object e : events) {
        if (e instanceof ProductEvent.StockReserved r) assertThat(r.available()).isNotNegative();
        if (e instanceof ProductEvent.ReservationRefused r) assertThat(r.available()).isNotNegative();
        if (e instanceof ProductEvent.ReservationReleased r) assertThat(r.available()).isNotNegative();
      }
    }
  }
}
