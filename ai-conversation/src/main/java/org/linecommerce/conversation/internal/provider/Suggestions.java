package org.linecommerce.conversation.internal.provider;

import java.util.ArrayList;
import java.util.HashMap;
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
    List<ProductCard> named = new ArrayList<>(request.products());
    if (request.focus() != null) named.add(request.focus());
    Map<String, String> shorts = shortNames(named);
    switch (kind) {
      case GREETED, THANKED, NOT_UNDERSTOOD, NO_PRODUCTS_FOUND, NO_ORDERS -> {
        interests(lang, request, out, 2);
        add(out, fixed(lang, "status"));
        add(out, fixed(lang, "staff"));
      }
      case PRODUCTS_FOUND -> {
        List<ProductCard> products = request.products();
        if (!products.isEmpty()) {
          add(out, price(lang, shorts, products.get(0)));
          if (products.get(0).stock() > 0) add(out, order(lang, shorts, products.get(0), 1));
          for (ProductCard p : products.subList(1, Math.min(3, products.size()))) add(out, price(lang, shorts, p));
        }
        add(out, fixed(lang, "staff"));
      }
      case PRICE_GIVEN -> {
        if (focus != null && focus.stock() > 0) {
          add(out, order(lang, shorts, focus, 1));
          add(out, order(lang, shorts, focus, 2));
        }
        if (focus != null) add(out, withProduct(lang, shorts, "stock", focus));
        otherProducts(lang, shorts, request, focus, out);
      }
      case STOCK_GIVEN -> {
        if (focus != null && focus.stock() > 0) {
          add(out, order(lang, shorts, focus, 1));
          add(out, price(lang, shorts, focus));
        }
        otherProducts(lang, shorts, request, focus, out);
        add(out, fixed(lang, "staff"));
      }
      case PRODUCT_NEEDED -> {
        for (ProductCard p : request.products()) {
          add(out, reply(lang, "suggest.product.label", Map.of("short", shorts.get(p.id())), p.name()));
        }
        add(out, fixed(lang, "staff"));
      }
      case QUANTITY_NEEDED -> {
        if (focus != null) {
          for (int n = 1; n <= 3; n++) add(out, order(lang, shorts, focus, n));
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

  private void otherProducts(
      String lang, Map<String, String> shorts, ProviderRequest request, ProductCard focus, Map<String, QuickReply> out) {
    for (ProductCard p : request.products()) {
      if (focus != null && p.id().equals(focus.id())) continue;
      add(out, price(lang, shorts, p));
      return;
    }
  }

  private QuickReply price(String lang, Map<String, String> shorts, ProductCard p) {
    return withProduct(lang, shorts, "price", p);
  }

  private QuickReply order(String lang, Map<String, String> shorts, ProductCard p, int quantity) {
    Map<String, String> v = Map.of(
        "product", p.name(),
        "short", shorts.getOrDefault(p.id(), shortName(p.name())),
        "quantity", Integer.toString(quantity));
    return reply(lang, "suggest.order.label", v, templates.text(lang, "suggest.order.text", v));
  }

  private QuickReply withProduct(String lang, Map<String, String> shorts, String what, ProductCard p) {
    Map<String, String> v = Map.of("product", p.name(), "short", shorts.getOrDefault(p.id(), shortName(p.name())));
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
   * Short names by product id that tell the products apart: variants whose short names collide
   * ("Matcha Green" for 50g and 100g) get the first word and the first word where they differ
   * ("Matcha 50g", "Matcha 100g").
   */
  static Map<String, String> shortNames(List<ProductCard> products) {
    Map<String, String> shorts = new HashMap<>();
    for (ProductCard p : products) shorts.put(p.id(), shortName(p.name()));
    for (ProductCard p : products) {
      for (ProductCard q : products) {
        if (p.id().equals(q.id()) || !shortName(p.name()).equals(shortName(q.name()))) continue;
        String[] a = p.name().strip().split("\\s+");
        String[] b = q.name().strip().split("\\s+");
        String differing = null;
        for (int i = 0; i < a.length; i++) {
          if (i >= b.length || !a[i].equals(b[i])) {
            differing = a[i];
            break;
          }
        }
        if (differing != null && a.length > 1) shorts.put(p.id(), cut(a[0], 8) + " " + cut(differing, 8));
      }
    }
    return shorts;
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
