package org.linecommerce.customer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.customer.http.CustomerHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.customer.api.ProfileUpdate;
import org.linecommerce.customer.api.UpdateResult;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.resilience.AskResult;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/** The customer routes over real HTTP on a real node (H2): every status the API promises. */
class CustomerRoutesTest {

  private static final AtomicInteger ids = new AtomicInteger();
  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static CustomerHttp http;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new CustomerModule(), new CatalogModule()),
        ConfigFactory.parseString("linecommerce.catalog.seed = off"));
    http = new CustomerHttp(cluster.node(0).httpPort());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private final String userId = "U" + String.format("%032x", ids.incrementAndGet() + System.nanoTime());

  private static final String AIKO = """
      {"displayName":"Aiko","language":"ja-JP","preferences":["no spicy food"],"interests":["matcha","sencha"]}""";

  private static void assertProblem(HttpResponse<String> r, int status, String detailContains) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode body = json(r);
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("correlationId").asText()).isEqualTo("test-corr-1");
    if (detailContains != null) assertThat(body.path("detail").asText()).contains(detailContains);
  }

  @Test
  void putCreatesWith201ThenTheSameBodyAnswers200WithTheSameProfileAndNoSecondEvent() throws Exception {
    HttpResponse<String> created = http.send("PUT", "/api/v1/customers/" + userId, AIKO);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode body = json(created);
    assertThat(body.path("userId").asText()).isEqualTo(userId);
    assertThat(body.path("displayName").asText()).isEqualTo("Aiko");
    assertThat(body.path("language").asText()).isEqualTo("ja");
    assertThat(body.path("interests")).hasSize(2);
    assertThat(body.path("preferences").get(0).asText()).isEqualTo("no spicy food");

    HttpResponse<String> again = http.send("PUT", "/api/v1/customers/" + userId, AIKO);
    assertThat(again.statusCode()).isEqualTo(200);
    JsonNode same = json(again);
    assertThat(same.path("updatedAt")).isEqualTo(body.path("updatedAt"));
    assertThat(same.path("interests")).isEqualTo(body.path("interests"));
    assertThat(eventCount(userId)).isEqualTo(1);

    HttpResponse<String> updated = http.send("PUT", "/api/v1/customers/" + userId,
        "{\"displayName\":\"Aiko T.\",\"language\":\"th\",\"preferences\":[],\"interests\":[\"tea\"],\"marketingConsent\":true}");
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(json(updated).path("language").asText()).isEqualTo("th");
    assertThat(json(updated).path("marketingConsent").asBoolean()).isTrue();
    assertThat(eventCount(userId)).isEqualTo(2);

    HttpResponse<String> read = http.send("GET", "/api/v1/customers/" + userId, null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(json(read).path("displayName").asText()).isEqualTo("Aiko T.");
    assertThat(read.headers().firstValue("X-Correlation-ID")).hasValue("test-corr-1");
  }

  @Test
  void unknownCustomerIs404AndRequestsWithoutTheTokenAre401() {
    assertProblem(http.send("GET", "/api/v1/customers/" + userId, null), 404, userId);
    assertProblem(http.send("DELETE", "/api/v1/customers/" + userId, null), 404, userId);
    assertProblem(http.send("GET", "/api/v1/customers/bad%20id!", null), 404, null);
    assertProblem(http.send("GET", "/api/v1/customers/" + userId, null, null, null), 401, null);
    assertProblem(http.send("PUT", "/api/v1/customers/" + userId, AIKO, "Bearer wrong", "application/json"), 401, null);
  }

  @Test
  void malformedJsonIs400() {
    assertProblem(http.send("PUT", "/api/v1/customers/" + userId, "{\"displayName\": "), 400, "not well-formed JSON");
    assertProblem(http.send("PUT", "/api/v1/customers/" + userId, "[1,2]"), 400, "JSON object");
    assertProblem(http.send("POST", "/api/v1/customers/" + userId + "/activity", "{type:"), 400, null);
    assertProblem(http.send("GET", "/api/v1/customers/" + userId, null), 404, null);
  }

  @ParameterizedTest(name = "{0} → 422 ({1})")
  @CsvSource(delimiter = '|', value = {
      "{\"displayName\":\"A\",\"language\":\"fr\"}| language must be one of en, ja, th",
      "{\"displayName\":\"A\"}| language is required",
      "{\"language\":\"en\"}| displayName is required",
      "{\"displayName\":\"   \",\"language\":\"en\"}| displayName is required",
      "{\"displayName\":5,\"language\":\"en\"}| displayName must be a string",
      "{\"displayName\":\"A\",\"language\":\"en\",\"interests\":\"tea\"}| interests must be an array of strings",
      "{\"displayName\":\"A\",\"language\":\"en\",\"interests\":[1]}| interests must be an array of strings",
      "{\"displayName\":\"A\",\"language\":\"en\",\"preferences\":[\"\"]}| preferences must not contain empty items",
      "{\"displayName\":\"A\",\"language\":\"en\",\"pictureUrl\":\"javascript:x\"}| pictureUrl must be an http(s) URL",
      "{\"displayName\":\"A\",\"language\":\"en\",\"marketingConsent\":\"yes\"}| marketingConsent must be true or false"})
  void invalidProfileValuesAre422AndCreateNothing(String body, String detail) {
    assertProblem(http.send("PUT", "/api/v1/customers/" + userId, body), 422, detail);
    assertProblem(http.send("GET", "/api/v1/customers/" + userId, null), 404, null);
  }

  @Test
  void boundsOfStringsAndListsAre422() {
    String longName = "x".repeat(201);
    assertProblem(http.send("PUT", "/api/v1/customers/" + userId,
        "{\"displayName\":\"" + longName + "\",\"language\":\"en\"}"), 422, "longer than 200");
    String many = String.join(",", java.util.Collections.nCopies(51, "\"tea\""));
    assertProblem(http.send("PUT", "/api/v1/customers/" + userId,
        "{\"displayName\":\"A\",\"language\":\"en\",\"interests\":[" + many + "]}"), 422, "more than 50 items");
    assertProblem(http.send("PUT", "/api/v1/customers/" + userId,
        "{\"displayName\":\"A\",\"language\":\"en\",\"interests\":[\"" + "t".repeat(101) + "\"]}"), 422, "longer than 100");
    assertProblem(http.send("PUT", "/api/v1/customers/" + "u".repeat(65), AIKO), 422, "userId");
  }

  @ParameterizedTest(name = "{0} → 422 ({1})")
  @CsvSource(delimiter = '|', value = {
      "{\"type\":\"Product Viewed\"}| type must be one of",
      "{\"data\":{}}| type must be one of",
      "{\"type\":\"searched\",\"data\":[1]}| data must be a JSON object",
      "{\"type\":\"searched\",\"timestamp\":\"yesterday\"}| timestamp must be an ISO-8601",
      "{\"type\":\"searched\",\"source\":\"bad source!\"}| source must be"})
  void invalidActivityIs422(String body, String detail) {
    assertProblem(http.send("POST", "/api/v1/customers/" + userId + "/activity", body), 422, detail);
  }

  @Test
  void activityIsAcceptedWith202AndAnUnknownUserGetsTheDefaultProfile() {
    HttpResponse<String> accepted = http.send("POST", "/api/v1/customers/" + userId + "/activity",
        "{\"type\":\"product_viewed\",\"data\":{\"productId\":\"matcha-powder-1\"},"
            + "\"timestamp\":\"2026-11-20T09:00:00+07:00\",\"source\":\"bot-gateway\"}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(json(accepted).path("timestamp").asText()).isEqualTo("2026-11-20T02:00:00Z");

    JsonNode customer = json(http.send("GET", "/api/v1/customers/" + userId, null));
    assertThat(customer.path("displayName").asText()).isEqualTo("Customer");
    assertThat(customer.path("language").asText()).isEqualTo("en");
    JsonNode activity = customer.path("recentActivity").get(0);
    assertThat(activity.path("type").asText()).isEqualTo("product_viewed");
    assertThat(activity.path("data").path("productId").asText()).isEqualTo("matcha-powder-1");
    assertThat(activity.path("source").asText()).isEqualTo("bot-gateway");

    assertThat(http.send("POST", "/api/v1/customers/" + userId + "/activity", "{\"type\":\"my_custom_thing\"}")
        .statusCode()).isEqualTo(202);
  }

  @Test
  void deleteErasesWith204ThenReadsAndActivityAre404AndAPutRegistersAFreshProfile() throws Exception {
    assertThat(http.send("PUT", "/api/v1/customers/" + userId, AIKO).statusCode()).isEqualTo(201);
    assertThat(http.send("POST", "/api/v1/customers/" + userId + "/activity",
        "{\"type\":\"searched\",\"data\":{\"query\":\"matcha\"}}").statusCode()).isEqualTo(202);

    HttpResponse<String> erased = http.send("DELETE", "/api/v1/customers/" + userId, null);
    assertThat(erased.statusCode()).isEqualTo(204);
    assertThat(erased.body()).isEmpty();

    assertProblem(http.send("GET", "/api/v1/customers/" + userId, null), 404, null);
    assertProblem(http.send("DELETE", "/api/v1/customers/" + userId, null), 404, null);
    assertProblem(http.send("POST", "/api/v1/customers/" + userId + "/activity", "{\"type\":\"searched\"}"), 404, null);
    assertThat(eventCount(userId)).as("registered, searched, erased").isEqualTo(3);

    // the tombstone snapshot in the database holds nothing personal; the older events still do (README, #516)
    Awaitility.await("tombstone snapshot saved").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> !payloads("snapshot", "snapshot_payload", userId).isEmpty());
    assertThat(payloads("snapshot", "snapshot_payload", userId))
        .singleElement().satisfies(p -> assertThat(p).doesNotContain("Aiko", "matcha", "no spicy food"));
    assertThat(String.join("|", payloads("event_journal", "event_payload", userId))).contains("Aiko", "matcha");

    HttpResponse<String> fresh = http.send("PUT", "/api/v1/customers/" + userId,
        "{\"displayName\":\"Someone\",\"language\":\"en\"}");
    assertThat(fresh.statusCode()).isEqualTo(201);
    assertThat(json(fresh).path("interests")).isEmpty();
    assertThat(json(fresh).path("recentActivity")).isEmpty();
  }

  @Test
  void theClientFacadeRegistersBlocksAndAnswersTheSeedsDefaultForUnknownUsers() {
    CustomerClient client = new CustomerClient(cluster.system(0));
    CustomerView fallback = client.getOrDefault(userId).toCompletableFuture().join().value();
    assertThat(fallback.status()).isEqualTo(CustomerView.Status.UNKNOWN);
    assertThat(fallback.profile().displayName()).isEqualTo("Customer");
    assertThat(fallback.profile().language()).isEqualTo("en");
    assertThat(fallback.profile().preferences()).isEmpty();
    assertThat(fallback.profile().interests()).isEmpty();

    MessageMeta meta = MessageMeta.root("test", "corr-client");
    UpdateResult registered = client.register(userId, "Somchai", "th", null, null, meta).toCompletableFuture().join().value();
    assertThat(registered.outcome()).isEqualTo(UpdateResult.Outcome.CREATED);
    assertThat(client.block(userId, meta).toCompletableFuture().join().value().customer().blocked()).isTrue();
    assertThat(json(http.send("GET", "/api/v1/customers/" + userId, null)).path("blocked").asBoolean()).isTrue();
    assertThat(client.unblock(userId, meta).toCompletableFuture().join().value().customer().blocked()).isFalse();
    assertThat(client.getOrDefault(userId).toCompletableFuture().join().value().profile().displayName()).isEqualTo("Somchai");

    AskResult<UpdateResult> invalid = client.updateProfile(userId,
        new ProfileUpdate("A", "de", List.of(), List.of(), null, null, null), meta).toCompletableFuture().join();
    assertThat(invalid).isInstanceOfSatisfying(AskResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(AskResult.Failure.REJECTED));
  }

  /** Payloads of {@code userId}'s rows in {@code table}, decoded leniently so CBOR's strings show. */
  private static List<String> payloads(String table, String column, String userId) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + column + " FROM " + table + " WHERE persistence_id = 'Customer|" + userId + "'")) {
      while (rs.next()) out.add(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  private static int eventCount(String userId) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM event_journal WHERE persistence_id = 'Customer|" + userId + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
