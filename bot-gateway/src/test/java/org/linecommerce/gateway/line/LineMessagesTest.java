package org.linecommerce.gateway.line;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.QuickReply;
import org.linecommerce.testkit.LineApiSchema;

/**
 * What the bot's messages look like in LINE: every message list LineMessages builds is a valid
 * reply and push body by LINE's own OpenAPI definition, and within LINE's limits that the
 * definition does not state (checked separately, in {@link #assertWithinLineLimits}).
 */
class LineMessagesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LineMessages MESSAGES = LineMessages.withDefaults();
  private static final LineLimits LIMITS = LineLimits.defaults();

  private static final Map<String, String> GREETING = Map.of(
      "en", "Here is what I found for matcha 🍵. The Uji one is our best seller!",
      "ja", "抹茶の商品はこちらです🍵。宇治抹茶が一番人気です！",
      "th", "นี่คือมัทฉะที่เรามีค่ะ 🍵 มัทฉะอุจิขายดีที่สุดค่ะ",
      "fr", "Voici nos thés matcha 🍵.");

  // ---- fixtures: answers as the conversation gives them ----

  static List<ProductCard> products() {
    return List.of(
        new ProductCard("matcha-uji-30g", "Uji matcha 30 g 宇治抹茶", new BigDecimal("450"), "THB", 12,
            "https://cdn.example.com/img/matcha-uji.jpg"),
        new ProductCard("hojicha-100g", "ほうじ茶 100 g", new BigDecimal("189.50"), "THB", 0,
            "https://cdn.example.com/img/hojicha.jpg"),
        new ProductCard("thai-tea-mix", "ชาไทยสูตรต้นตำรับ ขนาด 400 กรัม", new BigDecimal("1250"), "THB", 3, null),
        new ProductCard("genmaicha", "Genmaicha with a rather long name that goes on and on 🍵🍵", new BigDecimal("99"), "JPY", 7,
            "http://insecure.example.com/no-https.jpg"));
  }

  static OrderSummary pendingOrder() {
    return new OrderSummary("ord-7c1e9a5b", "pending", List.of(
        new OrderSummary.Item("matcha-uji-30g", "Uji matcha 30 g 宇治抹茶", 2, new BigDecimal("450"), new BigDecimal("900")),
        new OrderSummary.Item("thai-tea-mix", "ชาไทยสูตรต้นตำรับ", 1, new BigDecimal("1250"), new BigDecimal("1250"))),
        new BigDecimal("2150"), "THB", Instant.parse("2026-12-01T03:15:00Z"));
  }

  static List<QuickReply> quickReplies(String language) {
    return switch (language) {
      case "ja" -> List.of(new QuickReply("もっと見る", "ほかの商品も見せて"), new QuickReply("注文する", "宇治抹茶を2つください"),
          new QuickReply("在庫を確認したいのですがよろしいでしょうか", "在庫を確認"), new QuickReply("スタッフと話す", "スタッフと話したい"));
      case "th" -> List.of(new QuickReply("ดูเพิ่มเติม", "ขอดูสินค้าอื่น"), new QuickReply("สั่งซื้อ", "ขอมัทฉะ 2 ชิ้น"),
          new QuickReply("เช็คสต็อกสินค้าทั้งหมดในร้าน", "เช็คสต็อก"), new QuickReply("คุยกับพนักงาน", "ขอคุยกับพนักงาน"));
      default -> List.of(new QuickReply("More", "Show me more"), new QuickReply("Order", "I'll take 2 Uji matcha"),
          new QuickReply("Check the stock of everything please", "Check stock"), new QuickReply("Talk to staff 🙋", "I want to talk to a person"));
    };
  }

  static AiAnswer answer(String language, String text, List<ProductCard> products, OrderSummary order) {
    return new AiAnswer(text, "local", 0.9, Intent.PRODUCT_SEARCH, language, products, quickReplies(language), order,
        ConversationMode.BOT, 42);
  }

  /** Over 5,000 UTF-16 units, with emoji (surrogate pairs) near every possible cut. */
  static String longText(String language) {
    String sentence = switch (language) {
      case "ja" -> "宇治抹茶は石臼で丁寧に挽いています🍵。";
      case "th" -> "มัทฉะของเราบดด้วยโม่หินอย่างพิถีพิถัน 🍵 ";
      default -> "Our matcha is stone-ground with care 🍵. ";
    };
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (b.length() < 12_345) {
      b.append(sentence);
      if (++i % 40 == 0) {
        b.append("😀".repeat(30)); // a run of surrogate pairs with no boundary inside
      }
    }
    return b.toString();
  }

  /** Everything LineMessages builds in {@code language}, by what it is. */
  static Map<String, List<String>> everything(String language) {
    Map<String, List<String>> all = new LinkedHashMap<>();
    all.put("answer with products, order and quick replies",
        MESSAGES.answer(answer(language, GREETING.get(language), products(), pendingOrder())));
    all.put("long answer with products and order",
        MESSAGES.answer(answer(language, longText(language), products(), pendingOrder())));
    all.put("long answer alone", MESSAGES.answer(answer(language, longText(language), List.of(), null)));
    all.put("answer with 15 products", MESSAGES.answer(answer(language, GREETING.get(language), manyProducts(15), null)));
    all.put("answer with an unpriced pending order", MESSAGES.answer(answer(language, "OK", List.of(),
        new OrderSummary("ord-1", "pending", List.of(new OrderSummary.Item("p", "Tea", 1, null, null)), null, null, null))));
    all.put("text", MESSAGES.text(longText(language)));
    all.put("welcome", MESSAGES.welcome(language, "さくら Sakura 🌸"));
    all.put("welcome without a name", MESSAGES.welcome(language, null));
    all.put("order pending", MESSAGES.orderPending(language, pendingOrder()));
    all.put("order confirmed", MESSAGES.orderConfirmed(language, pendingOrder()));
    all.put("order expired", MESSAGES.orderExpired(language, pendingOrder()));
    all.put("order failed", MESSAGES.orderFailed(language, pendingOrder(), List.of("Uji matcha is out of stock.")));
    all.put("order failed without reason", MESSAGES.orderFailed(language, pendingOrder(), List.of()));
    all.put("order cancelled", MESSAGES.orderCancelled(language, pendingOrder()));
    all.put("operator", MESSAGES.operatorMessage(language, "Hi, this is Nok from the shop 👋 " + longText(language)));
    for (String kind : List.of("image", "sticker", "location", "video", "audio", "file", "beacon")) {
      all.put("unsupported " + kind, MESSAGES.unsupportedMessage(language, kind));
    }
    return all;
  }

  static List<ProductCard> manyProducts(int n) {
    return IntStream.range(0, n).mapToObj(i -> new ProductCard("p-" + i, "Tea " + i + " " + "ชา".repeat(100),
        new BigDecimal(100 + i), "THB", i % 3, "https://cdn.example.com/" + "x".repeat(1900) + i + ".jpg")).toList();
  }

  // ---- validity ----

  @ParameterizedTest
  @ValueSource(strings = {"en", "ja", "th", "fr"})
  void everyMessageListIsAValidReplyAndPushBodyWithinLineLimits(String language) throws Exception {
    for (Map.Entry<String, List<String>> built : everything(language).entrySet()) {
      List<String> messages = built.getValue();
      assertThat(messages).as(built.getKey()).isNotEmpty();
      String joined = String.join(",", messages);
      LineApiSchema.assertValidBody("ReplyMessageRequest",
          "{\"replyToken\":\"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA\",\"messages\":[" + joined + "]}");
      LineApiSchema.assertValidBody("PushMessageRequest",
          "{\"to\":\"U4af4980629e4f2c6b8e0d4b1e3f2a1c5\",\"messages\":[" + joined + "]}");
      assertWithinLineLimits(built.getKey(), messages);
    }
  }

  /** LINE-PLATFORM.md's limits, including those the OpenAPI definition does not state. */
  static void assertWithinLineLimits(String what, List<String> messages) throws Exception {
    assertThat(messages).as(what).hasSizeBetween(1, LIMITS.messagesPerRequest());
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = JSON.readTree(messages.get(i));
      String where = what + " #" + i;
      if (i < messages.size() - 1) {
        assertThat(m.has("quickReply")).as(where + ": quick reply only on the last message").isFalse();
      }
      switch (m.get("type").asText()) {
        case "text" -> {
          String text = m.get("text").asText();
          assertThat(text.length()).as(where + " UTF-16 units").isBetween(1, LIMITS.textUnits());
          assertThat(Character.isHighSurrogate(text.charAt(text.length() - 1))).as(where + " ends in a pair").isFalse();
          assertThat(Character.isLowSurrogate(text.charAt(0))).as(where + " starts in a pair").isFalse();
        }
        case "flex" -> {
          assertThat(m.get("altText").asText()).as(where + " altText").isNotBlank().hasSizeLessThanOrEqualTo(LIMITS.altText());
          JsonNode container = m.get("contents");
          if (container.get("type").asText().equals("carousel")) {
            assertThat(container.get("contents").size()).as(where + " bubbles").isBetween(1, LIMITS.carouselBubbles());
            assertThat(bytes(container)).as(where + " carousel bytes").isLessThanOrEqualTo(LIMITS.carouselBytes());
            for (JsonNode bubble : container.get("contents")) {
              assertThat(bytes(bubble)).as(where + " bubble bytes").isLessThanOrEqualTo(LIMITS.bubbleBytes());
            }
          } else {
            assertThat(bytes(container)).as(where + " bubble bytes").isLessThanOrEqualTo(LIMITS.bubbleBytes());
          }
        }
        default -> { }
      }
      for (JsonNode action : m.findValues("action")) {
        assertThat(action.path("label").asText()).as(where + " action label").isNotBlank()
            .hasSizeLessThanOrEqualTo(LIMITS.actionLabel());
        if (action.get("type").asText().equals("postback")) {
          String data = action.get("data").asText();
          assertThat(data).as(where + " postback data").hasSizeLessThanOrEqualTo(PostbackData.MAX_LENGTH);
          assertThat(PostbackData.parse(data)).as(where + " postback data is ours: " + data).isPresent();
          assertThat(action.path("displayText").asText()).hasSizeLessThanOrEqualTo(300);
        }
      }
      JsonNode items = m.path("quickReply").path("items");
      assertThat(items.size()).as(where + " quick replies").isLessThanOrEqualTo(LIMITS.quickReplyItems());
      for (JsonNode item : items) {
        assertThat(item.at("/action/label").asText()).as(where + " quick reply label")
            .isNotBlank().hasSizeLessThanOrEqualTo(LIMITS.quickReplyLabel());
      }
    }
  }

  private static int bytes(JsonNode node) throws Exception {
    return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
  }

  // ---- what the customer sees ----

  @Test
  void anAnswerIsItsTextThenTheProductCarouselThenThePendingOrderWithQuickRepliesOnTheLast() throws Exception {
    List<String> messages = MESSAGES.answer(answer("en", GREETING.get("en"), products(), pendingOrder()));

    assertThat(messages).hasSize(3);
    JsonNode text = JSON.readTree(messages.get(0));
    JsonNode carousel = JSON.readTree(messages.get(1));
    JsonNode order = JSON.readTree(messages.get(2));
    assertThat(text.get("text").asText()).isEqualTo(GREETING.get("en"));
    assertThat(carousel.at("/contents/type").asText()).isEqualTo("carousel");
    assertThat(order.at("/contents/type").asText()).isEqualTo("bubble");

    JsonNode items = order.at("/quickReply/items");
    assertThat(items).hasSize(4);
    assertThat(items.get(0).at("/action/type").asText()).isEqualTo("message");
    assertThat(items.get(1).at("/action/text").asText()).isEqualTo("I'll take 2 Uji matcha");
    assertThat(items.get(2).at("/action/label").asText()).isEqualTo("Check the stock of…");
    assertThat(items.get(2).at("/action/text").asText()).isEqualTo("Check stock");
  }

  @Test
  void eachProductBubbleShowsImageNamePriceStockAndDetailsAndOrderButtons() throws Exception {
    JsonNode carousel = JSON.readTree(MESSAGES.answer(answer("en", "", products(), null)).get(0));
    JsonNode bubbles = carousel.at("/contents/contents");
    assertThat(bubbles).hasSize(4);

    JsonNode inStock = bubbles.get(0);
    assertThat(inStock.at("/hero/url").asText()).isEqualTo("https://cdn.example.com/img/matcha-uji.jpg");
    assertThat(inStock.at("/body/contents/0/text").asText()).isEqualTo("Uji matcha 30 g 宇治抹茶");
    assertThat(inStock.at("/body/contents/1/text").asText()).isEqualTo("฿450");
    assertThat(inStock.at("/body/contents/2/text").asText()).isEqualTo("12 in stock");
    assertThat(postbacks(inStock)).containsExactly(
        new PostbackData.ProductDetails("matcha-uji-30g"), new PostbackData.OrderProduct("matcha-uji-30g", 1));

    JsonNode outOfStock = bubbles.get(1);
    assertThat(outOfStock.at("/body/contents/1/text").asText()).isEqualTo("฿189.50");
    assertThat(outOfStock.at("/body/contents/2/text").asText()).isEqualTo("Out of stock");
    assertThat(postbacks(outOfStock)).as("nothing to order").containsExactly(new PostbackData.ProductDetails("hojicha-100g"));

    assertThat(bubbles.get(2).has("hero")).as("no image").isFalse();
    assertThat(bubbles.get(3).has("hero")).as("LINE shows only https images").isFalse();
    assertThat(bubbles.get(3).at("/body/contents/1/text").asText()).isEqualTo("99 JPY");

    assertThat(carousel.get("altText").asText()).isEqualTo("""
        Products:
        • Uji matcha 30 g 宇治抹茶 — ฿450 (12 in stock)
        • ほうじ茶 100 g — ฿189.50 (Out of stock)
        • ชาไทยสูตรต้นตำรับ ขนาด 400 กรัม — ฿1,250 (3 in stock)
        • Genmaicha with a rather long name that goes on and on 🍵🍵 — 99 JPY (7 in stock)""");
  }

  @Test
  void moreThanTwelveProductsShowTwelveBubblesAndTheAltTextCountsTheRest() throws Exception {
    List<ProductCard> fifteen = IntStream.range(0, 15)
        .mapToObj(i -> new ProductCard("p-" + i, "Tea " + i, new BigDecimal(100 + i), "THB", 1, null)).toList();
    JsonNode carousel = JSON.readTree(MESSAGES.answer(answer("en", "", fifteen, null)).get(0));
    assertThat(carousel.at("/contents/contents")).hasSize(12);
    assertThat(carousel.get("altText").asText()).contains("• Tea 11 — ฿111 (1 in stock)").endsWith("…and 3 more");
  }

  @Test
  void aCarouselThatWouldPassFiftyKilobytesShowsFewerBubbles() throws Exception {
    JsonNode carousel = JSON.readTree(MESSAGES.answer(answer("en", "", manyProducts(15), null)).get(0));
    JsonNode bubbles = carousel.at("/contents/contents");
    assertThat(bubbles.size()).isLessThan(12);
    assertThat(bytes(carousel.get("contents"))).isLessThanOrEqualTo(LIMITS.carouselBytes());
    assertThat(carousel.get("altText").asText()).hasSizeLessThanOrEqualTo(LIMITS.altText()).endsWith("…");
  }

  @Test
  void aPendingOrderHasItsLinesTotalAndConfirmAndCancelPostbacks() throws Exception {
    JsonNode order = JSON.readTree(MESSAGES.orderPending("ja", pendingOrder()).get(0));
    String body = order.at("/contents/body").toString();
    assertThat(body).contains("ご注文内容をご確認ください", "宇治抹茶 × 2", "900バーツ", "合計", "2,150バーツ", "12月1日 10:15までにご確定ください");
    assertThat(postbacks(order)).containsExactly(
        new PostbackData.CancelOrder("ord-7c1e9a5b"), new PostbackData.ConfirmOrder("ord-7c1e9a5b"));
    assertThat(order.get("altText").asText())
        .isEqualTo("ご注文 ord-7c1e9a5b：Uji matcha 30 g 宇治抹茶 × 2、ชาไทยสูตรต้นตำรับ × 1。合計 2,150バーツ。確定またはキャンセルしてください。");
  }

  @Test
  void aConfirmedOrderIsNotOfferedForConfirmationAgain() throws Exception {
    List<String> messages = MESSAGES.answer(answer("en", "Thanks!", List.of(),
        new OrderSummary("o-1", "confirmed", pendingOrder().items(), new BigDecimal("2150"), "THB", null)));
    assertThat(messages).hasSize(1);
    List<String> confirmed = MESSAGES.orderConfirmed("th", pendingOrder());
    assertThat(JSON.readTree(confirmed.get(0)).get("text").asText()).contains("ord-7c1e9a5b", "ยืนยัน");
    assertThat(postbacks(JSON.readTree(confirmed.get(1)))).isEmpty();
  }

  @Test
  void anExpiredOrderOffersEachProductAgainAsAQuickReply() throws Exception {
    JsonNode expired = JSON.readTree(MESSAGES.orderExpired("th", pendingOrder()).get(0));
    assertThat(expired.get("text").asText()).contains("ord-7c1e9a5b", "หมดเวลา");
    assertThat(postbacks(expired)).containsExactly(
        new PostbackData.Reorder("matcha-uji-30g"), new PostbackData.Reorder("thai-tea-mix"));
  }

  @Test
  void aFailedOrderSaysWhyAndAnUnknownLanguageIsAnsweredInEnglish() throws Exception {
    JsonNode failed = JSON.readTree(MESSAGES.orderFailed("de", pendingOrder(),
        List.of("Uji matcha is out of stock.", "Only 1 Thai tea left.")).get(0));
    assertThat(failed.get("text").asText()).isEqualTo(
        "Sorry, your order ord-7c1e9a5b could not be completed: Uji matcha is out of stock., Only 1 Thai tea left.");
    assertThat(JSON.readTree(MESSAGES.unsupportedMessage("th", "sticker").get(0)).get("text").asText()).contains("สติกเกอร์");
    assertThat(JSON.readTree(MESSAGES.unsupportedMessage("ja", "somethingNew").get(0)).get("text").asText())
        .contains("テキストメッセージのみ");
    assertThat(JSON.readTree(MESSAGES.welcome("ja-JP", "さくら").get(0)).get("text").asText()).startsWith("さくらさん、");
  }

  @Test
  void theOperatorSpeaksUnderTheShopStaffName() throws Exception {
    JsonNode m = JSON.readTree(MESSAGES.operatorMessage("ja", "担当の佐藤です。").get(0));
    assertThat(m.at("/sender/name").asText()).isEqualTo("ショップスタッフ");
    assertThat(m.get("text").asText()).isEqualTo("担当の佐藤です。");
  }

  @Test
  void inHandoffTheBotSendsNothing() {
    AiAnswer quiet = new AiAnswer("", "none", 0, Intent.HUMAN_HANDOFF, "en", List.of(), List.of(), null,
        ConversationMode.HANDOFF, 1);
    assertThat(MESSAGES.answer(quiet)).isEmpty();
  }

  // ---- long texts ----

  @Test
  void aLongTextIsSplitIntoPartsOfAtMost5000UnitsWithoutBreakingEmoji() {
    for (String language : List.of("en", "ja", "th")) {
      String text = longText(language);
      List<String> parts = LineMessages.splitText(text, 5_000);
      assertThat(parts).hasSize(3);
      for (String part : parts) {
        assertThat(part.length()).isLessThanOrEqualTo(5_000);
        assertThat(Character.isHighSurrogate(part.charAt(part.length() - 1))).isFalse();
        assertThat(Character.isLowSurrogate(part.charAt(0))).isFalse();
      }
      assertThat(String.join("", parts).replaceAll("\\s", "")).isEqualTo(text.replaceAll("\\s", ""));
    }
  }

  @Test
  void splittingPrefersLinesThenSentencesThenSpacesAndCutsWordsOnlyAsALastResort() {
    assertThat(LineMessages.splitText("first line\nsecond. third", 20)).containsExactly("first line", "second. third");
    assertThat(LineMessages.splitText("One two three. Four five six", 20)).containsExactly("One two three.", "Four five six");
    assertThat(LineMessages.splitText("抹茶です。ほうじ茶です。", 8)).containsExactly("抹茶です。", "ほうじ茶です。");
    assertThat(LineMessages.splitText("pi is 3.14159 and more", 16)).containsExactly("pi is 3.14159", "and more");
    assertThat(LineMessages.splitText("abcdefghij", 4)).containsExactly("abcd", "efgh", "ij");
    assertThat(LineMessages.splitText("ab😀😀", 3)).containsExactly("ab", "😀", "😀");
  }

  @Test
  void textBeyondFiveMessagesEndsWithAnEllipsisInTheFifth() throws Exception {
    List<String> messages = MESSAGES.text("word ".repeat(7_000));
    assertThat(messages).hasSize(5);
    String last = JSON.readTree(messages.get(4)).get("text").asText();
    assertThat(last).endsWith("…").hasSizeLessThanOrEqualTo(5_000);
  }

  @Test
  void aLongAnswerLeavesRoomForTheCarouselAndTheOrder() throws Exception {
    List<String> messages = MESSAGES.answer(answer("en", "word ".repeat(7_000), products(), pendingOrder()));
    assertThat(messages).hasSize(5);
    assertThat(JSON.readTree(messages.get(2)).get("text").asText()).endsWith("…");
    assertThat(JSON.readTree(messages.get(3)).at("/contents/type").asText()).isEqualTo("carousel");
    assertThat(JSON.readTree(messages.get(4)).has("quickReply")).isTrue();
  }

  @Test
  void limitsComeFromConfiguration() {
    com.typesafe.config.Config config = com.typesafe.config.ConfigFactory.parseString(
        "linecommerce.gateway.line-limits { text-units = 1000, carousel-size = 40 KiB }")
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference());
    LineLimits limits = LineLimits.fromConfig(config);
    assertThat(limits.textUnits()).isEqualTo(1000);
    assertThat(limits.carouselBytes()).isEqualTo(40 * 1024);
    assertThat(limits.quickReplyItems()).isEqualTo(13);
    assertThat(LineLimits.fromConfig(com.typesafe.config.ConfigFactory.defaultReference())).isEqualTo(LineLimits.defaults());
  }

  private static List<PostbackData> postbacks(JsonNode message) {
    List<PostbackData> found = new ArrayList<>();
    for (JsonNode action : message.findValues("action")) {
      if ("postback".equals(action.path("type").asText())) {
        found.add(PostbackData.parse(action.get("data").asText()).orElseThrow());
      }
    }
    return found;
  }
}
