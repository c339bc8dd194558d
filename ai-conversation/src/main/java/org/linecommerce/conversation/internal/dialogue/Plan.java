package org.linecommerce.conversation.internal.dialogue;

import java.util.List;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.internal.nlu.Attribute;

/**
 * What to do for one message, decided from the analysis and the dialogue context before any
 * domain is asked.
 *
 * @param intent the intent the answer carries (the analysis's, or the one the context implies)
 * @param step the action
 * @param productId the product the action is about when the context names it (focus, a variant
 *     picked among the products shown, a viewed product), else null
 * @param searchText what to search for (a new product named in the message), else null; with a
 *     {@code productId} null and a {@code searchText}, the action is about the search's best hit
 * @param attributes variants named, to prefer among hits
 * @param quantity the quantity to order (ORDER), or null when it must be asked
 * @param orderId the order asked about (ORDER_STATUS), or null for the latest orders
 */
public record Plan(
    Intent intent, Step step, String productId, String searchText, List<Attribute> attributes, Integer quantity,
    String orderId) {

  public enum Step { GREET, THANK, HAND_OFF, COMPLAIN, ORDER_STATUS, SEARCH, PRICE, STOCK, ORDER, NOT_UNDERSTOOD }

  public Plan {
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
  }

  /** The action names a product, directly or through a search. */
  public boolean hasProduct() {
    return productId != null || (searchText != null && !searchText.isBlank());
  }

  static Plan of(Intent intent, Step step) {
    return new Plan(intent, step, null, null, List.of(), null, null);
  }
}
