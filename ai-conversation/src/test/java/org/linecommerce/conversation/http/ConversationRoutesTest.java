package org.linecommerce.conversation.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.conversation.http.ConversationHttp.generateBody;
import static org.linecommerce.conversation.http.ConversationHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.api.ConversationClient;
import org.linecommerce.conversation.internal.ConversationProfileProjection;
import org.linecommerce.conversation.internal.ConversationProfileProjectionHandler;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.CustomerClient;
import org.linecommerce.customer.api.CustomerEvent;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.customer.api.ProfileUpdate;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.health.Metrics;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.runtime.node.DomainModule;
import org.linecommerce.runtime.subscription.EventDelivery;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The conversation routes and the {@code conversation-profile} subscription against the real
 * Conversation entity, over real HTTP on a real node (H2) running the conversation, customer and
 * catalog modules.
 */
class ConversationRoutesTest {

  private static final AtomicInteger ids = new AtomicInteger();
  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static ConversationHttp http;

  @BeforeAll
  static void startNode() {
    db = TestDatabase.h2();
    DomainModule conversation = new ConversationModule();
    cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule(), conversation),
        ConfigFactory.parseString("linecommerce.catalog.seed = off"));
    http = new ConversationHttp(cluster.node(0).httpPort());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private final String userId = "Uconv" + ids.incrementAndGet() + "x" + Long.toHexString(System.nanoTime());

  private static final List<String> INTENTS = List.of("greeting", "product_search", "price", "stock", "order",
      "order_status", "human_handoff", "thanks", "complaint");

  private HttpResponse<String> generate(String message, String key) {
    return http.post("/api/v1/ai/generate", generateBody(userId, message), key == null ? Map.of() : Map.of("Idempotency-Key", key));
  }

  private static JsonNode ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return json(r);
  }

  @Test
  void generateAnswersWithTheShapeOfTheContract() {
    JsonNode a = ok(generate("hello", "k-shape-" + userId));
    assertThat(a.path("response").asText()).isNotBlank();
    assertThat(a.path("provider").asText()).isIn("local", "openai", "fallback");
    assertThat(a.path("confidence").isNumber()).isTrue();
    assertThat(a.path("confidence").asDouble()).isBetween(0.0, 1.0);
    assertThat(a.path("intent").asText()).isIn(INTENTS);
    assertThat(a.path("language").asText()).isEqualTo("en");
    assertThat(a.path("products").isArray()).isTrue();
    for (JsonNode p : a.path("products")) {
      assertThat(p.has("id") && p.has("name") && p.has("price") && p.has("currency") && p.has("stock")).as(p.toString()).isTrue();
      assertThat(!p.has("imageUrl") || p.get("imageUrl").isTextual()).as("imageUrl left out when none").isTrue();
    }
    assertThat(a.path("quickReplies").isArray()).isTrue();
    assertThat(a.path("quickReplies").size()).isLessThanOrEqualTo(4);
    for (JsonNode q : a.path("quickReplies")) assertThat(q.path("label").isTextual() && q.path("text").isTextual()).isTrue();
    assertThat(a.has("order")).as("no order: the field is left out").isFalse();
    assertThat(a.path("mode").asText()).isEqualTo("bot");
    assertThat(a.path("processingTimeMs").isIntegralNumber()).isTrue();
  }

  @Test
  void theSameIdempotencyKeyAnswersTheSameTurnOnce() {
    JsonNode first = ok(generate("hello there", "k-once-" + userId));
    JsonNode again = ok(generate("hello there", "k-once-" + userId));
    assertThat(again.path("response")).isEqualTo(first.path("response"));
    JsonNode history = ok(http.get("/api/v1/conversations/" + userId));
    assertThat(history.path("messages")).hasSize(2);
  }

  @Test
  void theContextsMessageIdAlsoIdentifiesTheMessageAndTheHeaderWins() {
    String body = "{\"userId\":\"" + userId + "\",\"message\":\"hi\",\"context\":{\"messageId\":\"ctx-" + userId
        + "\",\"language\":\"en-US\",\"previousMessages\":[{\"role\":\"user\",\"text\":\"x\"}],\"userProfile\":{\"a\":1}}}";
    ok(http.post("/api/v1/ai/generate", body));
    ok(http.post("/api/v1/ai/generate", body));
    assertThat(ok(http.get("/api/v1/conversations/" + userId)).path("messages")).hasSize(2);
    // the header gives another id: a new turn
    ok(http.post("/api/v1/ai/generate", body, Map.of("Idempotency-Key", "hdr-" + userId)));
    assertThat(ok(http.get("/api/v1/conversations/" + userId)).path("messages")).hasSize(4);
  }

  @Test
  void aMessageOfExactly5000Utf16UnitsIsAnswered() {
    ok(generate("a".repeat(4999) + "?", null));
  }

  @Test
  void theHistoryOfAUserWhoNeverWroteIsEmptyWithTheBot() {
    JsonNode h = ok(http.get("/api/v1/conversations/" + userId + "?limit=100"));
    assertThat(h.path("userId").asText()).isEqualTo(userId);
    assertThat(h.path("messages").isArray()).isTrue();
    assertThat(h.path("messages")).isEmpty();
    assertThat(h.path("mode").asText()).isEqualTo("bot");
  }

  @Test
  void theHistoryListsTheLastMessagesOldestFirst() {
    for (String m : List.of("hello", "do you have green tea?", "thank you")) ok(generate(m, "k-" + m + userId));
    JsonNode all = ok(http.get("/api/v1/conversations/" + userId)).path("messages");
    assertThat(all).hasSize(6);
    List<String> roles = new ArrayList<>();
    all.forEach(m -> roles.add(m.path("role").asText()));
    assertThat(roles).containsExactly("user", "bot", "user", "bot", "user", "bot");
    assertThat(all.get(0).path("text").asText()).isEqualTo("hello");
    assertThat(all.get(4).path("text").asText()).isEqualTo("thank you");
    Instant first = Instant.parse(all.get(0).path("timestamp").asText());
    Instant last = Instant.parse(all.get(5).path("timestamp").asText());
    assertThat(first).isBeforeOrEqualTo(last);
    JsonNode two = ok(http.get("/api/v1/conversations/" + userId + "?limit=2")).path("messages");
    assertThat(two).hasSize(2);
    assertThat(two.get(0).path("text").asText()).isEqualTo("thank you");
  }

  @Test
  void theContextsLanguageTagReachesTheTurnAsItsPrimarySubtag() {
    String body = "{\"userId\":\"" + userId + "\",\"message\":\"\uD83D\uDC4D\",\"context\":{\"language\":\"ja-JP\"}}";
    assertThat(ok(http.post("/api/v1/ai/generate", body)).path("language").asText()).isEqualTo("ja");
  }

  @Test
  void handbackAnswersTheConversationWithTheBotAlsoWhenItAlreadyWas() {
    HttpResponse<String> r = http.post("/admin/conversations/" + userId + "/handback", null);
    JsonNode view = ok(r);
    assertThat(view.path("userId").asText()).isEqualTo(userId);
    assertThat(view.path("mode").asText()).isEqualTo("bot");
    assertThat(ok(http.post("/admin/conversations/" + userId + "/handback", "{\"operator\":\"aiko\"}")).path("mode").asText())
        .isEqualTo("bot");
  }

  @Test
  void aHumanHandoffSilencesTheBotUntilHandback() {
    JsonNode handoff = ok(generate("I want to talk to a human please", null));
    assertThat(handoff.path("intent").asText()).isEqualTo("human_handoff");
    assertThat(handoff.path("mode").asText()).isEqualTo("handoff");
    JsonNode held = ok(generate("hello? anyone?", null));
    assertThat(held.path("mode").asText()).isEqualTo("handoff");
    assertThat(held.path("response").asText()).isEmpty();
    assertThat(ok(http.get("/api/v1/conversations/" + userId)).path("mode").asText()).isEqualTo("handoff");

    assertThat(ok(http.post("/admin/conversations/" + userId + "/handback", "{}")).path("mode").asText()).isEqualTo("bot");
    JsonNode back = ok(generate("hello", null));
    assertThat(back.path("mode").asText()).isEqualTo("bot");
    assertThat(back.path("response").asText()).isNotBlank();
  }

  @Test
  void providerStatsListTheChainWithTheFallbackLast() {
    ok(generate("hello", null));
    JsonNode providers = ok(http.get("/api/v1/ai/providers/stats")).path("providers");
    assertThat(providers.size()).isGreaterThanOrEqualTo(1);
    assertThat(providers.get(providers.size() - 1).path("name").asText()).isEqualTo("fallback");
  }

  @Test
  void theProfileHandlerAppliesCustomerEventsToTheConversationIdempotently() throws Exception {
    ConversationProfileProjectionHandler handler =
        new ConversationProfileProjectionHandler(new ConversationClient(cluster.system(0)), Json.mapper(cluster.system(0)));
    MessageMeta meta = MessageMeta.root("test", "corr");
    CustomerProfile profile = new CustomerProfile("Aiko", "ja", null, null, List.of(), List.of("matcha"), false);
    List<CustomerEvent> events = List.of(
        new CustomerEvent.CustomerRegistered(userId, profile, meta),
        new CustomerEvent.ActivityRecorded(userId, "product_viewed", "{\"productId\":\"tea-1\"}", Instant.now(), "api", meta, null),
        new CustomerEvent.CustomerErased(userId, Instant.now(), meta));
    long seq = 1;
    for (CustomerEvent e : events) {
      EventDelivery<CustomerEvent> d = new EventDelivery<>(ConversationProfileProjection.NAME, "Customer|" + userId, seq++, e,
          Instant.now(), 1, false);
      for (int i = 0; i < 2; i++) { // a redelivery applies nothing twice, and still succeeds
        assertThat(handler.handle(d).toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(Done.getInstance());
      }
    }
  }

  @Test
  void customerEventsReachTheConversationThroughTheSubscription() {
    var registry = Metrics.get(cluster.system(0)).registry();
    new CustomerClient(cluster.system(0)).updateProfile(userId,
        new ProfileUpdate("Aiko", "ja", List.of(), List.of("matcha"), null, null, null), null);
    Awaitility.await("conversation-profile handled the customer's event").atMost(Duration.ofSeconds(30))
        .pollInSameThread().ignoreExceptions()
        .until(() -> registry.get("subscription.events.processed").tag("subscription", ConversationProfileProjection.NAME)
            .counter().count() >= 1);
    assertThat(registry.get("subscription.events.dead_lettered").tag("subscription", ConversationProfileProjection.NAME)
        .counter().count()).isZero();
  }
}
