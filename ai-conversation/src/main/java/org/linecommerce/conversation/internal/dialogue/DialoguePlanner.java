package org.linecommerce.conversation.internal.dialogue;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.linecommerce.conversation.api.Focus;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.conversation.internal.ConversationState;
import org.linecommerce.conversation.internal.dialogue.Plan.Step;
import org.linecommerce.conversation.internal.nlu.Analysis;
import org.linecommerce.conversation.internal.nlu.Attribute;

/**
 * Decides what a message asks for in the light of the conversation so far (pure; no domain is
 * asked here). The multi-turn rules:
 * <ul>
 *   <li>"how much is it?" / 「それはいくら？」 / "อันนี้ราคาเท่าไหร่" (price or stock without a product)
 *       is about the product in focus, else the first product shown, else the last one viewed;
 *   <li>"the blue one" (a variant without a product) picks, among the products just shown, the one
 *       whose name carries the variant, and continues what the customer was asking (price, stock,
 *       order), or shows it;
 *   <li>"2 please" (a quantity without a product) after a product answer orders the product in focus;
 *       an order without a quantity asks for one, and a bare quantity after that question orders;
 *   <li>a message naming a product starts over from a search.
 * </ul>
 */
public final class DialoguePlanner {

  public Plan plan(Analysis a, ConversationState state) {
    Intent intent = a.intent();
    Focus focus = state.focus();
    Optional<ProductCard> picked = a.attributes().isEmpty() ? Optional.empty() : pick(state.shown(), a.attributes());
    boolean namesProduct = a.productText() != null && !a.productText().isBlank();

    if (!a.explicit()) {
      // no intent word: the context decides
      if (!namesProduct && picked.isPresent()) return continuing(state, picked.get().id(), a);
      if (!namesProduct && a.quantity() != null && focus.productId() != null) {
        return new Plan(Intent.ORDER, Step.ORDER, focus.productId(), null, a.attributes(), a.quantity(), null);
      }
      if (namesProduct) return new Plan(Intent.PRODUCT_SEARCH, Step.SEARCH, null, a.productText(), a.attributes(), null, null);
      if (!a.attributes().isEmpty() && focus.productName() != null) {
        return new Plan(Intent.PRODUCT_SEARCH, Step.SEARCH, null, focus.productName(), a.attributes(), null, null);
      }
      return Plan.of(intent, Step.NOT_UNDERSTOOD);
    }
    return switch (intent) {
      case GREETING -> namesProduct
          ? new Plan(Intent.PRODUCT_SEARCH, Step.SEARCH, null, a.productText(), a.attributes(), null, null)
          : Plan.of(intent, Step.GREET);
      case THANKS -> Plan.of(intent, Step.THANK);
      case HUMAN_HANDOFF -> Plan.of(intent, Step.HAND_OFF);
      case COMPLAINT -> Plan.of(intent, Step.COMPLAIN);
      case ORDER_STATUS -> new Plan(intent, Step.ORDER_STATUS, null, null, List.of(), null, a.orderId());
      case PRODUCT_SEARCH -> {
        if (namesProduct) yield new Plan(intent, Step.SEARCH, null, a.productText(), a.attributes(), null, null);
        if (picked.isPresent()) yield new Plan(intent, Step.SEARCH, picked.get().id(), null, a.attributes(), null, null);
        if (!a.attributes().isEmpty() && focus.productName() != null) {
          yield new Plan(intent, Step.SEARCH, null, focus.productName(), a.attributes(), null, null);
        }
        yield new Plan(intent, Step.SEARCH, null, null, List.of(), null, null);
      }
      case PRICE, STOCK, ORDER -> {
        Step step = intent == Intent.PRICE ? Step.PRICE : intent == Intent.STOCK ? Step.STOCK : Step.ORDER;
        Integer quantity = intent == Intent.ORDER ? a.quantity() : null;
        if (namesProduct) yield new Plan(intent, step, null, a.productText(), a.attributes(), quantity, null);
        String id = picked.map(ProductCard::id).orElseGet(() -> contextProduct(state));
        yield new Plan(intent, step, id, null, a.attributes(), quantity, null);
      }
    };
  }

  /** A variant picked without an intent word continues the customer's last question about products. */
  private Plan continuing(ConversationState state, String productId, Analysis a) {
    Intent last = lastUserIntent(state);
    if (last == Intent.PRICE) return new Plan(last, Step.PRICE, productId, null, a.attributes(), null, null);
    if (last == Intent.STOCK) return new Plan(last, Step.STOCK, productId, null, a.attributes(), null, null);
    if (last == Intent.ORDER) {
      Integer q = a.quantity() != null ? a.quantity() : state.focus().quantity();
      return new Plan(last, Step.ORDER, productId, null, a.attributes(), q, null);
    }
    return new Plan(Intent.PRODUCT_SEARCH, Step.SEARCH, productId, null, a.attributes(), null, null);
  }

  /** The product the conversation is about: in focus, else the first shown, else the last viewed. */
  static String contextProduct(ConversationState state) {
    if (state.focus().productId() != null) return state.focus().productId();
    if (!state.shown().isEmpty()) return state.shown().get(0).id();
    if (!state.viewed().isEmpty()) return state.viewed().get(0);
    return null;
  }

  private static Intent lastUserIntent(ConversationState state) {
    List<Turn> turns = state.turns();
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (Turn.USER.equals(turns.get(i).role()) && turns.get(i).intent() != null) return turns.get(i).intent();
    }
    return null;
  }

  /** The first of {@code products} whose name carries every one of {@code attributes} (or, failing that, any). */
  public static Optional<ProductCard> pick(List<ProductCard> products, List<Attribute> attributes) {
    Optional<ProductCard> all = products.stream().filter(p -> attributes.stream().allMatch(at -> carries(p, at))).findFirst();
    if (all.isPresent()) return all;
    return products.stream().filter(p -> attributes.stream().anyMatch(at -> carries(p, at))).findFirst();
  }

  static boolean carries(ProductCard product, Attribute attribute) {
    if (product.name() == null) return false;
    String name = product.name().toLowerCase(Locale.ROOT).replace(" ", "");
    for (String surface : attribute.surfaces()) {
      String s = surface.toLowerCase(Locale.ROOT).replace(" ", "");
      if (!s.isEmpty() && name.contains(s)) return true;
    }
    String v = attribute.value() == null ? "" : attribute.value().toLowerCase(Locale.ROOT).replace(" ", "");
    return !v.isEmpty() && name.contains(v);
  }
}
