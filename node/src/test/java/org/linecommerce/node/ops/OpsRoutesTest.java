package org.linecommerce.node.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.node.Main;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.ops.RecentSagas;
import org.linecommerce.runtime.saga.Saga;
import org.linecommerce.runtime.saga.SagaDefinition;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.runtime.saga.SagaStep;
import org.linecommerce.runtime.saga.Sagas;
import org.linecommerce.runtime.saga.StepOutcome;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The dashboard's admin routes on a whole node over real HTTP: admin token required, the shapes
 * the page reads, the recent-sagas read model following a real saga, the webhook history counting
 * real signed webhooks.
 */
class OpsRoutesTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN = "Bearer dev-admin-token";

  /** Input of the probe saga: any record works, it is stored as JSON. */
  public record Probe(String note) {}

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static FakeLinePlatform line;

  @BeforeAll
  static void startNode() {
    line = new FakeLinePlatform();
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, Main.modules(), ConfigFactory.parseString(line.nodeConfig()
        + "linecommerce.catalog.seed = off\n"
        + "linecommerce.ops.metric-history.interval = 1s\n"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
    if (line != null) line.close();
  }

  @Test
  void everyAdminRouteOfTheDashboardNeedsTheAdminTokenButThePageItselfIsPublic() {
    for (String path : List.of("/admin/cluster", "/admin/sagas", "/admin/metrics/history", "/admin/ai/providers/stats")) {
      HttpResponse<String> none = get(path, null);
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(get(path, "Bearer dev-api-token").statusCode()).as(path + " with the API token").isEqualTo(401);
    }
    HttpResponse<String> page = get("/dev/dashboard", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.body()).contains("id=\"members\"", "id=\"chart-events\"", "Authorization").doesNotContain("dev-admin-token");
  }

  @Test
  void theClusterRouteShowsThisMemberWithItsRolesAndTheEntitiesItHosts() throws Exception {
    // a customer entity, so the Customer type has an entity somewhere
    HttpResponse<String> created = send("PUT", "/api/v1/customers/U" + "2".repeat(32), "Bearer dev-api-token",
        "{\"displayName\":\"Mai\",\"language\":\"ja\",\"preferences\":[],\"interests\":[]}");
    assertThat(created.statusCode()).as(created.body()).isIn(200, 201);

    Awaitility.await("customer entity counted").atMost(Duration.ofSeconds(20)).pollInSameThread().untilAsserted(() -> {
      JsonNode c = json(get("/admin/cluster", ADMIN));
      assertThat(c.path("members")).hasSize(1);
      JsonNode me = c.path("members").get(0);
      assertThat(me.path("address").asText()).isEqualTo(c.path("self").asText()).startsWith("pekko://");
      assertThat(texts(me.path("roles"))).containsExactly("catalog", "conversation", "customer", "gateway");
      assertThat(me.path("status").asText()).isEqualTo("Up");
      assertThat(me.path("self").asBoolean()).isTrue();
      assertThat(me.path("leader").asBoolean()).isTrue();
      assertThat(me.path("oldest").asBoolean()).isTrue();
      assertThat(me.path("reachable").asBoolean()).isTrue();
      assertThat(texts(c.path("entityTypes"))).contains("Customer", "Saga");
      assertThat(c.path("shardingErrors")).isEmpty();
      JsonNode node = c.path("sharding").get(0);
      assertThat(node.path("address").asText()).isEqualTo(me.path("address").asText());
      JsonNode customer = null;
      for (JsonNode t : node.path("types")) if (t.path("entityType").asText().equals("Customer")) customer = t;
      assertThat(customer).as("Customer on this node").isNotNull();
      assertThat(customer.path("shards").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(customer.path("entities").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(node.path("entities").asInt()).isGreaterThanOrEqualTo(customer.path("entities").asInt());
    });
  }

  @Test
  void recentSagasFollowARealSagaFromWaitingToCompletedAndTheTimelineIsOneClickAway() throws Exception {
    var system = cluster.system(0);
    SagaDefinition<Probe> probe = Sagas.get(system).register(SagaDefinition.builder("ops-probe", Probe.class)
        .step(SagaStep.<Probe>awaitSignal("confirm", Duration.ofMinutes(5))
            .onSignal((ctx, payload) -> StepOutcome.success("ok")))
        .build());
    Sagas.get(system).start("ops-probe-1", probe, new Probe("dashboard")).toCompletableFuture().get();

    Awaitility.await("listed as waiting").atMost(Duration.ofSeconds(30)).pollInSameThread().untilAsserted(() -> {
      JsonNode saga = saga("ops-probe-1");
      assertThat(saga).as("ops-probe-1 in the list").isNotNull();
      assertThat(saga.path("definition").asText()).isEqualTo("ops-probe");
      assertThat(saga.path("status").asText()).isEqualTo("waiting");
      assertThat(saga.path("currentStep").asText()).isEqualTo("confirm");
    });

    Sagas.get(system).signal("ops-probe-1", "confirm", java.util.Map.of("confirmed", true)).toCompletableFuture().get();
    Awaitility.await("listed as completed").atMost(Duration.ofSeconds(30)).pollInSameThread().untilAsserted(() ->
        assertThat(saga("ops-probe-1").path("status").asText()).isEqualTo("completed"));

    // at-least-once: an old event delivered again (a replay after a crash) does not move the row back
    var replayed = new Saga.StepAwaitingSignal("ops-probe-1", MessageMeta.root("test", "replay"), 0, "confirm", "cmd-1", null);
    RecentSagas.of(system).handle(new EventDelivery<Saga.Event>(RecentSagas.NAME, "Saga|ops-probe-1", 2, replayed,
        java.time.Instant.now(), 1, false)).toCompletableFuture().get();
    assertThat(saga("ops-probe-1").path("status").asText()).isEqualTo("completed");

    JsonNode timeline = json(get("/admin/sagas/ops-probe-1", ADMIN)).path("timeline");
    assertThat(timeline.size()).isGreaterThanOrEqualTo(3);

    assertThat(get("/admin/sagas?limit=0", ADMIN).statusCode()).isEqualTo(400);
    assertThat(get("/admin/sagas?limit=101", ADMIN).statusCode()).isEqualTo(400);
    assertThat(get("/admin/sagas?limit=ten", ADMIN).statusCode()).isEqualTo(400);
    assertThat(json(get("/admin/sagas?limit=1", ADMIN)).path("sagas")).hasSize(1);
  }

  @Test
  void theWebhookHistoryCountsSignedWebhooksPerSecondAndTheirAcceptLatency() throws Exception {
    JsonNode names = json(get("/admin/metrics/history", ADMIN));
    assertThat(texts(names.path("names"))).contains("line_webhook_events_total", "line_webhook_accept_seconds");
    assertThat(get("/admin/metrics/history?name=jvm_nonsense", ADMIN).statusCode()).isEqualTo(404);

    // the history's first look at a meter is its baseline: events counted before it are in no interval
    Awaitility.await("the webhook history has its baseline").atMost(Duration.ofSeconds(15)).pollInSameThread()
        .until(() -> json(get("/admin/metrics/history?name=line_webhook_events_total", ADMIN))
            .path("series").path("samples").size() > 0);
    String webhook = "http://127.0.0.1:" + cluster.node(0).httpPort() + "/webhook";
    String user = "U" + "3".repeat(32);
    List<FakeLinePlatform.WebhookEvent> events = new ArrayList<>();
    for (int i = 0; i < 4; i++) events.add(line.stickerEvent(user));
    assertThat(line.sendWebhook(webhook, events)).isEqualTo(200);

    Awaitility.await("four events in one interval").atMost(Duration.ofSeconds(15)).pollInSameThread().untilAsserted(() -> {
      JsonNode series = json(get("/admin/metrics/history?name=line_webhook_events_total", ADMIN)).path("series");
      assertThat(series.path("kind").asText()).isEqualTo("counter");
      assertThat(series.path("intervalSeconds").asInt()).isEqualTo(1);
      long total = 0;
      for (JsonNode s : series.path("samples")) total += s.path("count").asLong();
      assertThat(total).isEqualTo(4);
      JsonNode accept = json(get("/admin/metrics/history?name=line_webhook_accept_seconds", ADMIN)).path("series");
      assertThat(accept.path("kind").asText()).isEqualTo("timer");
      boolean timed = false;
      for (JsonNode s : accept.path("samples")) timed |= s.path("count").asLong() == 1 && s.path("meanMs").asDouble() > 0;
      assertThat(timed).as("one accepted request with its latency").isTrue();
    });
  }

  @Test
  void theAiProviderStatsHaveAnAdminAliasForTheDashboard() throws Exception {
    JsonNode admin = json(get("/admin/ai/providers/stats", ADMIN));
    JsonNode api = json(get("/api/v1/ai/providers/stats", "Bearer dev-api-token"));
    assertThat(texts(admin.path("providers"), "name")).isEqualTo(texts(api.path("providers"), "name")).contains("local");
    assertThat(admin.path("providers").get(0).has("breaker")).isTrue();
  }

  // ------------------------------------------------------------------ helpers

  private static JsonNode saga(String sagaId) throws Exception {
    for (JsonNode s : json(get("/admin/sagas?limit=100", ADMIN)).path("sagas")) {
      if (s.path("sagaId").asText().equals(sagaId)) return s;
    }
    return null;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  static HttpResponse<String> get(String path, String authorization) {
    return send("GET", path, authorization, null);
  }

  private static HttpResponse<String> send(String method, String path, String authorization, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(0).httpPort() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) request.header("Authorization", authorization);
    if (body != null) request.header("Content-Type", "application/json");
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }
}
