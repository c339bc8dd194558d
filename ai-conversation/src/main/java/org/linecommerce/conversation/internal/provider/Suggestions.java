package org.linecommerce.conversation.internal.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.QuickReply;

/**
 * The quick replies under an answer: up to {@value #MAX} short suggestions in the customer's
 * language that fit what the assistant just did (ask the price of the product shown, order it,
 * ask for the order status, talk to staff …). Labels are at most {@value #MAX_LABEL} characters
 * (LINE's limit), texts at most {@value #MAX_TEXT}. Deterministic: the same request gives the same
 * suggestions. Wording from the {@code suggest.*} keys of the reply templates.
 */
public final class Suggestions {

  public static final int MAX = 4;
  public static final int MAX_LABEL = 20;
  public static final int MAX_TEXT = 300;
  /** A product's or interest's short name in a label. */
  static final int SHORT_NAME = 12;

  private final ReplyTemplates templates;

  public Suggestions(ReplyTemplates templates) {
    this.templates = templates;
  }

  /** Suggestions with the bundled templates. */
  public static Suggestions bundled() {
    return new Suggestions(ReplyTemplates.bundled());
  }

  /** Up to four quick replies for the answer to {@code request}, in its language. */
  public List<QuickReply> forAnswer(ProviderRequest request) {
    String lang = ReplyTemplates.supported(request.language());
    Outcome.Kind kind = request.outcome() == null ? Outcome.Kind.NOT_UNDERSTOOD : request.outcome().kind();
    ProductCard focus = request.focus() != null ? request.focus()
        : request.products().isEmpty() ? null : request.products().get(0);
    Map<String, QuickReply> out = new LinkedHashMap<>(); // by label: no two buttons say the same
    switch (kind) {
      case GREETED, THANKED, NOT_UNDERSTOOD, NO_PRODUCTS_FOUND, NO_ORDERS -> {
        interests(lang, request, out, 2);
        add(out, fixed(lang, "status"));
        add(out, fixed(lang, "staff"));
      }
      case PRODUCTS_FOUND -> {
        List<ProductCard> products = request.products();
        if (!products.isEmpty()) {
          add(out, price(lang, products.get(0)));
          if (products.get(0).stock() > 0) add(out, order(lang, products.get(0), 1));
          for (ProductCard p : products.subList(1, Math.min(3, products.size()))) add(out, price(lang, p));
        }
        add(out, fixed(lang, "staff"));
      }
      case PRICE_GIVEN -> {
        if (focus != null && focus.stock() > 0) {
          add(out, order(lang, focus, 1));
          add(out, order(lang, focus, 2));
        }
        if (focus != null) add(out, withProduct(lang, "stock", focus));
        otherProducts(lang, request, focus, out);
      }
      case STOCK_GIVEN -> {
        if (focus != null && focus.stock() > 0) {
          add(out, order(lang, focus, 1));
          add(out, price(lang, focus));
        }
        otherProducts(lang, request, focus, out);
        add(out, fixed(lang, "staff"));
      }
      case PRODUCT_NEEDED -> {
        for (ProductCard p : request.products()) {
          add(out, reply(lang, "suggest.product.label", Map.of("short", shortName(p.name())), p.name()));
        }
        add(out, fixed(lang, "staff"));
      }
      case QUANTITY_NEEDED -> {
        if (focus != null) {
          for (int n = 1; n <= 3; n++) add(out, order(lang, focus, n));
        }
        add(out, fixed(lang, "staff"));
      }
      case ORDER_PLACED, ORDER_STATUS_GIVEN, ORDER_NOT_PLACED -> {
        add(out, fixed(lang, "status"));
        add(out, fixed(lang, "staff"));
      }
      case COMPLAINT_RECORDED -> add(out, fixed(lang, "staff"));
      case SERVICE_UNAVAILABLE -> {
        if (request.message() != null && !request.message().isBlank()) {
          add(out, reply(lang, "suggest.retry.label", Map.of(), request.message().strip()));
        }
        add(out, fixed(lang, "staff"));
      }
      case HANDED_OFF -> { } // a human answers next: no buttons
    }
    return out.values().stream().limit(MAX).toList();
  }

  private void interests(String lang, ProviderRequest request, Map<String, QuickReply> out, int max) {
    if (request.profile() == null) return;
    int added = 0;
    for (String interest : request.profile().interests()) {
      if (interest == null || interest.isBlank() || added == max) continue;
      String i = interest.strip();
      add(out, reply(lang, "suggest.interest.label", Map.of("short", shortName(i)),
          templates.text(lang, "suggest.interest.text", Map.of("interest", i))));
      added++;
    }
  }

  private void otherProducts(String lang, ProviderRequest request, ProductCard focus, Map<String, QuickReply> out) {
    for (ProductCard p : request.products()) {
      if (focus != null && p.id().equals(focus.id())) continue;
      add(out, price(lang, p));
      return;
    }
  }

  private QuickReply price(String lang, ProductCard p) {
    return withProduct(lang, "price", p);
  }

  private QuickReply order(String lang, ProductCard p, int quantity) {
    Map<String, String> v = Map.of(
        "product", p.name(), "short", shortName(p.name()), "quantity", Integer.toString(quantity));
    return reply(lang, "suggest.order.label", v, templates.text(lang, "suggest.order.text", v));
  }

  private QuickReply withProduct(String lang, String what, ProductCard p) {
    Map<String, String> v = Map.of("product", p.name(), "short", shortName(p.name()));
    return reply(lang, "suggest." + what + ".label", v, templates.text(lang, "suggest." + what + ".text", v));
  }

  private QuickReply fixed(String lang, String what) {
    return reply(lang, "suggest." + what + ".label", Map.of(), templates.text(lang, "suggest." + what + ".text"));
  }

  private QuickReply reply(String lang, String labelKey, Map<String, String> values, String text) {
    return new QuickReply(cut(templates.text(lang, labelKey, values).strip(), MAX_LABEL), cut(text.strip(), MAX_TEXT));
  }

  private static void add(Map<String, QuickReply> out, QuickReply reply) {
    if (!reply.label().isEmpty() && !reply.text().isEmpty()) out.putIfAbsent(reply.label(), reply);
  }

  /**
   * A product name short enough for a label: up to the first separator ({@code " - "}, comma,
   * bracket), then whole words (or, for scripts without spaces, characters) up to
   * {@value #SHORT_NAME} characters.
   */
  static String shortName(String name) {
    if (name == null) return "";
    String s = name.strip();
    for (String sep : new String[] {" - ", " – ", " — ", ",", "(", "（", "【", "、", "|"}) {
      int i = s.indexOf(sep);
      if (i > 0) s = s.substring(0, i).strip();
    }
    if (s.length() <= SHORT_NAME) return s;
    if (s.indexOf(' ') > 0) {
      StringBuilder b = new StringBuilder();
      for (String word : s.split("\\s+")) {
        if (b.length() + word.length() + (b.length() > 0 ? 1 : 0) > SHORT_NAME) break;
        if (b.length() > 0) b.append(' ');
        b.append(word);
      }
      if (b.length() > 0) return b.toString();
    }
    return cut(s, SHORT_NAME);
  }

  /** At most {@code max} UTF-16 units, cut on a code point boundary with an ellipsis. */
  static String cut(String s, int max) {
    if (s.length() <= max) return s;
    int end = max - 1;
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) end--;
    return s.substring(0, end) + "…";
  }
}
