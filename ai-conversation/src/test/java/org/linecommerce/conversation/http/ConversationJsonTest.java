package org.linecommerce.conversation.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.ConversationView;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.QuickReply;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.runtime.http.Json;
import org.linecommerce.testkit.NodeTestKit;

/** The JSON the conversation routes write, through the node's own mapper (the one the routes marshal with). */
class ConversationJsonTest {

  @RegisterExtension static final NodeTestKit kit = NodeTestKit.h2();

  private static JsonNode write(Object dto) throws Exception {
    ObjectMapper mapper = Json.mapper(kit.system());
    return new ObjectMapper().readTree(mapper.writeValueAsString(dto));
  }

  private static final Instant AT = Instant.parse("2026-11-30T22:00:00Z");

  @Test
  void anAnswerWithoutOrderOrImageLeavesThemOutAndSpellsIntentAndModeAsLabels() throws Exception {
    AiAnswer answer = new AiAnswer("We have matcha.", "local", 0.9, Intent.PRODUCT_SEARCH, "en",
        List.of(new ProductCard("tea-1", "Matcha", new BigDecimal("12.50"), "USD", 3, null)),
        List.of(new QuickReply("Price?", "How much is it?")), null, ConversationMode.BOT, 42);
    JsonNode json = write(ConversationRoutes.GenerateJson.of(answer));
    assertThat(json.has("order")).isFalse();
    assertThat(json.path("intent").asText()).isEqualTo("product_search");
    assertThat(json.path("mode").asText()).isEqualTo("bot");
    assertThat(json.path("confidence").asDouble()).isEqualTo(0.9);
    assertThat(json.path("processingTimeMs").asLong()).isEqualTo(42);
    JsonNode product = json.path("products").get(0);
    assertThat(product.has("imageUrl")).isFalse();
    assertThat(product.path("price").decimalValue()).isEqualByComparingTo("12.50");
    assertThat(product.path("stock").asInt()).isEqualTo(3);
    assertThat(json.path("quickReplies").get(0).path("label").asText()).isEqualTo("Price?");
    assertThat(json.path("quickReplies").get(0).path("text").asText()).isEqualTo("How much is it?");
  }

  @Test
  void anAnswerWithAnOrderShowsItsSummaryAndDatesAsIso8601() throws Exception {
    OrderSummary order = new OrderSummary("ord-1", "pending",
        List.of(new OrderSummary.Item("tea-1", "Matcha", 2, new BigDecimal("12.50"), new BigDecimal("25.00"))),
        new BigDecimal("25.00"), "USD", AT);
    AiAnswer answer = new AiAnswer("Order placed.", "local", 0.95, Intent.ORDER, "en",
        List.of(new ProductCard("tea-1", "Matcha", new BigDecimal("12.50"), "USD", 3, "https://img/tea-1.png")),
        List.of(), order, ConversationMode.BOT, 7);
    JsonNode json = write(ConversationRoutes.GenerateJson.of(answer));
    assertThat(json.path("order").path("orderId").asText()).isEqualTo("ord-1");
    assertThat(json.path("order").path("status").asText()).isEqualTo("pending");
    assertThat(json.path("order").path("expiresAt").asText()).isEqualTo("2026-11-30T22:00:00Z");
    assertThat(json.path("order").path("items").get(0).path("quantity").asInt()).isEqualTo(2);
    assertThat(json.path("order").path("total").decimalValue()).isEqualByComparingTo("25.00");
    assertThat(json.path("products").get(0).path("imageUrl").asText()).isEqualTo("https://img/tea-1.png");
  }

  @Test
  void aHandoffAnswerSaysHandoff() throws Exception {
    AiAnswer held = new AiAnswer("", "none", 0, null, "ja", List.of(), List.of(), null, ConversationMode.HANDOFF, 1);
    JsonNode json = write(ConversationRoutes.GenerateJson.of(held));
    assertThat(json.path("mode").asText()).isEqualTo("handoff");
    assertThat(json.path("response").asText()).isEmpty();
  }

  @Test
  void aViewListsItsMessagesWithRoleTextAndIsoTimestamp() throws Exception {
    ConversationView view = new ConversationView("U1", ConversationMode.HANDOFF,
        List.of(new Turn(Turn.USER, "hi", Intent.GREETING, "en", null, List.of(), AT)), 1, AT);
    JsonNode json = write(ConversationRoutes.ViewJson.of(view));
    assertThat(json.path("mode").asText()).isEqualTo("handoff");
    assertThat(json.path("lastActivityAt").asText()).isEqualTo("2026-11-30T22:00:00Z");
    JsonNode message = json.path("lastMessages").get(0);
    assertThat(message.path("role").asText()).isEqualTo("user");
    assertThat(message.path("text").asText()).isEqualTo("hi");
    assertThat(message.path("timestamp").asText()).isEqualTo("2026-11-30T22:00:00Z");
  }
}
