package org.linecommerce.conversation.internal.provider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.customer.api.CustomerProfile;

/**
 * The offline provider ({@code local}): words the answer from the shop's templates
 * ({@link ReplyTemplates}) in the request's language, filled with the request's real data (product
 * names, prices, stock, quantities, the order). Instant and deterministic.
 */
public final class LocalProvider implements AiProvider {

  public static final String NAME = ChainSettings.LOCAL;

  /** Products listed in one answer; the rest are summed up as "…and N more". */
  static final int LISTED = 5;

  private final ReplyTemplates templates;

  public LocalProvider(ReplyTemplates templates) {
    this.templates = templates;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletionStage<ProviderReply> answer(ProviderRequest request) {
    try {
      return CompletableFuture.completedFuture(
          new ProviderReply(word(request), confidence(request.outcome().kind()), 0, 0));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** How sure the local provider is of its answer: high for what the assistant did, low when it did not understand. */
  static double confidence(Outcome.Kind kind) {
    return switch (kind) {
      case NOT_UNDERSTOOD -> 0.3;
      case PRODUCT_NEEDED, NO_PRODUCTS_FOUND -> 0.6;
      case SERVICE_UNAVAILABLE -> 0.5;
      default -> 0.9;
    };
  }

  /** The answer's text. */
  public String word(ProviderRequest r) {
    String lang = ReplyTemplates.supported(r.language());
    Outcome.Kind kind = r.outcome() == null ? Outcome.Kind.NOT_UNDERSTOOD : r.outcome().kind();
    ProductCard product = r.focus() != null ? r.focus() : r.products().isEmpty() ? null : r.products().get(0);
    return switch (kind) {
      case GREETED -> named(lang, "greeted", r.profile());
      case THANKED -> named(lang, "thanked", r.profile());
      case PRODUCTS_FOUND -> r.products().isEmpty() ? text(lang, "no_products_found")
          : r.products().size() == 1 ? text(lang, "products_found.one", productValues(lang, r.products().get(0)))
          : text(lang, "products_found", Map.of("list", productList(lang, r.products())));
      case NO_PRODUCTS_FOUND -> text(lang, "no_products_found");
      case PRICE_GIVEN -> product == null ? productNeeded(lang, r)
          : text(lang, "price_given", productValues(lang, product));
      case STOCK_GIVEN -> product == null ? productNeeded(lang, r)
          : text(lang, product.stock() > 0 ? "stock_given.in" : "stock_given.out", productValues(lang, product));
      case PRODUCT_NEEDED -> productNeeded(lang, r);
      case QUANTITY_NEEDED -> product == null ? productNeeded(lang, r)
          : text(lang, "quantity_needed", productValues(lang, product));
      case ORDER_PLACED -> r.order() == null ? text(lang, "service_unavailable") : orderPlaced(lang, r.order());
      case ORDER_NOT_PLACED -> text(lang, "order_not_placed", Map.of("reason", reason(lang, r, product)));
      case ORDER_STATUS_GIVEN -> orderStatus(lang, r);
      case NO_ORDERS -> text(lang, "no_orders");
      case HANDED_OFF -> text(lang, "handed_off");
      case COMPLAINT_RECORDED -> text(lang, "complaint_recorded");
      case SERVICE_UNAVAILABLE -> text(lang, "service_unavailable");
      case NOT_UNDERSTOOD -> text(lang, "not_understood");
    };
  }

  /** The customer's display name when the profile is known and not the default one, else null. */
  static String displayName(CustomerProfile profile) {
    if (profile == null || profile.displayName() == null) return null;
    String name = profile.displayName().trim();
    return name.isEmpty() || name.equals(CustomerProfile.DEFAULT_DISPLAY_NAME) ? null : name;
  }

  private String named(String lang, String key, CustomerProfile profile) {
    String name = displayName(profile);
    return name == null ? text(lang, key) : text(lang, key + ".named", Map.of("name", name));
  }

  private String productNeeded(String lang, ProviderRequest r) {
    return r.products().size() > 1
        ? text(lang, "product_needed.list", Map.of("list", productList(lang, r.products())))
        : text(lang, "product_needed");
  }

  private Map<String, String> productValues(String lang, ProductCard p) {
    Map<String, String> v = new HashMap<>();
    v.put("product", p.name());
    v.put("price", templates.price(lang, p.price(), p.currency()));
    v.put("stock", stockPhrase(lang, p.stock()));
    v.put("count", Integer.toString(p.stock()));
    return v;
  }

  private String stockPhrase(String lang, int stock) {
    return stock > 0 ? text(lang, "stock.in", Map.of("stock", Integer.toString(stock))) : text(lang, "stock.out");
  }

  private String productList(String lang, List<ProductCard> products) {
    List<String> lines = new ArrayList<>();
    for (ProductCard p : products.subList(0, Math.min(LISTED, products.size()))) {
      lines.add(text(lang, "product.line", productValues(lang, p)));
    }
    if (products.size() > LISTED) {
      lines.add(text(lang, "products.more", Map.of("count", Integer.toString(products.size() - LISTED))));
    }
    return String.join("\n", lines);
  }

  private String orderPlaced(String lang, OrderSummary order) {
    Map<String, String> v = orderValues(lang, order);
    v.put("items", items(lang, order, false));
    return text(lang, order.total() == null ? "order_placed.unpriced" : "order_placed", v);
  }

  private Map<String, String> orderValues(String lang, OrderSummary order) {
    Map<String, String> v = new HashMap<>();
    v.put("orderId", order.orderId());
    v.put("total", order.total() == null ? "" : templates.price(lang, order.total(), order.currency()));
    v.put("expiresAt", templates.time(lang, order.expiresAt()));
    v.put("status", status(lang, order.status()));
    return v;
  }

  private String items(String lang, OrderSummary order, boolean inline) {
    List<String> lines = new ArrayList<>();
    for (OrderSummary.Item item : order.items()) {
      Map<String, String> v = new HashMap<>();
      v.put("product", item.name() == null || item.name().isBlank() ? item.productId() : item.name());
      v.put("quantity", Integer.toString(item.quantity()));
      v.put("lineTotal", templates.price(lang, item.lineTotal(), order.currency()));
      String key = inline ? "order.item.inline" : item.lineTotal() == null ? "order.item" : "order.item.priced";
      lines.add(text(lang, key, v));
    }
    return String.join(inline ? text(lang, "list.separator") : "\n", lines);
  }

  private String status(String lang, String status) {
    String key = "status." + (status == null ? "pending" : status.trim().toLowerCase(Locale.ROOT));
    return templates.has(lang, key) ? text(lang, key) : status;
  }

  private String orderStatus(String lang, ProviderRequest r) {
    if (r.order() != null) {
      Map<String, String> v = orderValues(lang, r.order());
      v.put("items", items(lang, r.order(), true));
      return text(lang, r.order().total() == null ? "order_status_given.one" : "order_status_given.one.priced", v);
    }
    if (r.orders().isEmpty()) return text(lang, "no_orders");
    List<String> lines = new ArrayList<>();
    for (OrderSummary o : r.orders().subList(0, Math.min(LISTED, r.orders().size()))) {
      lines.add(text(lang, o.total() == null ? "order.line" : "order.line.priced", orderValues(lang, o)));
    }
    return text(lang, "order_status_given.list", Map.of("list", String.join("\n", lines)));
  }

  /**
   * Why an order was not placed, from the facts when they tell (the product's stock against the
   * quantity), else from {@code Outcome.detail} when it names a known reason
   * ({@code out_of_stock}, {@code not_enough_stock}, {@code unavailable}, {@code invalid}).
   */
  private String reason(String lang, ProviderRequest r, ProductCard product) {
    Map<String, String> v = new HashMap<>();
    if (product != null) {
      v = productValues(lang, product);
      v.put("stock", Integer.toString(product.stock()));
      if (product.stock() <= 0) return text(lang, "reason.out_of_stock", v);
      if (r.quantity() != null && r.quantity() > product.stock()) return text(lang, "reason.not_enough_stock", v);
    }
    String detail = r.outcome() == null ? null : r.outcome().detail();
    if (detail == null || detail.isBlank()) return "";
    String lower = detail.toLowerCase(Locale.ROOT);
    String code = lower.contains("out of stock") || lower.contains("out_of_stock") ? "out_of_stock"
        : lower.contains("stock") ? "not_enough_stock"
        : lower.contains("unavailable") || lower.contains("timeout") || lower.contains("time out") ? "unavailable"
        : lower.contains("invalid") ? "invalid"
        : null;
    if (code == null) return "";
    if ((code.equals("out_of_stock") || code.equals("not_enough_stock")) && product == null) return "";
    return text(lang, "reason." + code, v);
  }

  private String text(String lang, String key) {
    return templates.text(lang, key);
  }

  private String text(String lang, String key, Map<String, String> values) {
    return templates.text(lang, key, values);
  }
}
