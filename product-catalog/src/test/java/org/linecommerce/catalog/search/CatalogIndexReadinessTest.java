package org.linecommerce.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.catalog.internal.search.CatalogSearch;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** A catalog node turns ready only once its index holds the whole catalog of the journal. */
class CatalogIndexReadinessTest {

  @Test
  void restartedNodeIsReadyOnlyWithTheWholeCatalogIndexed() throws Exception {
    try (TestDatabase db = TestDatabase.h2()) {
      try (InProcessCluster first = InProcessCluster.start(1, db, List.of(new CatalogModule()))) {
        Awaitility.await("seeded and indexed").atMost(Duration.ofSeconds(30))
            .until(() -> CatalogSearch.init(first.system(0)).index().size() == 105);
      }
      try (InProcessCluster second = InProcessCluster.start(1, db, List.of(new CatalogModule()))) {
        CatalogSearch search = CatalogSearch.init(second.system(0));
        Awaitility.await("caught up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
            .until(search::caughtUp);
        assertThat(search.index().size()).as("products indexed when caught up").isEqualTo(105);

        assertThat(second.system(0).settings().config()
            .getString("pekko.management.health-checks.readiness-checks.catalog-index"))
            .isEqualTo("org.linecommerce.catalog.internal.search.CatalogIndexReadinessCheck");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(
            HttpRequest.newBuilder(URI.create(second.node(0).managementUri() + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
      }
    }
  }
}
