package org.linecommerce.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.search.TestCatalog.product;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.api.CatalogSearchClient;
import org.linecommerce.catalog.api.ProductView;
import org.linecommerce.catalog.api.RecommendQuery;
import org.linecommerce.catalog.api.SearchHit;
import org.linecommerce.catalog.api.SearchPage;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.catalog.internal.search.CatalogSearch;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * Catalog search across a cluster: every catalog node builds its own index from the journal; a
 * node without the catalog role searches by message (serialized across the wire); a catalog node
 * answers its own searches.
 */
class CatalogSearchClusterTest {

  @Test
  void everyNodeSearchesByMessageAndCatalogNodesAnswerTheirOwnSearches() throws Exception {
    try (TestDatabase db = TestDatabase.h2();
        InProcessCluster cluster = InProcessCluster.start(1, db, List.of(new SearchTestModule()),
            ConfigFactory.parseString("linecommerce.node.roles = catalog"))) {
      int secondCatalog = cluster.startNode();
      int gateway = cluster.startNode(ConfigFactory.parseString("linecommerce.node.roles = gateway"));
      cluster.awaitAllUp();
      ActorSystem<?> gatewayNode = cluster.system(gateway);

      List<CompletableFuture<?>> writes = TestCatalog.products().stream()
          .limit(30)
          .map(p -> ProductJournal.persist(gatewayNode, TestCatalog.created(p)).toCompletableFuture())
          .collect(java.util.stream.Collectors.toList());
      writes.add(ProductJournal.persist(gatewayNode, TestCatalog.created(product("lab-kettle", "lab",
          Map.of("en", "Copper Kettle", "ja", "銅のやかん"), Map.of("en", "Heats water"), List.of("kettle"), 900, 5)))
          .toCompletableFuture());
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
      for (int node : List.of(0, secondCatalog)) {
        Awaitility.await("index of node " + node).atMost(Duration.ofSeconds(20))
            .until(() -> CatalogSearch.init(cluster.system(node)).index().search(SearchQuery.browse()).total() == 31);
      }

      // a gateway node hosts no search and no product routes, yet searches the catalog
      CatalogSearchClient fromGateway = new CatalogSearchClient(gatewayNode);
      SearchPage page = ok(fromGateway.search(SearchQuery.of("やかん").withLimit(5)));
      assertThat(page.items()).extracting(SearchHit::id).containsExactly("lab-kettle");
      assertThat(page.items().get(0).name()).isEqualTo("銅のやかん");
      assertThat(page.language()).isEqualTo("ja");
      Optional<ProductView> kettle = ok(fromGateway.product("lab-kettle", "en"));
      assertThat(kettle).get().extracting(ProductView::price).satisfies(p -> assertThat(p).isEqualByComparingTo("900"));
      assertThat(ok(fromGateway.product("nope", "en"))).isEmpty();
      assertThat(ok(fromGateway.recommend(RecommendQuery.popular().withLimit(3)))).hasSize(3);
      HttpResponse<String> route = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(gateway).httpPort() + "/api/v1/products"))
              .header("Authorization", "Bearer dev-api-token").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(route.statusCode()).isEqualTo(404);

      // a catalog node prefers its own instance
      long servedByFirst = served(cluster.system(0));
      long servedBySecond = served(cluster.system(secondCatalog));
      CatalogSearchClient fromSecond = new CatalogSearchClient(cluster.system(secondCatalog));
      for (int i = 0; i < 10; i++) {
        assertThat(ok(fromSecond.search(SearchQuery.of("matcha"))).items()).isNotEmpty();
      }
      assertThat(served(cluster.system(secondCatalog)) - servedBySecond).isEqualTo(10);
      assertThat(served(cluster.system(0))).isEqualTo(servedByFirst);
    }
  }

  private static long served(ActorSystem<?> system) {
    Timer timer = Metrics.get(system).registry().find("catalog_search_seconds").tag("operation", "search").timer();
    return timer == null ? 0 : timer.count();
  }

  private static <T> T ok(java.util.concurrent.CompletionStage<AskResult<T>> stage) {
    AskResult<T> result = stage.toCompletableFuture().join();
    assertThat(result).isInstanceOf(AskResult.Ok.class);
    return result.value();
  }
}
