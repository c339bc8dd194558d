package org.linecommerce.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.search.TestCatalog.meta;
import static org.linecommerce.catalog.search.TestCatalog.product;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.catalog.api.CatalogSearchClient;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.SearchHit;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.catalog.internal.search.CatalogSearch;
import org.linecommerce.catalog.internal.search.IndexedProduct;
import org.linecommerce.catalog.internal.search.ProductIndex;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.testkit.NodeTestKit;
import org.linecommerce.testkit.TestDatabase;

/**
 * The read model on one node, on H2 and PostgreSQL: product events are searchable within a second
 * of being stored, a restarted node rebuilds the same index from the journal, the journal streams
 * restart after database failures, and without any catalog node a search fails typed.
 */
class CatalogSearchNodeTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestDatabase.Kind.class)
  void eventsAreSearchableWithinOneSecondAndARestartedNodeRebuildsTheIndexFromTheJournal(TestDatabase.Kind kind) {
    try (NodeTestKit kit = NodeTestKit.on(kind).start("CatalogSearchNode" + kind)) {
      ActorSystem<?> system = kit.system();
      CatalogSearchClient client = new CatalogSearchClient(system);
      CatalogSearch.init(system);
      assertThat(client.search(SearchQuery.of("warm up")).toCompletableFuture().join()).isInstanceOf(AskResult.Ok.class);

      ProductJournal.persist(system, TestCatalog.created(product("lamp", "lab",
          Map.of("en", "Desk Lamp", "th", "โคมไฟตั้งโต๊ะ"), Map.of("en", "A warm desk lamp"), List.of("light"), 700, 3)))
          .toCompletableFuture().join();
      Awaitility.await("created product searchable").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
          .until(() -> ids(client, "โคมไฟ").contains("lamp"));

      ProductJournal.persist(system,
          new ProductEvent.StockReserved("lamp", "r-1", 2, Instant.now().plusSeconds(900), 1, meta()),
          new ProductEvent.ReservationCommitted("lamp", "r-1", 2, 1, 1, meta()),
          new ProductEvent.PriceChanged("lamp", new java.math.BigDecimal("650"), "THB", meta()))
          .toCompletableFuture().join();
      Awaitility.await("new price searchable").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
          .until(() -> first(client, "desk lamp").map(h -> h.price().intValue() == 650 && h.stock() == 1).orElse(false));
      IndexedProduct before = CatalogSearch.init(system).index().state("lamp").orElseThrow();

      ActorSystem<?> restarted = kit.restart().system();
      ProductIndex rebuilt = CatalogSearch.init(restarted).index();
      Awaitility.await("index rebuilt from the journal").atMost(Duration.ofSeconds(20))
          .until(() -> rebuilt.state("lamp").map(p -> p.sequenceNr() == before.sequenceNr()).orElse(false));
      assertThat(rebuilt.state("lamp")).contains(before);
      CatalogSearchClient afterRestart = new CatalogSearchClient(restarted);
      Awaitility.await("rebuilt index searchable").atMost(Duration.ofSeconds(5))
          .until(() -> first(afterRestart, "lamp").map(h -> h.id().equals("lamp")).orElse(false));
    }
  }

  @Test
  void theIndexStreamsRestartAndFollowOnWhenTheDatabaseDropsTheirConnections() throws Exception {
    try (NodeTestKit kit = NodeTestKit.postgres().start("CatalogSearchStreamRestart")) {
      ActorSystem<?> system = kit.system();
      CatalogSearch search = CatalogSearch.init(system);
      ProductJournal.persist(system, TestCatalog.created(product("bowl", "lab", Map.of("en", "Rice Bowl"),
          Map.of("en", "A bowl"), List.of(), 200, 5))).toCompletableFuture().join();
      Awaitility.await("first product indexed").atMost(Duration.ofSeconds(5))
          .until(() -> search.index().state("bowl").isPresent());

      try (Connection c = kit.database().connect(); Statement st = c.createStatement()) {
        st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
      }
      Awaitility.await("a journal stream restarted").atMost(Duration.ofSeconds(20))
          .until(() -> search.feedRestarts() > 0);

      ProductData plate = product("plate", "lab", Map.of("en", "Dinner Plate"), Map.of("en", "A plate"), List.of(), 150, 5);
      // the first write after the cut may meet a dead pooled connection: write again until one is stored
      Awaitility.await("second product stored").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> ProductJournal.persist(system, List.of(TestCatalog.created(plate)), Duration.ofSeconds(3))
              .toCompletableFuture().join() != null);
      Awaitility.await("second product searchable").atMost(Duration.ofSeconds(10))
          .until(() -> search.index().search(SearchQuery.of("dinner plate")).items().stream()
              .anyMatch(h -> h.id().equals("plate")));
    }
  }

  @Test
  void withoutAnyCatalogNodeSearchesAnswerATypedFailure() {
    try (NodeTestKit kit = NodeTestKit.h2().start("CatalogSearchNodeWithoutCatalog")) {
      AskResult<?> result = new CatalogSearchClient(kit.system()).search(SearchQuery.of("tea")).toCompletableFuture().join();
      assertThat(result).isInstanceOfSatisfying(AskResult.Failed.class,
          f -> assertThat(f.failure()).isEqualTo(AskResult.Failure.TIMEOUT));
    }
  }

  private static List<String> ids(CatalogSearchClient client, String text) {
    return client.search(SearchQuery.of(text)).toCompletableFuture().join().value().items().stream()
        .map(SearchHit::id).toList();
  }

  private static java.util.Optional<SearchHit> first(CatalogSearchClient client, String text) {
    return client.search(SearchQuery.of(text)).toCompletableFuture().join().value().items().stream().findFirst();
  }
}
