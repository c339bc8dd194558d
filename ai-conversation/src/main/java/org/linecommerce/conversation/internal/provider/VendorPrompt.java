package org.linecommerce.conversation.internal.provider;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.customer.api.CustomerProfile;

/**
 * The chat messages sent to an OpenAI-compatible vendor for one request: a compact system prompt
 * (the shop, the language to answer in, the customer, what the assistant did, the order, and the
 * only products and prices it may cite), the last turns as user/assistant messages, and the
 * customer's message.
 */
public final class VendorPrompt {

  /** One chat message ({@code system}, {@code user} or {@code assistant}). */
  public record Message(String role, String content) {}

  private static final Map<String, String> LANGUAGE_NAMES = Map.of("en", "English", "ja", "Japanese", "th", "Thai");

  private static final Map<Outcome.Kind, String> TASKS = new EnumMap<>(Map.ofEntries(
      Map.entry(Outcome.Kind.GREETED, "The customer greeted you: greet them back (by name if known) and say you can help find products, check prices and stock, and order."),
      Map.entry(Outcome.Kind.THANKED, "The customer thanked you: say you're welcome and offer more help."),
      Map.entry(Outcome.Kind.PRODUCTS_FOUND, "You searched the catalog: present the products below (name and price) and invite a choice."),
      Map.entry(Outcome.Kind.NO_PRODUCTS_FOUND, "Nothing in the catalog matched: say so and ask them to try other words. Do not suggest products."),
      Map.entry(Outcome.Kind.PRICE_GIVEN, "Give the price of the focus product below and whether it is in stock."),
      Map.entry(Outcome.Kind.STOCK_GIVEN, "Say whether the focus product below is in stock and how many are available."),
      Map.entry(Outcome.Kind.PRODUCT_NEEDED, "You could not tell which product they mean: ask which one (the products below, if any, are candidates)."),
      Map.entry(Outcome.Kind.QUANTITY_NEEDED, "They want to order the focus product below: ask how many."),
      Map.entry(Outcome.Kind.ORDER_PLACED, "You placed the order below; it is pending: summarise it (items, total) and ask them to confirm or cancel with the buttons before it expires."),
      Map.entry(Outcome.Kind.ORDER_NOT_PLACED, "The order could not be placed (reason below): apologise and say why."),
      Map.entry(Outcome.Kind.ORDER_STATUS_GIVEN, "Tell the status of the order(s) below."),
      Map.entry(Outcome.Kind.NO_ORDERS, "The customer has no orders yet: say so and offer to help find something."),
      Map.entry(Outcome.Kind.HANDED_OFF, "The chat is handed to a human staff member: say a person will reply here shortly."),
      Map.entry(Outcome.Kind.COMPLAINT_RECORDED, "The customer complained and it was recorded: apologise sincerely and offer to connect them with staff."),
      Map.entry(Outcome.Kind.SERVICE_UNAVAILABLE, "The shop's systems did not answer in time: apologise and ask them to try again shortly."),
      Map.entry(Outcome.Kind.NOT_UNDERSTOOD, "You did not understand the message: say what you can help with (products, prices, stock, orders, order status).")));

  private VendorPrompt() {}

  /** The messages: system, then the last {@code historyTurns} turns, then the customer's message. */
  public static List<Message> messages(ProviderRequest r, int historyTurns, int maxProducts) {
    List<Message> messages = new ArrayList<>();
    messages.add(new Message("system", system(r, maxProducts)));
    List<Turn> turns = r.recentTurns();
    for (Turn t : turns.subList(Math.max(0, turns.size() - historyTurns), turns.size())) {
      if (t.text() == null || t.text().isBlank()) continue;
      messages.add(new Message(Turn.USER.equals(t.role()) ? "user" : "assistant", t.text()));
    }
    messages.add(new Message("user", r.message() == null ? "" : r.message()));
    return messages;
  }

  /** The system prompt. */
  public static String system(ProviderRequest r, int maxProducts) {
    String lang = ReplyTemplates.supported(r.language());
    StringBuilder s = new StringBuilder();
    s.append("You are the shopping assistant of a shop that sells on LINE. Answer only in ")
        .append(LANGUAGE_NAMES.get(lang)).append(" (").append(lang).append(")")
        .append(lang.equals("ja") ? ", politely (です/ます)" : lang.equals("th") ? ", politely (ending with ค่ะ)" : "")
        .append(", in at most 4 short sentences, plain text for a chat app.\n");
    CustomerProfile p = r.profile();
    String name = LocalProvider.displayName(p);
    if (p != null) {
      s.append("Customer: ").append(name == null ? "name unknown" : name)
          .append("; language ").append(p.language());
      if (!p.interests().isEmpty()) s.append("; interests: ").append(String.join(", ", p.interests()));
      if (!p.preferences().isEmpty()) s.append("; preferences: ").append(String.join(", ", p.preferences()));
      s.append(".\n");
    }
    Outcome.Kind kind = r.outcome() == null ? Outcome.Kind.NOT_UNDERSTOOD : r.outcome().kind();
    s.append("What you did: ").append(kind).append(". ").append(TASKS.get(kind));
    if (r.outcome() != null && r.outcome().detail() != null && !r.outcome().detail().isBlank()) {
      s.append(" Detail: ").append(r.outcome().detail().strip());
    }
    s.append('\n');
    if (r.focus() != null) {
      s.append("Focus product: ").append(product(r.focus()));
      if (r.quantity() != null) s.append("; quantity ").append(r.quantity());
      s.append('\n');
    }
    if (r.order() != null) s.append("Order: ").append(order(r.order())).append('\n');
    if (!r.orders().isEmpty()) {
      s.append("Latest orders (newest first):\n");
      for (OrderSummary o : r.orders().subList(0, Math.min(5, r.orders().size()))) {
        s.append("- ").append(order(o)).append('\n');
      }
    }
    List<ProductCard> products = r.products().subList(0, Math.min(maxProducts, r.products().size()));
    if (!products.isEmpty()) {
      s.append("Products (cite only these products and prices; never invent others, prices or stock):\n");
      for (ProductCard c : products) s.append("- ").append(product(c)).append('\n');
    } else if (r.focus() == null && r.order() == null && r.orders().isEmpty()) {
      s.append("No products were retrieved: do not name or price any product.\n");
    } else {
      s.append("Cite only the products, prices and orders above; never invent others.\n");
    }
    s.append("Never promise actions you were not told you did; orders are confirmed only with the buttons.");
    return s.toString();
  }

  private static String product(ProductCard c) {
    return "id " + c.id() + " | " + c.name() + " | " + money(c.price(), c.currency())
        + " | " + (c.stock() > 0 ? "stock " + c.stock() : "out of stock");
  }

  private static String order(OrderSummary o) {
    StringBuilder b = new StringBuilder("id ").append(o.orderId()).append(", status ").append(o.status());
    List<String> items = new ArrayList<>();
    for (OrderSummary.Item i : o.items()) {
      items.add(i.quantity() + " x " + (i.name() == null ? i.productId() : i.name())
          + (i.unitPrice() == null ? "" : " at " + money(i.unitPrice(), o.currency())));
    }
    if (!items.isEmpty()) b.append(", items: ").append(String.join("; ", items));
    if (o.total() != null) b.append(", total ").append(money(o.total(), o.currency()));
    if (o.expiresAt() != null) b.append(", confirm before ").append(o.expiresAt());
    return b.toString();
  }

  private static String money(BigDecimal amount, String currency) {
    if (amount == null) return "price unknown";
    return amount.stripTrailingZeros().toPlainString() + " " + (currency == null ? "THB" : currency);
  }
}
