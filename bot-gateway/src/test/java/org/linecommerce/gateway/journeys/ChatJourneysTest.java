package org.linecommerce.gateway.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.ConversationModule;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.gateway.GatewayModule;
import org.linecommerce.testkit.FakeLinePlatform;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * The chat journeys end to end on one real node (catalog, customer, conversation, gateway) with
 * {@link FakeLinePlatform} as LINE: signed webhooks in, replies and pushes recorded by the fake.
 */
class ChatJourneysTest {

  private static final AtomicInteger ids = new AtomicInteger();
  private static final Pattern ORDER_ID = Pattern.compile("action=confirm_order&orderId=([A-Za-z0-9_-]+)");
  private static TestDatabase db;
  private static InProcessCluster cluster;
  private static FakeLinePlatform line;
  private static String webhook;

  @BeforeAll
  static void startNode() {
    line = new FakeLinePlatform();
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db,
        List.of(new CatalogModule(), new CustomerModule(), new ConversationModule(), new GatewayModule()),
        ConfigFactory.parseString(line.nodeConfig()
            + "linecommerce.gateway.inbox.reorder-delay = 100 ms\n"
            + "linecommerce.orders.reservation-ttl = 6s\n"));
    webhook = "http://127.0.0.1:" + cluster.node(0).httpPort() + "/webhook";
  }

  /**
   * Every reply, push and loading call of the journey met LINE's OpenAPI definitions and limits: the
   * fake refuses (400) and records any body that does not, and counts messages and text units.
   */
  @AfterEach
  void everyRequestSentToLineWasValid() {
    assertThat(line.violations()).as("requests LINE would refuse").isEmpty();
    for (FakeLinePlatform.Delivery delivery : line.deliveries()) {
      assertThat(delivery.messages()).as("messages per request").hasSizeBetween(1, 5);
      assertThat(delivery.texts()).allSatisfy(text -> assertThat(text.length()).as("UTF-16 units").isLessThanOrEqualTo(5000));
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
    if (line != null) line.close();
  }

  private static ConditionFactory await(String what) {
    return Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(100));
  }

  private static String user(String language) {
    return "Ujourney" + language + ids.incrementAndGet() + "x" + Long.toHexString(System.nanoTime());
  }

  private static int count(String userId) {
    return line.deliveriesTo(userId).size();
  }

  private static List<String> lastMessages(String userId) {
    var all = line.deliveriesTo(userId);
    return all.get(all.size() - 1).messages();
  }

  private static void send(FakeLinePlatform.WebhookEvent event) {
    assertThat(line.sendWebhook(webhook, event)).isEqualTo(200);
  }

  /** Follow, then the welcome; returns the number of deliveries so far. */
  private static void follow(String userId, String name, String language) {
    line.addProfile(userId, name, language);
    send(line.followEvent(userId, false));
    await("welcome").until(() -> count(userId) >= 1);
  }

  @ParameterizedTest(name = "[{0}] follow → welcome; matcha → carousel; order → summary → confirm → one confirmation")
  @CsvSource({"en, do you have matcha?, Matcha Green Tea Powder 50g", "ja, 抹茶ありますか, 抹茶パウダー 50g",
      "th, มีมัทฉะไหม, ผงชาเขียวมัทฉะ 50 กรัม"})
  void followWelcomesAskShowsCatalogAndAConfirmedOrderIsToldOnce(String language, String question, String productName)
      throws Exception {
    String userId = user(language);
    var followEvent = line.followEvent(userId, false);
    line.addProfile(userId, "Aiko", language);
    send(followEvent);
    send(followEvent.redelivered(line));
    await("welcome").until(() -> count(userId) >= 1);
    await("onboarding saga completed, its timeline served").until(() -> {
      HttpResponse<String> saga = admin("GET", "/admin/sagas/onboarding-" + followEvent.webhookEventId(), null, null);
      return saga.statusCode() == 200 && saga.body().contains("completed") && saga.body().contains("send-welcome");
    });
    assertThat(line.deliveriesTo(userId)).as("one welcome for a redelivered follow").hasSize(1);

    send(line.textEvent(userId, question));
    await("carousel of products").until(() -> count(userId) >= 2);
    assertThat(String.join("\n", lastMessages(userId))).contains("matcha-powder");

    send(line.postbackEvent(userId, "action=order_product&productId=matcha-powder-1&quantity=1"));
    await("order summary").until(() -> count(userId) >= 3);
    Matcher m = ORDER_ID.matcher(String.join("\n", lastMessages(userId)));
    assertThat(m.find()).as("summary has a confirm button").isTrue();
    String orderId = m.group(1);
    assertThat(String.join("\n", lastMessages(userId)))
        .as("the summary shows the priced order, the product named in the customer's language")
        .contains(productName).contains("234");

    send(line.postbackEvent(userId, "action=confirm_order&orderId=" + orderId));
    await("confirmation").until(() -> count(userId) >= 4);
    assertThat(String.join("\n", lastMessages(userId))).as("the confirmation names the product in the customer's language")
        .contains(productName);
    // the chat's answer and the order-event subscription share the outbound id: one message
    Awaitility.await("no second confirmation").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .pollInSameThread().until(() -> count(userId) == 4);
  }

  @Test
  void unfollowBlocksTheCustomerAndAFollowAgainReactivatesAndWelcomes() throws Exception {
    String userId = user("en");
    follow(userId, "Dana", "en");
    var customers = new org.linecommerce.customer.api.CustomerClient(cluster.system(0));
    send(line.unfollowEvent(userId));
    await("blocked").until(() -> customers.get(userId).toCompletableFuture().get().value().blocked());
    send(line.followEvent(userId, true));
    await("welcomed again").until(() -> count(userId) >= 2);
    await("unblocked").until(() -> !customers.get(userId).toCompletableFuture().get().value().blocked());
  }

  @Test
  void inAGroupTheBotAnswersOnlyWhenMentioned() {
    String groupId = "Cgroup" + ids.incrementAndGet() + "x" + Long.toHexString(System.nanoTime());
    send(line.groupTextEvent(groupId, user("en"), "do you have matcha?", false));
    send(line.groupTextEvent(groupId, user("en"), "@bot do you have matcha?", true));
    await("one answer, to the mention").until(() -> count(groupId) >= 1);
    Awaitility.await("no answer to the unmentioned message").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
        .pollInSameThread().until(() -> count(groupId) == 1);
  }

  @Test
  void anOrderLeftUnconfirmedIsToldExpiredOnce() {
    String userId = user("en");
    follow(userId, "Ben", "en");
    send(line.postbackEvent(userId, "action=order_product&productId=matcha-powder-1&quantity=1"));
    await("order summary").until(() -> count(userId) >= 2);
    await("expiry message").atMost(Duration.ofSeconds(40)).until(() -> count(userId) >= 3);
    assertThat(line.deliveriesTo(userId).get(2).via()).isEqualTo("push");
    Awaitility.await("no second expiry message").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .pollInSameThread().until(() -> count(userId) == 3);
  }

  @Test
  void inHandoffTheBotIsSilentTheOperatorIsHeardAndHandbackRestoresTheBot() throws Exception {
    String userId = user("en");
    follow(userId, "Chen", "en");
    send(line.textEvent(userId, "I want to talk to a human"));
    await("handoff notice").until(() -> count(userId) >= 2);
    send(line.textEvent(userId, "hello? anyone?"));
    Awaitility.await("bot silent in handoff").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .pollInSameThread().until(() -> count(userId) == 2);

    await("listed as waiting for a person with its last message").until(() -> {
      HttpResponse<String> list = admin("GET", "/admin/chats?mode=handoff", null, null);
      return list.statusCode() == 200 && list.body().contains(userId) && list.body().contains("hello? anyone?");
    });

    assertThat(admin("POST", "/admin/chats/" + userId + "/messages", "{\"text\":\"\"}", null).statusCode()).isEqualTo(422);
    String body = "{\"text\":\"Hi Chen, this is Mai from the shop.\"}";
    assertThat(admin("POST", "/admin/chats/" + userId + "/messages", body, "op-" + userId).statusCode()).isEqualTo(202);
    assertThat(admin("POST", "/admin/chats/" + userId + "/messages", body, "op-" + userId).statusCode()).isEqualTo(202);
    await("operator message pushed").until(() -> count(userId) >= 3);
    assertThat(line.deliveriesTo(userId).get(2).via()).isEqualTo("push");
    assertThat(line.deliveriesTo(userId).get(2).texts()).anySatisfy(t -> assertThat(t).contains("Mai from the shop"));

    assertThat(admin("POST", "/admin/conversations/" + userId + "/handback", "{}", null).statusCode()).isEqualTo(200);
    send(line.textEvent(userId, "do you have matcha?"));
    await("the bot answers again").until(() -> count(userId) >= 4);
    assertThat(count(userId)).as("the same Idempotency-Key delivered once").isEqualTo(4);
    await("no longer waiting").until(() -> !admin("GET", "/admin/chats?mode=handoff", null, null).body().contains(userId));
  }

  private static HttpResponse<String> admin(String method, String path, String body, String key) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.node(0).httpPort() + path))
        .header("Authorization", "Bearer dev-admin-token").header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) request.header("Idempotency-Key", key);
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
