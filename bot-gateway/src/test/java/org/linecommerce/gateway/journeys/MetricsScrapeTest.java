package org.linecommerce.gateway.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.runtime.node.ClusterStatus;
import org.linecommerce.runtime.saga.Saga;
import org.linecommerce.runtime.subscription.EventSubscription;
import org.linecommerce.runtime.subscription.SubscriptionSettings;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.FakeOpenAiServer;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * {@code GET /metrics} after an end-to-end run on one real node (all four domains, the fake LINE
 * platform, a fake OpenAI-compatible vendor in front of the local provider): every family the
 * operations issue lists is scraped over HTTP with a non-zero value. The run: follow (and its
 * redelivery), a question, an order by postback and its confirmation; an order placed through the
 * API and cancelled, whose notification LINE first answers 429; one vendor failure; an API read
 * and a 404; and a subscription whose handler always fails, so dead letters exist.
 */
class MetricsScrapeTest {

  private static final Pattern ORDER_ID = Pattern.compile("action=confirm_order&orderId=([A-Za-z0-9_-]+)");
  private static final Pattern API_ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([^\"]+)\"");

  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static FakeLinePlatform line;
  private static FakeOpenAiServer vendor;
  private static String base;

  @BeforeAll
  static void startNode() {
    line = new FakeLinePlatform();
    vendor = new FakeOpenAiServer().usage(40, 12);
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db,
        List.of(new CatalogModule(), new CustomerModule(), new ConversationModule(), new GatewayModule()),
        ConfigFactory.parseString(line.nodeConfig()
            + "linecommerce.gateway.inbox.reorder-delay = 100 ms\n"
            + "linecommerce.metrics.poll-interval = 500 ms\n"
            + """
            linecommerce.conversation.providers = "openai,local"
            linecommerce.conversation.openai.base-url = "%s"
            linecommerce.conversation.openai.api-key = "sk-test-not-a-secret"
            linecommerce.conversation.openai.model = "shop-model"
            linecommerce.conversation.openai.timeout = 3s
            """.formatted(vendor.apiBaseUrl())));
    base = "http://127.0.0.1:" + cluster.node(0).httpPort();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
    if (line != null) line.close();
    if (vendor != null) vendor.close();
  }

  @Test
  void anEndToEndRunIsScrapedWithEveryFamilyOfTheOperationsIssue() throws Exception {
    // a subscription whose handler always fails: every saga event ends in the dead-letter store
    EventSubscription.start(cluster.system(0), "metrics-poison", Saga.tags(cluster.system(0)), Object.class,
        delivery -> CompletableFuture.failedFuture(new IllegalStateException("poisoned on purpose")),
        SubscriptionSettings.create(cluster.system(0)).withMaxAttempts(1));

    String userId = "Umetrics" + Long.toHexString(System.nanoTime());
    line.addProfile(userId, "Mika", "en");
    var follow = line.followEvent(userId, false);
    send(follow);
    send(follow.redelivered(line));
    await("welcome").until(() -> count(userId) >= 1);

    vendor.failNext(1, FakeOpenAiServer.Fault.SERVER_ERROR);
    send(line.textEvent(userId, "do you have matcha?"));
    await("answer, by the local provider").until(() -> count(userId) >= 2);
    send(line.textEvent(userId, "and matcha latte?"));
    await("answer, by the vendor").until(() -> vendor.answered() >= 1 && count(userId) >= 3);

    send(line.postbackEvent(userId, "action=order_product&productId=matcha-powder-1&quantity=1"));
    await("order summary").until(() -> count(userId) >= 4);
    Matcher m = ORDER_ID.matcher(String.join("\n", lastMessages(userId)));
    assertThat(m.find()).as("summary has a confirm button").isTrue();
    send(line.postbackEvent(userId, "action=confirm_order&orderId=" + m.group(1)));
    await("confirmation").until(() -> count(userId) >= 5);

    HttpResponse<String> placed = http("POST", "/api/v1/orders", "dev-api-token",
        "{\"userId\":\"" + userId + "\",\"items\":[{\"productId\":\"matcha-powder-1\",\"quantity\":1}]}", "metrics-order-1");
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
    Matcher placedId = API_ORDER_ID.matcher(placed.body());
    assertThat(placedId.find()).isTrue();
    String apiOrder = placedId.group(1);
    await("order pending").until(() -> http("GET", "/api/v1/orders/" + apiOrder, "dev-api-token", null, null).body()
        .contains("pending"));
    int before = count(userId);
    line.rateLimitNext(1, false, Duration.ofSeconds(1));
    assertThat(http("POST", "/api/v1/orders/" + apiOrder + "/cancel", "dev-api-token", null, null).statusCode())
        .isBetween(200, 299);
    await("cancellation told after a 429").until(() -> count(userId) > before);

    assertThat(http("GET", "/api/v1/products/matcha-powder-1", "dev-api-token", null, null).statusCode()).isEqualTo(200);
    assertThat(http("GET", "/no-such-page", null, null, null).statusCode()).isEqualTo(404);

    await("every family scraped with a non-zero value").untilAsserted(() -> {
      Scrape s = scrape();
      // HTTP, by route template and status, with histogram buckets
      s.positive("http_server_requests_seconds_count", "route=\"/webhook\"", "status=\"200\"");
      s.positive("http_server_requests_seconds_count", "route=\"/api/v1/products/{id}\"", "status=\"200\"");
      s.positive("http_server_requests_seconds_count", "route=\"/api/v1/orders/{id}/cancel\"");
      s.positive("http_server_requests_seconds_count", "route=\"unmatched\"", "status=\"404\"");
      s.positive("http_server_requests_seconds_bucket", "route=\"/webhook\"");
      // webhook events by type and result
      s.positive("line_webhook_events_total", "result=\"accepted\"", "type=\"follow\"");
      s.positive("line_webhook_events_total", "result=\"duplicate\"", "type=\"follow\"");
      s.positive("line_webhook_events_total", "result=\"accepted\"", "type=\"message\"");
      s.positive("line_webhook_events_total", "result=\"accepted\"", "type=\"postback\"");
      // inbox processing latency
      s.positive("line_inbox_reply_latency_seconds_count");
      s.positive("line_inbox_reply_latency_seconds_bucket");
      // outbound LINE calls, retries, 429s
      s.positive("line_api_requests_seconds_count", "endpoint=\"reply\"", "status=\"200\"");
      s.positive("line_api_requests_seconds_count", "endpoint=\"push\"", "status=\"429\"");
      s.positive("line_api_retries_total");
      s.positive("line_api_rate_limited_total", "kind=\"rate\"");
      // AI provider calls, failures, latency, tokens, breaker state
      s.positive("ai_provider_requests_total", "provider=\"openai\"");
      s.positive("ai_provider_failures_total", "provider=\"openai\"");
      s.positive("ai_provider_latency_seconds_count", "provider=\"openai\"");
      s.positive("ai_provider_tokens_total", "provider=\"openai\"");
      s.present("ai_provider_breaker_state", "provider=\"openai\"");
      // sagas
      s.positive("saga_started_total", "saga=\"checkout\"");
      s.positive("saga_completed_total", "outcome=\"completed\"", "saga=\"checkout\"");
      s.positive("saga_completed_total", "outcome=\"compensated\"", "saga=\"checkout\"");
      s.positive("saga_compensations_total", "saga=\"checkout\"");
      // subscriptions: lag and dead letters
      s.positive("subscription_lag_seconds");
      s.positive("subscription_dead_letters", "subscription=\"metrics-poison\"");
      // persistence write latency
      s.positive("persistence_write_seconds_count", "result=\"ok\"");
      s.positive("persistence_write_seconds_bucket");
      // cluster members and shards of this node
      s.positive("cluster_members", "status=\"up\"");
      s.positive("cluster_shards", "entity_type=\"ChatInbox\"");
      s.positive("cluster_entities", "entity_type=\"ChatInbox\"");
      // JVM
      s.positive("jvm_memory_used_bytes");
      s.positive("jvm_threads_live_threads");
      s.positive("process_uptime_seconds");
    });

    // the same numbers, as the dashboard reads them in code
    ClusterStatus.Snapshot snapshot = ClusterStatus.get(cluster.system(0)).refresh().toCompletableFuture().get();
    assertThat(snapshot.members()).singleElement().satisfies(member -> {
      assertThat(member.address()).isEqualTo(snapshot.self());
      assertThat(member.status()).isEqualTo("up");
      assertThat(member.roles()).contains("gateway", "catalog");
      assertThat(member.reachable()).isTrue();
    });
    assertThat(snapshot.sharding().get("ChatInbox").entities()).isGreaterThanOrEqualTo(1);
    assertThat(snapshot.sharding().get("ChatInbox").shards()).isGreaterThanOrEqualTo(1);
    assertThat(snapshot.shardingAt()).isNotNull();

    // a raw id never becomes a label: the route label is the template
    assertThat(scrape().text).doesNotContain("matcha-powder-1\"").doesNotContain(apiOrder);
  }

  // ---------------------------------------------------------------- scrape parsing

  /** The scraped text's samples: {@code name{labels} value} lines. */
  private record Scrape(String text, List<String[]> samples) {

    /** Some sample of {@code name} carries every label in {@code labels} and a value > 0. */
    void positive(String name, String... labels) {
      double sum = matching(name, labels).stream().mapToDouble(v -> v).sum();
      assertThat(sum).as("%s%s in\n%s", name, List.of(labels), families(name)).isGreaterThan(0);
    }

    /** Some sample of {@code name} carries every label in {@code labels}. */
    void present(String name, String... labels) {
      assertThat(matching(name, labels)).as("%s%s in\n%s", name, List.of(labels), families(name)).isNotEmpty();
    }

    private List<Double> matching(String name, String... labels) {
      List<Double> values = new ArrayList<>();
      for (String[] sample : samples) {
        if (!sample[0].equals(name)) continue;
        boolean all = true;
        for (String label : labels) all &= sample[1].contains(label);
        if (all) values.add(Double.parseDouble(sample[2]));
      }
      return values;
    }

    private String families(String name) {
      String prefix = name.replaceAll("_(count|bucket|sum|total|max)$", "");
      return samples.stream().filter(s -> s[0].startsWith(prefix)).map(s -> s[0] + "{" + s[1] + "} " + s[2])
          .limit(20).reduce("", (a, b) -> a + b + "\n");
    }
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)$");

  private static Scrape scrape() throws Exception {
    HttpResponse<String> response = http("GET", "/metrics", null, null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    List<String[]> samples = new ArrayList<>();
    for (String l : response.body().split("\n")) {
      if (l.isBlank() || l.startsWith("#")) continue;
      Matcher m = SAMPLE.matcher(l.trim());
      if (m.matches()) samples.add(new String[] {m.group(1), m.group(3) == null ? "" : m.group(3), m.group(4)});
    }
    return new Scrape(response.body(), samples);
  }

  // ---------------------------------------------------------------- helpers

  private static ConditionFactory await(String what) {
    return Awaitility.await(what).atMost(Duration.ofSeconds(40)).pollInSameThread().pollInterval(Duration.ofMillis(200));
  }

  private static void send(FakeLinePlatform.WebhookEvent event) {
    assertThat(line.sendWebhook(base + "/webhook", event)).isEqualTo(200);
  }

  private static int count(String chatId) {
    return line.deliveriesTo(chatId).size();
  }

  private static List<String> lastMessages(String chatId) {
    var all = line.deliveriesTo(chatId);
    return all.get(all.size() - 1).messages();
  }

  private static HttpResponse<String> http(String method, String path, String token, String body, String key)
      throws Exception {
    var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) request.header("Authorization", "Bearer " + token);
    if (key != null) request.header("Idempotency-Key", key);
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
