package org.linecommerce.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.linecommerce.conversation.ConversationTesting.awaitCatalog;
import static org.linecommerce.conversation.ConversationTesting.say;

import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linecommerce.catalog.CatalogModule;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationEvent;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.customer.CustomerModule;
import org.linecommerce.customer.api.OrderClient;
import org.linecommerce.customer.api.OrderView;
import org.linecommerce.testkit.InProcessCluster;
import org.linecommerce.testkit.TestDatabase;

/**
 * Multi-turn dialogues in each language against a real node (catalog with the sample products,
 * customers and orders, conversations; the {@code local} provider): a search, then "how much is
 * it?" about the product shown, then "2 please" orders it; a redelivered message orders once.
 * The tests share one node and its stock: each language's dialogue is about another product.
 */
class ConversationDialogueTest {

  static TestDatabase db;
  static InProcessCluster cluster;
  static ActorSystem<?> system;

  @BeforeAll
  static void start() {
    db = TestDatabase.h2();
    cluster = InProcessCluster.start(1, db, List.of(new CatalogModule(), new CustomerModule(), new ConversationModule()));
    system = cluster.system(0);
    awaitCatalog(system);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
    if (db != null) db.close();
  }

  private static void searchPriceOrder(String user, String search, String priceQuestion, String twoPlease,
      String expectedPrefix, String language) {
    AiAnswer found = say(system, user, user + "-1", search);
    assertThat(found.intent()).isEqualTo(Intent.PRODUCT_SEARCH);
    assertThat(found.language()).isEqualTo(language);
    assertThat(found.products()).isNotEmpty();
    assertThat(found.products()).anyMatch(p -> p.id().startsWith(expectedPrefix));
    assertThat(found.products()).allMatch(p -> p.name() != null && p.price() != null);
    ProductCard first = found.products().get(0);
    assertThat(first.stock()).as("in stock first").isPositive();

    AiAnswer price = say(system, user, user + "-2", priceQuestion);
    assertThat(price.intent()).isEqualTo(Intent.PRICE);
    assertThat(price.language()).isEqualTo(language);
    assertThat(price.products()).isNotEmpty();
    assertThat(price.products().get(0).id()).as("the product last discussed").isEqualTo(first.id());
    assertThat(price.response()).contains(first.price().stripTrailingZeros().toPlainString());

    AiAnswer order = say(system, user, user + "-3", twoPlease);
    assertThat(order.intent()).isEqualTo(Intent.ORDER);
    assertThat(order.order()).as("an order was placed: %s", order).isNotNull();
    assertThat(order.order().status()).isEqualTo("pending");
    assertThat(order.order().items()).singleElement().satisfies(item -> {
      assertThat(item.productId()).isEqualTo(first.id());
      assertThat(item.quantity()).isEqualTo(2);
    });
    assertThat(order.response()).contains(order.order().orderId().substring(0, 8));

    // the same message delivered again: the same answer, no second order
    AiAnswer again = say(system, user, user + "-3", twoPlease);
    assertThat(again.order().orderId()).isEqualTo(order.order().orderId());
    List<OrderView> orders = ConversationTesting.await(OrderClient.get(system).listForUser(user));
    assertThat(orders).hasSize(1);
    long generated = ConversationTesting.journal(system, user).stream()
        .filter(e -> e instanceof ConversationEvent.ResponseGenerated).count();
    assertThat(generated).as("one turn per distinct message").isEqualTo(3);
  }

  @Test
  void englishSearchThenHowMuchThenTwoPleaseOrdersTheProductShown() {
    searchPriceOrder("U-dialogue-en", "do you have matcha?", "how much is it?", "2 please", "matcha", "en");
  }

  @Test
  void japaneseSearchThenSoreWaIkuraThenFutatsuOrdersTheProductShown() {
    searchPriceOrder("U-dialogue-ja", "ほうじ茶はありますか", "それはいくら？", "2つください", "hojicha", "ja");
  }

  @Test
  void thaiSearchThenRakhaThaoraiThenAoSongAnOrdersTheProductShown() {
    searchPriceOrder("U-dialogue-th", "มีชาไทยไหมคะ", "อันนี้ราคาเท่าไหร่", "เอา 2 อัน", "thai-tea", "th");
  }

  @Test
  void theBlueOnePicksTheVariantAmongTheProductsShown() {
    String user = "U-dialogue-blue";
    AiAnswer boxes = say(system, user, "b-1", "do you have bento boxes?");
    assertThat(boxes.products()).extracting(ProductCard::id).contains("bento-box-3");
    AiAnswer blue = say(system, user, "b-2", "the blue one");
    assertThat(blue.products()).isNotEmpty();
    assertThat(blue.products().get(0).id()).isEqualTo("bento-box-3");
    AiAnswer price = say(system, user, "b-3", "how much is it?");
    assertThat(price.products().get(0).id()).isEqualTo("bento-box-3");
    assertThat(price.response()).contains("350");
  }

  @Test
  void handoffSilencesTheBotUntilAnOperatorHandsItBack() {
    String user = "U-dialogue-human";
    AiAnswer asked = say(system, user, "h-1", "can I talk to a human please");
    assertThat(asked.intent()).isEqualTo(Intent.HUMAN_HANDOFF);
    assertThat(asked.mode()).isEqualTo(ConversationMode.HANDOFF);
    assertThat(asked.response()).isNotBlank();

    AiAnswer quiet = say(system, user, "h-2", "do you have matcha?");
    assertThat(quiet.mode()).isEqualTo(ConversationMode.HANDOFF);
    assertThat(quiet.response()).isEmpty();
    assertThat(quiet.products()).isEmpty();

    assertThat(ConversationTesting.handBack(system, user).mode()).isEqualTo(ConversationMode.BOT);
    AiAnswer back = say(system, user, "h-3", "do you have matcha?");
    assertThat(back.mode()).isEqualTo(ConversationMode.BOT);
    assertThat(back.response()).isNotBlank();
    assertThat(back.products()).isNotEmpty();
    assertThat(ConversationTesting.history(system, user, 100).messages())
        .extracting(t -> t.role()).contains("user", "bot", "operator");
  }

  @Test
  void aComplaintIsRecordedAsCustomerActivityAndOffersAHuman() {
    String user = "U-dialogue-complaint";
    AiAnswer sorry = say(system, user, "c-1", "the package arrived broken, this is terrible");
    assertThat(sorry.intent()).isEqualTo(Intent.COMPLAINT);
    assertThat(sorry.mode()).isEqualTo(ConversationMode.BOT);
    var customers = new org.linecommerce.customer.api.CustomerClient(system);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInSameThread().until(() ->
        ConversationTesting.await(customers.get(user)).value().recentActivity().stream()
            .anyMatch(a -> a.type().equals("complaint") && a.data().contains("broken")));
  }

  @Test
  void anOutOfStockVariantIsNotOrderedAndTheAnswerShowsTheOthers() {
    String user = "U-dialogue-sold-out";
    AiAnswer answer = say(system, user, "s-1", "I'd like to order the red rice cooker");
    assertThat(answer.intent()).isEqualTo(Intent.ORDER);
    assertThat(answer.order()).isNull();
    assertThat(answer.products().get(0).id()).isEqualTo("rice-cooker-2");
    assertThat(answer.products()).anyMatch(p -> p.id().startsWith("rice-cooker") && p.stock() > 0);
    assertThat(ConversationTesting.await(OrderClient.get(system).listForUser(user))).isEmpty();
  }

  @Test
  void orderStatusNamesTheProductsInTheCustomersLanguage() {
    String user = "U-dialogue-status";
    say(system, user, "o-1", "ドライマンゴーはありますか");
    AiAnswer placed = say(system, user, "o-2", "1つください");
    assertThat(placed.order()).as("%s", placed).isNotNull();
    AiAnswer status = say(system, user, "o-3", "注文した商品はいつ届きますか");
    assertThat(status.intent()).isEqualTo(Intent.ORDER_STATUS);
    assertThat(status.order().orderId()).isEqualTo(placed.order().orderId());
    assertThat(status.order().items().get(0).name()).startsWith("ドライマンゴー");
    assertThat(status.response()).contains("ドライマンゴー");
  }
}
