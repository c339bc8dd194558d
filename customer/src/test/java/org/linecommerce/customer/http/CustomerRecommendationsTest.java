package org.linecommerce.customer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.customer.http.CustomerHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@code GET /api/v1/products/recommendations?userId=} on a real node with the bundled sample
 * catalog: the catalog's product routes ask the customer module's registered signals (recent
 * views, ordered products, interests), and a user without history gets the popular fallback.
 * Runs on H2 here and on PostgreSQL in {@link CustomerRecommendationsPostgresTest}.
 */
class CustomerRecommendationsTest {

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static CustomerHttp http;

  @BeforeAll
  static void startNodeWithSampleCatalog() {
    start(TestDatabase.h2());
  }

  static void start(TestDatabase database) {
    db = database;
    cluster = InProcessCluster.start(1, db, List.of(new CustomerModule(), new CatalogModule()));
    http = new CustomerHttp(cluster.node(0).httpPort());
    Awaitility.await("sample catalog seeded and searchable").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          HttpResponse<String> r = http.send("GET", "/api/v1/products?limit=1", null);
          return r.statusCode() == 200 && json(r).path("pagination").path("total").asInt() >= 100;
        });
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static String newUser() {
    return "U" + UUID.randomUUID().toString().replace("-", "");
  }

  private static JsonNode recommendations(String query) {
    HttpResponse<String> r = http.send("GET", "/api/v1/products/recommendations?" + query, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r).path("items");
  }

  private static List<String> ids(JsonNode items) {
    return StreamSupport.stream(items.spliterator(), false).map(i -> i.path("id").asText()).toList();
  }

  private static void activity(String userId, String body) {
    HttpResponse<String> r = http.send("POST", "/api/v1/customers/" + userId + "/activity", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  @Test
  void aUserWhoViewedAPenGetsOtherStationeryInStockButNotThePenItself() {
    String userId = newUser();
    activity(userId, "{\"type\":\"product_viewed\",\"data\":{\"productId\":\"gel-pen-1\"}}");

    JsonNode items = recommendations("userId=" + userId + "&limit=5");
    assertThat(items).hasSize(5);
    assertThat(ids(items)).doesNotContain("gel-pen-1");
    assertThat(items).allMatch(i -> i.path("category").asText().equals("stationery") && i.path("stock").asInt() > 0);
    assertThat(ids(items)).isNotEqualTo(ids(recommendations("limit=5")));
  }

  @Test
  void productsOfAnOrderLeadToRelatedProducts() {
    String userId = newUser();
    activity(userId, "{\"type\":\"order_placed\",\"data\":{\"orderId\":\"o-1\",\"items\":[{\"productId\":\"oolong-1\",\"quantity\":1}]}}");

    JsonNode items = recommendations("userId=" + userId + "&limit=3");
    assertThat(ids(items)).doesNotContain("oolong-1").contains("oolong-2", "oolong-3");
    assertThat(items).allMatch(i -> i.path("category").asText().equals("tea"));
  }

  @Test
  void interestsFromTheProfileLeadToMatchingProducts() {
    String userId = newUser();
    HttpResponse<String> put = http.send("PUT", "/api/v1/customers/" + userId,
        "{\"displayName\":\"Nok\",\"language\":\"th\",\"interests\":[\"fountain pen\"]}");
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(ids(recommendations("userId=" + userId + "&limit=3"))).anyMatch(id -> id.startsWith("fountain-pen-"));
  }

  @Test
  void aUserWithoutHistoryGetsThePopularFallback() {
    List<String> popular = ids(recommendations("limit=5"));
    assertThat(popular).hasSize(5);
    assertThat(ids(recommendations("userId=" + newUser() + "&limit=5"))).isEqualTo(popular);
    // asking for recommendations registers nobody
    String userId = newUser();
    recommendations("userId=" + userId);
    assertThat(http.send("GET", "/api/v1/customers/" + userId, null).statusCode()).isEqualTo(404);
  }
}
