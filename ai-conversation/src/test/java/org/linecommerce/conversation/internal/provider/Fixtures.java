package org.linecommerce.conversation.internal.provider;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.linecommerce.conversation.api.GenerateOptions;
import org.linecommerce.conversation.api.Intent;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.Turn;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.runtime.MessageMeta;

/** Requests as the conversation builds them, with products of the sample catalog in each language. */
final class Fixtures {

  private Fixtures() {}

  static final List<String> LANGUAGES = List.of("en", "ja", "th");

  static final Map<String, List<ProductCard>> PRODUCTS = Map.of(
      "en", List.of(
          new ProductCard("matcha-powder-1", "Matcha Green Tea Powder 50g", new BigDecimal("234"), "THB", 120, null),
          new ProductCard("matcha-powder-2", "Matcha Green Tea Powder 100g", new BigDecimal("390"), "THB", 3, null),
          new ProductCard("matcha-latte-1", "Matcha Latte Mix", new BigDecimal("1250.50"), "THB", 0, null)),
      "ja", List.of(
          new ProductCard("matcha-powder-1", "抹茶パウダー 50g", new BigDecimal("234"), "THB", 120, null),
          new ProductCard("matcha-powder-2", "抹茶パウダー 100g", new BigDecimal("390"), "THB", 3, null),
          new ProductCard("matcha-latte-1", "抹茶ラテミックス", new BigDecimal("1250.50"), "THB", 0, null)),
      "th", List.of(
          new ProductCard("matcha-powder-1", "ผงชาเขียวมัทฉะ 50 กรัม", new BigDecimal("234"), "THB", 120, null),
          new ProductCard("matcha-powder-2", "ผงชาเขียวมัทฉะ 100 กรัม", new BigDecimal("390"), "THB", 3, null),
          new ProductCard("matcha-latte-1", "มัทฉะลาเต้ผง", new BigDecimal("1250.50"), "THB", 0, null)));

  /** How each language writes 234 baht and 468 baht. */
  static final Map<String, String> PRICE_234 = Map.of("en", "฿234", "ja", "234バーツ", "th", "234 บาท");
  static final Map<String, String> PRICE_468 = Map.of("en", "฿468", "ja", "468バーツ", "th", "468 บาท");

  static final Instant EXPIRES = Instant.parse("2026-11-30T08:15:00Z"); // 15:15 in Bangkok

  static OrderSummary pendingOrder(String language) {
    ProductCard p = PRODUCTS.get(language).get(0);
    return new OrderSummary("ord-7f3a9c", "pending",
        List.of(new OrderSummary.Item(p.id(), p.name(), 2, p.price(), new BigDecimal("468"))),
        new BigDecimal("468"), "THB", EXPIRES);
  }

  static CustomerProfile profile(String language, String name) {
    List<String> interests = switch (language) {
      case "ja" -> List.of("抹茶", "スキンケア");
      case "th" -> List.of("ชาเขียว", "สกินแคร์");
      default -> List.of("matcha", "skincare");
    };
    return new CustomerProfile(name, language, null, null, List.of(), interests, false);
  }

  static List<Turn> turns(String language) {
    Instant t = Instant.parse("2026-11-30T08:00:00Z");
    return List.of(
        new Turn(Turn.USER, "history-1 " + language + " matcha?", Intent.PRODUCT_SEARCH, language, null, List.of(), t),
        new Turn(Turn.BOT, "history-2 found two", Intent.PRODUCT_SEARCH, language, "local",
            List.of("matcha-powder-1"), t.plusSeconds(1)),
        new Turn(Turn.USER, "history-3 how much is it?", Intent.PRICE, language, null, List.of(), t.plusSeconds(2)),
        new Turn(Turn.BOT, "history-4 it is 234", Intent.PRICE, language, "openai", List.of(), t.plusSeconds(3)));
  }

  /** A request for {@code kind} in {@code language} carrying the data that outcome needs. */
  static ProviderRequest request(Outcome.Kind kind, String language) {
    List<ProductCard> products = PRODUCTS.get(language);
    ProductCard first = products.get(0);
    ProviderRequest base = new ProviderRequest("U1", message(language), language, intentOf(kind), Outcome.of(kind),
        profile(language, "Somchai"), turns(language), List.of(), null, null, null, List.of(),
        GenerateOptions.defaults(), MessageMeta.root("test", null));
    return switch (kind) {
      case PRODUCTS_FOUND, PRODUCT_NEEDED -> with(base, products, null, null, null, List.of());
      case PRICE_GIVEN, STOCK_GIVEN, QUANTITY_NEEDED -> with(base, products, first, null, null, List.of());
      case ORDER_PLACED -> with(base, List.of(), first, 2, pendingOrder(language), List.of());
      case ORDER_NOT_PLACED -> with(base, List.of(), products.get(1), 5, null, List.of());
      case ORDER_STATUS_GIVEN -> with(base, List.of(), null, null, pendingOrder(language), List.of(pendingOrder(language)));
      default -> base;
    };
  }

  static ProviderRequest with(
      ProviderRequest r, List<ProductCard> products, ProductCard focus, Integer quantity, OrderSummary order,
      List<OrderSummary> orders) {
    return new ProviderRequest(r.userId(), r.message(), r.language(), r.intent(), r.outcome(), r.profile(),
        r.recentTurns(), products, focus, quantity, order, orders, r.options(), r.meta());
  }

  static ProviderRequest withProfile(ProviderRequest r, CustomerProfile profile) {
    return new ProviderRequest(r.userId(), r.message(), r.language(), r.intent(), r.outcome(), profile,
        r.recentTurns(), r.products(), r.focus(), r.quantity(), r.order(), r.orders(), r.options(), r.meta());
  }

  static ProviderRequest withOptions(ProviderRequest r, GenerateOptions options) {
    return new ProviderRequest(r.userId(), r.message(), r.language(), r.intent(), r.outcome(), r.profile(),
        r.recentTurns(), r.products(), r.focus(), r.quantity(), r.order(), r.orders(), options, r.meta());
  }

  static String message(String language) {
    return switch (language) {
      case "ja" -> "抹茶はありますか？";
      case "th" -> "มีมัทฉะไหมคะ";
      default -> "do you have matcha?";
    };
  }

  static Intent intentOf(Outcome.Kind kind) {
    return switch (kind) {
      case GREETED -> Intent.GREETING;
      case THANKED -> Intent.THANKS;
      case PRICE_GIVEN -> Intent.PRICE;
      case STOCK_GIVEN -> Intent.STOCK;
      case QUANTITY_NEEDED, ORDER_PLACED, ORDER_NOT_PLACED -> Intent.ORDER;
      case ORDER_STATUS_GIVEN, NO_ORDERS -> Intent.ORDER_STATUS;
      case HANDED_OFF -> Intent.HUMAN_HANDOFF;
      case COMPLAINT_RECORDED -> Intent.COMPLAINT;
      default -> Intent.PRODUCT_SEARCH;
    };
  }

  static boolean hasJapanese(String s) {
    return s.codePoints().anyMatch(c -> {
      Character.UnicodeScript script = Character.UnicodeScript.of(c);
      return script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA
          || script == Character.UnicodeScript.HAN;
    });
  }

  static boolean hasThai(String s) {
    return s.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.THAI);
  }

  /** Whether {@code s} is written in {@code language}'s script (English: no Japanese or Thai letters). */
  static boolean inScript(String s, String language) {
    return switch (language) {
      case "ja" -> hasJapanese(s) && !hasThai(s);
      case "th" -> hasThai(s) && !hasJapanese(s);
      default -> !hasJapanese(s) && !hasThai(s) && s.chars().anyMatch(Character::isLetter);
    };
  }
}
