package org.linecommerce.conversation.api;

import java.util.List;
import org.linecommerce.runtime.CborSerializable;

/**
 * The answer to one message: what a chat UI needs to show it.
 *
 * @param response the text to send ({@code ""} in {@code handoff} mode: the bot stays quiet)
 * @param provider who wrote it: {@code local}, {@code openai}, {@code fallback}, or {@code none} in handoff mode
 * @param confidence how sure the provider is (the fallback says 0.1)
 * @param products products shown (in stock first), in the answer's language
 * @param quickReplies up to 4 suggestions in the customer's language
 * @param order the order placed or asked about, or null
 * @param processingTimeMs how long the turn took
 */
public record AiAnswer(
    String response,
    String provider,
    double confidence,
    Intent intent,
    String language,
    List<ProductCard> products,
    List<QuickReply> quickReplies,
    OrderSummary order,
    ConversationMode mode,
    long processingTimeMs)
    implements CborSerializable {

  public static final int MAX_QUICK_REPLIES = 4;

  public AiAnswer {
    products = products == null ? List.of() : List.copyOf(products);
    quickReplies = quickReplies == null ? List.of() : List.copyOf(quickReplies);
  }
}
