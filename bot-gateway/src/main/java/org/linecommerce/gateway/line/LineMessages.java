package org.linecommerce.gateway.line;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.linecommerce.conversation.api.AiAnswer;
import org.linecommerce.conversation.api.ConversationMode;
import org.linecommerce.conversation.api.OrderSummary;
import org.linecommerce.conversation.api.ProductCard;
import org.linecommerce.conversation.api.QuickReply;

/**
 * What the bot's messages look like in LINE: turns what the bot says (a conversation answer, an
 * order notification, a welcome, an operator's text) into LINE message objects, as the JSON strings
 * {@link org.linecommerce.gateway.api.OutboundRequest#messages()} carries, always within LINE's
 * limits ({@link LineLimits}) so one list is one valid reply or push:
 *
 * <ul>
 *   <li>at most 5 messages; texts split at 5,000 UTF-16 units (at a line, sentence or space
 *       boundary when there is one, never inside a surrogate pair);
 *   <li>products as a Flex carousel (≤ 12 bubbles, ≤ 50 KB): image when there is an https one,
 *       name, price, stock, a "details" and (in stock) an "order" postback button;
 *   <li>a pending order as a Flex bubble with confirm/cancel postback buttons;
 *   <li>every rich message with a plain-text {@code altText} (≤ 400) that says the same;
 *   <li>quick replies (≤ 13, labels ≤ 20) only on the last message.
 * </ul>
 *
 * Button data is {@link PostbackData}. Wording comes from {@link Phrases} in the answer's language,
 * English for languages we do not speak. Pure and thread-safe.
 */
public final class LineMessages {

  /** Message kinds the bot cannot read and answers politely ({@link #unsupportedMessage}). */
  public static final List<String> UNSUPPORTED_KINDS = List.of("image", "sticker", "location", "video", "audio", "file");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORDER_COLOR = "#06C755";
  private static final String MUTED_COLOR = "#888888";
  private static final String OUT_OF_STOCK_COLOR = "#D9534F";

  private final Phrases phrases;
  private final LineLimits limits;

  public LineMessages(Phrases phrases, LineLimits limits) {
    this.phrases = Objects.requireNonNull(phrases);
    this.limits = Objects.requireNonNull(limits);
  }

  /** The bundled phrases and LINE's published limits. */
  public static LineMessages withDefaults() {
    return new LineMessages(Phrases.bundled(), LineLimits.defaults());
  }

  public LineLimits limits() {
    return limits;
  }

  // ---- the conversation's answer ----

  /**
   * The answer as LINE messages: its text, the products as a carousel, a pending order's summary
   * with confirm/cancel, the quick replies on the last one. Empty when there is nothing to say
   * (handoff mode answers with an empty text and nothing else).
   */
  public List<String> answer(AiAnswer answer) {
    if (answer.mode() == ConversationMode.HANDOFF) {
      return List.of(); // a person answers: the bot stays quiet
    }
    String language = Phrases.supported(answer.language());
    List<ObjectNode> rich = new ArrayList<>();
    if (!answer.products().isEmpty()) {
      ObjectNode carousel = productCarousel(language, answer.products());
      if (carousel != null) {
        rich.add(carousel);
      }
    }
    OrderSummary order = answer.order();
    if (order != null && "pending".equalsIgnoreCase(order.status()) && order.orderId() != null) {
      rich.add(pendingOrder(language, order));
    }
    String response = answer.response() == null ? "" : answer.response();
    int textSlots = Math.max(0, limits.messagesPerRequest() - rich.size());
    List<ObjectNode> messages = new ArrayList<>(textMessages(language, response, textSlots));
    messages.addAll(rich);
    if (messages.isEmpty()) {
      return List.of();
    }
    attachQuickReply(messages, messageQuickReplies(answer.quickReplies()));
    return render(messages);
  }

  // ---- plain texts and notifications ----

  /** {@code text} as text messages (split as needed, at most 5, the last cut with an ellipsis if longer). */
  public List<String> text(String text) {
    return render(textMessages("en", text == null ? "" : text, limits.messagesPerRequest()));
  }

  /** The operator's text, shown with the shop staff's name instead of the bot's. */
  public List<String> operatorMessage(String language, String text) {
    List<ObjectNode> messages = textMessages(language, text == null ? "" : text, limits.messagesPerRequest());
    String name = truncate(phrases.text(language, "operator.sender"), 20);
    for (ObjectNode m : messages) {
      m.putObject("sender").put("name", name);
    }
    return render(messages);
  }

  /** Welcome after follow, by name when known. */
  public List<String> welcome(String language, String displayName) {
    String text = displayName == null || displayName.isBlank()
        ? phrases.text(language, "welcome.anonymous")
        : phrases.text(language, "welcome", Map.of("name", displayName.strip()));
    return render(textMessages(language, text, limits.messagesPerRequest()));
  }

  /**
   * A polite answer to a message the bot cannot read; {@code messageType} is LINE's message type
   * ({@code image}, {@code sticker}, {@code location}, {@code video}, {@code audio}, {@code file},
   * anything else).
   */
  public List<String> unsupportedMessage(String language, String messageType) {
    String kind = messageType == null ? "other" : messageType.toLowerCase(Locale.ROOT);
    String key = UNSUPPORTED_KINDS.contains(kind) ? "unsupported." + kind : "unsupported.other";
    return render(List.of(textMessage(phrases.text(language, key))));
  }

  /** The order is confirmed: a thank-you and its summary. */
  public List<String> orderConfirmed(String language, OrderSummary order) {
    language = Phrases.supported(language);
    List<ObjectNode> messages = new ArrayList<>();
    messages.add(textMessage(phrases.text(language, "order.confirmed", Map.of("orderId", order.orderId()))));
    messages.add(orderBubble(language, order, false));
    return render(messages);
  }

  /** The pending order's summary with confirm/cancel buttons (e.g. to show it again). */
  public List<String> orderPending(String language, OrderSummary order) {
    return render(List.of(pendingOrder(Phrases.supported(language), order)));
  }

  /** The order expired unconfirmed: says so, with a quick reply per product to order it again. */
  public List<String> orderExpired(String language, OrderSummary order) {
    language = Phrases.supported(language);
    List<ObjectNode> messages = new ArrayList<>();
    messages.add(textMessage(phrases.text(language, "order.expired", Map.of("orderId", order.orderId()))));
    attachQuickReply(messages, reorderQuickReplies(language, order));
    return render(messages);
  }

  /** The order failed: the reasons (already in the customer's language), and a way to order again. */
  public List<String> orderFailed(String language, OrderSummary order, List<String> reasons) {
    language = Phrases.supported(language);
    List<String> given = reasons == null ? List.of() : reasons.stream().filter(r -> r != null && !r.isBlank()).toList();
    String text = given.isEmpty()
        ? phrases.text(language, "order.failed.unknown", Map.of("orderId", order.orderId()))
        : phrases.text(language, "order.failed", Map.of(
            "orderId", order.orderId(), "reasons", String.join(phrases.text(language, "list.separator"), given)));
    List<ObjectNode> messages = new ArrayList<>(textMessages(language, text, limits.messagesPerRequest()));
    attachQuickReply(messages, reorderQuickReplies(language, order));
    return render(messages);
  }

  /** The order was cancelled. */
  public List<String> orderCancelled(String language, OrderSummary order) {
    return render(List.of(textMessage(phrases.text(language, "order.cancelled", Map.of("orderId", order.orderId())))));
  }

  // ---- texts ----

  private List<ObjectNode> textMessages(String language, String text, int maxMessages) {
    if (text.isBlank() || maxMessages <= 0) {
      return new ArrayList<>();
    }
    List<String> parts = splitText(text, limits.textUnits());
    if (parts.size() > maxMessages) {
      List<String> kept = new ArrayList<>(parts.subList(0, maxMessages));
      String ellipsis = phrases.text(language, "ellipsis");
      String last = kept.get(maxMessages - 1);
      kept.set(maxMessages - 1, cutUnits(last, limits.textUnits() - ellipsis.length()) + ellipsis);
      parts = kept;
    }
    List<ObjectNode> messages = new ArrayList<>();
    for (String part : parts) {
      messages.add(textMessage(part));
    }
    return messages;
  }

  private static ObjectNode textMessage(String text) {
    ObjectNode m = NODES.objectNode();
    m.put("type", "text");
    m.put("text", text);
    return m;
  }

  /**
   * {@code text} in parts of at most {@code maxUnits} UTF-16 code units each, cut preferably after
   * a line break, else after a sentence end, else at a space, and only as a last resort in the
   * middle of a word; never between the two halves of a surrogate pair (emoji). Boundaries in the
   * first half of a part are ignored so parts do not get tiny. Parts are not blank.
   */
  static List<String> splitText(String text, int maxUnits) {
    if (maxUnits < 2) {
      throw new IllegalArgumentException("maxUnits must be at least 2");
    }
    List<String> parts = new ArrayList<>();
    int start = 0;
    int length = text.length();
    while (length - start > maxUnits) {
      int cut = bestCut(text, start, start + maxUnits);
      String part = text.substring(start, cut).stripTrailing();
      if (!part.isBlank()) {
        parts.add(part);
      }
      start = cut;
      while (start < length && Character.isWhitespace(text.charAt(start)) && text.charAt(start) != '\n') {
        start++;
      }
      while (start < length && text.charAt(start) == '\n') {
        start++;
      }
    }
    String rest = text.substring(start).stripTrailing();
    if (!rest.isBlank()) {
      parts.add(rest);
    }
    return parts;
  }

  /** Where to end the part that starts at {@code start} and may not reach past {@code limit}. */
  private static int bestCut(String text, int start, int limit) {
    int floor = start + (limit - start) / 2;
    int lineBreak = text.lastIndexOf('\n', limit - 1);
    if (lineBreak >= floor) {
      return lineBreak + 1;
    }
    for (int i = limit - 1; i >= floor; i--) {
      if (endsSentence(text, i)) {
        return i + 1;
      }
    }
    for (int i = limit - 1; i >= floor; i--) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i + 1;
      }
    }
    int cut = limit;
    if (Character.isHighSurrogate(text.charAt(cut - 1)) && cut < text.length() && Character.isLowSurrogate(text.charAt(cut))) {
      cut--;
    }
    return cut;
  }

  /**
   * Whether a sentence ends at {@code i}: a Japanese full stop, exclamation or question mark needs
   * nothing after it; an ASCII one needs a space after it (so "3.14" or "e.g.x" is not cut).
   */
  private static boolean endsSentence(String text, int i) {
    char c = text.charAt(i);
    if (c == '。' || c == '！' || c == '？') {
      return true;
    }
    return (c == '.' || c == '!' || c == '?') && i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1));
  }

  /** The longest prefix of {@code s} within {@code maxUnits} UTF-16 units, not splitting a surrogate pair. */
  static String cutUnits(String s, int maxUnits) {
    if (s.length() <= maxUnits) {
      return s;
    }
    int cut = Math.max(0, maxUnits);
    if (cut > 0 && Character.isHighSurrogate(s.charAt(cut - 1))) {
      cut--;
    }
    return s.substring(0, cut);
  }

  /** {@code s} within {@code max} units, ending with "…" when cut. */
  static String truncate(String s, int max) {
    String stripped = s == null ? "" : s.strip();
    if (stripped.length() <= max) {
      return stripped;
    }
    return cutUnits(stripped, max - 1).stripTrailing() + "…";
  }

  // ---- products ----

  private ObjectNode productCarousel(String language, List<ProductCard> products) {
    List<ProductCard> shown = new ArrayList<>();
    ArrayNode bubbles = NODES.arrayNode();
    int size = 200; // the carousel's own envelope
    for (ProductCard product : products) {
      if (bubbles.size() >= limits.carouselBubbles()) {
        break;
      }
      ObjectNode bubble = productBubble(language, product);
      int bubbleSize = utf8Size(bubble);
      if (bubbleSize > limits.bubbleBytes()) {
        continue;
      }
      if (size + bubbleSize + 1 > limits.carouselBytes()) {
        break;
      }
      size += bubbleSize + 1;
      bubbles.add(bubble);
      shown.add(product);
    }
    if (bubbles.isEmpty()) {
      return null;
    }
    ObjectNode container = NODES.objectNode();
    container.put("type", "carousel");
    container.set("contents", bubbles);
    return flexMessage(productsAltText(language, products, shown.size()), container);
  }

  private ObjectNode productBubble(String language, ProductCard product) {
    String name = truncate(product.name() == null ? product.id() : product.name(), 200);
    boolean inStock = product.stock() > 0;
    ObjectNode bubble = NODES.objectNode();
    bubble.put("type", "bubble");
    bubble.put("size", "kilo");
    if (isHttpsUrl(product.imageUrl())) {
      ObjectNode hero = bubble.putObject("hero");
      hero.put("type", "image");
      hero.put("url", product.imageUrl());
      hero.put("size", "full");
      hero.put("aspectRatio", "1:1");
      hero.put("aspectMode", "cover");
    }
    ObjectNode body = box("vertical");
    body.put("spacing", "sm");
    ArrayNode contents = body.withArray("contents");
    contents.add(flexText(name, "bold", "md", null, true));
    contents.add(flexText(phrases.price(language, product.price(), product.currency()), "bold", "lg", null, false));
    contents.add(flexText(stockPhrase(language, product), "regular", "sm",
        inStock ? MUTED_COLOR : OUT_OF_STOCK_COLOR, true));
    bubble.set("body", body);

    ObjectNode footer = box("vertical");
    footer.put("spacing", "sm");
    ArrayNode buttons = footer.withArray("contents");
    if (product.id() == null || product.id().isBlank()) {
      return bubble; // nothing to refer to in a postback
    }
    ObjectNode details = postbackAction(phrases.text(language, "label.details"),
        new PostbackData.ProductDetails(product.id()),
        phrases.text(language, "display.details", Map.of("product", name)));
    if (details != null) {
      buttons.add(button(details, "secondary"));
    }
    if (inStock) {
      ObjectNode order = postbackAction(phrases.text(language, "label.order"),
          new PostbackData.OrderProduct(product.id(), 1),
          phrases.text(language, "display.order", Map.of("product", name)));
      if (order != null) {
        buttons.add(button(order, "primary").put("color", ORDER_COLOR));
      }
    }
    if (!buttons.isEmpty()) {
      bubble.set("footer", footer);
    }
    return bubble;
  }

  private String stockPhrase(String language, ProductCard product) {
    return product.stock() > 0
        ? phrases.text(language, "stock.in", Map.of("stock", Integer.toString(product.stock())))
        : phrases.text(language, "stock.out");
  }

  private String productsAltText(String language, List<ProductCard> products, int shown) {
    StringBuilder alt = new StringBuilder(phrases.text(language, "products.alt.title"));
    for (int i = 0; i < shown; i++) {
      ProductCard p = products.get(i);
      alt.append('\n').append(phrases.text(language, "product.alt.line", Map.of(
          "product", p.name() == null ? p.id() : p.name(),
          "price", phrases.price(language, p.price(), p.currency()),
          "stock", stockPhrase(language, p))));
    }
    if (products.size() > shown) {
      alt.append('\n').append(phrases.text(language, "products.more",
          Map.of("count", Integer.toString(products.size() - shown))));
    }
    return truncate(alt.toString(), limits.altText());
  }

  // ---- orders ----

  private ObjectNode pendingOrder(String language, OrderSummary order) {
    return orderBubble(language, order, true);
  }

  /** An order summary as a Flex bubble; with confirm/cancel buttons when {@code pending}. */
  private ObjectNode orderBubble(String language, OrderSummary order, boolean pending) {
    ObjectNode bubble = NODES.objectNode();
    bubble.put("type", "bubble");
    ObjectNode body = box("vertical");
    body.put("spacing", "md");
    ArrayNode contents = body.withArray("contents");
    contents.add(flexText(phrases.text(language, pending ? "order.title.pending" : "order.title.confirmed"),
        "bold", "lg", null, true));
    contents.add(flexText(phrases.text(language, "order.number", Map.of("orderId", order.orderId())),
        "regular", "xs", MUTED_COLOR, true));
    contents.add(separator());
    for (OrderSummary.Item item : order.items()) {
      ObjectNode line = box("horizontal");
      line.withArray("contents").add(flexText(itemText(language, item), "regular", "sm", null, true).put("flex", 3));
      if (item.lineTotal() != null) {
        line.withArray("contents").add(
            flexText(phrases.price(language, item.lineTotal(), order.currency()), "regular", "sm", null, false)
                .put("flex", 2).put("align", "end"));
      }
      contents.add(line);
    }
    if (order.total() != null) {
      contents.add(separator());
      ObjectNode total = box("horizontal");
      total.withArray("contents").add(flexText(phrases.text(language, "order.total"), "bold", "md", null, false));
      total.withArray("contents").add(
          flexText(phrases.price(language, order.total(), order.currency()), "bold", "md", null, false).put("align", "end"));
      contents.add(total);
    }
    if (pending && order.expiresAt() != null) {
      contents.add(flexText(phrases.text(language, "order.expires",
          Map.of("expiresAt", phrases.time(language, order.expiresAt()))), "regular", "xs", MUTED_COLOR, true));
    }
    bubble.set("body", body);
    if (pending) {
      ObjectNode footer = box("horizontal");
      footer.put("spacing", "sm");
      ObjectNode cancel = postbackAction(phrases.text(language, "label.cancel"),
          new PostbackData.CancelOrder(order.orderId()), phrases.text(language, "display.cancel"));
      ObjectNode confirm = postbackAction(phrases.text(language, "label.confirm"),
          new PostbackData.ConfirmOrder(order.orderId()), phrases.text(language, "display.confirm"));
      if (cancel != null) {
        footer.withArray("contents").add(button(cancel, "secondary"));
      }
      if (confirm != null) {
        footer.withArray("contents").add(button(confirm, "primary").put("color", ORDER_COLOR));
      }
      if (!footer.withArray("contents").isEmpty()) {
        bubble.set("footer", footer);
      }
    }
    return flexMessage(orderAltText(language, order, pending), bubble);
  }

  private String itemText(String language, OrderSummary.Item item) {
    return phrases.text(language, "order.item", Map.of(
        "product", item.name() == null ? String.valueOf(item.productId()) : item.name(),
        "quantity", Integer.toString(item.quantity())));
  }

  private String orderAltText(String language, OrderSummary order, boolean pending) {
    List<String> items = order.items().stream().map(i -> itemText(language, i)).toList();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("orderId", order.orderId());
    values.put("items", String.join(phrases.text(language, "list.separator"), items));
    values.put("total", phrases.price(language, order.total(), order.currency()));
    String key = !pending ? "order.confirmed.alt" : order.total() == null ? "order.pending.alt.unpriced" : "order.pending.alt";
    return truncate(phrases.text(language, key, values), limits.altText());
  }

  // ---- quick replies ----

  private List<ObjectNode> messageQuickReplies(List<QuickReply> replies) {
    List<ObjectNode> items = new ArrayList<>();
    for (QuickReply reply : replies) {
      if (reply == null || reply.text() == null || reply.text().isBlank()) {
        continue;
      }
      String label = reply.label() == null || reply.label().isBlank() ? reply.text() : reply.label();
      ObjectNode action = NODES.objectNode();
      action.put("type", "message");
      action.put("label", truncate(label, limits.quickReplyLabel()));
      action.put("text", truncate(reply.text(), limits.messageActionText()));
      items.add(action);
    }
    return items;
  }

  private List<ObjectNode> reorderQuickReplies(String language, OrderSummary order) {
    List<ObjectNode> items = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (OrderSummary.Item item : order.items()) {
      if (item.productId() == null || item.productId().isBlank() || seen.contains(item.productId())) {
        continue;
      }
      seen.add(item.productId());
      String name = item.name() == null ? item.productId() : item.name();
      ObjectNode action = postbackAction(
          phrases.text(language, "label.reorder", Map.of("product", name)),
          new PostbackData.Reorder(item.productId()),
          phrases.text(language, "display.reorder", Map.of("product", name)));
      if (action != null) {
        action.put("label", truncate(action.get("label").asText(), limits.quickReplyLabel()));
        items.add(action);
      }
    }
    return items;
  }

  /** Quick replies go on the last message only: LINE shows them only there. */
  private void attachQuickReply(List<ObjectNode> messages, List<ObjectNode> actions) {
    if (messages.isEmpty() || actions.isEmpty()) {
      return;
    }
    ArrayNode items = NODES.arrayNode();
    for (ObjectNode action : actions.subList(0, Math.min(actions.size(), limits.quickReplyItems()))) {
      ObjectNode item = items.addObject();
      item.put("type", "action");
      item.set("action", action);
    }
    messages.get(messages.size() - 1).putObject("quickReply").set("items", items);
  }

  // ---- Flex building blocks ----

  private ObjectNode flexMessage(String altText, ObjectNode container) {
    ObjectNode m = NODES.objectNode();
    m.put("type", "flex");
    m.put("altText", altText.isBlank() ? "…" : altText);
    m.set("contents", container);
    return m;
  }

  private static ObjectNode box(String layout) {
    ObjectNode box = NODES.objectNode();
    box.put("type", "box");
    box.put("layout", layout);
    box.putArray("contents");
    return box;
  }

  private static ObjectNode flexText(String text, String weight, String size, String color, boolean wrap) {
    ObjectNode t = NODES.objectNode();
    t.put("type", "text");
    t.put("text", text == null || text.isEmpty() ? " " : text);
    t.put("weight", weight);
    t.put("size", size);
    if (color != null) {
      t.put("color", color);
    }
    t.put("wrap", wrap);
    return t;
  }

  private static ObjectNode separator() {
    ObjectNode s = NODES.objectNode();
    s.put("type", "separator");
    return s;
  }

  private static ObjectNode button(ObjectNode action, String style) {
    ObjectNode b = NODES.objectNode();
    b.put("type", "button");
    b.put("style", style);
    b.put("height", "sm");
    b.set("action", action);
    return b;
  }

  /** A postback action, or null when the data would not fit LINE's 300 characters (overlong ids). */
  private ObjectNode postbackAction(String label, PostbackData data, String displayText) {
    if (!data.fits()) {
      return null;
    }
    ObjectNode a = NODES.objectNode();
    a.put("type", "postback");
    a.put("label", truncate(label, limits.actionLabel()));
    a.put("data", data.encode());
    a.put("displayText", truncate(displayText, limits.messageActionText()));
    return a;
  }

  private static boolean isHttpsUrl(String url) {
    if (url == null || url.length() > 2000 || !url.startsWith("https://")) {
      return false;
    }
    try {
      return java.net.URI.create(url).getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int utf8Size(ObjectNode node) {
    return write(node).getBytes(StandardCharsets.UTF_8).length;
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a LINE message", e);
    }
  }

  private static List<String> render(List<ObjectNode> messages) {
    return messages.stream().map(LineMessages::write).toList();
  }
}
