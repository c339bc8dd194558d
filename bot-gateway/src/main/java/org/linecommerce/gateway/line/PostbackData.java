package org.linecommerce.gateway.line;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a tapped button or quick reply asks for, as carried in a postback action's {@code data}
 * (≤ 300 characters, LINE's limit). The format is an URL-encoded query string so a person reading
 * a webhook log understands it:
 *
 * <pre>
 * action=confirm_order&amp;orderId=…      confirm a pending order
 * action=cancel_order&amp;orderId=…       cancel a pending order
 * action=product&amp;productId=…          show a product's details
 * action=order_product&amp;productId=…&amp;quantity=1   order a product
 * action=reorder&amp;productId=…          order again what expired
 * </pre>
 *
 * {@link LineMessages} writes it into buttons; the chat's reactions {@link #parse} it back. Data that
 * is not ours (old buttons, garbled or hand-made postbacks) parses to empty, never to an exception,
 * because it comes from outside.
 */
public sealed interface PostbackData {

  /** LINE's limit on a postback action's {@code data}. */
  int MAX_LENGTH = 300;

  /** Largest quantity a postback may ask for; more is typed in the chat. */
  int MAX_QUANTITY = 99;

  /** The {@code data} string; at most {@link #MAX_LENGTH} characters (see {@link #fits()}). */
  String encode();

  /** Whether {@link #encode()} is within LINE's 300 characters (ids from outside may be long). */
  default boolean fits() {
    return encode().length() <= MAX_LENGTH;
  }

  record ConfirmOrder(String orderId) implements PostbackData {
    public ConfirmOrder {
      orderId = requireId(orderId, "orderId");
    }

    @Override
    public String encode() {
      return query("confirm_order", "orderId", orderId);
    }
  }

  record CancelOrder(String orderId) implements PostbackData {
    public CancelOrder {
      orderId = requireId(orderId, "orderId");
    }

    @Override
    public String encode() {
      return query("cancel_order", "orderId", orderId);
    }
  }

  /** The product's details. */
  record ProductDetails(String productId) implements PostbackData {
    public ProductDetails {
      productId = requireId(productId, "productId");
    }

    @Override
    public String encode() {
      return query("product", "productId", productId);
    }
  }

  record OrderProduct(String productId, int quantity) implements PostbackData {
    public OrderProduct {
      productId = requireId(productId, "productId");
      if (quantity < 1 || quantity > MAX_QUANTITY) {
        throw new IllegalArgumentException("quantity must be 1.." + MAX_QUANTITY + ": " + quantity);
      }
    }

    @Override
    public String encode() {
      return query("order_product", "productId", productId) + "&quantity=" + quantity;
    }
  }

  /** Order again a product of an order that expired or failed. */
  record Reorder(String productId) implements PostbackData {
    public Reorder {
      productId = requireId(productId, "productId");
    }

    @Override
    public String encode() {
      return query("reorder", "productId", productId);
    }
  }

  /** The postback {@code data} as one of ours, or empty when it is not (never throws). */
  static Optional<PostbackData> parse(String data) {
    if (data == null || data.isBlank() || data.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    try {
      Map<String, String> fields = new HashMap<>();
      for (String pair : data.split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          return Optional.empty();
        }
        String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (fields.putIfAbsent(key, value) != null) {
          return Optional.empty(); // a repeated field is ambiguous: not ours
        }
      }
      String action = fields.getOrDefault("action", "");
      PostbackData parsed = switch (action) {
        case "confirm_order" -> new ConfirmOrder(fields.get("orderId"));
        case "cancel_order" -> new CancelOrder(fields.get("orderId"));
        case "product" -> new ProductDetails(fields.get("productId"));
        case "order_product" -> new OrderProduct(
            fields.get("productId"), Integer.parseInt(fields.getOrDefault("quantity", "1")));
        case "reorder" -> new Reorder(fields.get("productId"));
        default -> null;
      };
      return Optional.ofNullable(parsed);
    } catch (IllegalArgumentException e) {
      // URLDecoder on a bad %-escape, NumberFormatException, a missing or blank id
      return Optional.empty();
    }
  }

  private static String requireId(String id, String name) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return id;
  }

  private static String query(String action, String key, String value) {
    return "action=" + action + "&" + key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
