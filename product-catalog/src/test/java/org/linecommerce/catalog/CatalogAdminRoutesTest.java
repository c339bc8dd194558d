package org.linecommerce.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.CatalogTesting.MODULES;
import static org.linecommerce.catalog.CatalogTesting.SEED_OFF;
import static org.linecommerce.catalog.CatalogTesting.admin;
import static org.linecommerce.catalog.CatalogTesting.await;
import static org.linecommerce.catalog.CatalogTesting.ok;
import static org.linecommerce.catalog.CatalogTesting.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linecommerce.catalog.api.CatalogClient;
import org.linecommerce.catalog.api.ProductSummary;
import org.linecommerce.runtime.node.Node;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** The catalog admin API over real HTTP on a real node (H2): import and single-product upsert. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogAdminRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private TestDatabase db;
  private InProcessCluster cluster;
  private Node node;

  @BeforeAll
  void start() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, MODULES, SEED_OFF);
    node = cluster.node(0);
  }

  @AfterAll
  void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  static String sampleCatalog() throws IOException {
    try (InputStream in = CatalogAdminRoutesTest.class.getClassLoader().getResourceAsStream("catalog/sample-products.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  @Test
  void theSampleCatalogImportsWith105CreatedAndAgainWith105Unchanged() throws Exception {
    String catalog = sampleCatalog();
    HttpResponse<String> first = admin(node, "POST", "/admin/products/import", catalog);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonNode report = json(first);
    assertThat(report.get("created").asInt()).isEqualTo(105);
    assertThat(report.get("updated").asInt()).isZero();
    assertThat(report.get("unchanged").asInt()).isZero();
    assertThat(report.get("rejected")).isEmpty();

    JsonNode again = json(admin(node, "POST", "/admin/products/import", catalog));
    assertThat(again.get("created").asInt()).isZero();
    assertThat(again.get("unchanged").asInt()).isEqualTo(105);
    assertThat(again.get("rejected")).isEmpty();

    ProductSummary matcha = ok(await(new CatalogClient(node.system()).get("matcha-powder-1")));
    assertThat(matcha.data().name()).containsEntry("ja", "抹茶パウダー 50g");
    assertThat(matcha.data().price()).isEqualByComparingTo("234");
    assertThat(matcha.stock()).isEqualTo(120);
  }

  @Test
  void badEntriesAreRejectedOneByOneWithIndexAndReasonAndTheRestIsImported() throws Exception {
    String catalog = """
        {"schemaVersion": 1, "currency": "THB", "languages": ["en"], "products": [
          {"id": "imp-good-1", "name": {"en": "Good one"}, "price": 10, "stock": 3},
          {"id": "imp-negative", "name": {"en": "Negative"}, "price": -5, "stock": 1},
          {"id": "imp-nameless", "name": {"en": "  "}, "price": 5},
          {"id": "imp-money", "name": {"en": "Funny money"}, "price": 5, "currency": "ABC"},
          {"name": {"en": "Who am I"}, "price": 5},
          {"id": "imp-good-1", "name": {"en": "Good one again"}, "price": 11},
          "not an object",
          {"id": "imp-good-2", "name": {"ja": "良い"}, "price": 12.50, "currency": "usd", "stock": 0}
        ]}""";
    HttpResponse<String> response = admin(node, "POST", "/admin/products/import", catalog);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode report = json(response);
    assertThat(report.get("created").asInt()).isEqualTo(2);
    JsonNode rejected = report.get("rejected");
    assertThat(rejected).hasSize(6);
    assertRejected(rejected.get(0), 1, "imp-negative", "price must be >= 0");
    assertRejected(rejected.get(1), 2, "imp-nameless", "name must be given in at least one language");
    assertRejected(rejected.get(2), 3, "imp-money", "'ABC' is not an ISO 4217 currency");
    assertRejected(rejected.get(3), 4, null, "id is required");
    assertRejected(rejected.get(4), 5, "imp-good-1", "duplicate id 'imp-good-1' (first at index 0)");
    assertRejected(rejected.get(5), 6, null, "a product must be a JSON object");

    CatalogClient client = new CatalogClient(node.system());
    assertThat(ok(await(client.get("imp-good-1"))).data().name()).containsEntry("en", "Good one");
    ProductSummary good2 = ok(await(client.get("imp-good-2")));
    assertThat(good2.data().currency()).isEqualTo("USD");
    assertThat(good2.data().price()).isEqualByComparingTo("12.5");
    assertThat(ok(await(client.get("imp-negative"))).exists()).isFalse();

    // a bare array is a catalog too (no catalog currency: each product names its own)
    String array = """
        [{"id": "imp-array-1", "name": {"th": "ชา"}, "price": 1, "currency": "THB"}, {"id": "imp-array-2", "name": {"en": "No currency"}, "price": 1}]""";
    JsonNode arrayReport = json(admin(node, "POST", "/admin/products/import", array));
    assertThat(arrayReport.get("created").asInt()).isEqualTo(1);
    assertRejected(arrayReport.get("rejected").get(0), 1, "imp-array-2", "currency is required");
  }

  private static void assertRejected(JsonNode r, int index, String id, String reason) {
    assertThat(r.get("index").asInt()).isEqualTo(index);
    if (id == null) {
      assertThat(r.get("id").isNull()).as("id of " + r).isTrue();
    } else {
      assertThat(r.get("id").asText()).isEqualTo(id);
    }
    assertThat(r.get("reason").asText()).contains(reason);
  }

  @Test
  void importRefusesBodiesThatAreNotACatalog() throws Exception {
    HttpResponse<String> malformed = admin(node, "POST", "/admin/products/import", "{\"products\": [");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    HttpResponse<String> notCatalog = admin(node, "POST", "/admin/products/import", "{\"items\": []}");
    assertThat(notCatalog.statusCode()).isEqualTo(400);
    assertThat(json(notCatalog).get("detail").asText()).contains("'products' array");
    HttpResponse<String> version = admin(node, "POST", "/admin/products/import", "{\"schemaVersion\": 2, \"products\": []}");
    assertThat(version.statusCode()).isEqualTo(422);
  }

  @Test
  void putCreatesWith201UpdatesWith200AndRefusesInvalidProductsWith422() throws Exception {
    String body = """
        {"id": "put-sencha", "sku": "S-1", "category": "tea", "name": {"en": "Sencha", "ja": "煎茶"},
         "description": {"en": "Green tea."}, "tags": ["green tea"], "price": 180, "currency": "THB", "stock": 7}""";
    HttpResponse<String> created = admin(node, "PUT", "/admin/products/put-sencha", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode product = json(created);
    assertThat(product.get("id").asText()).isEqualTo("put-sencha");
    assertThat(product.get("name").get("ja").asText()).isEqualTo("煎茶");
    assertThat(product.get("price").decimalValue()).isEqualByComparingTo("180");
    assertThat(product.get("stock").asInt()).isEqualTo(7);
    assertThat(product.get("available").asInt()).isEqualTo(7);
    assertThat(product.get("discontinued").asBoolean()).isFalse();
    assertThat(product.has("meta")).as("no persistent event leaks into JSON").isFalse();

    HttpResponse<String> updated = admin(node, "PUT", "/admin/products/put-sencha", body.replace("180", "185.5"));
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(json(updated).get("price").decimalValue()).isEqualByComparingTo("185.5");
    HttpResponse<String> unchanged = admin(node, "PUT", "/admin/products/put-sencha", body.replace("180", "185.50"));
    assertThat(unchanged.statusCode()).isEqualTo(200);

    // the id may be left out of the body; the path names the product
    HttpResponse<String> noId = admin(node, "PUT", "/admin/products/put-hojicha",
        "{\"name\": {\"en\": \"Hojicha\"}, \"price\": 90, \"currency\": \"THB\"}");
    assertThat(noId.statusCode()).isEqualTo(201);

    HttpResponse<String> negative = admin(node, "PUT", "/admin/products/put-sencha", body.replace("180", "-1"));
    assertThat(negative.statusCode()).isEqualTo(422);
    assertThat(negative.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(negative).get("detail").asText()).isEqualTo("price must be >= 0 (got -1)");

    HttpResponse<String> mismatch = admin(node, "PUT", "/admin/products/put-other", body);
    assertThat(mismatch.statusCode()).isEqualTo(422);
    assertThat(json(mismatch).get("detail").asText()).contains("does not match the id in the path");

    HttpResponse<String> badId = admin(node, "PUT", "/admin/products/Bad_Id",
        "{\"name\": {\"en\": \"x\"}, \"price\": 1, \"currency\": \"THB\"}");
    assertThat(badId.statusCode()).isEqualTo(422);

    HttpResponse<String> malformed = admin(node, "PUT", "/admin/products/put-sencha", "{\"id\": ");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    assertThat(json(admin(node, "GET", "/admin/products/put-sencha", null)).get("price").decimalValue())
        .isEqualByComparingTo("185.5");
    assertThat(admin(node, "GET", "/admin/products/no-such-product", null).statusCode()).isEqualTo(404);
    assertThat(admin(node, "GET", "/admin/products/Not_An_Id", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theAdminRoutesNeedTheAdminToken() {
    assertThat(send(node, "POST", "/admin/products/import", "[]", null).statusCode()).isEqualTo(401);
    assertThat(send(node, "PUT", "/admin/products/x", "{}", null).statusCode()).isEqualTo(401);
    assertThat(send(node, "PUT", "/admin/products/x", "{}", "Bearer dev-api-token").statusCode()).isEqualTo(401);
  }
}
