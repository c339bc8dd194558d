package org.linecommerce.catalog.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.catalog.search.TestCatalog.meta;
import static org.linecommerce.catalog.search.TestCatalog.product;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linecommerce.catalog.api.ProductData;
import org.linecommerce.catalog.api.ProductEvent;
import org.linecommerce.catalog.api.SearchQuery;
import org.linecommerce.catalog.internal.search.CatalogSearch;
import org.linecommerce.catalog.internal.search.ProductIndex;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The product routes over real HTTP on a real node (H2), the catalog persisted as product events
 * and found through the node's search read model: the dev set end to end, response shapes,
 * pagination, filters, languages, ranking rules, errors, and freshness of updates.
 */
class ProductRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int SAMPLE_SIZE = 105;

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static ActorSystem<?> system;
  private static int port;

  @BeforeAll
  static void startNodeAndPersistCatalog() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new SearchTestModule()));
    system = cluster.system(0);
    port = cluster.node(0).httpPort();
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (ProductData p : TestCatalog.products()) {
      writes.add(ProductJournal.persist(system, TestCatalog.created(p)).toCompletableFuture());
    }
    // a product with English texts only, and one that is discontinued
    writes.add(ProductJournal.persist(system, TestCatalog.created(product("lab-lantern", "lab",
        Map.of("en", "Paper Lantern"), Map.of("en", "A folding paper lantern"), List.of("light"), 300, 4)))
        .toCompletableFuture());
    writes.add(ProductJournal.persist(system,
        TestCatalog.created(product("lab-old-lantern", "lab", Map.of("en", "Old Paper Lantern"),
            Map.of("en", "The lantern we used to sell"), List.of("light"), 200, 9)),
        new ProductEvent.ProductDiscontinued("lab-old-lantern", meta())).toCompletableFuture());
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    Awaitility.await("catalog indexed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          ProductIndex index = CatalogSearch.init(system).index();
          return index.search(SearchQuery.browse().withDiscontinued(true)).total() == SAMPLE_SIZE + 2
              && index.search(SearchQuery.browse()).total() == SAMPLE_SIZE + 1;
        });
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .header("Authorization", "Bearer dev-api-token")
        .timeout(Duration.ofSeconds(20))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode getJson(String pathAndQuery) throws Exception {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).as(pathAndQuery + " → " + response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    return JSON.readTree(response.body());
  }

  private static String search(String text, String language, int limit) {
    return "/api/v1/products?search=" + URLEncoder.encode(text, StandardCharsets.UTF_8)
        + (language == null ? "" : "&language=" + language) + "&limit=" + limit;
  }

  private static List<String> ids(JsonNode body) {
    return StreamSupport.stream(body.path("items").spliterator(), false).map(i -> i.path("id").asText()).toList();
  }

  @Test
  void devSetOverHttpFindsAnExpectedProductInTheTopFive() throws Exception {
    List<TestCatalog.DevQuery> queries = TestCatalog.devQueries();
    List<String> misses = new ArrayList<>();
    for (TestCatalog.DevQuery q : queries) {
      List<String> top = ids(getJson(search(q.text(), q.language(), 5)));
      if (top.stream().noneMatch(q::matches)) misses.add(q.language() + " '" + q.text() + "' → " + top);
    }
    System.out.printf("dev set over HTTP hit@5 = %d/%d%n", queries.size() - misses.size(), queries.size());
    assertThat(misses).isEmpty();
  }

  @Test
  void searchAnswersItemsWithTheContractFieldsAndPagination() throws Exception {
    JsonNode body = getJson(search("日焼け止め", "ja", 2));
    assertThat(body.path("pagination").path("page").asInt()).isEqualTo(1);
    assertThat(body.path("pagination").path("limit").asInt()).isEqualTo(2);
    assertThat(body.path("pagination").path("total").asLong()).isEqualTo(3);
    assertThat(body.path("items")).hasSize(2);
    JsonNode item = body.path("items").get(0);
    for (String field : List.of("id", "name", "description", "price", "currency", "stock", "category", "score")) {
      assertThat(item.has(field)).as("item has " + field).isTrue();
    }
    assertThat(item.path("id").asText()).startsWith("sunscreen-");
    assertThat(item.path("name").asText()).startsWith("日焼け止め");
    assertThat(item.path("price").isNumber()).isTrue();
    assertThat(item.path("currency").asText()).isEqualTo("THB");
    assertThat(item.path("category").asText()).isEqualTo("skincare");
    assertThat(item.path("score").asDouble()).isPositive();
    assertThat(item.path("stock").asInt()).isPositive();
  }

  @Test
  void browsingPagesThroughEveryProductWithTheDefaultLimit() throws Exception {
    JsonNode first = getJson("/api/v1/products");
    assertThat(first.path("pagination").path("limit").asInt()).isEqualTo(20);
    assertThat(first.path("items")).hasSize(20);
    long total = first.path("pagination").path("total").asLong();
    // the sample and the lab lantern, not the discontinued lantern (other tests may add lab products)
    assertThat(total).isGreaterThanOrEqualTo(SAMPLE_SIZE + 1);
    List<String> all = new ArrayList<>();
    for (int page = 1; page <= 3; page++) {
      JsonNode body = getJson("/api/v1/products?limit=50&page=" + page);
      assertThat(body.path("pagination").path("page").asInt()).isEqualTo(page);
      assertThat(body.path("pagination").path("total").asLong()).isEqualTo(total);
      all.addAll(ids(body));
    }
    assertThat(all).hasSize((int) total).doesNotHaveDuplicates().doesNotContain("lab-old-lantern")
        .contains("lab-lantern")
        .containsAll(TestCatalog.products().stream().map(ProductData::id).toList());
    assertThat(getJson("/api/v1/products?limit=50&page=4").path("items")).isEmpty();
    JsonNode far = getJson("/api/v1/products?search=tea&limit=100&page=2147483647");
    assertThat(far.path("items")).isEmpty();
    assertThat(far.path("pagination").path("total").asLong()).isPositive();
    // in stock first
    List<Integer> stock = StreamSupport.stream(getJson("/api/v1/products?limit=100").path("items").spliterator(), false)
        .map(i -> i.path("stock").asInt()).toList();
    int firstOut = stock.indexOf(0);
    assertThat(stock.subList(firstOut, stock.size())).allMatch(s -> s == 0);
  }

  @Test
  void theCategoryFilterKeepsOneCategory() throws Exception {
    JsonNode body = getJson("/api/v1/products?category=stationery&limit=100");
    assertThat(body.path("pagination").path("total").asLong()).isEqualTo(11);
    assertThat(body.path("items")).allMatch(i -> i.path("category").asText().equals("stationery"));
    JsonNode pens = getJson("/api/v1/products?search=pen&category=stationery");
    assertThat(ids(pens)).isNotEmpty().allMatch(id -> id.contains("pen"));
    assertThat(getJson("/api/v1/products?search=pen&category=tea").path("pagination").path("total").asLong()).isZero();
  }

  @Test
  void textsComeInTheRequestedLanguageWithEnglishWhereAProductHasNone() throws Exception {
    JsonNode th = getJson(search("matcha powder", "th", 1)).path("items").get(0);
    assertThat(th.path("name").asText()).startsWith("ผงชาเขียวมัทฉะ");
    assertThat(th.path("categoryName").asText()).isEqualTo("ชา");
    JsonNode lantern = getJson(search("lantern", "ja", 5)).path("items").get(0);
    assertThat(lantern.path("id").asText()).isEqualTo("lab-lantern");
    assertThat(lantern.path("name").asText()).isEqualTo("Paper Lantern");
    assertThat(getJson("/api/v1/products/lab-lantern?language=th").path("name").asText()).isEqualTo("Paper Lantern");
  }

  @Test
  void outOfStockProductsAreListedAfterInStockOnes() throws Exception {
    JsonNode body = getJson(search("sunscreen", "en", 10));
    List<Integer> stock = StreamSupport.stream(body.path("items").spliterator(), false)
        .map(i -> i.path("stock").asInt()).toList();
    assertThat(ids(body)).containsExactlyInAnyOrder("sunscreen-1", "sunscreen-2", "sunscreen-3");
    assertThat(stock.get(2)).isZero();
    assertThat(stock.subList(0, 2)).allMatch(s -> s > 0);
  }

  @Test
  void discontinuedProductsAreNotFoundButCanBeLookedUp() throws Exception {
    assertThat(ids(getJson(search("old paper lantern", "en", 20)))).contains("lab-lantern").doesNotContain("lab-old-lantern");
    JsonNode old = getJson("/api/v1/products/lab-old-lantern");
    assertThat(old.path("discontinued").asBoolean()).isTrue();
  }

  @Test
  void oneProductIsAnsweredInTheRequestedLanguage() throws Exception {
    JsonNode p = getJson("/api/v1/products/rice-cooker-1?language=ja");
    assertThat(p.path("id").asText()).isEqualTo("rice-cooker-1");
    assertThat(p.path("name").asText()).isEqualTo("炊飯器 1L ブラック");
    assertThat(p.path("price").decimalValue()).isEqualByComparingTo("1890");
    assertThat(p.path("stock").asInt()).isEqualTo(40);
    assertThat(p.path("category").asText()).isEqualTo("kitchen");
    assertThat(p.path("language").asText()).isEqualTo("ja");
    assertThat(getJson("/api/v1/products/rice-cooker-1").path("name").asText()).isEqualTo("Rice Cooker 1L Black");
  }

  @Test
  void anUnknownProductAnswers404ProblemJson() throws Exception {
    HttpResponse<String> response = get("/api/v1/products/no-such-product");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("status").asInt()).isEqualTo(404);
    assertThat(problem.path("detail").asText()).contains("no-such-product");
    assertThat(problem.path("correlationId").asText()).isNotBlank();
  }

  @ParameterizedTest(name = "{0} → 400 naming {1}")
  @CsvSource({
      "/api/v1/products?limit=abc, limit",
      "/api/v1/products?limit=0, limit",
      "/api/v1/products?limit=-5, limit",
      "/api/v1/products?limit=101, limit",
      "/api/v1/products?page=0, page",
      "/api/v1/products?page=two, page",
      "/api/v1/products?search=tea&language=fr, language",
      "/api/v1/products/recommendations?limit=1000, limit",
      "/api/v1/products/recommendations?language=xx, language",
      "/api/v1/products/rice-cooker-1?language=de, language"})
  void invalidParametersAnswer400ProblemJsonNamingTheParameter(String pathAndQuery, String parameter) throws Exception {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(response.body()).path("detail").asText()).contains("'" + parameter + "'");
  }

  @Test
  void requestsWithoutTheApiTokenAreRefused() throws Exception {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/products")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void recommendationsAnswerPopularProductsInStockWithOrWithoutAUser() throws Exception {
    JsonNode body = getJson("/api/v1/products/recommendations?limit=5&language=th");
    assertThat(body.path("items")).hasSize(5);
    assertThat(body.path("items")).allMatch(i -> i.path("stock").asInt() > 0 && i.has("name") && i.has("price"));
    JsonNode forUser = getJson("/api/v1/products/recommendations?userId=U123&limit=5&language=th");
    assertThat(ids(forUser)).isEqualTo(ids(body));
    JsonNode kitchen = getJson("/api/v1/products/recommendations?category=kitchen");
    assertThat(kitchen.path("items")).hasSizeLessThanOrEqualTo(10).isNotEmpty()
        .allMatch(i -> i.path("category").asText().equals("kitchen") && i.path("stock").asInt() > 0);
  }

  @Test
  void aPersistedChangeIsSearchableWithinOneSecond() throws Exception {
    getJson(search("kite", "en", 5)); // warm the HTTP path: the second is for the read model
    ProductData kite = product("lab-kite", "lab", Map.of("en", "Dragon Kite"), Map.of("en", "A kite for windy days"),
        List.of("toy"), 150, 7);
    ProductJournal.persist(system, TestCatalog.created(kite)).toCompletableFuture().join();
    Awaitility.await("new product searchable").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
        .until(() -> ids(getJson(search("dragon kite", "en", 5))).contains("lab-kite"));

    ProductJournal.persist(system, new ProductEvent.StockReserved("lab-kite", "r-1", 7,
        Instant.now().plusSeconds(900), 0, meta())).toCompletableFuture().join();
    Awaitility.await("reservation visible").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
        .until(() -> getJson(search("dragon kite", "en", 5)).path("items").get(0).path("stock").asInt() == 0);

    ProductJournal.persist(system, new ProductEvent.ProductDiscontinued("lab-kite", meta())).toCompletableFuture().join();
    Awaitility.await("discontinued product gone").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
        .until(() -> !ids(getJson(search("dragon kite", "en", 5))).contains("lab-kite"));
  }
}
