package org.linecommerce.conversation.internal.provider;

import java.util.List;
import org.linecommerce.conversation.api.GenerateOptions;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.MessageMeta;

/**
 * Everything a provider needs to word the answer to one message. The facts (products, prices,
 * stock, orders) come from the catalog and the order service; a provider must not invent others.
 *
 * @param language the language to answer in ({@code en}, {@code ja}, {@code th})
 * @param profile the customer's profile, or null when the customer domain did not answer (no personalisation)
 * @param recentTurns the last turns of the conversation, oldest first (without this message)
 * @param products products to show, best first (empty when none)
 * @param focus the one product the message is about (price, stock, order), or null
 * @param quantity the quantity named, or null
 * @param order the order placed or asked about, or null
 * @param orders the customer's latest orders for an order-status answer, newest first (empty otherwise)
 * @param meta the turn's metadata (its traceparent goes on outbound calls)
 */
public record ProviderRequest(
    String userId,
    String message,
    String language,
    Intent intent,
    Outcome outcome,
    CustomerProfile profile,
    List<Turn> recentTurns,
    List<ProductCard> products,
    ProductCard focus,
    Integer quantity,
    OrderSummary order,
    List<OrderSummary> orders,
    GenerateOptions options,
    MessageMeta meta) {

  public ProviderRequest {
    recentTurns = recentTurns == null ? List.of() : List.copyOf(recentTurns);
    products = products == null ? List.of() : List.copyOf(products);
    orders = orders == null ? List.of() : List.copyOf(orders);
    if (options == null) options = GenerateOptions.defaults();
  }
}
