package org.linecommerce.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.search.TestCatalog.meta;
import static org.linecommerce.catalog.search.TestCatalog.product;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.catalog.internal.search.CatalogSearch;
import org.linecommerce.catalog.internal.search.IndexedProduct;
import org.linecommerce.catalog.internal.search.ProductIndex;
import org.linecommerce.testkit.NodeTestKit;
import org.linecommerce.testkit.TestDatabase;

/**
 * A catalog node's start-up cost follows the number of products, not the number of orders: with a
 * journal holding many reservation events for a few products, a restarted node builds its index
 * from the durable read model (one row per product) and replays none of those events, yet holds
 * exactly the state a full replay gives and follows new events live. On H2 and PostgreSQL.
 */
class CatalogIndexStartupTest {

  static final List<String> PRODUCTS = List.of("kettle", "teapot", "mug");
  static final int RESERVATIONS_PER_PRODUCT = 300;

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestDatabase.Kind.class)
  void aRestartedNodeLoadsTheReadModelInsteadOfReplayingEveryReservation(TestDatabase.Kind kind) throws Exception {
    try (NodeTestKit kit = NodeTestKit.on(kind).start("CatalogIndexStartup" + kind)) {
      ActorSystem<?> system = kit.system();
      ProductIndex first = CatalogSearch.init(system).index();
      for (String id : PRODUCTS) {
        ProductJournal.persist(system, TestCatalog.created(product(id, "kitchen", Map.of("en", "Blue " + id),
            Map.of("en", "A " + id + " for tea"), List.of("tea"), 500, 1000))).toCompletableFuture().join();
        ProductJournal.persist(system, reservations(id)).toCompletableFuture().join();
      }
      long lastSequenceNr = 1 + 2L * RESERVATIONS_PER_PRODUCT;
      Awaitility.await("the live index followed every event").atMost(Duration.ofSeconds(30))
          .until(() -> PRODUCTS.stream().allMatch(id ->
              first.state(id).map(p -> p.sequenceNr() == lastSequenceNr).orElse(false)));
      Map<String, IndexedProduct> replayed = new HashMap<>();
      PRODUCTS.forEach(id -> replayed.put(id, first.state(id).orElseThrow()));
      assertThat(replayed.get("mug").popularity()).isEqualTo(RESERVATIONS_PER_PRODUCT);
      Awaitility.await("the read model reflects every event of every tag").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> storedSequenceNrs(kit).values().stream().allMatch(s -> s == lastSequenceNr)
              && storedSequenceNrs(kit).size() == PRODUCTS.size()
              && storedOffsets(kit).equals(lastOrderingPerTag(kit)));

      ActorSystem<?> restarted = kit.restart().system();
      CatalogSearch search = CatalogSearch.init(restarted);
      Awaitility.await("restarted index caught up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
          .until(search::caughtUp);
      ProductIndex index = search.index();
      assertThat(index.eventsApplied()).as("product events replayed into the restarted index").isZero();
      assertThat(search.eventsRead()).as("journal events read by the restarted index").isZero();
      assertThat(index.productsRestored()).as("products loaded from the read model").isEqualTo(PRODUCTS.size());
      for (String id : PRODUCTS) {
        assertThat(index.state(id)).as("state of %s as a full replay gives it", id).contains(replayed.get(id));
      }
      Awaitility.await("restored products searchable").atMost(Duration.ofSeconds(2))
          .until(() -> index.search(SearchQuery.of("blue teapot")).items().stream().anyMatch(h -> h.id().equals("teapot")));

      ProductJournal.persist(restarted,
          new ProductEvent.StockAdjusted("teapot", 0, 0, "counted", meta())).toCompletableFuture().join();
      Awaitility.await("a change after the restart followed live").atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> index.state("teapot").map(p -> p.available() == 0 && !p.inStock()).orElse(false));
      assertThat(search.eventsRead()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestDatabase.Kind.class)
  void aRestartedNodeReadsOnlyTheEventsTheReadModelDoesNotReflectYet(TestDatabase.Kind kind) throws Exception {
    // the projection commits groups of 1000 events and holds a smaller rest for an hour
    NodeTestKit configured = NodeTestKit.on(kind).withConfig("""
        linecommerce.catalog.search.read-model.group-after-envelopes = 1000
        linecommerce.catalog.search.read-model.group-after-duration = 1 hour
        """);
    try (NodeTestKit kit = configured.start("CatalogIndexStartupBehind" + kind)) {
      ActorSystem<?> system = kit.system();
      String id = "kettle";
      List<ProductEvent> events = new ArrayList<>();
      events.add(TestCatalog.created(product(id, "kitchen", Map.of("en", "Blue kettle"), Map.of("en", "A kettle"),
          List.of("tea"), 500, 1000)));
      events.addAll(reservations(id, "a", 1200));
      CatalogSearch.init(system);
      ProductJournal.persist(system, events.subList(0, 1)).toCompletableFuture().join();
      ProductJournal.persist(system, events.subList(1, events.size())).toCompletableFuture().join();
      Awaitility.await("the read model committed its first group").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> storedSequenceNrs(kit).getOrDefault(id, 0L) >= 1000L);

      // the stopping projection may commit part of its pending group: what the table holds once the
      // node is down is what the restarted node loads; the events written next are in no row
      ActorSystem<?> restarted = kit.restart().system();
      long reflected = storedSequenceNrs(kit).get(id);
      List<ProductEvent> later = reservations(id, "b", 200);
      ProductJournal.persist(restarted, later).toCompletableFuture().join();
      events.addAll(later);

      CatalogSearch search = CatalogSearch.init(restarted);
      Awaitility.await("restarted index caught up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
          .until(search::caughtUp);
      assertThat(search.index().productsRestored()).isEqualTo(1);
      assertThat(search.eventsRead()).as("journal events read: those after the read model's offset")
          .isEqualTo(events.size() - reflected);
      IndexedProduct replayed = null;
      for (int i = 0; i < events.size(); i++) replayed = IndexedProduct.apply(replayed, events.get(i), i + 1);
      assertThat(search.index().state(id)).contains(replayed);
    }
  }

  /** {@code count} events: reservations of one unit of {@code id}, each released again. */
  private static List<ProductEvent> reservations(String id, String prefix, int count) {
    List<ProductEvent> events = new ArrayList<>();
    Instant expiry = Instant.now().plusSeconds(900);
    for (int i = 0; events.size() < count; i++) {
      events.add(new ProductEvent.StockReserved(id, id + "-" + prefix + i, 1, expiry, 999, meta()));
      events.add(new ProductEvent.ReservationReleased(id, id + "-" + prefix + i, 1, "released", 1000, meta()));
    }
    return events;
  }

  /** {@value #RESERVATIONS_PER_PRODUCT} reservations of one unit of {@code id}, each released again. */
  private static List<ProductEvent> reservations(String id) {
    List<ProductEvent> events = new ArrayList<>();
    Instant expiry = Instant.now().plusSeconds(900);
    for (int i = 0; i < RESERVATIONS_PER_PRODUCT; i++) {
      events.add(new ProductEvent.StockReserved(id, id + "-r" + i, 1, expiry, 999, meta()));
      events.add(new ProductEvent.ReservationReleased(id, id + "-r" + i, 1, "released", 1000, meta()));
    }
    return events;
  }

  private static Map<String, Long> storedSequenceNrs(NodeTestKit kit) throws Exception {
    return query(kit, "SELECT product_id, sequence_nr FROM catalog_search_products");
  }

  private static Map<String, Long> storedOffsets(NodeTestKit kit) throws Exception {
    return query(kit, "SELECT tag, ordering FROM catalog_search_offsets");
  }

  private static Map<String, Long> lastOrderingPerTag(NodeTestKit kit) throws Exception {
    return query(kit, "SELECT tag, MAX(event_id) FROM event_tag GROUP BY tag");
  }

  private static Map<String, Long> query(NodeTestKit kit, String sql) throws Exception {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = kit.database().connect(); PreparedStatement q = c.prepareStatement(sql);
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
    }
    return out;
  }
}
